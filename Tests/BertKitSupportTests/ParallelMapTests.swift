import BertKitSupport
import Testing

/// The order-keeping parallel map: results in item order whatever the thread count, at item counts where chunks
/// of the rounded-up size run out before the last chunk (10 items on 2 threads: 8 chunks of 2, the last three
/// empty); per-chunk state; errors passed on.
@Suite struct ParallelMapTests {
    @Test(arguments: [2, 3, 8])
    func keepsOrderAtAnyCount(threads: Int) throws {
        for count in [0, 1, 2, 5, 9, 10, 11, 13, 17, 33, 1_000] {
            #expect(try ParallelMap.map(Array(0..<count), threads: threads) { $0 * 3 } == (0..<count).map { $0 * 3 }, "\(count) items")
            let items = Array(0..<count)
            #expect(try ParallelMap.map(items, threads: threads, state: { () }) { _, k, item in item + k } == items.map { 2 * $0 })
        }
    }

    /// Each chunk's state (a reused buffer here) is its own. Run repeatedly: an earlier map that shared a tuple
    /// of closures between workers corrupted the heap only now and then.
    @Test(arguments: [1, 2, 3, 8])
    func keepsOrderWithState(threads: Int) throws {
        let items = (0..<1_000).map { Array(repeating: Int32($0), count: $0 % 50) }
        for _ in 0..<20 {
            let out = try ParallelMap.map(items, threads: threads, state: { [Int32]() }) { buffer, k, item -> [[Int32]] in
                buffer.removeAll(keepingCapacity: true)
                buffer += item
                return [buffer.map { $0 + 1 }, [Int32(k)]]
            }
            #expect(out == items.enumerated().map { [$0.element.map { $0 + 1 }, [Int32($0.offset)]] })
        }
    }

    struct Failure: Error, Equatable { let k: Int }

    /// The first failing item's error in input order, whichever chunk fails first in time.
    @Test(arguments: [1, 2, 8])
    func firstErrorIsPassedOn(threads: Int) {
        #expect(throws: Failure(k: 300)) {
            try ParallelMap.map(Array(0..<1_000), threads: threads, state: { () }) { _, k, _ -> Int in
                if k == 300 || k == 700 { throw Failure(k: k) }
                return k
            }
        }
    }
}
