import Testing
@testable import NativeEncoder

/// Forward parity with PyTorch transformers (forward.safetensors and embed.safetensors from
/// Scripts/golden/encoder.py): all-MiniLM-L6-v2 (Fixtures/encoder, needs the fetched model) and the committed
/// tiny random BERT (Fixtures/tiny-bert/golden, always).
@Suite struct ForwardParityTests {
    /// Max |native - PyTorch| allowed on hidden states and pooled outputs.
    static let tolerance: Float = 1e-4

    @Test(.requires(.minilmModel), arguments: ["a", "b"], [1, 2])
    func matchesTransformers(batchTag: String, threads: Int) throws {
        try Self.checkForward(model: Paths.model, fixtures: Paths.fixtures, batchTag: batchTag, threads: threads)
    }

    @Test(arguments: ["a", "b"], [1, 2])
    func tinyModelMatchesTransformers(batchTag: String, threads: Int) throws {
        try Self.checkForward(model: Paths.tinyModel, fixtures: Paths.tinyFixtures, batchTag: batchTag, threads: threads)
    }

    static func checkForward(model: String, fixtures: String, batchTag: String, threads: Int) throws {
        let golden = try SafetensorsFile(contentsOf: fixtures + "/forward.safetensors")
        let shape = try golden.info("\(batchTag).input_ids").shape
        let batch = try EncoderBatch(
            batchSize: shape[0], sequenceLength: shape[1],
            tokenIDs: try golden.integers("\(batchTag).input_ids").map { Int32($0) },
            tokenTypeIDs: try golden.integers("\(batchTag).token_type_ids").map { Int32($0) },
            attentionMask: try golden.integers("\(batchTag).attention_mask").map { Int32($0) })
        let encoder = try BertEncoder(directory: model, threads: threads)
        try encoder.forward(batch)
        let hidden = encoder.lastHiddenState(), pooled = encoder.pooledOutput()
        let refHidden = try golden.floats("\(batchTag).last_hidden_state")
        let refPooled = try golden.floats("\(batchTag).pooler_output")
        #expect(hidden.count == refHidden.count && pooled.count == refPooled.count)
        let hiddenError = zip(hidden, refHidden).map { abs($0 - $1) }.max() ?? .infinity
        let pooledError = zip(pooled, refPooled).map { abs($0 - $1) }.max() ?? .infinity
        #expect(hiddenError <= tolerance, "hidden max abs diff \(hiddenError)")
        #expect(pooledError <= tolerance, "pooled max abs diff \(pooledError)")
    }

    @Test(.requires(.minilmModel)) func meanPoolingMatchesSentenceTransformers() throws {
        try Self.checkMeanPooling(model: Paths.model, fixtures: Paths.fixtures)
    }

    @Test func tinyModelMeanPoolingMatchesSentenceTransformers() throws {
        try Self.checkMeanPooling(model: Paths.tinyModel, fixtures: Paths.tinyFixtures)
    }

    static func checkMeanPooling(model: String, fixtures: String) throws {
        // The three embed-input.txt lines, one at a time, as sentence-transformers encodes them.
        let golden = try SafetensorsFile(contentsOf: fixtures + "/forward.safetensors")
        let reference = try SafetensorsFile(contentsOf: fixtures + "/embed.safetensors").floats("mean")
        let ids = try golden.integers("a.input_ids"), mask = try golden.integers("a.attention_mask")
        let s = try golden.info("a.input_ids").shape[1]
        let encoder = try BertEncoder(directory: model, threads: 1)
        // Padded together: mean pooling over the mask must equal each sentence encoded alone.
        try encoder.forward(try EncoderBatch(batchSize: 3, sequenceLength: s, tokenIDs: ids.map { Int32($0) },
                                             attentionMask: mask.map { Int32($0) }))
        let padded = try EncoderBatch(batchSize: 3, sequenceLength: s, tokenIDs: ids.map { Int32($0) },
                                      attentionMask: mask.map { Int32($0) })
        let pooled = encoder.meanPooled(padded).flatMap { $0 }
        let error = zip(pooled, reference).map { abs($0 - $1) }.max() ?? .infinity
        #expect(pooled.count == reference.count)
        #expect(error <= tolerance, "mean pooled max abs diff \(error)")
    }

    @Test func rejectsIdsOutsideTheVocabulary() throws {
        let encoder = BertEncoder(configuration: BertConfiguration(vocabularySize: 10, hiddenSize: 4, layerCount: 1,
                                                                   headCount: 2, intermediateSize: 8, maxPositions: 4))
        #expect(throws: NativeEncoderError.self) { try encoder.forward(try EncoderBatch(sequences: [[1, 10]])) }
        #expect(throws: NativeEncoderError.self) { try encoder.forward(try EncoderBatch(sequences: [[1, 2, 3, 4, 5]])) }
    }
}
