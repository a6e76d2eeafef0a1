import BertKitSupport
import Dispatch

/// Order-keeping parallel map over contiguous slices (one per thread).
enum ParallelMap {
    static func map<T, R>(_ items: [T], threads: Int?, _ transform: (T) throws -> R) throws -> [R] {
        let workers = max(1, min(threads ?? Machine.activeProcessorCount, items.count))
        guard workers > 1 else { return try items.map(transform) }
        var results = [R?](repeating: nil, count: items.count)
        var failures = [Error?](repeating: nil, count: workers)
        let per = (items.count + workers - 1) / workers
        try withoutActuallyEscaping(transform) { transform in
            results.withUnsafeMutableBufferPointer { out in
                failures.withUnsafeMutableBufferPointer { errors in
                    // Each iteration writes only its own slice of `out` and its own slot of `errors`.
                    let sink = UnsafeSendable((out, errors, transform, items))
                    DispatchQueue.concurrentPerform(iterations: workers) { w in
                        let (out, errors, transform, items) = sink.value
                        for k in (w * per)..<min(items.count, (w + 1) * per) {
                            do { out[k] = try transform(items[k]) } catch {
                                errors[w] = error
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
