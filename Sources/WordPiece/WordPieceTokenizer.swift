import LineIO
import Dispatch
import TextNormalization

/// BERT tokenization (normalize, pre-tokenize, WordPiece) matching Hugging Face `tokenizers`
/// `BertWordPieceTokenizer` id for id, in one pass over UTF-8 bytes.
///
/// ```swift
/// let tokenizer = WordPieceTokenizer(vocabulary: try Vocabulary(contentsOf: "vocab.txt"))
/// tokenizer.tokenIDs("Hello, world!")  // [7592, 1010, 2088, 999] with bert-base-uncased
/// tokenizer.tokenize("Hello, world!")  // ["hello", ",", "world", "!"]
/// ```
///
/// The scan reads each byte once: ASCII through a 128-entry table, other scalars through
/// `BertCharacterTable`; word bytes go to a small stack buffer and are matched with `LinMaxMatchTrie`.
public struct WordPieceTokenizer: Sendable {
    /// Tokenizer settings; the defaults are BERT uncased as in HF's `BertWordPieceTokenizer`.
    public struct Configuration: Sendable, Hashable {
        /// Lowercase the text (uncased BERT). Default true.
        public var lowercase: Bool
        /// Strip accents (NFD, drop Mn); nil follows `lowercase`, as in HF.
        public var stripAccents: Bool?
        /// Make every CJK ideograph its own word. Default true.
        public var handleChineseCharacters: Bool
        /// Drop control characters and map whitespace to spaces. Default true.
        public var cleanText: Bool
        /// Strings matched whole in the raw text, before normalization, and mapped to their ids. Only those
        /// present in the vocabulary are used (HF would append absent ones after the vocabulary).
        public var specialTokens: [String]

        /// BERT uncased by default; `Configuration(lowercase: false)` is cased (no lowercasing, accents kept).
        public init(
            lowercase: Bool = true, stripAccents: Bool? = nil, handleChineseCharacters: Bool = true,
            cleanText: Bool = true, specialTokens: [String] = ["[UNK]", "[SEP]", "[CLS]", "[PAD]", "[MASK]"]
        ) {
            self.lowercase = lowercase
            self.stripAccents = stripAccents
            self.handleChineseCharacters = handleChineseCharacters
            self.cleanText = cleanText
            self.specialTokens = specialTokens
        }

        /// BERT cased: no lowercasing and no accent stripping.
        public static var cased: Configuration { Configuration(lowercase: false, stripAccents: false) }
    }

    /// The vocabulary ids refer to.
    public let vocabulary: Vocabulary
    /// The settings this tokenizer was built with.
    public let configuration: Configuration
    /// A normalization run on the text before BERT's own (e.g. `PersianNormalizer`), or nil.
    public let normalizer: (any NormalizationStage)?
    let tables: ScanTables
    /// Ids of the configured special tokens that the vocabulary has.
    public let specialIDs: Set<Int32>

    /// Builds a tokenizer over a vocabulary. A `normalizer` (a language profile such as `PersianNormalizer`)
    /// runs on the raw text first; BERT's cleaning, accent stripping and lowercasing still follow it.
    public init(vocabulary: Vocabulary, configuration: Configuration = Configuration(), normalizer: (any NormalizationStage)? = nil) {
        self.vocabulary = vocabulary
        self.configuration = configuration
        self.normalizer = normalizer
        // The code-point table and the trie are independent: build the table on a second thread meanwhile.
        let tableConfiguration = BertCharacterTable.Configuration(
            lowercase: configuration.lowercase, stripAccents: configuration.stripAccents,
            handleChineseCharacters: configuration.handleChineseCharacters, cleanText: configuration.cleanText)
        let box = TableBox()
        let group = DispatchGroup()
        DispatchQueue.global().async(group: group) { box.table = BertCharacterTable.shared(for: tableConfiguration) }
        let trie = LinMaxMatchTrie(tokens: vocabulary.tokens, continuingSubwordPrefix: vocabulary.continuingSubwordPrefix,
                                   maxPieceScalars: max(0, vocabulary.maxInputCharsPerWord))
        group.wait()
        let table = box.table!
        let specials = Set(configuration.specialTokens).compactMap { s in vocabulary.id(of: s).map { (bytes: Array(s.utf8), id: $0) } }
            .filter { !$0.bytes.isEmpty }.sorted { $0.bytes.count > $1.bytes.count }
        self.tables = ScanTables(trie: trie, table: table, specials: specials, vocabulary: vocabulary)
        self.specialIDs = Set(specials.map(\.id))
        // `maxTokens(forByteCount:)` relies on this: no multi-byte scalar maps to more than four scalars, and
        // sequences only come from multi-byte scalars (ASCII maps to at most one scalar).
        precondition(table.sequenceRanges.allSatisfy { $0.count <= 4 }, "a code point maps to more than 4 scalars")
        precondition((0..<128).allSatisfy { table.packedEntry(UInt32($0)) & BertCharacterTable.sequenceFlag == 0 })
    }

    /// Whether an id is one of the special tokens (`configuration.specialTokens`).
    public func isSpecial(_ id: Int32) -> Bool { specialIDs.contains(id) }

    /// Token ids of a text (no [CLS]/[SEP]): the fast path.
    public func tokenIDs(_ text: String) -> [Int32] {
        var ids: [Int32] = []
        var text = text
        text.withUTF8 { tokenIDs(utf8: $0, into: &ids) }
        return ids
    }

    /// Token strings of a text (no [CLS]/[SEP]), as HF's `tokenize`.
    public func tokenize(_ text: String) -> [String] {
        tokenIDs(text).map { vocabulary.tokens[Int($0)] }
    }

    /// Appends the token ids of UTF-8 text to `ids`. Ill-formed bytes are treated as U+FFFD, which BERT's
    /// cleaning deletes; validate first (`UTF8Validation`) if bad input must be an error.
    public func tokenIDs(utf8 bytes: UnsafeBufferPointer<UInt8>, into ids: inout [Int32]) {
        if let normalizer {
            var normalized: [UInt8] = []
            normalizer.normalize(bytes, into: &normalized)
            return normalized.withUnsafeBufferPointer { scan(utf8: $0, into: &ids) }
        }
        scan(utf8: bytes, into: &ids)
    }

    private func scan(utf8 bytes: UnsafeBufferPointer<UInt8>, into ids: inout [Int32]) {
        let old = ids.count
        let bound = Self.maxTokens(forByteCount: bytes.count)
        ids.append(contentsOf: repeatElement(0, count: bound))
        let written = ids.withUnsafeMutableBufferPointer { buffer in
            tokenIDs(utf8: bytes, writingIDsTo: buffer.baseAddress! + old)
        }
        ids.removeLast(bound - written)
    }

    /// The most ids `count` bytes of text can produce: a token covers at least one mapped scalar, and one
    /// input scalar maps to at most four (canonical decompositions), i.e. two per byte beyond ASCII.
    public static func maxTokens(forByteCount count: Int) -> Int { 2 * count + 1 }

    /// Writes the token ids of UTF-8 text to `ids`, which must have room for
    /// `maxTokens(forByteCount: bytes.count)` values, and returns how many were written. The fast path for
    /// callers that reuse one buffer across many lines. It does not run `normalizer`: pass text that has
    /// been through it already (`normalizer?.normalize(_:into:)` into a buffer the caller reuses). (Its label differs from the array version's on
    /// purpose: `into: &array` would otherwise bind here through array-to-pointer conversion.)
    ///
    /// With `limit`, the scan stops at the first word boundary where at least `limit` ids are written: the
    /// ids returned are then exactly the first ones of the whole text (a word's pieces are only final once
    /// the word ends, so it never stops inside one), and a count of `limit` or more means "at least that
    /// many". For callers that keep only a leading window of the tokens.
    public func tokenIDs(
        utf8 bytes: UnsafeBufferPointer<UInt8>, writingIDsTo ids: UnsafeMutablePointer<Int32>, limit: Int = .max
    ) -> Int {
        return withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 4) { word in
            var scan = Scan(tables, word: word.baseAddress!, output: ids)
            withExtendedLifetime(tables) { scan.run(bytes, limit: limit) }
            return scan.written
        }
    }
}

/// Carries the table built on the helper thread; written once before `group.wait()` returns, read after.
private final class TableBox: @unchecked Sendable {
    var table: BertCharacterTable?
}
