import ArgumentParser
import InputEncoding

/// `--text-column`, `--pair-column`, `--skip-bad-rows`: how a command that reads a dataset picks its texts
/// (`predict`; with `--label-column`, `LabelledColumnOptions`). The defaults are `DatasetReader.Configuration`'s:
/// the seeds' `label,text` CSV shape.
struct DatasetColumnOptions: ParsableArguments {
    @Option(help: "Text column of a CSV/TSV input (a header name or a 0-based index) or JSONL key (default: `text`, else column 1 of label,text rows).")
    var textColumn: String?
    @Option(help: "Second-text column for sentence pairs.")
    var pairColumn: String?
    @Flag(help: "Skip malformed rows (counted in the summary) instead of stopping at the first.")
    var skipBadRows = false

    /// The reader settings for `path` with these columns (each argument a `ColumnSelector(argument:)`: all
    /// digits an index, else a name) and `labelColumn`, if the command reads labels.
    func readerConfiguration(
        path: String, format: DatasetFormat? = nil, hasHeader: Bool = true, labelColumn: String? = nil
    ) -> DatasetReader.Configuration {
        DatasetReader.Configuration(
            path: path, format: format, textColumn: textColumn.map(ColumnSelector.init(argument:)),
            pairColumn: pairColumn.map(ColumnSelector.init(argument:)), labelColumn: labelColumn.map(ColumnSelector.init(argument:)),
            hasHeader: hasHeader, skipBadRows: skipBadRows)
    }
}

/// `DatasetColumnOptions` and `--label-column`: the commands that read labelled data (`finetune`, `evaluate`,
/// `encode`).
struct LabelledColumnOptions: ParsableArguments {
    @OptionGroup var columns: DatasetColumnOptions
    @Option(help: "Label column (default: `label`, else column 0 of label,text rows).")
    var labelColumn: String?

    /// `--pair-column`, if given.
    var pairColumn: String? { columns.pairColumn }

    /// The reader settings for `path` with these columns (see `DatasetColumnOptions.readerConfiguration`).
    func readerConfiguration(path: String, format: DatasetFormat? = nil, hasHeader: Bool = true) -> DatasetReader.Configuration {
        columns.readerConfiguration(path: path, format: format, hasHeader: hasHeader, labelColumn: labelColumn)
    }
}
