import WordPiece

/// Ids back to text as HF `tokenizers`' WordPiece decoder does (tokenizers/src/decoders/wordpiece.rs): tokens
/// joined with spaces, a continuation piece glued to the one before it without its prefix, and, with
/// `cleanup`, the spaces BERT put before punctuation and English contractions removed token by token.
public struct WordPieceDecoder: Sendable, Hashable {
    /// The continuation prefix (`##`).
    public var prefix: String
    /// Remove tokenization spaces (`clean_up_tokenization_spaces`, default true).
    public var cleanup: Bool

    /// A decoder for `prefix` pieces.
    public init(prefix: String = "##", cleanup: Bool = true) {
        self.prefix = prefix
        self.cleanup = cleanup
    }

    /// Joins token strings into text.
    public func decode(_ tokens: [String]) -> String {
        var text = ""
        let prefixBytes = Array(prefix.utf8)
        for (k, token) in tokens.enumerated() {
            var piece: String
            // Bytes, not Characters: "##" followed by a combining mark is one grapheme cluster in Swift.
            if k == 0 {
                piece = token
            } else if token.utf8.starts(with: prefixBytes) {
                piece = String(decoding: token.utf8.dropFirst(prefixBytes.count), as: UTF8.self)
            } else {
                piece = " " + token
            }
            if cleanup { piece = Self.cleanUp(piece) }
            text += piece
        }
        return text
    }

    /// HF's `cleanup`: the replacements, in its order, applied to one token's text.
    static func cleanUp(_ text: String) -> String {
        guard text.contains(" ") else { return text }
        var s = text
        for (from, to) in [
            (" .", "."), (" ?", "?"), (" !", "!"), (" ,", ","), (" ' ", "'"), (" n't", "n't"), (" 'm", "'m"),
            (" do not", " don't"), (" 's", "'s"), (" 've", "'ve"), (" 're", "'re"),
        ] {
            s = s.replacingAll(from, with: to)
        }
        return s
    }
}

extension String {
    /// Every non-overlapping occurrence of `target`, left to right, replaced (Rust's `str::replace`).
    fileprivate func replacingAll(_ target: String, with replacement: String) -> String {
        let t = Array(target.utf8)
        let bytes = Array(utf8)
        guard bytes.count >= t.count else { return self }
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count)
        var i = 0
        while i < bytes.count {
            if i + t.count <= bytes.count && bytes[i] == t[0] && Array(bytes[i..<i + t.count]) == t {
                out.append(contentsOf: replacement.utf8)
                i += t.count
            } else {
                out.append(bytes[i])
                i += 1
            }
        }
        return String(decoding: out, as: UTF8.self)
    }
}

extension Tokenizer {
    /// The text of token ids (HF `decode`): special tokens skipped unless `skipSpecialTokens` is false.
    /// - Throws: `EncodingError.unknownID` for an id outside the vocabulary (HF silently drops it).
    public func decode(_ ids: [Int32], skipSpecialTokens: Bool = true) throws -> String {
        let tokens = vocabulary.tokens
        var pieces: [String] = []
        pieces.reserveCapacity(ids.count)
        for id in ids {
            guard id >= 0 && Int(id) < tokens.count else { throw EncodingError.unknownID(Int64(id), vocabularySize: tokens.count) }
            if skipSpecialTokens && wordPiece.isSpecial(id) { continue }
            pieces.append(tokens[Int(id)])
        }
        return decoder.decode(pieces)
    }
}
