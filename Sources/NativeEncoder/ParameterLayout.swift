/// Where each BERT parameter lives inside one contiguous Float arena (parameters, gradients and optimizer
/// moments share the layout, so AdamW is one loop). Names are Hugging Face's without the `bert.` prefix.
///
/// Per layer the query, key and value weights (and biases) are adjacent, so the three projections are one
/// [3H, H] matrix and one GEMM.
public struct ParameterLayout: Sendable {
    /// One named tensor: offset into the arena and shape (PyTorch order, Linear weights are [out, in]).
    public struct Entry: Sendable, Equatable {
        /// Hugging Face name without `bert.`.
        public let name: String
        /// First element in the arena.
        public let offset: Int
        /// Dimensions.
        public let shape: [Int]
        /// Element count.
        public var count: Int { shape.reduce(1, *) }
    }

    /// Offsets of one transformer layer's tensors.
    struct Layer: Sendable {
        var qkvWeight = 0, qkvBias = 0, attentionOutWeight = 0, attentionOutBias = 0
        var attentionNormGamma = 0, attentionNormBeta = 0, intermediateWeight = 0, intermediateBias = 0
        var outputWeight = 0, outputBias = 0, outputNormGamma = 0, outputNormBeta = 0
    }

    /// All tensors in arena order.
    public private(set) var entries: [Entry] = []
    /// Total number of parameters.
    public private(set) var count = 0
    var wordEmbeddings = 0, positionEmbeddings = 0, typeEmbeddings = 0, embeddingNormGamma = 0, embeddingNormBeta = 0
    var poolerWeight = 0, poolerBias = 0
    var layers: [Layer] = []

    /// Lays out the parameters of a model with `configuration`.
    public init(_ c: BertConfiguration) {
        let h = c.hiddenSize, i = c.intermediateSize
        wordEmbeddings = add("embeddings.word_embeddings.weight", [c.vocabularySize, h])
        positionEmbeddings = add("embeddings.position_embeddings.weight", [c.maxPositions, h])
        typeEmbeddings = add("embeddings.token_type_embeddings.weight", [c.typeVocabularySize, h])
        embeddingNormGamma = add("embeddings.LayerNorm.weight", [h])
        embeddingNormBeta = add("embeddings.LayerNorm.bias", [h])
        for l in 0..<c.layerCount {
            let p = "encoder.layer.\(l)."
            var layer = Layer()
            layer.qkvWeight = add(p + "attention.self.query.weight", [h, h])
            _ = add(p + "attention.self.key.weight", [h, h])
            _ = add(p + "attention.self.value.weight", [h, h])
            layer.qkvBias = add(p + "attention.self.query.bias", [h])
            _ = add(p + "attention.self.key.bias", [h])
            _ = add(p + "attention.self.value.bias", [h])
            layer.attentionOutWeight = add(p + "attention.output.dense.weight", [h, h])
            layer.attentionOutBias = add(p + "attention.output.dense.bias", [h])
            layer.attentionNormGamma = add(p + "attention.output.LayerNorm.weight", [h])
            layer.attentionNormBeta = add(p + "attention.output.LayerNorm.bias", [h])
            layer.intermediateWeight = add(p + "intermediate.dense.weight", [i, h])
            layer.intermediateBias = add(p + "intermediate.dense.bias", [i])
            layer.outputWeight = add(p + "output.dense.weight", [h, i])
            layer.outputBias = add(p + "output.dense.bias", [h])
            layer.outputNormGamma = add(p + "output.LayerNorm.weight", [h])
            layer.outputNormBeta = add(p + "output.LayerNorm.bias", [h])
            layers.append(layer)
        }
        poolerWeight = add("pooler.dense.weight", [h, h])
        poolerBias = add("pooler.dense.bias", [h])
    }

    private mutating func add(_ name: String, _ shape: [Int]) -> Int {
        let offset = count
        entries.append(Entry(name: name, offset: offset, shape: shape))
        count += shape.reduce(1, *)
        return offset
    }

    /// The entry called `name` (without `bert.`), if any.
    public func entry(named name: String) -> Entry? { entries.first { $0.name == name } }
}
