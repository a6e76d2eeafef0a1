import EncoderTraining
import Foundation
import WordPiece

/// Saving and restoring the training state (exact resume), and exporting a Hugging Face model folder.
extension NativeClassifierTrainer {
    /// File names inside a state folder.
    static let stateTensorsFile = "trainer-state.safetensors", stateFile = "trainer-state.json"
    /// `format` of the state JSON and the safetensors metadata.
    static let stateFormat = "bertkit-native-classifier-state"
    /// Prefixes of the AdamW moments in the state file (PyTorch's state names).
    static let firstMomentPrefix = "optimizer.exp_avg.", secondMomentPrefix = "optimizer.exp_avg_sq."

    /// Shapes of `parameterNames`, in order.
    var parameterShapes: [[Int]] {
        let n = task.labelCount, h = encoder.configuration.hiddenSize
        return encoder.layout.entries.map(\.shape) + [[n, h], [n]]
    }

    /// Writes parameters (encoder and head), both AdamW moments and the step count into `directory`, which the
    /// trainer owns: its previous contents are replaced as a whole (`trainer-state.safetensors`, F32 tensors under
    /// the parameter names and `optimizer.exp_avg.` / `optimizer.exp_avg_sq.` + name; `trainer-state.json`: format,
    /// step, labels, whether batches run as length groups, names and shapes), through a temporary folder renamed when complete. Gradients not yet applied
    /// are not saved: save after `applyUpdate`.
    /// - Throws: `NativeEncoderError.unwritableFile` naming the path.
    public func saveState(to directory: String) throws {
        var views: [SafetensorsWriter.View] = []
        for (t, shape) in zip(optimizer.tensors, parameterShapes) {
            views.append(.init(name: t.name, shape: shape, values: UnsafeBufferPointer(start: t.parameters, count: t.count)))
            views.append(.init(name: Self.firstMomentPrefix + t.name, shape: shape,
                               values: UnsafeBufferPointer(start: optimizer.m[t.momentOffset], count: t.count)))
            views.append(.init(name: Self.secondMomentPrefix + t.name, shape: shape,
                               values: UnsafeBufferPointer(start: optimizer.v[t.momentOffset], count: t.count)))
        }
        let state: [String: Any] = [
            "format": Self.stateFormat, "version": 1, "step": optimizer.step, "labels": task.labels,
            "multi_label": task.multiLabel, "length_groups": groupsByLength,
            "parameters": zip(parameterNames, parameterShapes).map { ["name": $0, "shape": $1] as [String: Any] },
        ]
        try AtomicDirectory.write(directory) { folder in
            try SafetensorsWriter.write(views: views, metadata: ["format": Self.stateFormat], to: folder + "/" + Self.stateTensorsFile)
            try Self.writeJSON(state, to: folder + "/" + Self.stateFile)
        }
    }

    /// Restores what `saveState` wrote; every tensor is checked (present, F32, shape) before anything is copied,
    /// so a bad folder leaves the trainer as it was. Accumulated gradients are dropped.
    /// - Throws: `NativeEncoderError.invalidTrainerState` (or the safetensors reader's errors) naming the file.
    public func loadState(from directory: String) throws {
        let jsonPath = directory + "/" + Self.stateFile, tensorsPath = directory + "/" + Self.stateTensorsFile
        let data: Data
        do { data = try Data(contentsOf: URL(fileURLWithPath: jsonPath)) } catch {
            throw NativeEncoderError.unreadableFile(path: jsonPath, reason: error.localizedDescription)
        }
        let json: [String: Any]
        do { json = try JSONValue.parseObject(data) } catch {
            throw NativeEncoderError.invalidTrainerState(path: jsonPath, reason: "it is \(error.reason)")
        }
        guard json["format"] as? String == Self.stateFormat else {
            throw NativeEncoderError.invalidTrainerState(path: jsonPath, reason: "it is not a \(Self.stateFormat) file")
        }
        guard (json["version"] as? NSNumber)?.intValue == 1 else {
            throw NativeEncoderError.invalidTrainerState(path: jsonPath, reason: "its version \(json["version"] ?? "none") is not 1")
        }
        guard let step = (json["step"] as? NSNumber).flatMap({ Int(exactly: $0.doubleValue) }), step >= 0 else {
            throw NativeEncoderError.invalidTrainerState(path: jsonPath, reason: "step must be a non-negative integer")
        }
        guard let labels = json["labels"] as? [String], labels == task.labels,
            (json["multi_label"] as? Bool) == task.multiLabel
        else {
            throw NativeEncoderError.invalidTrainerState(
                path: jsonPath, reason: "its labels or label mode differ from this task's \(task.labels) (multi-label: \(task.multiLabel))")
        }
        // Length groups change the last bits of the gradients, so a resumed run keeps the setting it was saved
        // with (states written before the key existed are accepted).
        if let saved = json["length_groups"] as? Bool, saved != groupsByLength {
            throw NativeEncoderError.invalidTrainerState(
                path: jsonPath, reason: "it was saved \(saved ? "with length groups" : "with --no-length-groups"), and this run "
                    + "\(groupsByLength ? "groups by length" : "has --no-length-groups"); resume with the same setting for an exact continuation")
        }
        let file = try SafetensorsFile(contentsOf: tensorsPath)
        let shapes = parameterShapes
        for (t, shape) in zip(optimizer.tensors, shapes) {
            for name in [t.name, Self.firstMomentPrefix + t.name, Self.secondMomentPrefix + t.name] {
                guard let info = file.tensors[name] else {
                    throw NativeEncoderError.invalidTrainerState(path: tensorsPath, reason: "tensor \(name) is missing")
                }
                guard info.dtype == .f32, info.shape == shape else {
                    throw NativeEncoderError.invalidTrainerState(
                        path: tensorsPath, reason: "tensor \(name) is \(info.dtype.rawValue) \(info.shape), expected F32 \(shape)")
                }
            }
        }
        guard file.tensors.count == 3 * shapes.count else {
            throw NativeEncoderError.invalidTrainerState(
                path: tensorsPath, reason: "it holds \(file.tensors.count) tensors, expected \(3 * shapes.count); it was saved for another model")
        }
        for t in optimizer.tensors {
            try file.copyFloats(t.name, into: UnsafeMutableBufferPointer(start: t.parameters, count: t.count))
            try file.copyFloats(Self.firstMomentPrefix + t.name, into: UnsafeMutableBufferPointer(start: optimizer.m[t.momentOffset], count: t.count))
            try file.copyFloats(Self.secondMomentPrefix + t.name, into: UnsafeMutableBufferPointer(start: optimizer.v[t.momentOffset], count: t.count))
        }
        optimizer.step = step
        headGradients.zero()
        pendingBatches = 0
    }

    /// Writes a Hugging Face folder that `transformers` loads as `BertForSequenceClassification`, replacing
    /// `directory` as a whole (through a temporary folder): model.safetensors (F32, `bert.`-prefixed encoder
    /// names, `classifier.weight`, `classifier.bias`); config.json = the source config.json with `architectures`
    /// `["BertForSequenceClassification"]`, `id2label` / `label2id` (keys "0", "1", ...) and `problem_type`; and the
    /// source folder's vocab.txt, tokenizer.json, tokenizer_config.json and special_tokens_map.json when present.
    /// Loading the folder again with `NativeClassifierTrainer` reuses the head.
    /// - Throws: `NativeEncoderError.unwritableFile` or `.unreadableFile` naming the path.
    public func exportModel(to directory: String) throws {
        let views = zip(optimizer.tensors, parameterShapes).map { t, shape in
            SafetensorsWriter.View(name: t.name, shape: shape, values: UnsafeBufferPointer(start: t.parameters, count: t.count))
        }
        var config = try HeadSettings(contentsOf: modelDirectory + "/config.json", encoder: encoder.configuration).json
        config["architectures"] = ["BertForSequenceClassification"]
        config["id2label"] = Dictionary(uniqueKeysWithValues: task.labels.enumerated().map { (String($0.offset), $0.element) })
        config["label2id"] = Dictionary(task.labels.enumerated().map { ($0.element, $0.offset) }, uniquingKeysWith: { first, _ in first })
        config["problem_type"] = task.multiLabel ? "multi_label_classification" : "single_label_classification"
        let fm = FileManager.default
        try AtomicDirectory.write(directory) { folder in
            try SafetensorsWriter.write(views: views, metadata: ["format": "pt"], to: folder + "/model.safetensors")
            try Self.writeJSON(config, to: folder + "/config.json")
            for name in ["vocab.txt", "tokenizer.json", "tokenizer_config.json", "special_tokens_map.json"]
            where fm.fileExists(atPath: modelDirectory + "/" + name) {
                do { try fm.copyItem(atPath: modelDirectory + "/" + name, toPath: folder + "/" + name) } catch {
                    throw NativeEncoderError.unwritableFile(path: folder + "/" + name, reason: error.localizedDescription)
                }
            }
        }
    }

    /// Writes a JSON object (sorted keys, indented, final newline).
    static func writeJSON(_ object: [String: Any], to path: String) throws {
        do {
            var data = try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .prettyPrinted])
            data.append(0x0A)
            try data.write(to: URL(fileURLWithPath: path))
        } catch {
            throw NativeEncoderError.unwritableFile(path: path, reason: error.localizedDescription)
        }
    }
}
