import BertKitSupport
import Dispatch

/// Order-keeping parallel map: `threads` workers each take a contiguous slice of the items, results come back
/// in item order, so the output never depends on the thread count.
enum OrderedParallel {
    static func map<T, R>(_ items: [T], threads: Int, _ transform: @escaping (Int, T) throws -> R) throws -> [R] {
        try map(items, threads: threads, state: { () }, { (_: inout Void, k: Int, item: T) in try transform(k, item) })
    }

    /// The same with a state each worker makes once (`state()`) and passes to each of its items: a buffer, a
    /// handle that must not be shared between threads.
    static func map<T, R, S>(
        _ items: [T], threads: Int, state makeState: @escaping () throws -> S, _ transform: @escaping (inout S, Int, T) throws -> R
    ) throws -> [R] {
        let workers = max(1, min(threads, items.count))
        guard workers > 1 else {
            var state = try makeState()
            return try items.enumerated().map { try transform(&state, $0.offset, $0.element) }
        }
        // One slot per worker, written only by that worker; read after the group's wait, which orders the writes
        // before the reads. (Plain tasks on a global queue: the output must not depend on how they are scheduled.)
        let slices = UnsafeMutableBufferPointer<[R]>.allocate(capacity: workers)
        slices.initialize(repeating: [])
        let failures = UnsafeMutableBufferPointer<Error?>.allocate(capacity: workers)
        failures.initialize(repeating: nil)
        defer {
            slices.deinitialize()
            slices.deallocate()
            failures.deinitialize()
            failures.deallocate()
        }
        let per = (items.count + workers - 1) / workers
        let group = DispatchGroup()
        let job = Job(slices: slices, failures: failures, transform: transform, makeState: makeState, items: items, per: per)
        for w in 0..<workers {
            // Worker w writes only slices[w] and failures[w]; the closures and items are only read.
            let shared = UnsafeSendable(job)
            DispatchQueue.global().async(group: group) { shared.value.run(worker: w) }
        }
        group.wait()
        if let failure = failures.lazy.compactMap({ $0 }).first { throw failure }
        return slices.flatMap { $0 }
    }

    /// What every worker shares: the slots, the closures, the items.
    private final class Job<T, R, S> {
        let slices: UnsafeMutableBufferPointer<[R]>
        let failures: UnsafeMutableBufferPointer<Error?>
        let transform: (inout S, Int, T) throws -> R
        let makeState: () throws -> S
        let items: [T]
        let per: Int

        init(
            slices: UnsafeMutableBufferPointer<[R]>, failures: UnsafeMutableBufferPointer<Error?>,
            transform: @escaping (inout S, Int, T) throws -> R, makeState: @escaping () throws -> S, items: [T], per: Int
        ) {
            self.slices = slices
            self.failures = failures
            self.transform = transform
            self.makeState = makeState
            self.items = items
            self.per = per
        }

        /// Worker w's slice of the items, into slot w.
        func run(worker w: Int) {
            let range = min(items.count, w * per)..<min(items.count, (w + 1) * per)
            var out: [R] = []
            out.reserveCapacity(range.count)
            do {
                var state = try makeState()
                for k in range { out.append(try transform(&state, k, items[k])) }
            } catch {
                failures[w] = error
                return
            }
            slices[w] = out
        }
    }
}
