/// Everything that can go wrong loading or running the native encoder; messages name the file and tensor.
public enum NativeEncoderError: Error, CustomStringConvertible, Equatable, Sendable {
    /// A file could not be opened or read.
    case unreadableFile(path: String, reason: String)
    /// A file could not be written.
    case unwritableFile(path: String, reason: String)
    /// A safetensors header is malformed (size, JSON, offsets, dtype or shape).
    case invalidSafetensors(path: String, tensor: String?, reason: String)
    /// A tensor the model needs is absent from the checkpoint.
    case missingTensor(path: String, tensor: String)
    /// A tensor's dtype is not one the encoder can read.
    case unsupportedDType(path: String, tensor: String, dtype: String)
    /// A tensor's shape disagrees with config.json.
    case shapeMismatch(path: String, tensor: String, expected: [Int], found: [Int])
    /// config.json is missing a field, has a wrong type, or describes an unsupported model.
    case invalidConfiguration(path: String, reason: String)
    /// A batch does not fit the model (sequence too long, token id outside the vocabulary, shapes).
    case invalidBatch(reason: String)
    /// OpenBLAS could not be loaded.
    case blasUnavailable(reason: String)
    /// A checkpoint has no pooler, which a sequence classifier reads.
    case missingPooler(path: String)
    /// Optimizer parameter groups do not cover the model's parameters exactly once.
    case invalidParameterGroups(reason: String)
    /// A saved trainer state is incomplete or belongs to another model or task.
    case invalidTrainerState(path: String, reason: String)
    /// Targets, class weights or a learning rate that do not fit the task (label ids, sizes, non-finite values).
    case invalidTrainingInput(reason: String)
    /// The working memory for a batch could not be reserved.
    case outOfMemory(bytes: Int, reason: String)

    /// A lower-case sentence telling the user what went wrong and what to do.
    public var description: String {
        switch self {
        case let .unreadableFile(path, reason):
            return "cannot read \(path): \(reason); check the path and permissions"
        case let .unwritableFile(path, reason):
            return "cannot write \(path): \(reason); check the folder exists and is writable"
        case let .invalidSafetensors(path, tensor, reason):
            let what = tensor.map { " (tensor \($0))" } ?? ""
            return "\(path) is not a valid safetensors file\(what): \(reason); re-export or re-download it"
        case let .missingTensor(path, tensor):
            return "\(path) has no tensor \(tensor); is it a BERT checkpoint matching config.json?"
        case let .unsupportedDType(path, tensor, dtype):
            return "\(path): tensor \(tensor) has dtype \(dtype); convert the checkpoint to F32"
        case let .shapeMismatch(path, tensor, expected, found):
            return "\(path): tensor \(tensor) has shape \(found) but config.json implies \(expected); "
                + "the config and weights do not belong together"
        case let .invalidConfiguration(path, reason):
            return "\(path): \(reason); fix config.json (a Hugging Face BERT config is expected)"
        case let .invalidBatch(reason):
            return "invalid batch: \(reason)"
        case let .blasUnavailable(reason):
            return "OpenBLAS is unavailable: \(reason)"
        case let .missingPooler(path):
            return "\(path) has no pooler (pooler.dense.weight): the model has no pooler and a sequence classifier "
                + "(BertForSequenceClassification) needs one; use a checkpoint saved with its pooler"
        case let .invalidParameterGroups(reason):
            return "invalid optimizer parameter groups: \(reason)"
        case let .invalidTrainerState(path, reason):
            return "\(path): \(reason); resume from a state this trainer saved for the same model and labels"
        case let .invalidTrainingInput(reason):
            return "invalid training input: \(reason)"
        case let .outOfMemory(bytes, reason):
            return "cannot reserve \(bytes >> 20) MiB of working memory for a batch (\(reason)); use a smaller "
                + "--batch-size or --max-length, fewer --threads, or free memory"
        }
    }
}
