/// Where special tokens go around one text or a pair, in HF `tokenizers` `TemplateProcessing` terms:
/// `"[CLS]:0 $A:0 [SEP]:0"` for one text, `"[CLS]:0 $A:0 [SEP]:0 $B:1 [SEP]:1"` for a pair (BERT's).
public struct TemplateProcessing: Sendable, Hashable {
    /// One element of a template.
    public enum Piece: Sendable, Hashable {
        /// The tokens of text A (`$A`, `$0`) or B (`$B`, `$1`) with a segment id.
        case sequence(Int, typeID: Int32)
        /// A special token with its id and segment id.
        case special(String, id: Int32, typeID: Int32)
    }

    /// The template for one text.
    public var single: [Piece]
    /// The template for a pair.
    public var pair: [Piece]

    /// A template from its pieces.
    public init(single: [Piece], pair: [Piece]) {
        self.single = single
        self.pair = pair
    }

    /// BERT's template with the given [CLS] and [SEP] ids.
    public static func bert(cls: (String, Int32), sep: (String, Int32)) -> TemplateProcessing {
        TemplateProcessing(
            single: [.special(cls.0, id: cls.1, typeID: 0), .sequence(0, typeID: 0), .special(sep.0, id: sep.1, typeID: 0)],
            pair: [
                .special(cls.0, id: cls.1, typeID: 0), .sequence(0, typeID: 0), .special(sep.0, id: sep.1, typeID: 0),
                .sequence(1, typeID: 1), .special(sep.0, id: sep.1, typeID: 1),
            ])
    }

    /// Parses HF's string form, e.g. `"[CLS]:0 $A:0 [SEP]:0"`; special tokens are looked up with `id`.
    ///
    /// A piece is `$A`, `$B`, `$0`, `$1` (optionally `:typeID`; `$` alone is `$A`) or a token (optionally
    /// `:typeID`); the segment id defaults to 0.
    public static func parse(_ template: String, id: (String) -> Int32?) throws -> [Piece] {
        try template.split(separator: " ", omittingEmptySubsequences: true).map { raw -> Piece in
            var name = Substring(raw)
            var type: Int32 = 0
            if let colon = raw.lastIndex(of: ":"), colon != raw.startIndex, let t = Int32(raw[raw.index(after: colon)...]) {
                name = raw[..<colon]
                type = t
            }
            if name.hasPrefix("$") {
                switch name.dropFirst() {
                case "", "A", "a", "0": return .sequence(0, typeID: type)
                case "B", "b", "1": return .sequence(1, typeID: type)
                default: throw EncodingError.invalidTemplate("unknown sequence \(name) in \"\(template)\" (use $A or $B)")
                }
            }
            guard let tokenID = id(String(name)) else {
                throw EncodingError.invalidTemplate("special token \(name) in \"\(template)\" is not in the vocabulary")
            }
            return .special(String(name), id: tokenID, typeID: type)
        }
    }

    /// HF's string form of a template.
    public static func format(_ pieces: [Piece]) -> String {
        pieces.map { piece in
            switch piece {
            case let .sequence(index, typeID): return "$\(index == 0 ? "A" : "B"):\(typeID)"
            case let .special(token, _, typeID): return "\(token):\(typeID)"
            }
        }.joined(separator: " ")
    }

    /// The special tokens a template adds for one text or a pair.
    public func addedTokens(pair isPair: Bool) -> Int {
        (isPair ? pair : single).reduce(0) { count, piece in
            if case .special = piece { return count + 1 }
            return count
        }
    }

    /// Wraps the sequences in the template and concatenates the parts in template order, overflowing
    /// windows combined as HF's post-processor does. Unlike HF's `TemplateProcessing`, a template's segment ids
    /// are applied to the overflowing windows too (HF leaves those with the ids the texts were encoded with,
    /// which are the template's own for BERT's template).
    func apply(_ sequences: [Encoding], addSpecialTokens: Bool, alignment: Bool) -> Encoding {
        let pieces = sequences.count > 1 ? pair : single
        var result: Encoding?
        for piece in pieces {
            var part: Encoding
            switch piece {
            case let .sequence(index, typeID):
                guard index < sequences.count else { continue }
                part = sequences[index]
                part.setTypeIDs(typeID)
            case let .special(_, id, typeID):
                guard addSpecialTokens else { continue }
                part = Encoding(
                    ids: [id], typeIDs: [typeID], attentionMask: [1], specialTokensMask: [1],
                    wordIndices: alignment ? [-1] : [], sequenceIndices: [-1],
                    offsets: alignment ? [.none] : [], byteOffsets: alignment ? [.none] : [])
            }
            if result == nil { result = part } else { result!.append(part) }
        }
        return result ?? Encoding()
    }
}

extension Encoding {
    /// Sets every segment id (overflowing windows too).
    mutating func setTypeIDs(_ typeID: Int32) {
        for k in typeIDs.indices { typeIDs[k] = typeID }
        for k in overflowing.indices { overflowing[k].setTypeIDs(typeID) }
    }
}
