/// What BERT's normalizer and pre-tokenizer do to every code point, precomputed once per mode.
///
/// Hugging Face `tokenizers` (tokenizers/src/normalizers/bert.rs and pre_tokenizers/bert.rs) apply, per
/// character: clean text (drop NUL, U+FFFD and "other" characters Cc/Cf/Co except `\t\n\r`; map White_Space
/// to a space), pad CJK ideographs with spaces, strip accents (NFD, then drop Mn), lowercase; the
/// pre-tokenizer then splits on whitespace and isolates punctuation (ASCII punctuation or Unicode P*).
/// All of these are per-code-point functions, so one table lookup per scalar replaces them in hot loops.
///
/// Each entry says how the scalar is `Kind`-classified and what it maps to. A scalar that maps to several
/// scalars (NFD of a Hangul syllable, İ lowercased without accent stripping) points into `sequences`.
public struct BertCharacterTable: Sendable {
    /// How a mapped scalar takes part in pre-tokenization.
    public enum Kind: UInt32, Sendable {
        /// Part of a word.
        case word = 0
        /// Whitespace: ends the current word.
        case space = 1
        /// Deleted by normalization: neither a word character nor a boundary.
        case removed = 2
        /// A word by itself: punctuation, or a CJK ideograph (which BERT pads with spaces).
        case isolated = 3
    }

    /// The settings that decide the mapping, as in HF's `BertNormalizer`.
    public struct Configuration: Hashable, Sendable {
        /// Lowercase every character (full Unicode mapping, as Rust's `char::to_lowercase`).
        public var lowercase: Bool
        /// NFD then remove non-spacing marks (Mn).
        public var stripAccents: Bool
        /// Pad CJK ideographs with spaces so each is a word (HF `handle_chinese_chars`, default true).
        public var handleChineseCharacters: Bool
        /// Drop control/format/private-use characters and map whitespace to spaces (HF `clean_text`).
        public var cleanText: Bool

        /// BERT uncased: lowercase and strip accents. Cased: neither.
        public init(lowercase: Bool = true, stripAccents: Bool? = nil, handleChineseCharacters: Bool = true, cleanText: Bool = true) {
            self.lowercase = lowercase
            // HF: strip_accents defaults to the value of lowercase.
            self.stripAccents = stripAccents ?? lowercase
            self.handleChineseCharacters = handleChineseCharacters
            self.cleanText = cleanText
        }
    }

    // Entry layout (UInt32): bits 0...20 scalar or sequence index, bits 21...22 kind, bit 23 "sequence",
    // bit 24 "identity" (the scalar maps to itself, so its UTF-8 bytes can be copied as they are).
    /// Shift of the 2-bit `Kind` in a packed entry.
    package static let kindShift: UInt32 = 21
    /// Set when the entry's value indexes `sequenceRanges` instead of being a scalar.
    package static let sequenceFlag: UInt32 = 1 << 23
    /// Set when the scalar maps to itself.
    package static let identityFlag: UInt32 = 1 << 24
    /// Mask of the scalar / sequence index in a packed entry.
    package static let valueMask: UInt32 = (1 << 21) - 1

    /// One packed entry per code point 0...0x10FFFF, in memory this table owns: valid for as long as the
    /// table (or any copy of it) is alive, so hot loops can hold the pointer without copying 4.4 MB.
    package var entries: UnsafeBufferPointer<UInt32> { UnsafeBufferPointer(storage.buffer) }
    private let storage: EntryStorage
    /// Packed (kind << 21 | scalar) elements of multi-scalar mappings, as `[start, count)` runs.
    package let sequenceElements: [UInt32]
    package let sequenceRanges: [Range<Int32>]
    /// The configuration the table was built for.
    public let configuration: Configuration

    /// BERT uncased (lowercase + strip accents), built on first use and shared.
    public static let uncased = BertCharacterTable(configuration: .init(lowercase: true))
    /// BERT cased (no lowercase, no accent stripping), built on first use and shared.
    public static let cased = BertCharacterTable(configuration: .init(lowercase: false))

    /// The shared table for a configuration (the two common ones are cached).
    public static func shared(for configuration: Configuration) -> BertCharacterTable {
        if configuration == uncased.configuration { return uncased }
        if configuration == cased.configuration { return cased }
        return BertCharacterTable(configuration: configuration)
    }

    /// Builds the table from ICU's Unicode data, then (with `hfCompatible`, the default) applies the
    /// overrides recorded from HF `tokenizers` 0.23.3 where its Unicode tables disagree with ICU 72's.
    ///
    /// HF mixes Unicode versions: its category and NFD tables (crates `unicode_categories`,
    /// `unicode-normalization-alignments`) predate Unicode 13, while its lowercasing (Rust's std) is
    /// Unicode 16. About 150 rare code points (new scripts' marks and punctuation, Unicode 16 case pairs)
    /// therefore differ from ICU; `HFCompatibility+Generated.swift` pins HF's result for them. Overrides
    /// exist for the two BERT configurations (uncased, cased) with default cleaning and CJK handling.
    public init(configuration: Configuration, hfCompatible: Bool = true) {
        self.configuration = configuration
        let storage = EntryStorage(count: 0x110000)
        let entries = storage.buffer
        var elements: [UInt32] = []
        var ranges: [Range<Int32>] = []
        var mapped: [(Kind, UInt32)] = []
        var scratch: [UInt32] = []
        mapped.reserveCapacity(8)
        scratch.reserveCapacity(16)
        let isolatedIdentity = Kind.isolated.rawValue << Self.kindShift | Self.identityFlag
        for cp in UInt32(0)..<0x110000 {
            // The unified CJK ideographs (two thirds of the assigned code points, a third of the time every
            // command spends building this table) are their own words, unchanged: no case, no decomposition,
            // neither control nor space (`unifiedIdeographsMapToThemselves` checks each against `map`).
            if configuration.handleChineseCharacters && Self.isUnifiedIdeograph(cp) {
                entries[Int(cp)] = isolatedIdentity | cp
                continue
            }
            // Unassigned code points (most of the range) have no mapping and no class: plain word characters.
            if ICU.generalCategory(cp) == .unassigned && !Self.isChineseCharacter(cp) {
                entries[Int(cp)] = Kind.word.rawValue << Self.kindShift | cp | Self.identityFlag
                continue
            }
            Self.map(cp, configuration, into: &mapped, scratch: &scratch)
            entries[Int(cp)] = Self.pack(mapped, original: cp, elements: &elements, ranges: &ranges)
        }
        if hfCompatible, let overrides = Self.hfOverrides(for: configuration) {
            var k = 0
            while k < overrides.count {
                let cp = overrides[k], kind = Kind(rawValue: overrides[k + 1])!, n = Int(overrides[k + 2])
                mapped = (0..<n).map { (kind, overrides[k + 3 + $0]) }
                entries[Int(cp)] = Self.pack(mapped, original: cp, elements: &elements, ranges: &ranges)
                k += 3 + n
            }
        }
        self.storage = storage
        self.sequenceElements = elements
        self.sequenceRanges = ranges
    }

    /// The recorded HF overrides for a configuration, as flat (code point, kind, count, scalars...) runs.
    static func hfOverrides(for c: Configuration) -> [UInt32]? {
        guard c.cleanText && c.handleChineseCharacters else { return nil }
        switch (c.lowercase, c.stripAccents) {
        case (true, true): return hfOverridesUncased
        case (false, false): return hfOverridesCased
        default: return nil
        }
    }

    /// The mapping of one scalar as (kind, scalar) pairs; empty when it is removed.
    static func map(_ cp: UInt32, _ c: Configuration, into out: inout [(Kind, UInt32)], scratch: inout [UInt32]) {
        out.removeAll(keepingCapacity: true)
        if cp >= 0xD800 && cp <= 0xDFFF { return }  // never decoded from valid UTF-8
        if c.cleanText {
            if cp == 0 || cp == 0xFFFD || isOther(cp) { return }
            if cp == 0x09 || cp == 0x0A || cp == 0x0D || ICU.isWhiteSpace(cp) { out.append((.space, 0x20)); return }
        } else if ICU.isWhiteSpace(cp) {
            out.append((.space, cp))
            return
        }
        let chinese = c.handleChineseCharacters && isChineseCharacter(cp)
        scratch.removeAll(keepingCapacity: true)
        if c.stripAccents {
            ICU.canonicalDecomposition(cp, into: &scratch)
            scratch.removeAll { ICU.generalCategory($0) == .nonSpacingMark }
        } else {
            scratch.append(cp)
        }
        func add(_ l: UInt32) {
            out.append((chinese || isPunctuation(l)) ? (.isolated, l) : (ICU.isWhiteSpace(l) ? .space : .word, l))
        }
        for s in scratch {
            if !c.lowercase {
                add(s)
            } else if s == 0x0130 {
                // Rust's `char::to_lowercase` uses the full mapping: only U+0130 lowercases to two scalars.
                add(0x69); add(0x307)
            } else {
                add(ICU.lowercase(s))
            }
        }
    }

    /// HF's "other" test: Cc, Cf and Co, except tab, newline and carriage return (which are whitespace).
    /// Unassigned code points (Cn) are kept, although HF's source comment says otherwise.
    static func isOther(_ cp: UInt32) -> Bool {
        if cp == 0x09 || cp == 0x0A || cp == 0x0D { return false }
        switch ICU.generalCategory(cp) {
        case .control, .format, .privateUse: return true
        default: return false
        }
    }

    /// BERT punctuation: every printable ASCII non-alphanumeric, plus Unicode P*.
    public static func isPunctuation(_ cp: UInt32) -> Bool {
        if (33...47).contains(cp) || (58...64).contains(cp) || (91...96).contains(cp) || (123...126).contains(cp) {
            return true
        }
        return ICU.generalCategory(cp).isPunctuation
    }

    /// HF's CJK ranges (tokenizers/src/normalizers/bert.rs `is_chinese_char`). HF writes the Extension C/D
    /// range as 0x2B920...0x2CEAF where Google's BERT has 0x2B820; we follow HF, so U+2B820...U+2B91F are
    /// ordinary word characters here (tested in BertCharacterTableTests).
    public static func isChineseCharacter(_ cp: UInt32) -> Bool {
        switch cp {
        case 0x4E00...0x9FFF, 0x3400...0x4DBF, 0x20000...0x2A6DF, 0x2A700...0x2B73F, 0x2B740...0x2B81F,
            0x2B920...0x2CEAF, 0xF900...0xFAFF, 0x2F800...0x2FA1F:
            return true
        default:
            return false
        }
    }

    /// The ranges of `isChineseCharacter` without the two compatibility blocks (U+F900..., U+2F800...), whose
    /// characters decompose to other ideographs.
    static func isUnifiedIdeograph(_ cp: UInt32) -> Bool {
        switch cp {
        case 0x4E00...0x9FFF, 0x3400...0x4DBF, 0x20000...0x2A6DF, 0x2A700...0x2B73F, 0x2B740...0x2B81F, 0x2B920...0x2CEAF:
            return true
        default:
            return false
        }
    }

    static func pack(_ mapped: [(Kind, UInt32)], original: UInt32, elements: inout [UInt32], ranges: inout [Range<Int32>]) -> UInt32 {
        if mapped.isEmpty { return Kind.removed.rawValue << kindShift }
        if mapped.count == 1 {
            let (kind, scalar) = mapped[0]
            return kind.rawValue << kindShift | scalar | (scalar == original ? identityFlag : 0)
        }
        let start = Int32(elements.count)
        for (kind, scalar) in mapped { elements.append(kind.rawValue << kindShift | scalar) }
        ranges.append(start..<Int32(elements.count))
        return sequenceFlag | UInt32(ranges.count - 1)
    }
}

extension BertCharacterTable {
    /// The kind and mapped scalars of one code point, unpacked (for tests and tools; hot loops read `entries`).
    public func mapping(of scalar: UInt32) -> [(kind: Kind, scalar: UInt32)] {
        guard scalar < 0x110000 else { return [] }
        let e = entries[Int(scalar)]
        if e & Self.sequenceFlag != 0 {
            return sequenceRanges[Int(e & Self.valueMask)].map { i in
                let x = sequenceElements[Int(i)]
                return (Kind(rawValue: (x >> Self.kindShift) & 3)!, x & Self.valueMask)
            }
        }
        let kind = Kind(rawValue: (e >> Self.kindShift) & 3)!
        return kind == .removed ? [] : [(kind, e & Self.valueMask)]
    }

    /// The raw packed entry of a code point (see the layout above); used by tokenizers' hot loops.
    package func packedEntry(_ scalar: UInt32) -> UInt32 { entries[Int(scalar)] }
}

/// The packed entries' memory: allocated and filled once while the table is built, never mutated afterwards,
/// freed with the last copy of the table.
private final class EntryStorage: @unchecked Sendable {
    let buffer: UnsafeMutableBufferPointer<UInt32>

    init(count: Int) {
        buffer = .allocate(capacity: count)
        buffer.initialize(repeating: 0)
    }

    deinit { buffer.deallocate() }
}
