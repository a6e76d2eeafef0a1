import Testing
@testable import InputEncoding

/// The order-keeping parallel map, at item counts where chunks of the rounded-up size run out before the last
/// chunk (10 items on 2 threads: 8 chunks of 2, the last three empty).
@Suite struct ParallelMapTests {
    @Test(arguments: [2, 3, 8])
    func keepsOrderAtAnyCount(threads: Int) throws {
        for count in [0, 1, 2, 5, 9, 10, 11, 13, 17, 33, 1_000] {
            #expect(try ParallelMap.map(Array(0..<count), threads: threads) { $0 * 3 } == (0..<count).map { $0 * 3 }, "\(count) items")
        }
    }
}
