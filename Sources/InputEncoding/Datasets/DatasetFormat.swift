#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The layout of a dataset input.
public enum DatasetFormat: String, Sendable, Hashable, CaseIterable {
    /// Comma-separated values (RFC 4180 quoting), `.csv`.
    case csv
    /// Tab-separated values with the same quoting as CSV, `.tsv`.
    case tsv
    /// JSON Lines: one JSON object per line, `.jsonl`.
    case jsonl
    /// Plain text, one record per line, `.txt`.
    case lines
    /// A directory of class folders, `DIR/<class>/*.txt`: one record per file, labelled by its folder.
    case folder

    /// Detects the format of `path`: a directory is `.folder`; otherwise the extension decides, after a
    /// trailing `.gz` is set aside (`train.csv.gz` is gzip-compressed CSV).
    ///
    /// - Throws: `DatasetError.unknownFormat` when the extension is not one of `.csv`, `.tsv`, `.jsonl`, `.txt`.
    public static func detect(path: String) throws -> DatasetFormat {
        var info = stat()
        if stat(path, &info) == 0 && (info.st_mode & S_IFMT) == S_IFDIR { return .folder }
        var name = Substring(path)
        if let slash = name.utf8.lastIndex(of: UInt8(ascii: "/")) { name = name[name.utf8.index(after: slash)...] }
        let lower = name.lowercased()
        let base = lower.hasSuffix(".gz") ? String(lower.dropLast(3)) : lower
        if base.hasSuffix(".csv") { return .csv }
        if base.hasSuffix(".tsv") { return .tsv }
        if base.hasSuffix(".jsonl") { return .jsonl }
        if base.hasSuffix(".txt") { return .lines }
        throw DatasetError.unknownFormat(path: path)
    }

    /// True when `path` names a gzip-compressed file (it ends in `.gz`, any case).
    public static func isGzip(path: String) -> Bool {
        path.lowercased().hasSuffix(".gz")
    }
}
