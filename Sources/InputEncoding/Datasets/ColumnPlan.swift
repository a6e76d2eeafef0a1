/// The 0-based columns a CSV/TSV reader takes its values from, resolved once from the header (or from the
/// first row without a header) and the configuration's selectors.
struct ColumnPlan: Equatable {
    var text: Int
    var pair: Int?
    var label: Int?

    /// Applies the selectors, or the defaults documented on `DatasetReader.Configuration`.
    static func resolve(
        header: [String]?, fieldCount: Int, configuration: DatasetReader.Configuration
    ) throws -> ColumnPlan {
        let path = configuration.path
        func column(_ selector: ColumnSelector, role: String) throws -> Int {
            switch selector {
            case let .index(index):
                if let header, index >= header.count {
                    throw DatasetError.columnOutOfRange(path: path, role: role, index: index, columnCount: header.count)
                }
                return index
            case let .name(name):
                guard let header else { throw DatasetError.nameWithoutHeader(path: path, role: role, name: name) }
                guard let index = header.firstIndex(of: name) else {
                    throw DatasetError.unknownColumn(path: path, role: role, name: name, header: header)
                }
                return index
            }
        }
        let namedText = header?.firstIndex(of: "text")
        let namedLabel = header?.firstIndex(of: "label")
        var label: Int?
        if let selector = configuration.labelColumn {
            label = try column(selector, role: "label")
        } else if let namedLabel {
            label = namedLabel
        } else if configuration.textColumn == nil && namedText == nil && fieldCount >= 2 {
            label = 0
        }
        let text: Int
        if let selector = configuration.textColumn {
            text = try column(selector, role: "text")
        } else if let namedText {
            text = namedText
        } else {
            text = fieldCount >= 2 && label != 1 ? 1 : 0
        }
        let pair = try configuration.pairColumn.map { try column($0, role: "pair") }
        return ColumnPlan(text: text, pair: pair, label: label)
    }
}
