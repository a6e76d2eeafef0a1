import Foundation

/// Reading numbers out of `JSONSerialization` results exactly, and saying what a value or a parse error is,
/// for the tokenizer.json loaders here and in InputEncoding.
package enum JSONValue {
    /// The value as an integer when it is a JSON integer literal (`3`, `-7`), else nil: `true` (which
    /// Foundation hands over as the NSNumber 1), `1.0`, `5.5` and `1e30` are not integers, as serde, which HF
    /// `tokenizers` reads these files with, refuses them where it expects an integer.
    package static func integer(_ value: Any?) -> Int? {
        guard let number = value as? NSNumber else { return nil }
        switch String(cString: number.objCType) {
        case "q", "l", "i", "s": return number.intValue
        case "Q", "L", "I", "S": return number.uint64Value <= UInt64(Int.max) ? Int(number.uint64Value) : nil
        default: return nil  // "c": a boolean; "d", "f": a number written with a fraction or an exponent
        }
    }

    /// The value as JSON would write it, for messages: `true`, `1e+30`, `"text"`, `null`, an array, an object.
    package static func describe(_ value: Any?) -> String {
        switch value {
        case nil: return "missing"
        case is NSNull: return "null"
        case let string as String: return "\"\(string)\""
        case let number as NSNumber:
            if String(cString: number.objCType) == "c" { return number.boolValue ? "true" : "false" }
            return "\(number)"
        case is [Any]: return "an array"
        case is [String: Any]: return "an object"
        case let other?: return "\(other)"
        }
    }

    /// What is wrong with a file `JSONSerialization` refused, for a message: the parser's own description with
    /// its position as a byte offset, line and column of `data` (Foundation says "around character N", N
    /// counting bytes), and for a file that ends too early, the byte offset it ends at.
    package static func syntaxProblem(_ error: any Error, data: Data) -> String {
        let detail = ((error as NSError).userInfo[NSDebugDescriptionErrorKey] as? String) ?? "\(error)"
        if detail.hasPrefix("Unexpected end of file") {
            return "not valid JSON: the text ends at byte \(data.count) before the JSON value is complete "
                + "(a truncated file, or an unclosed string, bracket or literal)"
        }
        var text = detail.hasSuffix(".") ? String(detail.dropLast()) : detail
        if let first = text.first { text = first.lowercased() + text.dropFirst() }
        let marker = " around character "
        if let range = text.range(of: marker, options: .backwards), let offset = Int(text[range.upperBound...]),
            offset >= 0, offset <= data.count {
            var line = 1, lineStart = 0
            for (i, byte) in data.prefix(offset).enumerated() where byte == 0x0A { line += 1; lineStart = i + 1 }
            text = text[..<range.lowerBound] + " at byte \(offset) (line \(line), column \(offset - lineStart + 1))"
        }
        return "not valid JSON: \(text)"
    }

    /// Why `data` is not a JSON object, as `parseObject` reports it.
    package struct NotAnObject: Error, Sendable {
        /// "not valid JSON: ..." with the position, or what the top-level value is instead of an object.
        package let reason: String
    }

    /// Parses `data` as a JSON object (a config.json, a safetensors header, a state file), or says precisely why
    /// it is not one: a syntax error with its byte offset, line and column, or the kind of value found instead.
    package static func parseObject(_ data: Data) throws(NotAnObject) -> [String: Any] {
        let root: Any
        do { root = try JSONSerialization.jsonObject(with: data) } catch {
            throw NotAnObject(reason: syntaxProblem(error, data: data))
        }
        guard let object = root as? [String: Any] else {
            throw NotAnObject(reason: "not a JSON object but \(describe(root))")
        }
        return object
    }
}
