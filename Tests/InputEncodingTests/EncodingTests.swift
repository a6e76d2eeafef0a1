import Testing
@testable import InputEncoding

@Suite struct EncodingValueTests {
    @Test func windowsListTheMainEncodingFirst() {
        var main = Encoding(ids: [1, 2], typeIDs: [0, 0], attentionMask: [1, 1], specialTokensMask: [0, 0],
                            wordIndices: [0, 1], sequenceIndices: [0, 0])
        let extra = Encoding(ids: [3], typeIDs: [0], attentionMask: [1], specialTokensMask: [0],
                             wordIndices: [2], sequenceIndices: [0])
        main.overflowing = [extra]
        #expect(main.windows.map(\.ids) == [[1, 2], [3]])
        #expect(main.windows[0].overflowing.isEmpty)
        #expect(main.wordIDs == [0, 1])
    }
}
