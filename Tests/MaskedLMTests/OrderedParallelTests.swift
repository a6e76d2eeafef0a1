import Testing
@testable import MaskedLM

/// The order-keeping parallel map: results in item order whatever the thread count, per-worker state, errors
/// passed on. (Run repeatedly: an earlier version that shared a tuple of closures between workers corrupted the
/// heap only now and then.)
@Suite struct OrderedParallelTests {
    @Test(arguments: [1, 2, 3, 8])
    func keepsOrderWithState(threads: Int) throws {
        let items = (0..<1_000).map { Array(repeating: Int32($0), count: $0 % 50) }
        for _ in 0..<20 {
            let out = try OrderedParallel.map(items, threads: threads, state: { [Int32]() }) { buffer, k, item -> [[Int32]] in
                buffer.removeAll(keepingCapacity: true)
                buffer += item
                return [buffer.map { $0 + 1 }, [Int32(k)]]
            }
            #expect(out == items.enumerated().map { [$0.element.map { $0 + 1 }, [Int32($0.offset)]] })
        }
    }

    @Test(arguments: [2, 3, 7])
    func plainMapAndFewItems(threads: Int) throws {
        for count in [0, 1, 2, 5, 11, 1_000] {
            let items = Array(0..<count)
            #expect(try OrderedParallel.map(items, threads: threads) { k, item in item + k } == items.map { 2 * $0 })
        }
    }

    struct Failure: Error, Equatable { let k: Int }

    @Test func errorsArePassedOn() {
        #expect(throws: Failure(k: 700)) {
            try OrderedParallel.map(Array(0..<1_000), threads: 2) { k, _ -> Int in
                if k == 700 { throw Failure(k: k) }
                return k
            }
        }
    }
}
