import Dispatch

/// Order-keeping parallel map over contiguous chunks of the input: results come back in item order, so the
/// output never depends on the thread count. Shared by the encoders (InputEncoding) and the masked-LM stream
/// (MaskedLM: tokenizing documents, making their instances).
///
/// There are several chunks per thread, handed out as threads become free, so that a thread slowed by
/// other work (the reading and writing stages share the cores) does not hold the whole batch back.
package enum ParallelMap {
    /// Chunks per worker thread.
    package static let chunksPerThread = 4

    /// `items.map(transform)` on up to `threads` threads (default: all cores). When several items fail, the
    /// error of the first failing item in input order is thrown.
    package static func map<T, R>(_ items: [T], threads: Int?, _ transform: (T) throws -> R) throws -> [R] {
        try map(items, threads: threads, state: { () }) { (_: inout Void, _: Int, item: T) in try transform(item) }
    }

    /// The same with each item's index, and a state each chunk makes once (`state()`) and passes to each of its
    /// items: a buffer, a handle that must not be shared between threads. Results must not depend on the state
    /// a chunk starts with, since how items fall into chunks depends on the thread count.
    /// `chunksPerThread` trades the wait at the end (the last chunk's time on one thread) for the per-chunk cost
    /// (a state made, a hand-out): the masked-LM stream, whose batches are short, asks for more.
    package static func map<T, R, S>(
        _ items: [T], threads: Int?, chunksPerThread: Int = chunksPerThread, state makeState: () throws -> S,
        _ transform: (inout S, Int, T) throws -> R
    ) throws -> [R] {
        let workers = max(1, min(threads ?? Machine.activeProcessorCount, items.count))
        guard workers > 1 else {
            var state = try makeState()
            return try items.indices.map { try transform(&state, $0, items[$0]) }
        }
        let chunks = min(items.count, workers * max(1, chunksPerThread))
        var results = [R?](repeating: nil, count: items.count)
        var failures = [Error?](repeating: nil, count: chunks)
        let per = (items.count + chunks - 1) / chunks
        try withoutActuallyEscaping(makeState) { makeState in
            try withoutActuallyEscaping(transform) { transform in
                results.withUnsafeMutableBufferPointer { out in
                    failures.withUnsafeMutableBufferPointer { errors in
                        // The closures reach the workers inside one object, never copied out of a shared tuple
                        // (that corrupted the heap now and then).
                        let job = Job(items: items, per: per, makeState: makeState, transform: transform, out: out, errors: errors)
                        let shared = UnsafeSendable(job)
                        DispatchQueue.concurrentPerform(iterations: chunks) { c in shared.value.run(chunk: c) }
                    }
                }
                if let error = failures.lazy.compactMap({ $0 }).first { throw error }
            }
        }
        // Every slot is filled when no chunk failed.
        return results.map { $0! }
    }

    /// What the chunks share: the items, the closures, the result and error slots. Chunk c writes only its own
    /// slice of `out` and slot c of `errors`, and stops at its first error, so the first chunk with an error holds
    /// the first failing item.
    private final class Job<T, R, S> {
        let items: [T]
        let per: Int
        let makeState: () throws -> S
        let transform: (inout S, Int, T) throws -> R
        let out: UnsafeMutableBufferPointer<R?>
        let errors: UnsafeMutableBufferPointer<Error?>

        init(
            items: [T], per: Int, makeState: @escaping () throws -> S, transform: @escaping (inout S, Int, T) throws -> R,
            out: UnsafeMutableBufferPointer<R?>, errors: UnsafeMutableBufferPointer<Error?>
        ) {
            self.items = items
            self.per = per
            self.makeState = makeState
            self.transform = transform
            self.out = out
            self.errors = errors
        }

        func run(chunk c: Int) {
            // With `per` rounded up, the last chunks may be empty (10 items in 8 chunks of 2).
            let range = min(items.count, c * per)..<min(items.count, (c + 1) * per)
            guard !range.isEmpty else { return }
            do {
                var state = try makeState()
                for k in range { out[k] = try transform(&state, k, items[k]) }
            } catch {
                errors[c] = error
            }
        }
    }
}
