import Testing
@testable import InputEncoding

@Suite struct DatasetFormatTests {
    @Test(arguments: [
        ("train.csv", DatasetFormat.csv), ("a/b/TRAIN.CSV.GZ", .csv), ("x.tsv", .tsv), ("x.tsv.gz", .tsv),
        ("d.jsonl", .jsonl), ("d.jsonl.gz", .jsonl), ("corpus.txt", .lines), ("corpus.txt.gz", .lines),
    ])
    func detectsFromTheExtension(path: String, format: DatasetFormat) throws {
        #expect(try DatasetFormat.detect(path: path) == format)
    }

    @Test func directoriesAreFoldersAndUnknownExtensionsAreErrors() throws {
        let scratch = try DatasetScratch()
        #expect(try DatasetFormat.detect(path: scratch.directory) == .folder)
        for path in ["data.json", "data.parquet", "data.gz", "README"] {
            #expect(throws: DatasetError.unknownFormat(path: path)) { try DatasetFormat.detect(path: path) }
        }
        #expect(DatasetError.unknownFormat(path: "d.json").description.contains("--input-format"))
        #expect(DatasetFormat.isGzip(path: "a.csv.gz") && !DatasetFormat.isGzip(path: "a.csv"))
    }

    @Test func explicitFormatOverridesTheExtension() throws {
        let scratch = try DatasetScratch()
        let path = try scratch.write("data.dat", "{\"text\": \"a\"}\n")
        #expect(throws: DatasetError.unknownFormat(path: path)) { try DatasetReader(configuration: .init(path: path)) }
        #expect(try textsAndLabels(readAll(.init(path: path, format: .jsonl))) == [["a", nil]])
    }

    @Test func unreadableInput() throws {
        let path = "/nonexistent/bertkit/train.csv"
        #expect(throws: DatasetError.unreadableInput(path: path, reason: "No such file or directory")) {
            try DatasetReader(configuration: .init(path: path))
        }
    }

    @Test(arguments: [
        ("0", ColumnSelector.index(0)), ("12", .index(12)), ("text", .name("text")), ("1a", .name("1a")),
        ("", .name("")), ("-1", .name("-1")), ("99999999999999999999", .name("99999999999999999999")),
    ])
    func columnSelectorArguments(argument: String, selector: ColumnSelector) {
        #expect(ColumnSelector(argument: argument) == selector)
    }
}
