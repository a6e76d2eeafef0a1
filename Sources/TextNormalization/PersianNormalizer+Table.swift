/// How the Persian profile builds its code-point table from its configuration (once, at initialisation).
extension PersianNormalizer {
    /// Arabic letters written with Persian code points: Arabic yeh and alef maksura → Farsi yeh, Arabic kaf → keheh.
    static let letterMap: [UInt32: UInt32] = [0x064A: 0x06CC, 0x0649: 0x06CC, 0x0643: 0x06A9]

    /// Code points removed as invisible noise: bidi embeddings/overrides/isolates, LRM, RLM, soft hyphen, BOM,
    /// zero-width space.
    static let invisible: [UInt32] = Array(0x202A...0x202E) + Array(0x2066...0x2069) + [0x200E, 0x200F, 0x00AD, 0xFEFF, 0x200B]

    /// Unicode White_Space characters other than ASCII space and the C0/C1 line controls; they become a space.
    static let spaces: [UInt32] = [0x00A0, 0x1680] + Array(0x2000...0x200A) + [0x2028, 0x2029, 0x202F, 0x205F, 0x3000]

    /// ﷽ has no decomposition in Unicode, so its text is spelled out here.
    static let bismillah: [UInt32] = Array("بسم الله الرحمن الرحیم".unicodeScalars.map(\.value))

    /// Joining flags of a code point from ICU's Joining_Type, plus the Latin-letter flag the digit rule reads.
    static func baseFlags(_ v: UInt32) -> UInt32 {
        var f: UInt32 = 0
        switch ICU.joiningType(v) {
        case 1, 2: f |= ScalarTable.joinsPrecedingFlag | ScalarTable.joinsFollowingFlag  // join-causing, dual
        case 4: f |= ScalarTable.joinsPrecedingFlag  // right-joining: connects only to the letter before it
        case 3: f |= ScalarTable.joinsFollowingFlag  // left-joining (none in Arabic script)
        case 5: f |= ScalarTable.transparentFlag
        default: break
        }
        if (0x41...0x5A).contains(v) || (0x61...0x7A).contains(v) || v == 0x5F
            || ((0xC0...0x24F).contains(v) && v != 0xD7 && v != 0xF7)
        {
            f |= ScalarTable.latinFlag
        }
        return f
    }

    /// Flags describing a replacement: how its first scalar joins backwards, how its last joins forwards.
    static func replacementFlags(_ scalars: [UInt32]) -> UInt32 {
        guard let first = scalars.first, let last = scalars.last else { return ScalarTable.transparentFlag }
        return (baseFlags(first) & ScalarTable.joinsPrecedingFlag) | (baseFlags(last) & ScalarTable.joinsFollowingFlag)
    }

    static func buildTable(_ c: Configuration) throws(NormalizationError) -> ScalarTable {
        var table = ScalarTable(flags: baseFlags)
        var letters = letterMap
        if c.foldTehMarbuta { letters[0x0629] = 0x0647 }
        if c.foldHehWithYeh { letters[0x06C0] = 0x0647 }
        if c.foldAlefWithHamza { for v: UInt32 in [0x0623, 0x0625, 0x0671] { letters[v] = 0x0627 } }
        if c.foldWawWithHamza { letters[0x0624] = 0x0648 }
        var removed = Set<UInt32>()
        if c.removeDiacritics { removed.formUnion(Array(0x064B...0x0652) + [0x0670]) }
        if c.removeKashida { removed.insert(0x0640) }

        /// The profile's letter rules on a sequence (used on presentation-form expansions too).
        func fold(_ scalars: [UInt32]) -> [UInt32] {
            scalars.compactMap { removed.contains($0) ? nil : (letters[$0] ?? $0) }
        }
        for (v, target) in letters { table.replace(v, with: [target], flags: replacementFlags([target])) }
        for v in removed { table.replace(v, with: [], flags: ScalarTable.transparentFlag) }

        if c.presentationForms {
            let nfkc = try UnicodeNormalizer(form: .nfkc)
            for v in UInt32(0xFB50)...0xFDFF where v != 0xFDFD {
                try expand(v)
            }
            for v in UInt32(0xFE70)...0xFEFC { try expand(v) }
            table.replace(0xFDFD, with: fold(bismillah), flags: replacementFlags(bismillah))

            func expand(_ v: UInt32) throws(NormalizationError) {
                guard ICU.generalCategory(v) != .unassigned else { return }
                var bytes: [UInt8] = []
                UTF8Scalars.append(v, to: &bytes)
                var out: [UInt8] = []
                bytes.withUnsafeBufferPointer { nfkc.normalize($0, into: &out) }
                var scalars = fold(UTF8Scalars.scalars(of: out))
                guard scalars != [v] else { return }
                // Isolated harakat forms (U+FE70…) decompose to a space plus the mark: without the mark, nothing.
                if scalars.allSatisfy({ $0 == 0x20 }) { scalars = [] }
                table.replace(v, with: scalars, flags: replacementFlags(scalars))
            }
        }

        let zwnjFlags: UInt32 = 0
        table.mark(0x200C, .zwnj, flags: zwnjFlags)
        if c.legacyZWNJ { table.mark(0x00AC, .zwnj, flags: zwnjFlags) }
        if c.removeInvisible {
            for v in invisible { table.replace(v, with: [], flags: ScalarTable.transparentFlag) }
        }
        if c.removeZWJ { table.replace(0x200D, with: [], flags: ScalarTable.transparentFlag) }
        if c.unifySpaces { for v in spaces { table.replace(v, with: [0x20], flags: 0) } }

        if c.composeNFC {
            // Flag what NFC would change and the profile does not delete anyway (ا + U+0653 → آ, …).
            let nfc = try StableTable.shared(.nfc)
            for v in 0..<0x10000 where nfc.bits[v >> 3] & (1 << (v & 7)) == 0 {
                let e = table.entries[v]
                let deleted = ScalarTable.kind(e) == ScalarTable.Kind.replace.rawValue && ScalarTable.payload(e) & 0xFF == 0
                if !deleted { table.entries[v] |= ScalarTable.uncomposedFlag }
            }
        }
        if c.digits != .keep {
            for d: UInt32 in 0...9 {
                for base: UInt32 in [0x30, 0x0660, 0x06F0] {
                    table.mark(base + d, .digit, payload: d, flags: 0)
                }
            }
        }
        return table
    }
}
