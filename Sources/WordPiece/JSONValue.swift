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
    /// counting bytes after a UTF-8 byte order mark, which it skips: the offset given here counts from the
    /// file's first byte, the column, as the dataset readers' do, from after the mark), and for a file that ends
    /// too early, the byte offset it ends at. An empty text, an unpaired surrogate escape and invalid UTF-8 are
    /// named as such.
    package static func syntaxProblem(_ error: any Error, data: Data) -> String {
        let detail = ((error as NSError).userInfo[NSDebugDescriptionErrorKey] as? String) ?? "\(error)"
        let bytes = [UInt8](data)
        let mark = bytes.starts(with: [0xEF, 0xBB, 0xBF]) ? 3 : 0
        if bytes[mark...].allSatisfy({ $0 == 0x20 || $0 == 0x09 || $0 == 0x0A || $0 == 0x0D }) {
            return bytes.count == mark ? "not valid JSON: the text is empty"
                : "not valid JSON: the text holds only white space (\(bytes.count) bytes), no JSON value"
        }
        if detail.contains("low-surrogate") {
            return "not valid JSON: a string holds a \\uD800-\\uDBFF escape not followed by its low surrogate "
                + "(\\uDC00-\\uDFFF)"
        }
        if detail.hasPrefix("Unexpected end of file") {
            return "not valid JSON: the text ends at byte \(bytes.count) before the JSON value is complete "
                + "(a truncated file, or an unclosed string, bracket or literal)"
        }
        if detail.hasPrefix("JSON text did not start with array or object") {
            return "not a JSON object: the top-level value is not an object or an array"
        }
        var text = detail.hasSuffix(".") ? String(detail.dropLast()) : detail
        if let first = text.first { text = first.lowercased() + text.dropFirst() }
        if text.hasPrefix("invalid UTF-8 sequence"), let range = text.range(of: " starting from character ") {
            text = "invalid UTF-8" + " around character " + text[range.upperBound...]
        }
        // UTF-16 and UTF-32 texts (a byte order mark, or a NUL among the first two bytes: RFC 4627 section 3's
        // detection) are converted to UTF-8 before parsing, so Foundation's offsets are not the file's.
        let wide = bytes.starts(with: [0xFE, 0xFF]) || bytes.starts(with: [0xFF, 0xFE])
            || (bytes.count >= 2 && (bytes[0] == 0 || bytes[1] == 0))
        if wide { text += " (a UTF-16 or UTF-32 text: the position counts its UTF-8 conversion)" }
        let marker = " around character "
        if !wide, let range = text.range(of: marker, options: .backwards), let parsed = Int(text[range.upperBound...]),
            parsed >= 0, parsed + mark <= bytes.count {
            let offset = parsed + mark
            var line = 1, lineStart = mark
            for i in mark..<offset where bytes[i] == 0x0A { line += 1; lineStart = i + 1 }
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
        // Fragments allowed, so that a top-level string, number or null is named below.
        do { root = try JSONSerialization.jsonObject(with: data, options: .fragmentsAllowed) } catch {
            throw NotAnObject(reason: syntaxProblem(error, data: data))
        }
        guard let object = root as? [String: Any] else {
            throw NotAnObject(reason: "not a JSON object but \(describe(root))")
        }
        return object
    }
}
