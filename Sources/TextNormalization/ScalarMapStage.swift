/// A stage that maps each scalar through a `ScalarTable` (copy, replace or delete), copying unchanged runs
/// in one append. The Portuguese and English profiles build theirs from ICU and utf8proc data.
struct ScalarMapStage: NormalizationStage {
    let table: ScalarTable

    func normalize(_ p: UnsafeBufferPointer<UInt8>, into out: inout [UInt8], alignment: inout [Int32]?) {
        out.reserveCapacity(out.count + p.count)
        table.entries.withUnsafeBufferPointer { entries in
            table.pool.withUnsafeBufferPointer { pool in
                var i = 0
                var runStart = 0
                let n = p.count
                @inline(__always) func flush(_ end: Int) { Alignment.copyRun(p, runStart..<end, to: &out, alignment: &alignment) }
                while i < n {
                    let b = p[i]
                    let (v, len) = b < 0x80 ? (UInt32(b), 1) : UTF8Scalars.decode(p, at: i)
                    let e = v < 0x10000 ? entries[Int(v)] : 0
                    if ScalarTable.kind(e) != ScalarTable.Kind.replace.rawValue { i &+= len; continue }
                    flush(i)
                    let payload = ScalarTable.payload(e)
                    let start = Int(payload >> 8), count = Int(payload & 0xFF)
                    Alignment.appendReplacement(UnsafeBufferPointer(rebasing: pool[start..<start + count]), from: i, to: &out, alignment: &alignment)
                    i &+= len
                    runStart = i
                }
                flush(n)
            }
        }
    }
}
