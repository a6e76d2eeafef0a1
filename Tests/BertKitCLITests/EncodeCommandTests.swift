import Foundation
import Testing

/// `bertkit encode` end to end: parity with HF tokenizers 0.23.3 (Fixtures/encoding/golden/encodings.jsonl), the
/// four output formats read back byte by byte, the dataset shapes, option errors and atomic outputs.
@Suite(.requires(.minilmVocabulary)) struct EncodeCommandTests {
    static let fixtures = CLI.root.appendingPathComponent("Fixtures/encoding")

    /// Runs `bertkit encode --vocab <MiniLM vocab.txt> <arguments>`.
    static func encode(_ arguments: [String], stdin: Data? = nil) throws -> CLI.Result {
        try CLI.run(["encode", "--vocab", CLI.vocab] + arguments, stdin: stdin)
    }

    static func write(_ text: String, to url: URL) throws {
        try Data(text.utf8).write(to: url)
    }

    static func read(_ url: URL) throws -> String {
        try String(contentsOf: url, encoding: .utf8)
    }

    /// Sorted names in `dir`, to show that a run left nothing behind (no temporary files).
    static func listing(_ dir: URL) throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: dir.path).sorted()
    }

    // MARK: parity with HF tokenizers

    /// One row of model inputs, from the CLI's JSONL or from a golden window.
    struct Row: Equatable, CustomStringConvertible {
        var ids: [Int], typeIDs: [Int], attentionMask: [Int], specialTokensMask: [Int], offsets: [[Int]]
        var sample: Int?
        var description: String { "ids \(ids) types \(typeIDs) mask \(attentionMask) special \(specialTokensMask) offsets \(offsets) sample \(sample.map(String.init) ?? "-")" }
    }

    static func jsonObject(_ line: some StringProtocol) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any], "not a JSON object: \(line)")
    }

    static func jsonlRows(_ url: URL) throws -> [[String: Any]] {
        try read(url).split(separator: "\n").map(jsonObject)
    }

    static func ints(_ object: [String: Any], _ key: String) throws -> [Int] {
        try #require(object[key] as? [Int], "\(key) is not a list of integers")
    }

    static func pairs(_ object: [String: Any], _ key: String) throws -> [[Int]] {
        try #require(object[key] as? [[Int]], "\(key) is not a list of [start, end]")
    }

    /// A CLI row; every field the settings below ask for must be present, and nothing else.
    static func cliRow(_ object: [String: Any], overflowing: Bool) throws -> Row {
        var keys = ["input_ids", "token_type_ids", "attention_mask", "special_tokens_mask", "offset_mapping"]
        if overflowing { keys.append("overflow_to_sample_mapping") }
        #expect(Set(object.keys) == Set(keys))
        return Row(ids: try ints(object, "input_ids"), typeIDs: try ints(object, "token_type_ids"),
                   attentionMask: try ints(object, "attention_mask"), specialTokensMask: try ints(object, "special_tokens_mask"),
                   offsets: try pairs(object, "offset_mapping"), sample: object["overflow_to_sample_mapping"] as? Int)
    }

    static func goldenRow(_ window: [String: Any], sample: Int?) throws -> Row {
        Row(ids: try ints(window, "ids"), typeIDs: try ints(window, "type_ids"), attentionMask: try ints(window, "attention_mask"),
            specialTokensMask: try ints(window, "special_tokens_mask"), offsets: try pairs(window, "offsets"), sample: sample)
    }

    /// A golden setting, the CLI options that ask for the same encoding, and whether every window is written.
    struct Setting: Sendable, CustomTestStringConvertible {
        var golden: String
        var options: [String]
        var testDescription: String { options.joined(separator: " ") }
        var overflowing: Bool { options.contains("--return-overflowing") }
    }

    static let settings = [
        Setting(golden: #"{"tokenizer": "uncased", "truncation": {"direction": "right", "max_length": 64, "strategy": "longest_first", "stride": 6}}"#,
                options: ["--max-length", "64", "--stride", "6", "--return-overflowing"]),
        Setting(golden: #"{"tokenizer": "uncased", "truncation": {"direction": "left", "max_length": 40, "strategy": "longest_first", "stride": 0}}"#,
                options: ["--max-length", "40", "--truncation-side", "left", "--return-overflowing"]),
        Setting(golden: #"{"tokenizer": "uncased", "truncation": {"direction": "left", "max_length": 48, "strategy": "longest_first", "stride": 2}}"#,
                options: ["--max-length", "48", "--stride", "2", "--truncation-side", "left"]),
        Setting(golden: #"{"padding": {"direction": "right", "length": 48, "pad_to_multiple_of": null}, "tokenizer": "uncased"}"#,
                options: ["--max-length", "48", "--truncation", "none", "--padding", "max_length"]),
        Setting(golden: #"{"padding": {"direction": "right", "length": 64, "pad_to_multiple_of": null}, "tokenizer": "uncased", "truncation": {"direction": "right", "max_length": 64, "strategy": "longest_first", "stride": 8}}"#,
                options: ["--max-length", "64", "--stride", "8", "--padding", "max_length", "--return-overflowing"]),
    ]

    /// The golden windows of one setting, by input index.
    static func golden(_ setting: String) throws -> [Int: [[String: Any]]] {
        let wanted = try #require(try JSONSerialization.jsonObject(with: Data(setting.utf8)) as? NSDictionary)
        let bytes = [UInt8](try Data(contentsOf: fixtures.appendingPathComponent("golden/encodings.jsonl")))
        let marker = Array(",\"input\":".utf8)
        var windows: [Int: [[String: Any]]] = [:]
        var start = 0
        while start < bytes.count {
            let end = bytes[start...].firstIndex(of: UInt8(ascii: "\n")) ?? bytes.count
            defer { start = end + 1 }
            // Each line starts {"setting": {...},"input": k, ...: parse that head alone, the whole line only on a match.
            let head = try #require((start..<(end - marker.count)).first { bytes[$0..<($0 + marker.count)].elementsEqual(marker) })
            let line = try #require(try JSONSerialization.jsonObject(with: Data(bytes[start..<head] + [UInt8(ascii: "}")])) as? [String: Any])
            guard (line["setting"] as? NSDictionary) == wanted else { continue }
            let entry = try #require(try JSONSerialization.jsonObject(with: Data(bytes[start..<end])) as? [String: Any])
            let input = try #require(entry["input"] as? Int)
            windows[input] = try #require(entry["result"] as? [[String: Any]], "input \(input) is an error in \(setting)")
        }
        return windows
    }

    /// Every input row through the CLI against HF, row for row in order, every field exact. The reader rejects a
    /// null pair (see `nullPairIsASingleText`), so the fixture is split in two files: rows with a pair (encoded
    /// with `--pair-column pair`) and rows without (text only), each compared with its rows' golden windows.
    @Test(arguments: settings) func matchesHFTokenizers(_ setting: Setting) throws {
        let dir = try CLI.scratch()
        defer { try? FileManager.default.removeItem(at: dir) }
        let inputs = try Self.read(Self.fixtures.appendingPathComponent("inputs.jsonl")).split(separator: "\n").map(Self.jsonObject)
        #expect(inputs.count == 106)
        let golden = try Self.golden(setting.golden)
        #expect(golden.count == inputs.count)
        let groups = [(name: "pairs", pair: true), (name: "singles", pair: false)]
        var compared = 0
        for group in groups {
            let indices = inputs.indices.filter { (inputs[$0]["pair"] is String) == group.pair }
            let file = dir.appendingPathComponent("\(group.name).jsonl"), output = dir.appendingPathComponent("\(group.name).out.jsonl")
            let lines = try indices.map { index -> String in
                var object: [String: Any] = ["text": inputs[index]["text"] as Any]
                if group.pair { object["pair"] = inputs[index]["pair"] }
                return String(decoding: try JSONSerialization.data(withJSONObject: object), as: UTF8.self)
            }
            try Self.write(lines.joined(separator: "\n") + "\n", to: file)
            let r = try Self.encode(["--input", file.path, "--text-column", "text"] + (group.pair ? ["--pair-column", "pair"] : [])
                + setting.options + ["--return-special-tokens-mask", "--return-offsets", "--quiet", "--output", output.path])
            #expect(r.status == 0 && r.stderr.isEmpty, "\(r.stderr)")
            let got = try Self.jsonlRows(output).map { try Self.cliRow($0, overflowing: setting.overflowing) }
            var expected: [Row] = []
            for (sample, index) in indices.enumerated() {
                let windows = try #require(golden[index])
                for window in setting.overflowing ? windows : [windows[0]] {
                    expected.append(try Self.goldenRow(window, sample: setting.overflowing ? sample : nil))
                }
            }
            #expect(got.count == expected.count, "\(group.name): rows")
            if let k = (0..<min(got.count, expected.count)).first(where: { got[$0] != expected[$0] }) {
                Issue.record("\(group.name) row \(k): got \(got[k])\nHF:  \(expected[k])")
            }
            compared += expected.count
        }
        #expect(compared >= inputs.count && (compared > inputs.count) == setting.overflowing)
    }

    /// The first bad row in file order is the one reported, whichever pass reads it first: line 3's invalid
    /// UTF-8 before line 4's missing column, with labels found by a first pass over the file (JSONL) and with
    /// a row count taken first (safetensors, labels given).
    @Test(arguments: [["--output-name", "out.jsonl"], ["--output-name", "out.safetensors", "--labels", "neg,pos"]])
    func firstBadRowInFileOrderIsReported(_ setting: [String]) throws {
        let dir = try CLI.scratch()
        defer { try? FileManager.default.removeItem(at: dir) }
        let input = dir.appendingPathComponent("in.csv")
        try Data(Array("label,text,pair\npos,hello,world\nneg,bad ".utf8) + [0xFF] + Array(" here,ok\npos,missing\n".utf8)).write(to: input)
        let output = dir.appendingPathComponent(setting[1])
        let r = try Self.encode(["--input", input.path, "--pair-column", "pair", "--max-length", "8", "--quiet",
                                 "--output", output.path] + setting.dropFirst(2))
        #expect(r.status != 0)
        #expect(r.stderr.contains("in.csv:3:9: invalid UTF-8"), "\(r.stderr)")
        #expect((try? FileManager.default.contentsOfDirectory(atPath: dir.path)) == ["in.csv"])
    }

    /// A record's encoding error (here an unknown label) is reported before a later record's read error, also
    /// when both are in the batch still being read when the reader fails.
    @Test func encodingErrorBeforeALaterReadError() throws {
        let dir = try CLI.scratch()
        defer { try? FileManager.default.removeItem(at: dir) }
        let input = dir.appendingPathComponent("in.csv"), output = dir.appendingPathComponent("out.jsonl")
        try Data(Array("label,text\npos,hello\nzzz,world\nneg,bad ".utf8) + [0xFF] + Array("\n".utf8)).write(to: input)
        let r = try Self.encode(["--input", input.path, "--labels", "pos,neg", "--max-length", "8", "--quiet", "--output", output.path])
        #expect(r.status != 0)
        #expect(r.stderr.contains("in.csv:3"), "\(r.stderr)")
        #expect(!r.stderr.contains("invalid UTF-8"), "\(r.stderr)")
        #expect((try? FileManager.default.contentsOfDirectory(atPath: dir.path)) == ["in.csv"])
    }

    /// HF (and the golden file) encode a record whose pair is null as a single text; so does BertKit.
    @Test func nullPairIsASingleText() throws {
        let dir = try CLI.scratch()
        defer { try? FileManager.default.removeItem(at: dir) }
        let input = dir.appendingPathComponent("in.jsonl"), output = dir.appendingPathComponent("out.jsonl")
        try Self.write(#"{"text": "Hello, world!", "pair": null}"# + "\n" + #"{"text": "Hello", "pair": "world"}"# + "\n", to: input)
        let r = try Self.encode(["--input", input.path, "--pair-column", "pair", "--max-length", "16", "--quiet", "--output", output.path])
        let written = try? Self.read(output)
        #expect(r.status == 0, "\(r.stderr)")
        #expect(written == """
            {"input_ids":[101,7592,1010,2088,999,102],"token_type_ids":[0,0,0,0,0,0],"attention_mask":[1,1,1,1,1,1]}
            {"input_ids":[101,7592,102,2088,102],"token_type_ids":[0,0,0,1,1],"attention_mask":[1,1,1,1,1]}

            """)
    }

    // MARK: output formats

    /// A `label,text` CSV whose second record makes two windows at `--max-length 6 --stride 1`.
    static let labelled = "label,text\npos,Hello world\nneg,\"A longer, quoted sentence here\"\npos,ok\n"
    static let formatOptions = ["--max-length", "6", "--stride", "1", "--return-overflowing", "--return-special-tokens-mask",
                                "--return-offsets", "--padding", "max_length", "--quiet"]
    static let labelledRows = """
        {"input_ids":[101,7592,2088,102,0,0],"token_type_ids":[0,0,0,0,0,0],"attention_mask":[1,1,1,1,0,0],"special_tokens_mask":[1,0,0,1,1,1],"offset_mapping":[[0,0],[0,5],[6,11],[0,0],[0,0],[0,0]],"overflow_to_sample_mapping":0,"label":1}
        {"input_ids":[101,1037,2936,1010,9339,102],"token_type_ids":[0,0,0,0,0,0],"attention_mask":[1,1,1,1,1,1],"special_tokens_mask":[1,0,0,0,0,1],"offset_mapping":[[0,0],[0,1],[2,8],[8,9],[10,16],[0,0]],"overflow_to_sample_mapping":1,"label":0}
        {"input_ids":[101,9339,6251,2182,102,0],"token_type_ids":[0,0,0,0,0,0],"attention_mask":[1,1,1,1,1,0],"special_tokens_mask":[1,0,0,0,1,1],"offset_mapping":[[0,0],[10,16],[17,25],[26,30],[0,0],[0,0]],"overflow_to_sample_mapping":1,"label":0}
        {"input_ids":[101,7929,102,0,0,0],"token_type_ids":[0,0,0,0,0,0],"attention_mask":[1,1,1,0,0,0],"special_tokens_mask":[1,0,1,1,1,1],"offset_mapping":[[0,0],[0,2],[0,0],[0,0],[0,0],[0,0]],"overflow_to_sample_mapping":2,"label":1}

        """
    static let labelMap = #"{"label2id": {"neg": 0, "pos": 1}, "id2label": {"0": "neg", "1": "pos"}}"# + "\n"

    /// The tensors every format must hold: JSONL field name -> (shape, values flattened row-major).
    static func referenceTensors() throws -> [String: (shape: [Int], values: [Int64])] {
        let rows = try labelledRows.split(separator: "\n").map(jsonObject)
        var tensors: [String: (shape: [Int], values: [Int64])] = [:]
        for key in ["input_ids", "token_type_ids", "attention_mask", "special_tokens_mask"] {
            tensors[key] = ([rows.count, 6], try rows.flatMap { try ints($0, key) }.map(Int64.init))
        }
        tensors["offset_mapping"] = ([rows.count, 6, 2], try rows.flatMap { try pairs($0, "offset_mapping").joined() }.map(Int64.init))
        tensors["overflow_to_sample_mapping"] = ([rows.count], rows.map { Int64($0["overflow_to_sample_mapping"] as? Int ?? -1) })
        tensors["label"] = ([rows.count], rows.map { Int64($0["label"] as? Int ?? -1) })
        return tensors
    }

    /// JSONL: exact bytes, field names and order (`input_ids`, `token_type_ids`, `attention_mask`,
    /// `special_tokens_mask`, `offset_mapping`, `overflow_to_sample_mapping`, `label`), and the label map.
    @Test func jsonlRowsAndLabelMapAreExact() throws {
        let dir = try CLI.scratch()
        defer { try? FileManager.default.removeItem(at: dir) }
        let input = dir.appendingPathComponent("train.csv"), output = dir.appendingPathComponent("train.jsonl")
        try Self.write(Self.labelled, to: input)
        let r = try Self.encode(["--input", input.path, "--output", output.path] + Self.formatOptions)
        #expect(r.status == 0 && r.stderr.isEmpty, "\(r.stderr)")
        #expect(try Self.read(output) == Self.labelledRows)
        #expect(try Self.read(dir.appendingPathComponent("train.jsonl.label_map.json")) == Self.labelMap)
        #expect(try Self.listing(dir) == ["train.csv", "train.jsonl", "train.jsonl.label_map.json"])
    }

    /// safetensors: an 8-byte little-endian header length, a JSON header (I64 tensors, shapes [N, L],
    /// [N, L, 2] and [N], contiguous data offsets), then the data, equal to the JSONL rows.
    @Test func safetensorsHeaderAndDataMatchTheRows() throws {
        let dir = try CLI.scratch()
        defer { try? FileManager.default.removeItem(at: dir) }
        let input = dir.appendingPathComponent("train.csv"), output = dir.appendingPathComponent("train.safetensors")
        try Self.write(Self.labelled, to: input)
        let r = try Self.encode(["--input", input.path, "--output", output.path] + Self.formatOptions)
        #expect(r.status == 0 && r.stderr.isEmpty, "\(r.stderr)")
        let bytes = [UInt8](try Data(contentsOf: output))
        let headerLength = Int(try #require(Bytes.littleEndian(bytes, at: 0, width: 8)))
        let header = try #require(try JSONSerialization.jsonObject(with: Data(bytes[8..<(8 + headerLength)])) as? [String: Any])
        let tensors = try Self.referenceTensors()
        #expect(Set(header.keys) == Set(tensors.keys).union(["__metadata__"]))
        var end = 0
        for key in ["input_ids", "token_type_ids", "attention_mask", "special_tokens_mask", "offset_mapping",
                    "overflow_to_sample_mapping", "label"] {
            let entry = try #require(header[key] as? [String: Any], "\(key) missing")
            let reference = try #require(tensors[key])
            #expect(entry["dtype"] as? String == "I64", "\(key)")
            #expect(entry["shape"] as? [Int] == reference.shape, "\(key)")
            let offsets = try #require(entry["data_offsets"] as? [Int])
            #expect(offsets.count == 2 && offsets[0] == end && offsets[1] - offsets[0] == 8 * reference.values.count, "\(key) \(offsets)")
            end = offsets[1]
            let start = 8 + headerLength + offsets[0]
            #expect(Bytes.int64s(bytes, from: start, count: reference.values.count) == reference.values, "\(key)")
        }
        #expect(bytes.count == 8 + headerLength + end)
        #expect(try Self.read(dir.appendingPathComponent("train.safetensors.label_map.json")) == Self.labelMap)
    }

    /// NPY: a folder with one version-1.0 `.npy` file per field, `<i8` C-order, headers padded to 64 bytes.
    @Test func npyFolderHeadersAndDataMatchTheRows() throws {
        let dir = try CLI.scratch()
        defer { try? FileManager.default.removeItem(at: dir) }
        let input = dir.appendingPathComponent("train.csv"), output = dir.appendingPathComponent("train-npy")
        try Self.write(Self.labelled, to: input)
        let r = try Self.encode(["--input", input.path, "--output", output.path, "--format", "npy"] + Self.formatOptions)
        #expect(r.status == 0 && r.stderr.isEmpty, "\(r.stderr)")
        let tensors = try Self.referenceTensors()
        #expect(try Self.listing(output) == tensors.keys.map { "\($0).npy" }.sorted())
        for (key, reference) in tensors {
            let bytes = [UInt8](try Data(contentsOf: output.appendingPathComponent("\(key).npy")))
            #expect(Array(bytes.prefix(8)) == [0x93] + Array("NUMPY".utf8) + [1, 0], "\(key)")
            let headerLength = Int(try #require(Bytes.littleEndian(bytes, at: 8, width: 2)))
            #expect((10 + headerLength) % 64 == 0, "\(key)")
            let header = String(decoding: bytes[10..<(10 + headerLength)], as: UTF8.self)
            let shape = reference.shape.count == 1 ? "(\(reference.shape[0]),)" : "(" + reference.shape.map(String.init).joined(separator: ", ") + ")"
            let dictionary = "{'descr': '<i8', 'fortran_order': False, 'shape': \(shape), }"
            #expect(header == dictionary + String(repeating: " ", count: headerLength - dictionary.utf8.count - 1) + "\n", "\(key)")
            #expect(bytes.count == 10 + headerLength + 8 * reference.values.count, "\(key)")
            #expect(Bytes.int64s(bytes, from: 10 + headerLength, count: reference.values.count) == reference.values, "\(key)")
        }
        #expect(try Self.read(dir.appendingPathComponent("train-npy.label_map.json")) == Self.labelMap)
    }

    /// TFRecord: each record is length (u64), masked CRC-32C of the length, a `tf.train.Example`, masked CRC-32C
    /// of the data; one record per row, with google-research/bert's feature names plus the HF-named extras.
    @Test func tfrecordFramingAndExamplesMatchTheRows() throws {
        let dir = try CLI.scratch()
        defer { try? FileManager.default.removeItem(at: dir) }
        let input = dir.appendingPathComponent("train.csv"), output = dir.appendingPathComponent("train.tfrecord")
        try Self.write(Self.labelled, to: input)
        let r = try Self.encode(["--input", input.path, "--output", output.path] + Self.formatOptions)
        #expect(r.status == 0 && r.stderr.isEmpty, "\(r.stderr)")
        let bytes = [UInt8](try Data(contentsOf: output))
        var examples: [[String: [Int64]]] = []
        var p = 0
        while p < bytes.count {
            let length = Int(try #require(Bytes.littleEndian(bytes, at: p, width: 8)))
            #expect(Bytes.littleEndian(bytes, at: p + 8, width: 4) == UInt64(CRC32C.masked(bytes[p..<(p + 8)])), "record \(examples.count)")
            let data = bytes[(p + 12)..<(p + 12 + length)]
            #expect(Bytes.littleEndian(bytes, at: p + 12 + length, width: 4) == UInt64(CRC32C.masked(data)), "record \(examples.count)")
            examples.append(try Protobuf.example(Array(data)))
            p += 12 + length + 4
        }
        #expect(p == bytes.count)
        let tensors = try Self.referenceTensors()
        let rows = tensors["label"]?.values.count ?? 0
        #expect(examples.count == rows)
        func column(_ key: String) throws -> [[Int64]] {
            let t = try #require(tensors[key])
            let width = t.values.count / rows
            return (0..<rows).map { Array(t.values[($0 * width)..<(($0 + 1) * width)]) }
        }
        let expected: [String: [[Int64]]] = [
            "input_ids": try column("input_ids"), "input_mask": try column("attention_mask"), "segment_ids": try column("token_type_ids"),
            "label_ids": try column("label"), "is_real_example": Array(repeating: [1], count: rows),
            "special_tokens_mask": try column("special_tokens_mask"), "offset_mapping": try column("offset_mapping"),
            "overflow_to_sample_mapping": try column("overflow_to_sample_mapping"),
        ]
        for (k, example) in examples.enumerated() {
            #expect(Set(example.keys) == Set(expected.keys), "record \(k)")
            for (key, values) in expected { #expect(example[key] == values[k], "record \(k) \(key)") }
        }
    }

    // MARK: dataset shapes

    /// One labelled CSV run: the rows written, the label map, and the listing of the folder afterwards.
    static func encodeLabelled(_ text: String, name: String = "train.csv", _ options: [String] = []) throws
        -> (result: CLI.Result, rows: String?, labelMap: String?, input: URL, dir: URL) {
        let dir = try CLI.scratch()
        let input = dir.appendingPathComponent(name), output = dir.appendingPathComponent("out.jsonl")
        try write(text, to: input)
        let r = try encode(["--input", input.path, "--max-length", "8", "--quiet", "--output", output.path] + options)
        return (r, try? read(output), try? read(dir.appendingPathComponent("out.jsonl.label_map.json")), input, dir)
    }

    static let helloRows = """
        {"input_ids":[101,7592,2088,102],"token_type_ids":[0,0,0,0],"attention_mask":[1,1,1,1],"label":1}
        {"input_ids":[101,9061,102],"token_type_ids":[0,0,0],"attention_mask":[1,1,1],"label":0}

        """

    @Test func csvLabelTextShapeMapsSortedLabels() throws {
        let run = try Self.encodeLabelled("label,text\npos,Hello world\nneg,bye\n")
        defer { try? FileManager.default.removeItem(at: run.dir) }
        #expect(run.result.status == 0, "\(run.result.stderr)")
        #expect(run.rows == Self.helloRows)
        #expect(run.labelMap == Self.labelMap)
    }

    @Test func labelsOptionOrderIsRespected() throws {
        let run = try Self.encodeLabelled("label,text\npos,Hello world\nneg,bye\n", ["--labels", "pos,neg"])
        defer { try? FileManager.default.removeItem(at: run.dir) }
        #expect(run.result.status == 0, "\(run.result.stderr)")
        #expect(run.rows == """
            {"input_ids":[101,7592,2088,102],"token_type_ids":[0,0,0,0],"attention_mask":[1,1,1,1],"label":0}
            {"input_ids":[101,9061,102],"token_type_ids":[0,0,0],"attention_mask":[1,1,1],"label":1}

            """)
        #expect(run.labelMap == #"{"label2id": {"pos": 0, "neg": 1}, "id2label": {"0": "pos", "1": "neg"}}"# + "\n")
    }

    @Test func labelOutsideTheLabelsOptionNamesFileAndLine() throws {
        let run = try Self.encodeLabelled("label,text\npos,Hello world\nmaybe,bye\n", ["--labels", "pos,neg"])
        defer { try? FileManager.default.removeItem(at: run.dir) }
        #expect(run.result.status == 1)
        #expect(run.result.stderr == "Error: \(run.input.path):3: label 'maybe' is not in the label list (pos, neg); add it to --labels or fix the row\n")
        #expect(try Self.listing(run.dir) == ["train.csv"])
    }

    @Test func tsvWithHeader() throws {
        let run = try Self.encodeLabelled("label\ttext\npos\tHello world\nneg\tbye\n", name: "train.tsv")
        defer { try? FileManager.default.removeItem(at: run.dir) }
        #expect(run.result.status == 0, "\(run.result.stderr)")
        #expect(run.rows == Self.helloRows)
        #expect(run.labelMap == Self.labelMap)
    }

    @Test func gzipCSVReadsAsThePlainFile() throws {
        let csv = "label,text\npos,Hello world\nneg,bye\n"
        let dir = try CLI.scratch()
        defer { try? FileManager.default.removeItem(at: dir) }
        let input = dir.appendingPathComponent("train.csv.gz"), output = dir.appendingPathComponent("out.jsonl")
        try Data(Gzip.stored(Array(csv.utf8))).write(to: input)
        let r = try Self.encode(["--input", input.path, "--max-length", "8", "--quiet", "--output", output.path])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(try Self.read(output) == Self.helloRows)
        #expect(try Self.read(dir.appendingPathComponent("out.jsonl.label_map.json")) == Self.labelMap)
    }

    @Test func noHeaderTakesColumnIndices() throws {
        let run = try Self.encodeLabelled("x,Hello world,1\ny,bye,0\n", ["--no-header", "--text-column", "1", "--label-column", "2"])
        defer { try? FileManager.default.removeItem(at: run.dir) }
        #expect(run.result.status == 0, "\(run.result.stderr)")
        #expect(run.rows == Self.helloRows)
        #expect(run.labelMap == #"{"label2id": {"0": 0, "1": 1}, "id2label": {"0": "0", "1": "1"}}"# + "\n")
    }

    /// `DIR/<class>/*.txt`, classes and files in byte order of their names, labels from the class folders.
    @Test func imdbStyleClassFolders() throws {
        let dir = try CLI.scratch()
        defer { try? FileManager.default.removeItem(at: dir) }
        let data = dir.appendingPathComponent("aclImdb"), output = dir.appendingPathComponent("out.jsonl")
        for (path, text) in [("pos/1_9.txt", "Great movie!"), ("pos/0_10.txt", "Loved it"), ("neg/3_1.txt", "Awful.")] {
            let file = data.appendingPathComponent(path)
            try FileManager.default.createDirectory(at: file.deletingLastPathComponent(), withIntermediateDirectories: true)
            try Self.write(text, to: file)
        }
        let r = try Self.encode(["--input", data.path, "--max-length", "8", "--quiet", "--output", output.path])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(try Self.read(output) == """
            {"input_ids":[101,9643,1012,102],"token_type_ids":[0,0,0,0],"attention_mask":[1,1,1,1],"label":0}
            {"input_ids":[101,3866,2009,102],"token_type_ids":[0,0,0,0],"attention_mask":[1,1,1,1],"label":1}
            {"input_ids":[101,2307,3185,999,102],"token_type_ids":[0,0,0,0,0],"attention_mask":[1,1,1,1,1],"label":1}

            """)
        #expect(try Self.read(dir.appendingPathComponent("out.jsonl.label_map.json")) == Self.labelMap)
    }

    static let oneBadRow = "label,text\npos,Hello world\nneg\npos,ok\n"

    @Test func malformedRowStopsWithFileAndLineAndWritesNothing() throws {
        let run = try Self.encodeLabelled(Self.oneBadRow)
        defer { try? FileManager.default.removeItem(at: run.dir) }
        #expect(run.result.status == 1)
        #expect(run.result.stderr == "Error: \(run.input.path):3: the row has 1 field but the text column is field 2 (index 1); fix the row or pass --skip-bad-rows\n")
        #expect(run.result.stdout.isEmpty)
        #expect(try Self.listing(run.dir) == ["train.csv"])
    }

    @Test func skipBadRowsCountsTheSkippedRow() throws {
        let dir = try CLI.scratch()
        defer { try? FileManager.default.removeItem(at: dir) }
        let input = dir.appendingPathComponent("train.csv"), output = dir.appendingPathComponent("out.jsonl")
        try Self.write(Self.oneBadRow, to: input)
        let r = try Self.encode(["--input", input.path, "--max-length", "8", "--skip-bad-rows", "--output", output.path])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(try Self.read(output) == """
            {"input_ids":[101,7592,2088,102],"token_type_ids":[0,0,0,0],"attention_mask":[1,1,1,1],"label":0}
            {"input_ids":[101,7929,102],"token_type_ids":[0,0,0],"attention_mask":[1,1,1],"label":0}

            """)
        let lines = r.stderr.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        #expect(lines.count == 3 && lines[2].isEmpty, "\(r.stderr)")
        let summary = lines[0]
        #expect(summary.hasPrefix("encode: 2 records -> 2 rows (jsonl, unpadded), 3 text tokens, ") && summary.contains(", 1 labels, "), "\(r.stderr)")
        #expect(lines.dropFirst().first == "encode: skipped 1 malformed row(s); the first: \(input.path):3: the row has 1 field but the text column is field 2 (index 1); fix the row or pass --skip-bad-rows")
    }

    /// `--input -` is read once: with `--labels` it is encoded as a file would be; without them, labelled input
    /// is refused with the record's line (no label survey can run on a stream), and nothing is written.
    @Test func standardInputIsEncoded() throws {
        let dir = try CLI.scratch()
        defer { try? FileManager.default.removeItem(at: dir) }
        let output = dir.appendingPathComponent("out.jsonl")
        let csv = Data("label,text\npos,Hello world\nneg,bye\n".utf8)
        let r = try Self.encode(["--input", "-", "--input-format", "csv", "--max-length", "8", "--labels", "neg,pos", "--quiet",
                                 "--output", output.path], stdin: csv)
        #expect(r.status == 0, "\(r.stderr)")
        #expect(try Self.read(output) == Self.helloRows)
        try FileManager.default.removeItem(at: output)
        let refused = try Self.encode(["--input", "-", "--input-format", "csv", "--max-length", "8", "--quiet", "--output", output.path], stdin: csv)
        #expect(refused.status == 1)
        #expect(refused.stderr == "Error: <stdin>:2: the input has labels, and standard input or a pipe can be read only once; give the label list with --labels\n", "\(refused.stderr)")
        #expect(!FileManager.default.fileExists(atPath: output.path))
    }

    // MARK: option validation

    static func usageError(_ message: String) -> String {
        "Error: \(message)\nUsage: bertkit encode [<options>] --vocab <vocab> --max-length <max-length> --input <input> --output <output>\n"
            + "  See 'bertkit encode --help' for more information.\n"
    }

    struct BadOptions: Sendable, CustomTestStringConvertible {
        var options: [String]
        var message: String
        var testDescription: String { options.joined(separator: " ") }
    }

    @Test(arguments: [
        BadOptions(options: ["--truncation", "bogus"], message: "--truncation must be longest_first, only_first, only_second or none"),
        BadOptions(options: ["--return-overflowing", "--truncation", "none"], message: "--return-overflowing needs truncation (not --truncation none)"),
        BadOptions(options: ["--truncation", "only_second"], message: "--truncation only_second needs --pair-column"),
        BadOptions(options: ["--truncation-side", "middle"], message: "--truncation-side must be right or left"),
        BadOptions(options: ["--padding", "all"], message: "--padding must be longest, max_length or none"),
        BadOptions(options: ["--stride=-1"], message: "--stride must not be negative"),
        BadOptions(options: ["--format", "parquet"], message: "--format must be jsonl, safetensors, npy or tfrecord"),
    ]) func badOptionIsAUsageError(_ bad: BadOptions) throws {
        let run = try Self.encodeLabelled("label,text\npos,Hello world\n", bad.options)
        defer { try? FileManager.default.removeItem(at: run.dir) }
        #expect(run.result.status == 64)
        #expect(run.result.stderr == Self.usageError(bad.message))
        #expect(try Self.listing(run.dir) == ["train.csv"])
    }

    /// Tensor formats need one row length (checked with the other options, before anything is read).
    @Test(arguments: ["npy", "safetensors", "tfrecord"]) func tensorFormatWithoutPaddingIsRefused(_ format: String) throws {
        let run = try Self.encodeLabelled("label,text\npos,Hello world\n", ["--format", format, "--padding", "none"])
        defer { try? FileManager.default.removeItem(at: run.dir) }
        #expect(run.result.status == 64)
        #expect(run.result.stderr == Self.usageError("--format \(format) needs rows of one length: use --padding max_length or longest"), "\(run.result.stderr)")
        #expect(try Self.listing(run.dir) == ["train.csv"])
    }

    /// `--max-length 1` cannot hold [CLS] and [SEP]: the first record fails, naming it, and nothing is written;
    /// `--max-length 2` gives [CLS] [SEP] with no text, as HF does.
    @Test func maxLengthMustLeaveRoomForSpecialTokens() throws {
        let tooShort = try Self.encodeLabelled("label,text\npos,Hello world\n", ["--max-length", "1"])
        defer { try? FileManager.default.removeItem(at: tooShort.dir) }
        #expect(tooShort.result.status == 1)
        #expect(tooShort.result.stderr == "Error: \(tooShort.input.path):2: max length 1 leaves no room for text: the template adds 2 special tokens; use a larger max length\n")
        #expect(try Self.listing(tooShort.dir) == ["train.csv"])
        let bare = try Self.encodeLabelled("label,text\npos,Hello world\n", ["--max-length", "2"])
        defer { try? FileManager.default.removeItem(at: bare.dir) }
        #expect(bare.result.status == 0, "\(bare.result.stderr)")
        #expect(bare.rows == "{\"input_ids\":[101,102],\"token_type_ids\":[0,0],\"attention_mask\":[1,1],\"label\":0}\n")
    }

    // MARK: atomicity

    /// A failure after thousands of rows were encoded leaves an earlier output (and its label map) byte for byte
    /// as it was, and no temporary file behind.
    @Test(arguments: ["out.jsonl", "out.safetensors", "out.tfrecord"]) func failedRunLeavesExistingOutputUntouched(_ name: String) throws {
        let dir = try CLI.scratch()
        defer { try? FileManager.default.removeItem(at: dir) }
        let input = dir.appendingPathComponent("train.csv"), output = dir.appendingPathComponent(name)
        let labelMap = dir.appendingPathComponent(name + ".label_map.json")
        var csv = "label,text\n"
        for k in 0..<6000 { csv += "\(k % 2 == 0 ? "pos" : "neg"),sentence number \(k) of a dataset that is long enough\n" }
        try Self.write(csv + "neg\n", to: input)
        try Self.write("precious earlier output\n", to: output)
        try Self.write("{\"earlier\": true}\n", to: labelMap)
        let before = try Self.listing(dir)
        let r = try Self.encode(["--input", input.path, "--max-length", "16", "--threads", "2", "--quiet", "--output", output.path])
        #expect(r.status == 1)
        #expect(r.stderr == "Error: \(input.path):6002: the row has 1 field but the text column is field 2 (index 1); fix the row or pass --skip-bad-rows\n")
        #expect(try Self.read(output) == "precious earlier output\n")
        #expect(try Self.read(labelMap) == "{\"earlier\": true}\n")
        #expect(try Self.listing(dir) == before)
    }
}

// MARK: readers for the binary formats (written for these tests from the format specifications)

/// Little-endian integers out of a byte array.
enum Bytes {
    static func littleEndian(_ bytes: [UInt8], at offset: Int, width: Int) -> UInt64? {
        guard offset >= 0, offset + width <= bytes.count else { return nil }
        return (0..<width).reduce(UInt64(0)) { $0 | UInt64(bytes[offset + $1]) << (8 * UInt64($1)) }
    }

    static func int64s(_ bytes: [UInt8], from offset: Int, count: Int) -> [Int64]? {
        var values: [Int64] = []
        for k in 0..<count {
            guard let value = littleEndian(bytes, at: offset + 8 * k, width: 8) else { return nil }
            values.append(Int64(bitPattern: value))
        }
        return values
    }
}

/// CRC-32C (Castagnoli, reflected polynomial 0x82F63B78) with TFRecord's mask.
enum CRC32C {
    static func checksum(_ bytes: some Sequence<UInt8>) -> UInt32 {
        var crc: UInt32 = 0xFFFF_FFFF
        for byte in bytes {
            crc ^= UInt32(byte)
            for _ in 0..<8 { crc = crc & 1 == 1 ? (crc >> 1) ^ 0x82F6_3B78 : crc >> 1 }
        }
        return ~crc
    }

    /// TFRecord's masked CRC: rotate right by 15 bits, add 0xa282ead8.
    static func masked(_ bytes: some Sequence<UInt8>) -> UInt32 {
        let crc = checksum(bytes)
        return ((crc >> 15) | (crc << 17)) &+ 0xA282_EAD8
    }
}

/// Just enough protobuf to read a `tf.train.Example` of int64 lists.
enum Protobuf {
    struct Malformed: Error {}

    static func varint(_ bytes: [UInt8], _ p: inout Int) throws -> UInt64 {
        var value: UInt64 = 0, shift: UInt64 = 0
        while true {
            guard p < bytes.count, shift < 64 else { throw Malformed() }
            let byte = bytes[p]
            p += 1
            value |= UInt64(byte & 0x7F) << shift
            if byte & 0x80 == 0 { return value }
            shift += 7
        }
    }

    /// The length-delimited fields of a message, in order: (field number, payload).
    static func fields(_ bytes: [UInt8]) throws -> [(Int, [UInt8])] {
        var p = 0, fields: [(Int, [UInt8])] = []
        while p < bytes.count {
            let tag = try varint(bytes, &p)
            guard tag & 7 == 2 else { throw Malformed() }
            let length = Int(try varint(bytes, &p))
            guard p + length <= bytes.count else { throw Malformed() }
            fields.append((Int(tag >> 3), Array(bytes[p..<(p + length)])))
            p += length
        }
        return fields
    }

    /// `Example { Features features = 1 }`, `Features { map<string, Feature> feature = 1 }`,
    /// `Feature { Int64List int64_list = 3 }`, `Int64List { repeated int64 value = 1 [packed] }`.
    static func example(_ bytes: [UInt8]) throws -> [String: [Int64]] {
        var result: [String: [Int64]] = [:]
        for (field, features) in try fields(bytes) where field == 1 {
            for (entryField, entry) in try fields(features) where entryField == 1 {
                var key: String?, values: [Int64] = []
                for (part, payload) in try fields(entry) {
                    if part == 1 { key = String(decoding: payload, as: UTF8.self) }
                    if part == 2 {
                        for (kind, list) in try fields(payload) {
                            guard kind == 3 else { throw Malformed() }
                            for (_, packed) in try fields(list) {
                                var p = 0
                                while p < packed.count { values.append(Int64(bitPattern: try varint(packed, &p))) }
                            }
                        }
                    }
                }
                guard let key else { throw Malformed() }
                result[key] = values
            }
        }
        return result
    }
}

/// A gzip member holding `data` in one stored (uncompressed) DEFLATE block (RFC 1951 §3.2.4, RFC 1952), so the
/// test needs no gzip tool.
enum Gzip {
    static func crc32(_ bytes: [UInt8]) -> UInt32 {
        var crc: UInt32 = 0xFFFF_FFFF
        for byte in bytes {
            crc ^= UInt32(byte)
            for _ in 0..<8 { crc = crc & 1 == 1 ? (crc >> 1) ^ 0xEDB8_8320 : crc >> 1 }
        }
        return ~crc
    }

    static func stored(_ data: [UInt8]) -> [UInt8] {
        precondition(data.count < 65_536, "one stored block holds at most 65,535 bytes")
        func le(_ value: UInt32, _ width: Int) -> [UInt8] { (0..<width).map { UInt8(truncatingIfNeeded: value >> (8 * UInt32($0))) } }
        let length = UInt32(data.count)
        return [0x1F, 0x8B, 8, 0, 0, 0, 0, 0, 0, 0xFF]
            + [1] + le(length, 2) + le(~length & 0xFFFF, 2) + data
            + le(crc32(data), 4) + le(length, 4)
    }
}
