#!/usr/bin/env python3
"""Builds the normalization benchmark texts under .bench/ (never committed).

persian.txt  (>= 2 MB): every dialogue line of chatterbot-corpus 1.3.3's Persian topic files (real
             sentences, with Arabic kaf/yeh, ZWNJ and Persian digits as people typed them), followed by
             pseudo-sentences of 6-14 Persian words drawn, with a fixed seed, by frequency from wordfreq
             3.1.1's small_fa list, until the file passes 2.5 MB.
mixed.txt    (>= 8 MB): chatterbot Persian + Portuguese + English lines, repeated; already NFC.
mixed-nfd.txt: the same text in NFD (what macOS produces), so NFC has real composition work to do.
Needs only the Python standard library (a tiny msgpack reader is below).
"""
import glob, gzip, os, random, struct, sys, unicodedata

root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
assets = os.path.join(root, ".assets")
out_dir = os.path.join(root, ".bench")
os.makedirs(out_dir, exist_ok=True)


def chatterbot_lines(lang):
    lines = []
    for path in sorted(glob.glob(os.path.join(assets, "corpora/chatterbot", lang, "*.yml"))):
        for raw in open(path, encoding="utf-8"):
            s = raw.strip()
            if s.startswith("- - "):
                s = s[4:]
            elif s.startswith("- "):
                s = s[2:]
            else:
                continue
            s = s.strip().strip('"').strip()
            if s:
                lines.append(s)
    return lines


def unpack(data, i=0):
    """Minimal msgpack decoder: maps, arrays, strings, ints, floats, nil, bools."""
    b = data[i]
    if b <= 0x7F: return b, i + 1
    if 0x80 <= b <= 0x8F: return unpack_map(data, i + 1, b & 0x0F)
    if 0x90 <= b <= 0x9F: return unpack_array(data, i + 1, b & 0x0F)
    if 0xA0 <= b <= 0xBF: n = b & 0x1F; return data[i + 1:i + 1 + n].decode(), i + 1 + n
    if b >= 0xE0: return b - 0x100, i + 1
    if b == 0xC0: return None, i + 1
    if b in (0xC2, 0xC3): return b == 0xC3, i + 1
    if b in (0xD9, 0xDA, 0xDB):
        w = {0xD9: 1, 0xDA: 2, 0xDB: 4}[b]; n = int.from_bytes(data[i + 1:i + 1 + w], "big")
        return data[i + 1 + w:i + 1 + w + n].decode(), i + 1 + w + n
    if b in (0xDC, 0xDD):
        w = 2 if b == 0xDC else 4; return unpack_array(data, i + 1 + w, int.from_bytes(data[i + 1:i + 1 + w], "big"))
    if b in (0xDE, 0xDF):
        w = 2 if b == 0xDE else 4; return unpack_map(data, i + 1 + w, int.from_bytes(data[i + 1:i + 1 + w], "big"))
    if b in (0xCC, 0xCD, 0xCE, 0xCF):
        w = {0xCC: 1, 0xCD: 2, 0xCE: 4, 0xCF: 8}[b]; return int.from_bytes(data[i + 1:i + 1 + w], "big"), i + 1 + w
    if b in (0xD0, 0xD1, 0xD2, 0xD3):
        w = {0xD0: 1, 0xD1: 2, 0xD2: 4, 0xD3: 8}[b]
        return int.from_bytes(data[i + 1:i + 1 + w], "big", signed=True), i + 1 + w
    if b == 0xCA: return struct.unpack(">f", data[i + 1:i + 5])[0], i + 5
    if b == 0xCB: return struct.unpack(">d", data[i + 1:i + 9])[0], i + 9
    raise ValueError(f"msgpack type 0x{b:02x} not handled")


def unpack_array(data, i, n):
    items = []
    for _ in range(n):
        v, i = unpack(data, i); items.append(v)
    return items, i


def unpack_map(data, i, n):
    m = {}
    for _ in range(n):
        k, i = unpack(data, i); v, i = unpack(data, i); m[k] = v
    return m, i


def wordfreq_words(name):
    """(word, weight) pairs: element i > 0 of the list holds words of frequency 10^(-i/100)."""
    path = os.path.join(assets, "wordfreq", name)
    if not os.path.exists(path):
        return []
    bins, _ = unpack(gzip.open(path).read())
    return [(w, 10 ** (-i / 100)) for i, words in enumerate(bins[1:], start=1) for w in words]


def write(name, lines, target):
    text, size, k = [], 0, 0
    while size < target:
        line = lines[k % len(lines)]; text.append(line); size += len(line.encode()) + 1; k += 1
    with open(os.path.join(out_dir, name), "w", encoding="utf-8") as f:
        f.write("\n".join(text) + "\n")
    print(f"{name}: {size / 1e6:.2f} MB, {len(text)} lines", file=sys.stderr)


fa = chatterbot_lines("persian")
pairs = wordfreq_words("small_fa.msgpack.gz")
persian = list(fa)
if pairs:
    rng = random.Random(20261123)
    words, weights = zip(*pairs)
    size = sum(len(s.encode()) + 1 for s in persian)
    while size < 2_500_000:
        s = " ".join(rng.choices(words, weights=weights, k=rng.randint(6, 14)))
        persian.append(s); size += len(s.encode()) + 1
write("persian.txt", persian, 2_500_000)
mixed = fa + chatterbot_lines("portuguese") + chatterbot_lines("english")
write("mixed.txt", [unicodedata.normalize("NFC", s) for s in mixed], 8_000_000)
write("mixed-nfd.txt", [unicodedata.normalize("NFD", s) for s in mixed], 8_000_000)
