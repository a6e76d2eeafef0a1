import Foundation

extension BertEncoder {
    /// Loads `config.json` and `model.safetensors` from a Hugging Face BERT folder.
    /// - Throws: `NativeEncoderError` naming the file and tensor that is missing or inconsistent.
    ///
    /// The checkpoint is checked against config.json before any parameter memory is allocated: a config whose
    /// sizes need more bytes than model.safetensors holds is reported, not allocated.
    public convenience init(directory: String, threads: Int = 1, options: Options = Options()) throws {
        try BLAS.load()  // a clear error here rather than an abort at the first matrix product
        let configPath = directory + "/config.json"
        let config = try BertConfiguration(contentsOf: configPath)
        let file = try SafetensorsFile(contentsOf: directory + "/model.safetensors")
        // 2 bytes a parameter: the smallest element the loader accepts (F16, BF16).
        let needed = (config.checkedParameterCount ?? Int.max / 16) * 2
        guard needed <= file.dataByteCount else {
            throw NativeEncoderError.invalidConfiguration(
                path: configPath,
                reason: "its sizes describe \(config.checkedParameterCount ?? 0) parameters (at least \(needed) bytes) but \(file.path) "
                    + "holds \(file.dataByteCount) bytes of tensors; the config and weights do not belong together")
        }
        self.init(configuration: config, threads: threads, options: options)
        try load(safetensors: file)
    }

    /// Copies every parameter from a checkpoint, with or without the `bert.` name prefix; extra tensors
    /// (an MLM or classification head) are ignored.
    /// - Throws: `missingTensor`, `shapeMismatch` or `unsupportedDType` naming the file and tensor.
    public func load(safetensors file: SafetensorsFile) throws {
        let first = "embeddings.word_embeddings.weight"
        let prefix: String
        if file.tensors[first] != nil {
            prefix = ""
        } else if file.tensors["bert." + first] != nil {
            prefix = "bert."
        } else {
            throw NativeEncoderError.missingTensor(path: file.path, tensor: first)
        }
        for entry in layout.entries {
            let name = prefix + entry.name
            let info = try file.info(name)
            guard info.dtype != .i32, info.dtype != .i64 else {
                throw NativeEncoderError.unsupportedDType(path: file.path, tensor: name, dtype: info.dtype.rawValue)
            }
            guard info.shape == entry.shape else {
                throw NativeEncoderError.shapeMismatch(path: file.path, tensor: name, expected: entry.shape, found: info.shape)
            }
            try file.copyFloats(name, into: UnsafeMutableBufferPointer(start: parameters[entry.offset], count: entry.count))
        }
    }

    /// Writes all parameters as an F32 safetensors file with Hugging Face names (no prefix).
    public func save(to path: String) throws {
        let tensors = layout.entries.map { e in
            SafetensorsWriter.Tensor(
                name: e.name, shape: e.shape, values: Array(UnsafeBufferPointer(start: parameters[e.offset], count: e.count)))
        }
        try SafetensorsWriter.write(tensors, metadata: ["format": "pt"], to: path)
    }
}
