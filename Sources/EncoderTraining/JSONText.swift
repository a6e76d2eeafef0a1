import InputEncoding

/// A JSON value written with its object keys in the order given. Foundation's `JSONEncoder` on Linux writes
/// keys in hash order (random per process) unless sorted, which makes the metrics log hard to read and its bytes
/// differ between identical runs; the metrics log and `ClassificationMetrics.jsonText` go through this instead.
/// Decoding still uses `JSONDecoder` (order does not matter there).
enum JSONText {
    case string(String)
    case int(Int)
    case double(Double)
    case bool(Bool)
    case array([JSONText])
    case object([(String, JSONText)])

    /// Compact JSON, no spaces or newlines. Non-finite doubles become the strings "NaN", "Infinity",
    /// "-Infinity" (what `JSONDecoder.nonConformingFloatDecodingStrategy.convertFromString` reads back).
    var serialized: String {
        var out = ""
        write(to: &out)
        return out
    }

    func write(to out: inout String) {
        switch self {
        case .string(let text): JSONText.quote(text, into: &out)
        case .int(let value): out += String(value)
        case .double(let value): out += JSONText.number(value)
        case .bool(let value): out += value ? "true" : "false"
        case .array(let values):
            out += "["
            for (i, value) in values.enumerated() {
                if i > 0 { out += "," }
                value.write(to: &out)
            }
            out += "]"
        case .object(let members):
            out += "{"
            for (i, (key, value)) in members.enumerated() {
                if i > 0 { out += "," }
                JSONText.quote(key, into: &out)
                out += ":"
                value.write(to: &out)
            }
            out += "}"
        }
    }

    /// Shortest round-trip form; integral values below 2^53 without a fraction ("40", not "40.0").
    static func number(_ value: Double) -> String {
        if value.isNaN { return "\"NaN\"" }
        if value.isInfinite { return value > 0 ? "\"Infinity\"" : "\"-Infinity\"" }
        if value == value.rounded(), abs(value) < 9_007_199_254_740_992 {
            return value == 0 && value.sign == .minus ? "-0" : String(Int(value))
        }
        return value.description
    }

    /// `text` as a JSON string: quotes, backslashes and control characters escaped, everything else as is
    /// (the escaping of tokenizer.json, `Tokenizer.jsonString`).
    static func quote(_ text: String, into out: inout String) {
        out += Tokenizer.jsonString(text)
    }
}

extension ClassificationMetrics {
    /// The members of the documented JSON object, in documented order.
    var jsonMembers: [(String, JSONText)] {
        var members: [(String, JSONText)] = [
            ("accuracy", .double(accuracy)), ("macro_f1", .double(macroF1)),
            ("per_class", .object(zip(labels, perClass).map { label, s in
                (label, .object([("precision", .double(s.precision)), ("recall", .double(s.recall)),
                                 ("f1", .double(s.f1)), ("support", .int(s.support))]))
            })),
            ("confusion_matrix", .array(confusionMatrix.map { .array($0.map { .int($0) }) })),
            ("labels", .array(labels.map { .string($0) })), ("examples", .int(examples)),
        ]
        if let loss { members.append(("loss", .double(loss))) }
        if multiLabel { members.append(("multi_label", .bool(true))) }
        return members
    }

    /// The metrics as one compact JSON object with keys in the documented order (`accuracy`, `macro_f1`,
    /// `per_class` in label order, `confusion_matrix`, `labels`, `examples`, then `loss`, `multi_label` when
    /// set): what `bertkit evaluate` prints. `JSONDecoder` reads it back as `ClassificationMetrics`.
    public var jsonText: String { JSONText.object(jsonMembers).serialized }
}
