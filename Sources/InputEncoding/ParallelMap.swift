import BertKitSupport
import Dispatch

/// Order-keeping parallel map over contiguous chunks of the input.
///
/// There are several chunks per thread, handed out as threads become free, so that a thread slowed by
/// other work (the reading and writing stages share the cores) does not hold the whole batch back.
enum ParallelMap {
    /// Chunks per worker thread.
    static let chunksPerThread = 4

    /// `items.map(transform)` on up to `threads` threads (default: all cores). When several items fail, the
    /// error of the first failing item in input order is thrown.
    static func map<T, R>(_ items: [T], threads: Int?, _ transform: (T) throws -> R) throws -> [R] {
        let workers = max(1, min(threads ?? Machine.activeProcessorCount, items.count))
        guard workers > 1 else { return try items.map(transform) }
        let chunks = min(items.count, workers * chunksPerThread)
        var results = [R?](repeating: nil, count: items.count)
        var failures = [Error?](repeating: nil, count: chunks)
        let per = (items.count + chunks - 1) / chunks
        try withoutActuallyEscaping(transform) { transform in
            results.withUnsafeMutableBufferPointer { out in
                failures.withUnsafeMutableBufferPointer { errors in
                    // Each chunk writes only its own slice of `out` and its own slot of `errors`; a chunk
                    // stops at its first error, so the first chunk with an error holds the first failing item.
                    let sink = UnsafeSendable((out, errors, transform, items))
                    DispatchQueue.concurrentPerform(iterations: chunks) { c in
                        let (out, errors, transform, items) = sink.value
                        // With `per` rounded up, the last chunks may be empty (10 items in 8 chunks of 2).
                        for k in min(items.count, c * per)..<min(items.count, (c + 1) * per) {
                            do { out[k] = try transform(items[k]) } catch {
                                errors[c] = error
                                return
                            }
                        }
                    }
                }
            }
            if let error = failures.compactMap({ $0 }).first { throw error }
        }
        return results.map { $0! }
    }
}
