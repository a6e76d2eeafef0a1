/// Repairs text whose UTF-8 bytes were once decoded with a legacy single-byte code page ("cafÃ©" → "café",
/// "Ø³Ù„Ø§Ù…"-style Arabic-script mojibake from Windows-1256 → "سلام").
///
/// At each scalar, the stage maps the scalars ahead back to bytes through the code page and, when those
/// bytes form one well-formed multi-byte UTF-8 sequence, emits the decoded scalar instead. The idea is
/// ftfy's (github.com/rspeer/python-ftfy `ftfy/fixes.py`), reduced to its safe core: only complete, valid
/// sequences are replaced, never single characters. Windows-1256 maps many bytes to real Arabic and Persian
/// letters (ا ر د are lead bytes, گ چ ژ پ ک continuation bytes: "اگرچه" reads as two valid sequences), so a
/// Windows-1256 repair only takes lead bytes D8–DB (ط ظ ع غ: the UTF-8 leads of the Arabic block) and at
/// least two consecutive sequences (one mojibake word), which real Persian text ("عکس", "موضوع،") does not
/// produce.
public struct MojibakeRepair: NormalizationStage {
    /// A code page whose misreadings are repaired.
    public enum CodePage: String, Sendable, CaseIterable {
        /// Windows-1252, with the C1 controls of Latin-1 for its five unmapped bytes.
        case windows1252 = "windows-1252"
        /// Windows-1256 (Arabic script).
        case windows1256 = "windows-1256"
    }

    /// The code pages tried, in order, at each position.
    public let codePages: [CodePage]
    /// For each code page, the byte each BMP scalar came from (0 = none; bytes below 0x80 are never needed).
    /// Flattened: `reverse[k << 16 | scalar]` for code page k.
    private let reverse: [UInt8]

    /// A repair stage for the given code pages (tables come from ICU's converters).
    public init(codePages: [CodePage] = [.windows1252, .windows1256]) throws(NormalizationError) {
        self.codePages = codePages
        var reverse: [UInt8] = []
        for page in codePages {
            var table = [UInt8](repeating: 0, count: 0x10000)
            let decoded = try ICU.codePage(page.rawValue)
            for byte in 0x80...0xFF {
                if let v = decoded[byte], v < 0x10000 { table[Int(v)] = UInt8(byte) }
                // Latin-1 reading of the bytes Windows-1252 leaves unmapped (0x81, 0x8D, 0x8F, 0x90, 0x9D).
                if page == .windows1252 && decoded[byte] == nil { table[byte] = UInt8(byte) }
            }
            reverse.append(contentsOf: table)
        }
        self.reverse = reverse
    }

    /// Appends the repaired `input` to `output` (and its source offsets to `alignment`).
    public func normalize(_ p: UnsafeBufferPointer<UInt8>, into out: inout [UInt8], alignment: inout [Int32]?) {
        var i = 0, runStart = 0
        let n = p.count
        while i < n {
            if p[i] < 0xC2 { i += 1; continue }  // ASCII and continuation bytes cannot start a misread lead byte
            var repaired = false
            let (v, len) = UTF8Scalars.decode(p, at: i)
            for (k, page) in codePages.enumerated() where v < 0x10000 {
                // Cheap test first (this runs at every non-ASCII scalar): a misread lead byte followed by
                // a misread continuation byte.
                let lead = reverse[k << 16 | Int(v)]
                let leads: ClosedRange<UInt8> = page == .windows1256 ? 0xD8...0xDB : 0xC2...0xF4
                guard leads.contains(lead), i + len < n else { continue }
                let next = UTF8Scalars.decode(p, at: i + len).scalar
                guard next < 0x10000, reverse[k << 16 | Int(next)] & 0xC0 == 0x80 else { continue }
                let minimum = page == .windows1256 ? 2 : 1
                let (end, decoded) = reverse.withUnsafeBufferPointer {
                    sequences(p, from: i, leads: leads, table: UnsafeBufferPointer(rebasing: $0[(k << 16)..<((k + 1) << 16)]))
                }
                guard decoded.count >= minimum else { continue }
                out.append(contentsOf: UnsafeBufferPointer(rebasing: p[runStart..<i]))
                Alignment.appendIdentity(count: i - runStart, from: runStart, to: &alignment)
                for (source, scalar) in decoded {
                    let before = out.count
                    UTF8Scalars.append(scalar, to: &out)
                    if alignment != nil { alignment?.append(contentsOf: repeatElement(Int32(source), count: out.count - before)) }
                }
                i = end
                runStart = end
                repaired = true
                break
            }
            if !repaired { i += len }
        }
        out.append(contentsOf: UnsafeBufferPointer(rebasing: p[runStart..<n]))
        Alignment.appendIdentity(count: n - runStart, from: runStart, to: &alignment)
    }

    /// The consecutive misread sequences starting at `start`: each as (input offset, decoded scalar).
    private func sequences(
        _ p: UnsafeBufferPointer<UInt8>, from start: Int, leads: ClosedRange<UInt8>, table: UnsafeBufferPointer<UInt8>
    )
        -> (end: Int, decoded: [(Int, UInt32)])
    {
        var decoded: [(Int, UInt32)] = []
        var i = start
        while i < p.count {
            var bytes = SIMD4<UInt8>()  // no heap allocation
            var count = 0
            var need = 2
            var j = i
            // Map up to `need` scalars back to bytes; stop at the first one the code page cannot produce.
            while j < p.count && count < need {
                let (v, len) = UTF8Scalars.decode(p, at: j)
                guard v >= 0x80 && v < 0x10000, table[Int(v)] != 0 else { break }
                let byte = table[Int(v)]
                if count == 0 {
                    guard leads.contains(byte) else { break }
                    need = byte >= 0xF0 ? 4 : byte >= 0xE0 ? 3 : 2
                } else if byte & 0xC0 != 0x80 {
                    break
                }
                bytes[count] = byte
                count += 1
                j += len
            }
            guard count == need else { break }
            let (v, len) = withUnsafeBytes(of: bytes) { raw in
                UTF8Scalars.decode(UnsafeBufferPointer(rebasing: raw.bindMemory(to: UInt8.self)[0..<need]), at: 0)
            }
            guard v != UTF8Scalars.invalid, len == need else { break }
            decoded.append((i, v))
            i = j
        }
        return (i, decoded)
    }
}
