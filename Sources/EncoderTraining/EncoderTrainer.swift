/// A training backend: a BERT encoder with a classification head that computes gradients, applies optimizer
/// updates, predicts, and saves its state. `TrainingLoop` drives any implementation through this protocol; the
/// native OpenBLAS backend (`NativeEncoder.NativeClassifierTrainer`) is the first one, and an external backend
/// (a PyTorch process, a GPU library) implements the same methods.
///
/// Contract, which the loop relies on for exact resume and for gradient accumulation:
/// - `accumulateGradients` ADDS `lossScale` x d(loss)/d(parameters) of one batch to the backend's gradient
///   buffers (the first call after `applyUpdate` or `init` starts from zero) and returns the batch's mean loss
///   (unscaled). Dropout is on and its masks are a pure function of `dropoutSeed` (same seed, same masks).
/// - `clipGradientNorm` returns the global L2 norm of the accumulated gradients, over every trained parameter
///   (encoder and head), and scales them by `maxNorm / norm` when the norm exceeds `maxNorm` (PyTorch
///   `clip_grad_norm_`, which scales by `maxNorm / (norm + 1e-6)`).
/// - `applyUpdate` runs one optimizer step with `learningRate`, then zeroes the gradients.
/// - `logits` runs in evaluation mode (no dropout) and returns `batchSize x labelCount` values, row-major.
/// - `saveState` / `loadState` write and read everything an exact resume needs (parameters, optimizer moments
///   and step count) in a folder the backend owns; after `loadState` the backend continues bit for bit.
/// - `exportModel` writes a Hugging Face folder that `transformers` loads as `BertForSequenceClassification`.
public protocol EncoderTrainer: AnyObject {
    /// The task the head was built for.
    var task: ClassificationTask { get }
    /// Longest sequence the model accepts (its position embeddings).
    var maxSequenceLength: Int { get }
    /// Names of every trained parameter (Hugging Face names), in the backend's order.
    var parameterNames: [String] { get }

    /// Adds the gradients of one batch's loss (times `lossScale`) and returns its mean loss.
    func accumulateGradients(for batch: TrainingBatch, lossScale: Float, dropoutSeed: UInt64) throws -> Double
    /// Global-norm clipping of the accumulated gradients; returns the norm before clipping.
    func clipGradientNorm(maxNorm: Float) -> Double
    /// One optimizer step at `learningRate`, then zeroed gradients.
    func applyUpdate(learningRate: Float) throws
    /// Evaluation-mode logits, `batch.batchSize x task.labelCount`.
    func logits(for batch: TrainingBatch) throws -> [Float]
    /// Writes parameters, optimizer moments and step count into `directory` (created if needed).
    func saveState(to directory: String) throws
    /// Restores what `saveState` wrote.
    func loadState(from directory: String) throws
    /// Writes a Hugging Face model folder (weights, config.json with id2label/label2id).
    func exportModel(to directory: String) throws
}
