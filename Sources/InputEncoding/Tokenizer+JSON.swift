import Foundation
import TextNormalization
import WordPiece

/// Loading and saving whole BERT-family tokenizers in HF `tokenizers`' `tokenizer.json` format, and model
/// folders (`tokenizer.json`, or `vocab.txt` with `tokenizer_config.json`).
extension Tokenizer {
    /// Loads a model folder: its `tokenizer.json` when present, else `vocab.txt` with the casing of
    /// `tokenizer_config.json` (`do_lower_case`, default true; `strip_accents`; `tokenize_chinese_chars`).
    /// `normalizer` (a language profile) runs before BERT's own normalization.
    public init(directory: String, normalizer: (any NormalizationStage)? = nil) throws {
        let folder = directory.hasSuffix("/") ? String(directory.dropLast()) : directory
        let json = folder + "/tokenizer.json"
        if FileManager.default.fileExists(atPath: json) {
            try self.init(tokenizerJSON: json, normalizer: normalizer)
            return
        }
        let vocabPath = folder + "/vocab.txt"
        guard FileManager.default.fileExists(atPath: vocabPath) else {
            throw EncodingError.invalidTokenizerFile(path: folder, reason: "has neither tokenizer.json nor vocab.txt; give a BERT model folder or a vocabulary file")
        }
        var configuration = WordPieceTokenizer.Configuration()
        let configPath = folder + "/tokenizer_config.json"
        if FileManager.default.fileExists(atPath: configPath) {
            let object = try Self.readJSONObject(configPath)
            if let lower = object["do_lower_case"] as? Bool { configuration.lowercase = lower }
            if let strip = object["strip_accents"] as? Bool { configuration.stripAccents = strip }
            if let chinese = object["tokenize_chinese_chars"] as? Bool { configuration.handleChineseCharacters = chinese }
        }
        let vocabulary = try Vocabulary(contentsOf: vocabPath)
        try self.init(wordPiece: WordPieceTokenizer(vocabulary: vocabulary, configuration: configuration, normalizer: normalizer))
    }

    /// Loads an HF `tokenizer.json` with a WordPiece model: its BertNormalizer flags, added tokens,
    /// post-processor (TemplateProcessing or BertProcessing), truncation, padding and decoder.
    /// - Throws: `EncodingError.invalidTokenizerFile` for parts BertKit does not implement (another model, normalizer or
    ///   pre-tokenizer), `VocabularyError` for a bad vocabulary.
    public init(tokenizerJSON path: String, normalizer: (any NormalizationStage)? = nil) throws {
        let root = try Self.readJSONObject(path)
        func fail(_ reason: String) -> EncodingError { .invalidTokenizerFile(path: path, reason: reason) }
        let vocabulary = try Vocabulary(tokenizerJSON: path)
        let lastID = vocabulary.count - 1
        /// A whole number in `range`, or `fallback` when the field is absent or null; anything else (true, 1.5,
        /// 1e30, a string, a value out of range) is refused with the field's name, never truncated or trapped on.
        func integer(_ value: Any?, _ field: String, default fallback: Int? = nil, in range: ClosedRange<Int>) throws -> Int {
            if value == nil || value is NSNull, let fallback { return fallback }
            guard let number = JSONValue.integer(value), range.contains(number) else {
                throw fail("\(field) is \(JSONValue.describe(value)); it must be a whole number from \(range.lowerBound) to \(range.upperBound)")
            }
            return number
        }

        var configuration = WordPieceTokenizer.Configuration(lowercase: false, stripAccents: false, handleChineseCharacters: false, cleanText: false)
        switch root["normalizer"] {
        case nil, is NSNull: break
        case let n as [String: Any]:
            guard (n["type"] as? String) == "BertNormalizer" else {
                throw fail("normalizer type \(n["type"] ?? "?") is not supported (BertKit reads BertNormalizer)")
            }
            configuration.lowercase = n["lowercase"] as? Bool ?? true
            configuration.stripAccents = n["strip_accents"] as? Bool
            configuration.handleChineseCharacters = n["handle_chinese_chars"] as? Bool ?? true
            configuration.cleanText = n["clean_text"] as? Bool ?? true
        default: throw fail("\"normalizer\" is not an object")
        }
        if let pre = root["pre_tokenizer"] as? [String: Any], (pre["type"] as? String) != "BertPreTokenizer" {
            throw fail("pre_tokenizer type \(pre["type"] ?? "?") is not supported (BertKit reads BertPreTokenizer)")
        }
        var specials: [String] = []
        for case let added as [String: Any] in root["added_tokens"] as? [Any] ?? [] {
            guard let content = added["content"] as? String else { throw fail("an added token has no \"content\"") }
            if (added["normalized"] as? Bool) == true {
                throw fail("added token \(content) is normalized; BertKit matches added tokens in the raw text only")
            }
            specials.append(content)
        }
        configuration.specialTokens = specials
        let wordPiece = WordPieceTokenizer(vocabulary: vocabulary, configuration: configuration, normalizer: normalizer)

        func tokenID(_ token: String) -> Int32? { vocabulary.id(of: token) }
        var template = TemplateProcessing(single: [.sequence(0, typeID: 0)], pair: [.sequence(0, typeID: 0), .sequence(1, typeID: 1)])
        switch root["post_processor"] {
        case nil, is NSNull: break
        case let p as [String: Any]:
            switch p["type"] as? String {
            case "TemplateProcessing":
                func pieces(_ key: String) throws -> [TemplateProcessing.Piece] {
                    guard let list = p[key] as? [[String: Any]] else { throw fail("post_processor.\(key) is missing") }
                    return try list.map { item in
                        if let s = item["SpecialToken"] as? [String: Any], let name = s["id"] as? String {
                            let type = try integer(s["type_id"], "post_processor.\(key) type_id of \(name)", default: 0, in: 0...Int(Int32.max))
                            let special = (p["special_tokens"] as? [String: Any])?[name] as? [String: Any]
                            let ids = special?["ids"] as? [Any]
                            let id: Int32
                            if let ids, ids.count == 1 {
                                id = Int32(try integer(ids[0], "post_processor.special_tokens id of \(name)", in: 0...lastID))
                            } else if let known = tokenID(name) {
                                id = known
                            } else {
                                throw fail("template special token \(name) has no single id")
                            }
                            return .special(name, id: id, typeID: Int32(type))
                        }
                        if let s = item["Sequence"] as? [String: Any], let name = s["id"] as? String {
                            let type = try integer(s["type_id"], "post_processor.\(key) type_id of sequence \(name)", default: 0, in: 0...Int(Int32.max))
                            return .sequence(name == "B" ? 1 : 0, typeID: Int32(type))
                        }
                        throw fail("post_processor.\(key) holds an unknown piece")
                    }
                }
                template = TemplateProcessing(single: try pieces("single"), pair: try pieces("pair"))
            case "BertProcessing":
                guard let cls = p["cls"] as? [Any], let sep = p["sep"] as? [Any], cls.count == 2, sep.count == 2,
                      let clsName = cls[0] as? String, let sepName = sep[0] as? String
                else { throw fail("post_processor BertProcessing needs cls and sep as [token, id]") }
                let clsID = try integer(cls[1], "post_processor.cls id", in: 0...lastID)
                let sepID = try integer(sep[1], "post_processor.sep id", in: 0...lastID)
                template = .bert(cls: (clsName, Int32(clsID)), sep: (sepName, Int32(sepID)))
            default:
                throw fail("post_processor type \(p["type"] ?? "?") is not supported (TemplateProcessing or BertProcessing)")
            }
        default: throw fail("\"post_processor\" is not an object")
        }

        var truncation: Truncation?
        if let t = root["truncation"] as? [String: Any] {
            let maxLength = try integer(t["max_length"], "truncation.max_length", in: 0...Int(Int32.max))
            let strategies = ["LongestFirst": Truncation.Strategy.longestFirst, "OnlyFirst": .onlyFirst, "OnlySecond": .onlySecond]
            guard let strategy = strategies[t["strategy"] as? String ?? "LongestFirst"] else { throw fail("unknown truncation.strategy") }
            truncation = Truncation(maxLength: maxLength, strategy: strategy,
                                    side: (t["direction"] as? String) == "Left" ? .left : .right,
                                    stride: try integer(t["stride"], "truncation.stride", default: 0, in: 0...Int(Int32.max)))
        }
        var padding: Padding?
        if let p = root["padding"] as? [String: Any] {
            var length = Padding.Length.longest
            if let strategy = p["strategy"] as? [String: Any], strategy["Fixed"] != nil {
                length = .fixed(try integer(strategy["Fixed"], "padding.strategy.Fixed", in: 0...Self.maximumPaddedLength))
            }
            let multiple = p["pad_to_multiple_of"] is NSNull ? nil : p["pad_to_multiple_of"]
            padding = Padding(
                length: length, multiple: try multiple.map { try integer($0, "padding.pad_to_multiple_of", in: 0...Self.maximumPaddedLength) },
                side: (p["direction"] as? String) == "Left" ? .left : .right,
                padID: Int32(try integer(p["pad_id"], "padding.pad_id", default: 0, in: 0...lastID)),
                padTypeID: Int32(try integer(p["pad_type_id"], "padding.pad_type_id", default: 0, in: 0...Int(Int32.max))),
                padToken: p["pad_token"] as? String ?? "[PAD]")
        }
        var decoder = WordPieceDecoder(prefix: vocabulary.continuingSubwordPrefix)
        if let d = root["decoder"] as? [String: Any], (d["type"] as? String) == "WordPiece" {
            decoder = WordPieceDecoder(prefix: d["prefix"] as? String ?? "##", cleanup: d["cleanup"] as? Bool ?? true)
        }
        try self.init(wordPiece: wordPiece, template: template, truncation: truncation, padding: padding, decoder: decoder)
    }

    /// The longest fixed padding or padding multiple a tokenizer.json may ask for (1,048,576 tokens): every
    /// padded encoding holds that many ids, so a larger value would allocate gigabytes per text.
    public static let maximumPaddedLength = 1 << 20

    static func readJSONObject(_ path: String) throws -> [String: Any] {
        let data: Data
        do { data = try Data(contentsOf: URL(fileURLWithPath: path)) } catch {
            throw EncodingError.invalidTokenizerFile(path: path, reason: "cannot be read (\(error.localizedDescription))")
        }
        do { return try JSONValue.parseObject(data) } catch {
            throw EncodingError.invalidTokenizerFile(path: path, reason: "is \(error.reason)")
        }
    }
}
