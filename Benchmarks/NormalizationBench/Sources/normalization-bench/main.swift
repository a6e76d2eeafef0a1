// Usage: normalization-bench FILE NAME... (NAME: persian, portuguese, english, bert, NFC, NFD, NFKC, NFKD,
// NFKC_CF, NFC+align, persian+align, utf8proc-NFC). Normalizes FILE line by line through the Swift API
// (bytes in, bytes appended to a reused buffer), best of 5 runs, one thread; prints "NAME MB/s seconds".
import Foundation
import TextNormalization
import CUTF8ProcBench

/// NFC through `utf8proc_map` (options STABLE | COMPOSE): nil when utf8proc reports an error.
func utf8procNFC(_ input: UnsafeBufferPointer<UInt8>) -> [UInt8]? {
    var result: UnsafeMutablePointer<utf8proc_uint8_t>? = nil
    let options = utf8proc_option_t(rawValue: UTF8PROC_STABLE.rawValue | UTF8PROC_COMPOSE.rawValue)
    let n = utf8proc_map(input.baseAddress, utf8proc_ssize_t(input.count), &result, options)
    defer { free(result) }
    guard n >= 0, let result else { return nil }
    return Array(UnsafeBufferPointer(start: result, count: Int(n)))
}

let arguments = CommandLine.arguments
guard arguments.count >= 3, let data = FileManager.default.contents(atPath: arguments[1]) else {
    FileHandle.standardError.write(Data("usage: normalization-bench FILE NAME...\n".utf8))
    exit(2)
}
let bytes = [UInt8](data)
var lines: [Range<Int>] = []
var start = 0
for (i, b) in bytes.enumerated() where b == 0x0A {
    lines.append(start..<i)
    start = i + 1
}
if start < bytes.count { lines.append(start..<bytes.count) }

for name in arguments.dropFirst(2) {
    let align = name.hasSuffix("+align")
    let base = align ? String(name.dropLast(6)) : name
    let normalize: (UnsafeBufferPointer<UInt8>, inout [UInt8], inout [Int32]?) -> Void
    if base == "utf8proc-NFC" {
        normalize = { line, out, _ in if let r = utf8procNFC(line) { out.append(contentsOf: r) } }
    } else {
        let stage: any NormalizationStage
        if let profile = NormalizationProfile(rawValue: base) {
            stage = try profile.makeNormalizer()
        } else {
            stage = try UnicodeNormalizer(form: UnicodeForm(name: base))
        }
        normalize = { line, out, map in stage.normalize(line, into: &out, alignment: &map) }
    }
    var best = Double.infinity
    var outputBytes = 0
    var out: [UInt8] = []
    var map: [Int32]? = align ? [] : nil
    out.reserveCapacity(bytes.count * 2)
    for _ in 0..<5 {
        out.removeAll(keepingCapacity: true)
        if align { map = []; map?.reserveCapacity(bytes.count * 2) }
        let t0 = ContinuousClock.now
        bytes.withUnsafeBufferPointer { all in
            for r in lines { normalize(UnsafeBufferPointer(rebasing: all[r]), &out, &map) }
        }
        let d = t0.duration(to: .now)
        best = min(best, Double(d.components.seconds) + Double(d.components.attoseconds) * 1e-18)
        outputBytes = out.count
    }
    print(String(format: "%@ %.1f %.4f %d", name, Double(bytes.count) / 1e6 / best, best, outputBytes))
}
