import Foundation
import WordPiece

/// How a fine-tuned model folder reads its inputs, saved next to the weights as `bertkit.json` so that
/// `bertkit predict` and `evaluate` prepare texts exactly as training did (normalization profile, length,
/// labels). A Hugging Face folder without it is read from `config.json` (`id2label`, `problem_type`).
public struct ClassifierRecipe: Sendable, Equatable, Codable {
    /// Label names in class-id order.
    public var labels: [String]
    /// Several labels per example.
    public var multiLabel: Bool
    /// Multi-label decision threshold on each label's probability.
    public var threshold: Float
    /// Longest input in tokens, special tokens included.
    public var maxLength: Int
    /// Normalization profile applied before tokenization (nil: none).
    public var normalize: String?
    /// Persian profile digit style (nil: the profile's default).
    public var digits: String?

    /// Creates a recipe.
    public init(labels: [String], multiLabel: Bool, threshold: Float = 0.5, maxLength: Int, normalize: String?, digits: String? = nil) {
        self.labels = labels
        self.multiLabel = multiLabel
        self.threshold = threshold
        self.maxLength = maxLength
        self.normalize = normalize
        self.digits = digits
    }

    enum CodingKeys: String, CodingKey {
        case labels, multiLabel = "multi_label", threshold, maxLength = "max_length", normalize, digits
    }

    /// The file name inside a model folder.
    public static let fileName = "bertkit.json"

    /// Reads `DIR/bertkit.json`, else the labels and problem type of `DIR/config.json` with `maxLength` 128 (or
    /// the config's `max_position_embeddings` if smaller).
    /// - Throws: `TrainingError.fileError` naming the file when neither gives labels (a config.json that is not
    ///   valid JSON with the byte, line and column where parsing stopped).
    public init(modelDirectory directory: String) throws {
        let recipePath = directory + "/" + Self.fileName
        if let data = FileManager.default.contents(atPath: recipePath) {
            // A syntax error is reported with its position; JSONDecoder says only that the data are corrupted.
            do { _ = try JSONValue.parseObject(data) } catch {
                throw TrainingError.fileError(path: recipePath, reason: error.reason + "; fix it, or delete it to fall back to config.json")
            }
            do { self = try JSONDecoder().decode(Self.self, from: data) } catch {
                throw TrainingError.fileError(path: recipePath, reason: "not a readable recipe (\(error)); delete it to fall back to config.json")
            }
            return
        }
        let configPath = directory + "/config.json"
        guard let data = FileManager.default.contents(atPath: configPath) else {
            throw TrainingError.fileError(path: configPath, reason: "missing or unreadable; --model must be a folder written by `bertkit finetune` or a Hugging Face classifier")
        }
        let object: [String: Any]
        do { object = try JSONValue.parseObject(data) } catch {
            throw TrainingError.fileError(path: configPath, reason: error.reason)
        }
        guard let id2label = object["id2label"] as? [String: Any], !id2label.isEmpty else {
            throw TrainingError.fileError(path: configPath, reason: "has no id2label; this is not a fine-tuned classifier (fine-tune it first with `bertkit finetune`)")
        }
        var names = [String](repeating: "", count: id2label.count)
        for (key, value) in id2label {
            guard let i = Int(key), i >= 0, i < names.count, let name = value as? String else {
                throw TrainingError.fileError(path: configPath, reason: "id2label must map the ids 0..<\(id2label.count) to names")
            }
            names[i] = name
        }
        let positions = object["max_position_embeddings"] as? Int ?? 512
        self.init(labels: names, multiLabel: (object["problem_type"] as? String) == "multi_label_classification",
                  maxLength: min(128, positions), normalize: nil)
    }

    /// Writes `DIR/bertkit.json` (through a temporary file renamed when complete).
    public func write(modelDirectory directory: String) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        let path = directory + "/" + Self.fileName
        do { try encoder.encode(self).write(to: URL(fileURLWithPath: path), options: .atomic) } catch {
            throw TrainingError.fileError(path: path, reason: "cannot write (\(error.localizedDescription))")
        }
    }

    /// The task these labels describe.
    public var task: ClassificationTask { ClassificationTask(labels: labels, multiLabel: multiLabel, threshold: threshold) }
}
