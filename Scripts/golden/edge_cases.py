#!/usr/bin/env python3
"""Writes Fixtures/tokenization/edge-cases.txt: hand-written lines that hit every edge of BERT tokenization.

Usage: python3 Scripts/golden/edge_cases.py

The lines are written here as Python literals with explicit escapes, so that invisible characters, NFD
sequences and the NUL byte are unambiguous; each carries a note saying what it tests. Line n of the fixture
(1-based) is CASES[n - 1][1]; line n of edge-cases.notes.txt is its note. No line contains "\\n" or "\\r" (the file is split on "\\n" only).
"""

import os

LONG_100 = "ab" * 50  # exactly 100 characters: WordPiece runs ("ab" "##ab" ...)
LONG_101 = "ab" * 50 + "c"  # 101 characters: [UNK]
NFD_E = "e\u0301"

CASES = [
    # --- plain English, WordPiece continuation pieces ---------------------------------------------------
    ("english sentence", "The quick brown fox jumps over the lazy dog."),
    ("greeting with punctuation", "Hello, world! How are you?"),
    ("continuation pieces", "unaffable UNAFFABLE Unaffable unbelievably tokenization"),
    ("apostrophes", "don't won't it's rock'n'roll O'Neill"),
    ("curly apostrophes", "don\u2019t l\u2019homme d\u2019\u00e1gua \u2018quoted\u2019 \u201cdouble\u201d"),
    ("hyphenation", "e-mail well-known state-of-the-art co-operate"),
    ("leading and trailing spaces", "   padded line with spaces   "),
    ("many inner spaces", "many      spaces\t\ttabs  between   words"),
    ("mixed case", "HELLO World hElLo WORLD"),
    ("a review", "a gripping, if overlong, thriller: 3.5/5 stars (and that's generous)."),
    # --- accents, precomposed and NFD -------------------------------------------------------------------
    ("french precomposed", "caf\u00e9 na\u00efve r\u00e9sum\u00e9 co\u00f6perate fa\u00e7ade"),
    ("french NFD", "cafe\u0301 nai\u0308ve re\u0301sume\u0301 coo\u0308perate fac\u0327ade"),
    ("portuguese precomposed", "a\u00e7\u00e3o, cora\u00e7\u00e3o, p\u00e3o, av\u00f3, av\u00f4, voc\u00ea, \u00f3rg\u00e3o, al\u00e9m, \u00e0, \u00e0s"),
    ("portuguese NFD", "ac\u0327a\u0303o, corac\u0327a\u0303o, pa\u0303o, avo\u0301, avo\u0302, voce\u0302, o\u0301rga\u0303o, ale\u0301m, a\u0300, a\u0300s"),
    ("portuguese upper", "A\u00c7\u00c3O CORA\u00c7\u00c3O \u00d3RG\u00c3O S\u00c3O PAULO"),
    ("portuguese sentence", "S\u00e3o Paulo \u00e9 a maior cidade do Brasil."),
    ("portuguese sentence 2", "N\u00e3o sei se vou \u00e0 praia amanh\u00e3, mas talvez v\u00e1 ao cinema."),
    ("portuguese ordinals", "1\u00ba lugar, 2\u00aa vez, n\u00ba 5, \u00ba \u00aa"),
    ("portuguese questions", "Voc\u00ea j\u00e1 comeu? Onde est\u00e1 o \u00f4nibus? Qual \u00e9 a sua opini\u00e3o?"),
    ("portuguese mixed NFC/NFD", "informa\u00e7\u00e3o informac\u0327a\u0303o INFORMA\u00c7\u00c3O"),
    ("spanish marks", "\u00bfQu\u00e9 tal? \u00a1Muy bien! ni\u00f1o NI\u00d1O nin\u0303o"),
    ("vietnamese stacked", "Ti\u1ebfng Vi\u1ec7t c\u00f3 nhi\u1ec1u d\u1ea5u"),
    # --- combining marks alone and stacked --------------------------------------------------------------
    ("combining acute alone", "\u0301"),
    ("combining marks spaced", " \u0301 \u0308 \u0327 "),
    ("stacked marks on a", "a\u0301\u0302\u0303\u0304\u0308"),
    ("mark at word start", "\u0301abc \u0308xyz"),
    ("five acutes", "e\u0301\u0301\u0301\u0301\u0301"),
    ("enclosing mark Me", "x\u20dd y\u20e3"),
    ("devanagari spacing mark Mc", "\u0915\u093f \u0915\u093e"),
    ("marks after punctuation", "!\u0301 ?\u0308 .\u0327"),
    ("mark after space after word", "word \u0301word"),
    # --- case mapping specials --------------------------------------------------------------------------
    ("turkish dotted I", "\u0130stanbul \u0130 \u0131 I\u011eDIR i\u0307"),
    ("german sharp s", "Stra\u00dfe STRASSE \u00df \u1e9e gro\u00df"),
    ("greek final sigma", "\u039f\u0394\u039f\u03a3 \u03a3\u03af\u03c3\u03c5\u03c6\u03bf\u03c2 \u03a3\u0391\u03a3 \u03c3\u03c2\u03a3"),
    ("greek polytonic", "\u1f40\u03b4\u03c5\u03c3\u03c3\u03b5\u03cd\u03c2 \u1f08\u03b8\u1fc6\u03bd\u03b1\u03b9"),
    ("titlecase digraphs", "\u01c5 \u01c8 \u01cb \u01c4 \u01c6"),
    ("kelvin angstrom ohm", "\u212a \u212b \u2126 5\u212a"),
    ("cyrillic", "\u041f\u0440\u0438\u0432\u0435\u0442 \u043c\u0438\u0440 \u0401\u0436 \u0439"),
    # --- ligatures, full width, compatibility characters -------------------------------------------------
    ("latin ligatures", "\ufb01nance \ufb02ow \ufb00 \ufb03 \ufb04 \ufb05 \ufb06"),
    ("ae oe ij", "\u00c6sir \u00e6ther \u0152uvre \u0153 \u0132 \u0133"),
    ("full-width latin", "\uff21\uff22\uff23 \uff41\uff42\uff43 \uff11\uff12\uff13"),
    ("full-width punctuation", "\uff48\uff45\uff4c\uff4c\uff4f\uff0c\uff57\uff4f\uff52\uff4c\uff44\uff01"),
    ("superscripts fractions", "x\u00b2 \u00b3 \u00b9 \u00bd \u00bc \u2153 \u2460\u2461 \u216b"),
    ("math alphanumerics", "\U0001d400\U0001d401 \U0001d7ce \U0001d552"),
    ("micro and degree", "5\u00b5m 20\u00b0C \u00b1 \u00d7 \u00f7"),
    # --- Persian and Arabic script -----------------------------------------------------------------------
    ("persian ZWNJ words", "\u0645\u06cc\u200c\u062e\u0648\u0627\u0647\u0645 \u06a9\u062a\u0627\u0628\u200c\u0647\u0627"),
    ("persian sentence", "\u0645\u0646 \u0627\u0645\u0631\u0648\u0632 \u0628\u0647 \u06a9\u062a\u0627\u0628\u062e\u0627\u0646\u0647 \u0631\u0641\u062a\u0645\u060c \u0627\u0645\u0627 \u0628\u0633\u062a\u0647 \u0628\u0648\u062f."),
    ("arabic punctuation", "\u0633\u0644\u0627\u0645\u060c \u062e\u0648\u0628\u06cc\u061f \u0628\u0644\u0647\u061b \u00ab\u06a9\u062a\u0627\u0628\u00bb"),
    ("persian question", "\u062d\u0627\u0644\u062a \u0686\u0637\u0648\u0631\u0647\u061f \u0645\u0646 \u062e\u0648\u0628\u0645\u060c \u0645\u0645\u0646\u0648\u0646\u0645!"),
    ("ZWNJ alone", "\u200c"),
    ("ZWJ between latin", "a\u200db a\u200cb"),
    ("ZWNJ at word edges", "\u200c\u0643\u062a\u0627\u0628\u200c \u200c\u200c"),
    ("persian digits", "\u06f1\u06f2\u06f3\u06f4\u06f5\u06f6\u06f7\u06f8\u06f9\u06f0"),
    ("arabic-indic digits", "\u0661\u0662\u0663\u0664\u0665\u0666\u0667\u0668\u0669\u0660"),
    ("persian decimal and thousands", "\u06f3\u066b\u06f5 \u0648 \u06f1\u066c\u06f0\u06f0\u06f0 \u0648 \u06f5\u066a"),
    ("mixed digits", "\u0633\u0627\u0644 \u06f1\u06f4\u06f0\u06f2 \u0648 1402 \u0648 \u0661\u0664\u0660\u0662"),
    ("kashida", "\u0633\u0644\u0627\u0645\u0640\u0640\u0640\u0640\u0640 \u0645\u0640\u062d\u0640\u0645\u0640\u062f"),
    ("harakat", "\u0645\u064f\u062d\u064e\u0645\u0651\u064e\u062f \u0643\u0650\u062a\u064e\u0627\u0628\u064c \u0671\u0644\u0652\u062d\u064e\u0645\u0652\u062f\u064f"),
    ("superscript alef and madda", "\u0647\u0670\u0630\u0627 \u0622\u0628 \u0627\u0653"),
    ("arabic letter variants", "\u064a \u0649 \u0643 \u0629 \u06c0 \u0623 \u0625 \u0624 \u06cc \u06a9"),
    ("presentation forms B", "\ufee3\ufea4\ufee4\ufeaa \ufe8d\ufedf\ufecc\ufeae\ufe91\ufef4\ufe94 \ufefb"),
    ("presentation ligatures", "\ufdf2 \ufdfc \ufdfd \ufc60"),
    ("initial noon presentation form", "\ufee7\ufe8e\ufee3\ufeea"),
    ("legacy ZWNJ not sign", "\u0645\u06cc\u00ac\u062e\u0648\u0627\u0647\u0645"),
    ("persian with english", "\u0645\u0646 iPhone \u062e\u0631\u06cc\u062f\u0645 (\u0642\u06cc\u0645\u062a: $999)."),
    ("bidi controls", "\u200e\u200fabc\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069def"),
    ("arabic end of ayah and new chars", "\u06dd\u0661 \u0890 \u0897 \u08e2 \u0600"),
    ("arabic full stop and percent", "\u0627\u06cc\u0646 \u06f5\u06f0\u066a \u0627\u0633\u062a\u06d4"),
    ("hebrew with points", "\u05e9\u05c1\u05b8\u05dc\u05d5\u05b9\u05dd \u05e2\u05d5\u05dc\u05dd"),
    # --- emoji ---------------------------------------------------------------------------------------------
    ("single emoji", "\U0001f600"),
    ("emoji between words", "text\U0001f600text \U0001f44d\U0001f3fd great"),
    ("skin tones", "\U0001f44d\U0001f3fb \U0001f44d\U0001f3ff \U0001f3fb"),
    ("ZWJ family", "\U0001f468\u200d\U0001f469\u200d\U0001f467\u200d\U0001f466"),
    ("flags", "\U0001f1ee\U0001f1f7\U0001f1e7\U0001f1f7\U0001f1fa\U0001f1f8"),
    ("variation selectors", "\u2764\ufe0f \u2764\ufe0e \u263a\ufe0f"),
    ("keycap", "1\ufe0f\u20e3 #\ufe0f\u20e3"),
    ("rainbow flag", "\U0001f3f3\ufe0f\u200d\U0001f308"),
    ("tag sequence flag", "\U0001f3f4\U000e0067\U000e0062\U000e0065\U000e006e\U000e0067\U000e007f"),
    ("new emoji", "\U0001fae8 \U0001fa77 \U0001f979"),
    ("snowman and symbols", "hello\u2603world \u2605 \u2665 \u266b \u00a9 \u00ae \u2122"),
    # --- CJK and other scripts -------------------------------------------------------------------------------
    ("chinese", "\u4e2d\u6587\u5b57\u7b26\uff0c\u6211\u7231\u5317\u4eac\u3002"),
    ("japanese mixed", "\u65e5\u672c\u8a9e\u306e\u6587\u7ae0\u3067\u3059\u3002\u30ab\u30bf\u30ab\u30ca \uff76\uff80\uff76\uff85"),
    ("cjk with latin", "abc\u4e2ddef 3\u5e74 \u4e00\u4e8c\u4e09"),
    ("cjk compatibility F900", "\uf900 \uf901 \uf902\uf903 \ufa0e \ufaff"),
    ("cjk extension A", "\u3400 \u4db5 \u4dbf"),
    ("cjk extension B", "\U00020000\U00020001 \U0002a6d6 \U0002a6df"),
    ("cjk ext C D", "\U0002a700 \U0002b734 \U0002b740 \U0002b81d \U0002b81f"),
    ("cjk ext E start, HF typo range", "\U0002b820 \U0002b821 \U0002b8a0 \U0002b91f"),
    ("cjk ext E after typo", "\U0002b920 \U0002b921 \U0002ceaf \U0002ceb0"),
    ("cjk ext F G H", "\U0002ceb0 \U0002ebe0 \U00030000 \U00031350"),
    ("cjk compatibility supplement", "\U0002f800 \U0002fa1d \U0002fa1f"),
    ("cjk radicals and strokes", "\u2e80 \u2f00 \u31c0 \u3005 \u3007"),
    ("hangul", "\uc548\ub155\ud558\uc138\uc694 \uc138\uacc4"),
    ("hangul jamo", "\u1100\u1161\u11a8 \u3131\u314f"),
    ("thai", "\u0e2a\u0e27\u0e31\u0e2a\u0e14\u0e35\u0e04\u0e23\u0e31\u0e1a"),
    ("devanagari", "\u0928\u092e\u0938\u094d\u0924\u0947 \u0926\u0941\u0928\u093f\u092f\u093e \u0939\u093f\u0928\u094d\u0926\u0940"),
    ("tibetan unmatched", "ab\u0f00cd \u0f40\u0f72"),
    ("ideographic space and punctuation", "\u6771\u4eac\u3000\u5927\u962a\u3001\u300c\u540d\u53e4\u5c4b\u300d"),
    # --- control, format, private-use, unassigned ------------------------------------------------------------
    ("tab inside", "a\tb\tc"),
    ("NEL U+0085", "a\u0085b \u0085"),
    ("line separator U+2028", "a\u2028b \u2029c"),
    ("vertical tab and form feed", "a\u000bb\u000cc"),
    ("unit separator U+001F and FS GS RS", "a\u001fb \u001c\u001d\u001e"),
    ("DEL U+007F", "a\u007fb \u007f"),
    ("C1 controls", "a\u0080b\u009fc"),
    ("zero width space", "a\u200bb \u200b"),
    ("soft hyphen", "co\u00adop\u00aderate \u00ad"),
    ("BOM inside", "\ufeffstart a\ufeffb"),
    ("replacement character", "a\ufffdb \ufffd"),
    ("private use", "a\ue000b \ue000 \U000f0000 \U0010fffd"),
    ("unassigned", "a\u0378b \u0378 \U000e0080"),
    ("noncharacters", "a\uffffb \ufdd0 \U0001fffe"),
    ("NUL byte", "a\u0000b \u0000 end"),
    ("only controls", "\u0000\u0001\u007f\u200b\u00ad\ufeff"),
    ("no-break and other spaces", "a\u00a0b c\u2009d e\u202ff g\u1680h i\u3000j k\u205fl"),
    ("mongolian vowel separator", "a\u180eb"),
    ("word joiner and invisible operators", "a\u2060b c\u2062d"),
    ("interlinear annotation and tags", "a\ufff9b\ufffbc \U000e0001"),
    # --- long words ----------------------------------------------------------------------------------------
    ("word of exactly 100 chars", LONG_100),
    ("word of 101 chars", LONG_101),
    ("100 and 101 in one line", LONG_100 + " " + LONG_101 + " end"),
    ("101 code points with marks (uncased strips to 51)", NFD_E * 50 + "x"),
    ("100 code points with marks (cased: [UNK], U+0301 is not in the vocabulary)", NFD_E * 50),
    ("spacing vowel signs (Mc, kept by strip_accents), 100 code points", "\u093e\u093f" * 50),
    ("spacing vowel signs (Mc), 101 code points", "\u093e\u093f" * 50 + "\u093e"),
    ("persian word of 100 letters", "\u0628" * 100),
    ("persian word of 101 letters", "\u0628" * 101),
    ("emoji word of 101", "\U0001f600" * 101),
    ("long word split by punctuation", "-".join(["abcdefghij"] * 15)),
    ("200 char word", "x" * 200),
    # --- unmatched pieces -----------------------------------------------------------------------------------
    ("unmatched piece inside word", "hello\u2603world"),
    ("rare symbol words", "\u16a0\u16a1 \u2c00 \ua000"),
    ("partially matched", "tokenization\u0f00 ok"),
    # --- special tokens in raw text ---------------------------------------------------------------------------
    ("special tokens", "[CLS] hello [SEP]"),
    ("mask and pad", "the [MASK] is [PAD] and [UNK]"),
    ("lowercase special tokens", "[cls] [sep] [mask] [Sep] [Cls]"),
    ("special token glued", "x[SEP]y [CLS]abc def[MASK]"),
    ("nested brackets", "[[CLS]] [ [SEP] ] [CLS"),
    ("adjacent specials", "[CLS][SEP][MASK][PAD][UNK]"),
    ("special tokens only", "[CLS]"),
    ("unused tokens", "[unused0] [unused1]"),
    ("spaced special", "[ CLS ] [CLS ] [ SEP]"),
    ("special inside persian", "\u0633\u0644\u0627\u0645[MASK]\u062f\u0646\u06cc\u0627"),
    # --- punctuation ----------------------------------------------------------------------------------------------
    ("punctuation runs", "!!!???... --- *** ###"),
    ("ascii symbols", "$%^&*()_+= ~`@ {}[]|\\ <>/"),
    ("quotes", "\u00ab\u00bb\u2039\u203a\u201e\u201c\u201d\u2018\u2019\u201a \"'"),
    ("dashes and ellipsis", "\u2026\u2014\u2013 a\u2014b c\u2013d \u2010\u2011"),
    ("inverted marks", "\u00bfQu\u00e9? \u00a1Hola!"),
    ("bullets and signs", "\u00b7\u2022 \u00b6\u00a7 \u2020\u2021 \u203b"),
    ("currency symbols", "\u00a2\u00a3\u00a5\u20ac \u20b9 \u20bd \ufdfc $"),
    ("math symbols not punctuation", "\u00b1\u00d7\u00f7 \u2260 \u2264 \u221e \u2211"),
    ("connector punctuation", "snake_case \u203f \ufe4d \uff3f"),
    ("non-BMP punctuation", "\U00010100 \U0001e95e \U00011047"),
    ("cjk punctuation", "\u3001\u3002\u300c\u300d\u3010\u3011\uff01\uff1f"),
    ("only punctuation", "?!"),
    # --- URLs, emails, numbers --------------------------------------------------------------------------------------
    ("url", "https://example.com/path/to/page?q=1&r=two#frag"),
    ("url with www", "see www.bbc.co.uk/news/uk-12345678 for more"),
    ("email", "john.doe+tag@example.org, maria@uol.com.br"),
    ("social", "@user_name #hashtag #\u0645\u0646 RT:"),
    ("numbers", "3.5 1,000 10,000.50 -42 +7 1e10 50% $3.99 \u00a315.8m"),
    ("arabic numbers", "\u0661\u0662\u0663 \u06f1\u06f2\u06f3 \u0663\u066b\u0665"),
    ("dates and times", "2024-01-15 12:30:45 15/01/2024 1\u00ba/1/24"),
    ("phone", "+55 (11) 98765-4321 / +98 21 1234 5678"),
    ("file names", "Image2.jpg report_final_v3.pdf"),
    ("code", "print(d.speak())  # Woof! x = {\"a\": [1, 2]}"),
    # --- empty-ish lines ------------------------------------------------------------------------------------------------
    ("only spaces", "    "),
    ("only a tab", "\t"),
    ("spaces and nbsp", " \u00a0 \u3000 "),
    ("empty line", ""),
    ("single letter", "a"),
    ("single digit", "7"),
    # --- longer real-shaped lines ---------------------------------------------------------------------------------------
    ("english review", "An intelligent, funny, and surprisingly moving film -- one of the year's best; go see it!"),
    ("english news", "The Bank of England held interest rates at 4.75% on Thursday, citing \"persistent\" inflation."),
    ("portuguese news", "O \u00edndice Bovespa fechou em alta de 1,2% nesta ter\u00e7a-feira, puxado pelas a\u00e7\u00f5es da Petrobras."),
    ("portuguese dialogue", "\u2014 Oi, tudo bem? \u2014 Tudo \u00f3timo, e voc\u00ea? Vamos tomar um caf\u00e9?"),
    ("persian news", "\u0628\u0647 \u06af\u0632\u0627\u0631\u0634 \u062e\u0628\u0631\u06af\u0632\u0627\u0631\u06cc\u060c \u0642\u06cc\u0645\u062a \u062f\u0644\u0627\u0631 \u0627\u0645\u0631\u0648\u0632 \u06f5\u066a \u06a9\u0627\u0647\u0634 \u06cc\u0627\u0641\u062a."),
    ("persian ad", "\u0641\u0631\u0648\u0634 \u0641\u0648\u0631\u06cc \u06af\u0648\u0634\u06cc \u0633\u0627\u0645\u0633\u0648\u0646\u06af\u060c \u0633\u0627\u0644\u0645 \u0648 \u0628\u062f\u0648\u0646 \u062e\u0637 \u0648 \u062e\u0634 (\u0642\u06cc\u0645\u062a \u062a\u0648\u0627\u0641\u0642\u06cc)"),
    ("three languages", "hello \u0633\u0644\u0627\u0645 ol\u00e1 \u4f60\u597d \u3053\u3093\u306b\u3061\u306f"),
    ("long line", " ".join(["The committee met again on Tuesday to discuss the budget, the schedule and the staff."] * 20)),
]


def main():
    root = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..")
    path = os.path.join(root, "Fixtures", "tokenization", "edge-cases.txt")
    for note, text in CASES:
        if "\n" in text or "\r" in text or any(0xD800 <= ord(c) <= 0xDFFF for c in text):
            raise SystemExit(f"edge_cases: case {note!r} contains a newline, CR or surrogate")
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w", encoding="utf-8", newline="\n") as f:
        for _, text in CASES:
            f.write(text + "\n")
    with open(path.replace(".txt", ".notes.txt"), "w", encoding="utf-8", newline="\n") as f:
        for note, _ in CASES:
            f.write(note + "\n")
    print(f"edge_cases: wrote {len(CASES)} lines to {os.path.relpath(path, root)} (notes in edge-cases.notes.txt)")


if __name__ == "__main__":
    main()
