/// Which field of a row holds a value: a header name, or a 0-based position.
public enum ColumnSelector: Sendable, Hashable, CustomStringConvertible {
    /// The column with this header name (CSV/TSV with a header) or the object key with this name (JSONL).
    case name(String)
    /// The column at this 0-based position (CSV/TSV only).
    case index(Int)

    /// Parses a command-line argument: all ASCII digits is a 0-based index, anything else is a name.
    ///
    /// ```swift
    /// ColumnSelector(argument: "1")        // .index(1)
    /// ColumnSelector(argument: "review")   // .name("review")
    /// ```
    public init(argument: String) {
        let utf8 = argument.utf8
        if !utf8.isEmpty, utf8.count <= 18, utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }), let value = Int(argument) {
            self = .index(value)
        } else {
            self = .name(argument)
        }
    }

    /// `'name'` or `index N`, as messages show it.
    public var description: String {
        switch self {
        case let .name(name): return "'\(name)'"
        case let .index(index): return "index \(index)"
        }
    }
}
