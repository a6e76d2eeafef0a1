import LineIO
import WordPiece

extension Tokenizer {
    /// The tokenizer as HF `tokenizers`' `tokenizer.json` text: `Tokenizer.from_file` loads it and encodes
    /// exactly as this tokenizer does (checked by Scripts/golden/check-tokenizer-json.py). A normalization
    /// profile, which HF has no equivalent of, is not saved.
    public func tokenizerJSON() -> String {
        let config = wordPiece.configuration
        let vocabulary = self.vocabulary
        var out = "{\n  \"version\": \"1.0\",\n"
        if let t = truncation {
            let strategy = ["longest_first": "LongestFirst", "only_first": "OnlyFirst", "only_second": "OnlySecond"][t.strategy.rawValue]!
            out += "  \"truncation\": {\"direction\": \"\(t.side == .left ? "Left" : "Right")\", \"max_length\": \(t.maxLength), "
                + "\"strategy\": \"\(strategy)\", \"stride\": \(t.stride)},\n"
        } else {
            out += "  \"truncation\": null,\n"
        }
        if let p = padding {
            let strategy: String
            switch p.length {
            case .longest: strategy = "\"BatchLongest\""
            case .fixed(let n): strategy = "{\"Fixed\": \(n)}"
            }
            out += "  \"padding\": {\"strategy\": \(strategy), \"direction\": \"\(p.side == .left ? "Left" : "Right")\", "
                + "\"pad_to_multiple_of\": \(p.multiple.map(String.init) ?? "null"), \"pad_id\": \(p.padID), "
                + "\"pad_type_id\": \(p.padTypeID), \"pad_token\": \(Self.jsonString(p.padToken))},\n"
        } else {
            out += "  \"padding\": null,\n"
        }
        let added = config.specialTokens.compactMap { token in vocabulary.id(of: token).map { (token, $0) } }.sorted { $0.1 < $1.1 }
        out += "  \"added_tokens\": [\n"
        out += added.map { token, id in
            "    {\"id\": \(id), \"content\": \(Self.jsonString(token)), \"single_word\": false, \"lstrip\": false, "
                + "\"rstrip\": false, \"normalized\": false, \"special\": true}"
        }.joined(separator: ",\n")
        out += "\n  ],\n"
        let strip = config.stripAccents.map { $0 ? "true" : "false" } ?? "null"
        out += "  \"normalizer\": {\"type\": \"BertNormalizer\", \"clean_text\": \(config.cleanText), "
            + "\"handle_chinese_chars\": \(config.handleChineseCharacters), \"strip_accents\": \(strip), \"lowercase\": \(config.lowercase)},\n"
        out += "  \"pre_tokenizer\": {\"type\": \"BertPreTokenizer\"},\n"
        func pieces(_ list: [TemplateProcessing.Piece]) -> String {
            "[" + list.map { piece -> String in
                switch piece {
                case let .sequence(index, typeID):
                    return "{\"Sequence\": {\"id\": \"\(index == 0 ? "A" : "B")\", \"type_id\": \(typeID)}}"
                case let .special(token, _, typeID):
                    return "{\"SpecialToken\": {\"id\": \(Self.jsonString(token)), \"type_id\": \(typeID)}}"
                }
            }.joined(separator: ", ") + "]"
        }
        var specialTokens: [String: Int32] = [:]
        for case let .special(token, id, _) in template.single + template.pair { specialTokens[token] = id }
        let specialJSON = specialTokens.sorted { $0.key < $1.key }.map { token, id in
            "\(Self.jsonString(token)): {\"id\": \(Self.jsonString(token)), \"ids\": [\(id)], \"tokens\": [\(Self.jsonString(token))]}"
        }.joined(separator: ", ")
        out += "  \"post_processor\": {\"type\": \"TemplateProcessing\", \"single\": \(pieces(template.single)), "
            + "\"pair\": \(pieces(template.pair)), \"special_tokens\": {\(specialJSON)}},\n"
        out += "  \"decoder\": {\"type\": \"WordPiece\", \"prefix\": \(Self.jsonString(decoder.prefix)), \"cleanup\": \(decoder.cleanup)},\n"
        out += "  \"model\": {\"type\": \"WordPiece\", \"unk_token\": \(Self.jsonString(vocabulary.unknownToken)), "
            + "\"continuing_subword_prefix\": \(Self.jsonString(vocabulary.continuingSubwordPrefix)), "
            + "\"max_input_chars_per_word\": \(vocabulary.maxInputCharsPerWord), \"vocab\": {\n"
        out += vocabulary.tokens.enumerated().map { "    \(Self.jsonString($1)): \($0)" }.joined(separator: ",\n")
        out += "\n  }}\n}\n"
        return out
    }

    /// Writes `tokenizerJSON()` to `path` through a temporary file renamed when complete.
    public func save(tokenizerJSON path: String) throws {
        let output = try AtomicOutput(path: path)
        do {
            try output.write(Array(tokenizerJSON().utf8))
            try output.commit()
        } catch {
            output.discard()
            throw error
        }
    }

    /// A JSON string literal of `s` (quotes, backslashes and control characters escaped).
    public static func jsonString(_ s: String) -> String {
        var out = "\""
        for scalar in s.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case _ where scalar.value < 0x20:
                let hex = String(scalar.value, radix: 16)
                out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out + "\""
    }
}
