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

    /// What is wrong with a file `JSONSerialization` refused, for a message: the parser's own description,
    /// and for a file that ends too early, the byte offset it ends at.
    package static func syntaxProblem(_ error: any Error, byteCount: Int) -> String {
        let detail = ((error as NSError).userInfo[NSDebugDescriptionErrorKey] as? String) ?? "\(error)"
        if detail.hasPrefix("Unexpected end of file") {
            return "not valid JSON: the text ends at byte \(byteCount) before the JSON value is complete "
                + "(a truncated file, or an unclosed string, bracket or literal)"
        }
        var text = detail.hasSuffix(".") ? String(detail.dropLast()) : detail
        if let first = text.first { text = first.lowercased() + text.dropFirst() }
        return "not valid JSON: \(text)"
    }
}
