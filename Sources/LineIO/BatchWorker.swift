

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// One thread's share of a batch: validates each line, runs the transform, collects output bytes.
struct BatchWorker<T: LineTransform> {
    enum FailureKind { case invalidUTF8(column: Int), transform(String) }
    /// Where a chunk stopped: the line's index within the chunk and the byte offset within the chunk.
    struct Failure { var lineIndex: Int; var byteOffset: Int; var kind: FailureKind }

    var transform: T
    let lossy: Bool
    var output: [UInt8] = []
    var lines = 0
    var failure: Failure?
    private var repaired: [UInt8] = []

    init(transform: T, lossy: Bool) {
        self.transform = transform
        self.lossy = lossy
    }

    /// Processes a chunk of whole lines (the last may lack its newline at end of input).
    mutating func run(_ chunk: UnsafeBufferPointer<UInt8>) {
        output.removeAll(keepingCapacity: true)
        lines = 0
        failure = nil
        var start = 0
        while start < chunk.count {
            var end = chunk.count
            if let base = chunk.baseAddress, let hit = memchr(base + start, 0x0A, chunk.count - start) {
                end = UnsafeRawPointer(hit) - UnsafeRawPointer(base)
            }
            let line = UnsafeBufferPointer(rebasing: chunk[start..<end])
            do {
                if let bad = UTF8Validation.firstInvalidByte(in: line) {
                    guard lossy else {
                        failure = Failure(lineIndex: lines, byteOffset: start + bad, kind: .invalidUTF8(column: bad + 1))
                        return
                    }
                    Self.repair(line, into: &repaired)
                    try repaired.withUnsafeBufferPointer { try transform.transform(line: $0, into: &output) }
                } else {
                    try transform.transform(line: line, into: &output)
                }
            } catch {
                failure = Failure(lineIndex: lines, byteOffset: start, kind: .transform("\(error)"))
                return
            }
            if !T.defersOutput { output.append(0x0A) }
            lines &+= 1
            start = end + 1
        }
        guard T.defersOutput, lines > 0 else { return }
        do {
            try transform.finishChunk(into: &output)
        } catch {
            // A deferred failure belongs to the chunk; it is reported at the chunk's first line.
            failure = Failure(lineIndex: 0, byteOffset: 0, kind: .transform("in the \(lines) lines from here: \(error)"))
        }
    }

    /// Copies a line, replacing each maximal ill-formed subsequence with U+FFFD (as Python's "replace").
    static func repair(_ line: UnsafeBufferPointer<UInt8>, into out: inout [UInt8]) {
        out.removeAll(keepingCapacity: true)
        var i = 0
        while i < line.count {
            let n = UTF8Validation.sequenceLength(line, at: i)
            if n > 0 {
                out.append(contentsOf: line[i..<i + n])
                i += n
            } else {
                out.append(contentsOf: [0xEF, 0xBF, 0xBD])
                i += UTF8Validation.maximalSubpartLength(line, at: i)
            }
        }
    }
}
