/// The five Unicode normalization forms ICU provides.
public enum UnicodeForm: String, Sendable, CaseIterable, CustomStringConvertible {
    /// Canonical composition.
    case nfc = "NFC"
    /// Canonical decomposition.
    case nfd = "NFD"
    /// Compatibility composition.
    case nfkc = "NFKC"
    /// Compatibility decomposition.
    case nfkd = "NFKD"
    /// NFKC with case folding and removal of default-ignorable code points (this removes ZWNJ).
    case nfkcCasefold = "NFKC_CF"

    /// Parses NFC, NFD, NFKC, NFKD or NFKC_CF (case-insensitive; NFKC_Casefold also accepted).
    public init(name: String) throws(NormalizationError) {
        let upper = name.uppercased()
        if upper == "NFKC_CASEFOLD" { self = .nfkcCasefold; return }
        guard let form = UnicodeForm(rawValue: upper) else { throw .unknownForm(name) }
        self = form
    }

    /// The form's name as the CLI spells it.
    public var description: String { rawValue }
}

/// Normalizes UTF-8 to a Unicode form with ICU (`Normalizer2::normalizeUTF8`, no UTF-16 round trip).
///
/// Fast path: a per-code-point table (built once per form from ICU) marks code points that are unchanged by
/// the form and start a normalization segment; the longest prefix made of them is copied as is and only the
/// rest, from its last segment start, goes to ICU. Already-normalized text is therefore copied, not
/// re-normalized. (ICU's own `unorm2_spanQuickCheckYes` does the same on UTF-16.)
public struct UnicodeNormalizer: NormalizationStage {
    /// The target form.
    public let form: UnicodeForm
    let stable: StableTable

    /// A normalizer to `form`. Builds the form's quick-check table on first use (about 0.1 s, once per process).
    public init(form: UnicodeForm) throws(NormalizationError) {
        try self.init(form: form, chunk: 64 << 20)
    }

    /// Largest piece handed to ICU in one call (smaller only in tests).
    let chunk: Int

    init(form: UnicodeForm, chunk: Int) throws(NormalizationError) {
        self.form = form
        self.stable = try StableTable.shared(form)
        self.chunk = chunk
    }

    /// Appends the normalized `input` to `output` (and its source offsets to `alignment`).
    public func normalize(_ input: UnsafeBufferPointer<UInt8>, into output: inout [UInt8], alignment: inout [Int32]?) {
        let cut = stable.stablePrefix(input)
        if cut == input.count {
            output.append(contentsOf: input)
            Alignment.appendIdentity(count: cut, from: 0, to: &alignment)
            return
        }
        output.append(contentsOf: UnsafeBufferPointer(rebasing: input[0..<cut]))
        Alignment.appendIdentity(count: cut, from: 0, to: &alignment)
        // ICU takes Int32 lengths and the scratch is three times the input: feed it pieces of at most
        // `chunk` bytes, each ending where a stable code point starts (a normalization boundary).
        var start = cut
        while start < input.count {
            let end = chunkEnd(input, from: start)
            let piece = UnsafeBufferPointer(rebasing: input[start..<end])
            // Errors from ICU here can only come from missing ICU data, which init already proved present;
            // should one happen anyway, the text is passed through unchanged rather than lost.
            if (try? Self.icuNormalize(form, piece, base: start, into: &output, alignment: &alignment)) == nil {
                output.append(contentsOf: piece)
                Alignment.appendIdentity(count: piece.count, from: start, to: &alignment)
            }
            start = end
        }
    }


    /// Where the ICU piece starting at `start` ends: the input's end, or the start of a stable code point
    /// at most `chunk` bytes on (any scalar start if a whole megabyte has none, which no real text does).
    func chunkEnd(_ input: UnsafeBufferPointer<UInt8>, from start: Int) -> Int {
        guard input.count - start > chunk else { return input.count }
        var j = start + chunk
        let floor = max(start + 1, j - min(1 << 20, chunk / 2))
        var fallback: Int? = nil
        while j > floor {
            if input[j] & 0xC0 != 0x80 {
                fallback = fallback ?? j
                let v = UTF8Scalars.decode(input, at: j).scalar
                if v != UTF8Scalars.invalid && stable.bits[Int(v >> 3)] & (1 << (v & 7)) != 0 { return j }
            }
            j -= 1
        }
        return fallback ?? start + chunk
    }

    /// True when the quick-check table alone proves `input` already normalized (false can still mean it is).
    func isNormalized(_ input: UnsafeBufferPointer<UInt8>) -> Bool { stable.stablePrefix(input) == input.count }

    /// Runs ICU on `input`, growing the scratch buffer when ICU asks for more.
    static func icuNormalize(
        _ form: UnicodeForm, _ input: UnsafeBufferPointer<UInt8>, base: Int, into output: inout [UInt8],
        alignment: inout [Int32]?
    ) throws(NormalizationError) {
        var capacity = input.count * 3 + 16
        for _ in 0..<2 {
            let wanted = alignment != nil
            let needed: Int = try withUnsafeTemporaryAllocation(of: UInt8.self, capacity: capacity) {
                (scratch) throws(NormalizationError) -> Int in
                try withUnsafeTemporaryAllocation(of: Int32.self, capacity: wanted ? capacity : 1) {
                    (map) throws(NormalizationError) -> Int in
                    let n = try ICU.normalizeUTF8(form, input, into: scratch, map: wanted ? map.baseAddress : nil)
                    guard n <= capacity else { return n }
                    output.append(contentsOf: UnsafeBufferPointer(rebasing: scratch[0..<n]))
                    if wanted {
                        let b = Int32(base)
                        alignment?.append(contentsOf: map[0..<n].lazy.map { $0 + b })
                    }
                    return 0
                }
            }
            if needed == 0 { return }
            capacity = needed
        }
    }
}

/// One bit per code point: unchanged by the form and a segment start (see `bk_icu_fill_stable_table`).
final class StableTable: Sendable {
    let bits: [UInt8]
    /// Every ASCII character is stable (true for all forms but NFKC_CF, which folds A–Z).
    let asciiStable: Bool

    init(bits: [UInt8]) {
        self.bits = bits
        asciiStable = (0..<16).allSatisfy { bits[$0] == 0xFF }
    }

    /// The byte length of the longest prefix that is already normalized and may be copied: up to the start
    /// of the last stable code point before the first unstable one (that code point may combine with it).
    @inline(__always)
    func stablePrefix(_ p: UnsafeBufferPointer<UInt8>) -> Int {
        bits.withUnsafeBufferPointer { t in
            var i = 0
            var lastStart = 0
            let n = p.count
            let base = UnsafeRawPointer(p.baseAddress)
            while i < n {
                // Eight ASCII bytes at a time when ASCII is stable: the last of them is a segment start.
                if asciiStable, let base, i &+ 8 <= n,
                    base.loadUnaligned(fromByteOffset: i, as: UInt64.self) & 0x8080_8080_8080_8080 == 0
                {
                    lastStart = i &+ 7
                    i &+= 8
                    continue
                }
                let b = p[i]
                if b < 0x80 {
                    if t[Int(b >> 3)] & (1 << (b & 7)) == 0 { return lastStart }
                    lastStart = i
                    i &+= 1
                    continue
                }
                let (v, len) = UTF8Scalars.decode(p, at: i)
                if v == UTF8Scalars.invalid || t[Int(v >> 3)] & (1 << (v & 7)) == 0 { return lastStart }
                lastStart = i
                i &+= len
            }
            return n
        }
    }

    // One lazily built table per form (each static is initialised once, thread-safely, on first use).
    private static let nfc = Result { () throws(NormalizationError) in StableTable(bits: try ICU.stableBits(.nfc)) }
    private static let nfd = Result { () throws(NormalizationError) in StableTable(bits: try ICU.stableBits(.nfd)) }
    private static let nfkc = Result { () throws(NormalizationError) in StableTable(bits: try ICU.stableBits(.nfkc)) }
    private static let nfkd = Result { () throws(NormalizationError) in StableTable(bits: try ICU.stableBits(.nfkd)) }
    private static let nfkcCasefold = Result { () throws(NormalizationError) in
        StableTable(bits: try ICU.stableBits(.nfkcCasefold))
    }

    static func shared(_ form: UnicodeForm) throws(NormalizationError) -> StableTable {
        let result: Result<StableTable, NormalizationError>
        switch form {
        case .nfc: result = nfc
        case .nfd: result = nfd
        case .nfkc: result = nfkc
        case .nfkd: result = nfkd
        case .nfkcCasefold: result = nfkcCasefold
        }
        return try result.get()
    }
}
