/// BERT's clean-text step alone, as Hugging Face's `BertNormalizer` applies it with `clean_text=true`
/// (tokenizers/src/normalizers/bert.rs): U+0000, U+FFFD and Cc/Cf/Co characters other than tab, newline
/// and carriage return are deleted, every whitespace character becomes a space. Nothing else changes (no
/// lowercasing, no accent stripping, no CJK padding). Note that ZWNJ (Cf) is deleted: see the Persian
/// profile's `zwnjPlaceholder` to keep it through a BERT tokenizer.
///
/// Reads the shared `BertCharacterTable` so that the classification is the tokenizer's own.
public struct BertCleaner: NormalizationStage {
    let table: BertCharacterTable

    /// The table's configuration for cleaning only.
    public static let cleaningConfiguration = BertCharacterTable.Configuration(
        lowercase: false, stripAccents: false, handleChineseCharacters: false, cleanText: true)

    /// A cleaner (the table is built on first use, once per process).
    public init() { table = Self.shared }

    private static let shared = BertCharacterTable.shared(for: cleaningConfiguration)

    /// Appends the cleaned `input` to `output` (and its source offsets to `alignment`).
    public func normalize(_ p: UnsafeBufferPointer<UInt8>, into out: inout [UInt8], alignment: inout [Int32]?) {
        let recording = alignment != nil
        out.reserveCapacity(out.count + p.count)
        withExtendedLifetime(table) {
            let entries = table.entries
            var i = 0
            var runStart = 0
            let n = p.count
            @inline(__always) func flush(_ end: Int) { Alignment.copyRun(p, runStart..<end, to: &out, alignment: &alignment) }
            while i < n {
                let b = p[i]
                // Printable ASCII and space are kept as they are.
                if b >= 0x20 && b < 0x7F { i &+= 1; continue }
                let (v, len) = b < 0x80 ? (UInt32(b), 1) : UTF8Scalars.decode(p, at: i)
                if v == UTF8Scalars.invalid { i &+= 1; continue }  // ill-formed: copied
                let e = entries[Int(v)]
                if e & BertCharacterTable.identityFlag != 0 { i &+= len; continue }
                flush(i)
                let kind = (e >> BertCharacterTable.kindShift) & 3
                if kind != BertCharacterTable.Kind.removed.rawValue && e & BertCharacterTable.sequenceFlag == 0 {
                    let before = out.count
                    UTF8Scalars.append(e & BertCharacterTable.valueMask, to: &out)
                    if recording { alignment?.append(contentsOf: repeatElement(Int32(i), count: out.count - before)) }
                }
                i &+= len
                runStart = i
            }
            flush(n)
        }
    }
}
