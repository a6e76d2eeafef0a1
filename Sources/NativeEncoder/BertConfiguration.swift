import Foundation
import WordPiece

/// The BERT hyper-parameters the encoder needs, read from a Hugging Face `config.json`.
public struct BertConfiguration: Sendable, Equatable {
    /// Number of token embeddings (`vocab_size`).
    public var vocabularySize: Int
    /// Width of every hidden state (`hidden_size`).
    public var hiddenSize: Int
    /// Number of transformer layers (`num_hidden_layers`).
    public var layerCount: Int
    /// Attention heads per layer (`num_attention_heads`); must divide `hiddenSize`.
    public var headCount: Int
    /// Feed-forward width (`intermediate_size`).
    public var intermediateSize: Int
    /// Number of learned positions (`max_position_embeddings`), the longest sequence accepted.
    public var maxPositions: Int
    /// Number of token types (`type_vocab_size`).
    public var typeVocabularySize: Int
    /// LayerNorm epsilon (`layer_norm_eps`, 1e-12 for BERT).
    public var layerNormEpsilon: Float
    /// Dropout on embeddings and block outputs (`hidden_dropout_prob`).
    public var hiddenDropout: Float
    /// Dropout on attention probabilities (`attention_probs_dropout_prob`).
    public var attentionDropout: Float
    /// Padding token id (`pad_token_id`): its embedding row gets no gradient, as with PyTorch's padding_idx.
    public var padTokenID: Int32

    /// Creates a configuration; defaults are all-MiniLM-L6-v2's.
    public init(
        vocabularySize: Int = 30522, hiddenSize: Int = 384, layerCount: Int = 6, headCount: Int = 12,
        intermediateSize: Int = 1536, maxPositions: Int = 512, typeVocabularySize: Int = 2,
        layerNormEpsilon: Float = 1e-12, hiddenDropout: Float = 0.1, attentionDropout: Float = 0.1,
        padTokenID: Int32 = 0
    ) {
        self.vocabularySize = vocabularySize
        self.hiddenSize = hiddenSize
        self.layerCount = layerCount
        self.headCount = headCount
        self.intermediateSize = intermediateSize
        self.maxPositions = maxPositions
        self.typeVocabularySize = typeVocabularySize
        self.layerNormEpsilon = layerNormEpsilon
        self.hiddenDropout = hiddenDropout
        self.attentionDropout = attentionDropout
        self.padTokenID = padTokenID
    }

    /// Width of one attention head.
    public var headSize: Int { hiddenSize / headCount }

    /// The number of parameters these sizes describe (`ParameterLayout`'s count), or nil when it does not fit
    /// in an `Int` with room for byte counts (16 bytes a parameter: value, gradient, two AdamW moments).
    /// Computed in Double, so absurd sizes from a config.json are caught before anything is laid out.
    public var checkedParameterCount: Int? {
        let h = Double(hiddenSize), i = Double(intermediateSize)
        let embeddings = (Double(vocabularySize) + Double(maxPositions) + Double(typeVocabularySize)) * h + 2 * h
        let layer = 4 * h * h + 2 * h * i + 9 * h + i  // QKV + output dense, two LayerNorms, feed-forward
        let total = embeddings + Double(layerCount) * layer + h * h + h
        guard total.isFinite, total <= Double(Int.max / 16) else { return nil }
        return Int(total)
    }

    /// Parses a Hugging Face BERT `config.json`.
    /// - Throws: `NativeEncoderError.invalidConfiguration` naming the file and the field.
    public init(contentsOf path: String) throws {
        let data: Data
        do { data = try Data(contentsOf: URL(fileURLWithPath: path)) } catch {
            throw NativeEncoderError.unreadableFile(path: path, reason: error.localizedDescription)
        }
        let json: [String: Any]
        do { json = try JSONValue.parseObject(data) } catch {
            throw NativeEncoderError.invalidConfiguration(path: path, reason: error.reason)
        }
        func int(_ key: String, default value: Int? = nil) throws -> Int {
            if let n = json[key] as? NSNumber, let i = Int(exactly: n.doubleValue), i > 0 { return i }
            if json[key] == nil, let value { return value }
            throw NativeEncoderError.invalidConfiguration(path: path, reason: "\(key) must be a positive integer")
        }
        func float(_ key: String, default value: Float) throws -> Float {
            guard let raw = json[key] else { return value }
            guard let n = raw as? NSNumber, n.doubleValue >= 0, n.doubleValue < 1 else {
                throw NativeEncoderError.invalidConfiguration(path: path, reason: "\(key) must be a number in [0, 1)")
            }
            return n.floatValue
        }
        if let act = json["hidden_act"] as? String, act != "gelu" {
            throw NativeEncoderError.invalidConfiguration(path: path, reason: "hidden_act \(act) is not supported (only gelu)")
        }
        if let kind = json["position_embedding_type"] as? String, kind != "absolute" {
            throw NativeEncoderError.invalidConfiguration(path: path, reason: "position_embedding_type \(kind) is not supported")
        }
        self.init(
            vocabularySize: try int("vocab_size"), hiddenSize: try int("hidden_size"),
            layerCount: try int("num_hidden_layers"), headCount: try int("num_attention_heads"),
            intermediateSize: try int("intermediate_size"), maxPositions: try int("max_position_embeddings"),
            typeVocabularySize: try int("type_vocab_size", default: 2),
            layerNormEpsilon: try float("layer_norm_eps", default: 1e-12),
            hiddenDropout: try float("hidden_dropout_prob", default: 0.1),
            attentionDropout: try float("attention_probs_dropout_prob", default: 0.1),
            padTokenID: Int32(clamping: (json["pad_token_id"] as? NSNumber)?.intValue ?? 0))
        guard hiddenSize % headCount == 0 else {
            throw NativeEncoderError.invalidConfiguration(
                path: path, reason: "hidden_size \(hiddenSize) is not a multiple of num_attention_heads \(headCount)")
        }
        guard checkedParameterCount != nil else {
            throw NativeEncoderError.invalidConfiguration(
                path: path, reason: "its sizes describe more parameters than a 64-bit process can address")
        }
    }
}
