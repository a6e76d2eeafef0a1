"""HF tokenizers' BERT normalizer + pre-tokenizer behaviour for every code point, as compact table rows.

Used by generate-tokenization.py (run with .venv/ref/bin/python). Row format (tab-separated):
    CP or LO-HI   KIND   OUTPUT   [PER-CHAR KINDS, only for KIND = mixed]
CP, LO, HI and OUTPUT code points are upper-case hex, at least 4 digits. OUTPUT is `=` when each code point
of the row maps to itself, empty when it is removed, else the output code points separated by spaces (the
same for every code point of the row). KIND is what the pre-tokenizer then does with the output:
    removed   the output is empty (clean_text: controls, format characters, private use, U+0000, U+FFFD;
              strip_accents: non-spacing marks)
    space     the output is whitespace: it separates words
    isolated  the output is a word by itself: punctuation, or a CJK ideograph that handle_chinese_chars
              pads with spaces (OUTPUT then lists the ideograph without the padding)
    word      the output differs from the input but is made of ordinary word characters
    mixed     the output mixes kinds; column 4 lists each output character's kind (space/isolated/word)
A code point missing from the table maps to itself and is an ordinary word character.
The normalizer works on each character alone (NFD, mark removal and per-character lowercasing), so the
table describes the whole normalizer, except NFD's canonical reordering of marks in uncased mode.
"""

from tokenizers.normalizers import BertNormalizer
from tokenizers.pre_tokenizers import BertPreTokenizer


def _hex(s):
    return " ".join(f"{ord(ch):04X}" for ch in s)


def _char_kind(pre, cache, ch):
    """How BertPreTokenizer treats `ch` between two letters: dropped (space), split off, or kept in."""
    if ch not in cache:
        pieces = [p for p, _ in pre.pre_tokenize_str("a" + ch + "a")]
        if pieces == ["a", "a"]:
            cache[ch] = "space"
        elif pieces == ["a", ch, "a"]:
            cache[ch] = "isolated"
        elif pieces == ["a" + ch + "a"]:
            cache[ch] = "word"
        else:
            raise ValueError(f"unexpected pre-tokenization of U+{ord(ch):04X}: {pieces!r}")
    return cache[ch]


def classify(normalizer, pre, cache, c):
    """(kind, output, per-char kinds) for code point c, or None when it maps to itself as a word char."""
    ch = chr(c)
    n = normalizer.normalize_str(ch)
    if n == "":
        return ("removed", "", "")
    kinds = [_char_kind(pre, cache, x) for x in n]
    if all(k == "space" for k in kinds):
        return ("space", "=" if n == ch else _hex(n), "")
    if len(n) >= 3 and kinds[0] == kinds[-1] == "space" and "space" not in kinds[1:-1]:
        core = n[1:-1]  # handle_chinese_chars: " X " for a CJK ideograph
        return ("isolated", "=" if core == ch else _hex(core), "")
    if all(k == "isolated" for k in kinds):
        return ("isolated", "=" if n == ch else _hex(n), "")
    if all(k == "word" for k in kinds):
        return None if n == ch else ("word", _hex(n), "")
    return ("mixed", _hex(n), " ".join(kinds))


def codepoint_table(lowercase, strip_accents):
    """The table rows for one mode, consecutive code points with identical rows merged into ranges."""
    normalizer = BertNormalizer(clean_text=True, handle_chinese_chars=True,
                                strip_accents=strip_accents, lowercase=lowercase)
    pre = BertPreTokenizer()
    cache = {}
    runs = []  # [lo, hi, row]
    for c in range(0x110000):
        if 0xD800 <= c <= 0xDFFF:
            continue
        row = classify(normalizer, pre, cache, c)
        if row is None:
            continue
        if runs and runs[-1][1] == c - 1 and runs[-1][2] == row:
            runs[-1][1] = c
        else:
            runs.append([c, c, row])
    lookup = {}
    for lo, hi, row in runs:
        for c in (lo, hi):
            lookup[c] = row
    _check(lookup, runs, lowercase)
    lines = []
    for lo, hi, (kind, output, per_char) in runs:
        cps = f"{lo:04X}" if lo == hi else f"{lo:04X}-{hi:04X}"
        lines.append("\t".join([cps, kind, output] + ([per_char] if per_char else [])))
    return lines


def _row(runs, c):
    for lo, hi, row in runs:
        if lo <= c <= hi:
            return row
    return None


def _check(lookup, runs, uncased):
    """Hand-verified facts about HF's behaviour; a failure means the table is wrong."""
    expect = {
        0x0021: ("isolated", "=", ""),      # '!' ASCII punctuation
        0x200C: ("removed", "", ""),        # ZWNJ is Cf: cleaned away
        0x3000: ("space", "0020", ""),      # ideographic space
        0x4E00: ("isolated", "=", ""),      # CJK ideograph, padded
        0x0000: ("removed", "", ""),
        0xFFFD: ("removed", "", ""),
        0xE000: ("removed", "", ""),        # private use (Co)
        0x0009: ("space", "0020", ""),
        0x00A0: ("space", "0020", ""),
        0x2B920: ("isolated", "=", ""),     # HF's CJK range starts at 2B920 (typo for 2B820)
    }
    if uncased:
        expect.update({
            0x00E9: ("word", "0065", ""),       # é -> e
            0x0130: ("word", "0069", ""),       # İ -> NFD I + U+0307, mark dropped, lowercased
            0xF900: ("isolated", "8C48", ""),   # CJK compatibility ideograph: padded, then NFD singleton
            0x0301: ("removed", "", ""),        # combining acute (Mn)
            0x0041: ("word", "0061", ""),
            0x037E: ("isolated", "003B", ""),   # Greek question mark -> ';'
        })
    else:
        expect.update({0x00E9: None, 0x0130: None, 0x0301: None, 0x0041: None,
                       0xF900: ("isolated", "=", ""), 0x037E: ("isolated", "=", "")})
    for c, want in expect.items():
        got = _row(runs, c)
        if got != want:
            raise AssertionError(f"U+{c:04X}: expected {want}, table says {got}")
    if _row(runs, 0x2B820) is not None or _row(runs, 0x0378) is not None:
        raise AssertionError("U+2B820 and unassigned U+0378 should be plain word characters in HF")
