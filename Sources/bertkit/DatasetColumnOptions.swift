import ArgumentParser
import Foundation
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

extension DatasetColumnOptions {
    /// Refuses column options given for inputs that have no columns (text lines, class folders), where the reader
    /// would ignore them: a `--pair-column` left unused silently classifies single texts. `inputs` are the paths
    /// the options apply to with their formats (nil: from the extension); the options are refused only when none
    /// of them has columns (finetune's class-folder `--train` may go with a CSV `--eval`). An input whose format
    /// cannot be told is left to the reader's message.
    func refuseWithoutColumns(_ inputs: [(path: String, format: DatasetFormat?)], labelColumn: String? = nil) throws {
        let given = [("--text-column", textColumn), ("--pair-column", pairColumn), ("--label-column", labelColumn)]
        guard let option = given.first(where: { $0.1 != nil })?.0 else { return }
        var kinds: [String] = []
        for input in inputs {
            switch input.format ?? (try? DatasetFormat.detect(path: input.path)) {
            case .lines?: kinds.append("\(input.path == "-" ? "standard input" : input.path) is read as text lines")
            case .folder?: kinds.append("\(input.path) is read as class folders")
            default: return
            }
        }
        throw ValidationError("\(option) selects a column of a CSV/TSV input or a JSONL key, but "
            + kinds.joined(separator: " and ") + ", which have none; drop the option or give a .csv, .tsv or .jsonl file")
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

    /// Refuses these options for inputs without columns (see `DatasetColumnOptions.refuseWithoutColumns`).
    func refuseWithoutColumns(_ inputs: [(path: String, format: DatasetFormat?)]) throws {
        try columns.refuseWithoutColumns(inputs, labelColumn: labelColumn)
    }

    /// The reader settings for `path` with these columns (see `DatasetColumnOptions.readerConfiguration`).
    func readerConfiguration(path: String, format: DatasetFormat? = nil, hasHeader: Bool = true) -> DatasetReader.Configuration {
        columns.readerConfiguration(path: path, format: format, hasHeader: hasHeader, labelColumn: labelColumn)
    }
}

/// Refuses a dataset path whose format its extension does not tell, for the commands without `--input-format`
/// (finetune, evaluate, predict): the reader's own message suggests that option, which they lack.
func requireKnownFormat(_ path: String, option: String) throws {
    guard FileManager.default.fileExists(atPath: path) else {
        throw ValidationError("\(option): '\(path)' does not exist; give a .csv, .tsv, .jsonl or .txt file (optionally .gz) or a folder of class folders")
    }
    do { _ = try DatasetFormat.detect(path: path) } catch {
        throw ValidationError("\(option): cannot tell the format of '\(path)' from its extension; give a .csv, .tsv, .jsonl "
            + "or .txt file (optionally .gz) or a folder of class folders")
    }
}
