import TextNormalization

/// BERT tokenization (normalize, pre-tokenize, WordPiece) matching Hugging Face `tokenizers`
/// `BertWordPieceTokenizer` id for id, in one pass over UTF-8 bytes.
///
/// ```swift
/// let tokenizer = WordPieceTokenizer(vocabulary: try Vocabulary(contentsOf: "vocab.txt"))
/// tokenizer.tokenize("Hello, world!")  // [7592, 1010, 2088, 999] with bert-base-uncased
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
    let table: BertCharacterTable
    let trie: LinMaxMatchTrie
    /// Packed table entries for ASCII bytes (see `BertCharacterTable`).
    let asciiEntries: [UInt32]
    /// Special tokens as (bytes, id), longest first; and which bytes can start one.
    let specials: [(bytes: [UInt8], id: Int32)]
    let specialFirstByte: [Bool]

    /// Builds a tokenizer over a vocabulary.
    public init(vocabulary: Vocabulary, configuration: Configuration = Configuration()) {
        self.vocabulary = vocabulary
        self.configuration = configuration
        let table = BertCharacterTable.shared(for: .init(
            lowercase: configuration.lowercase, stripAccents: configuration.stripAccents,
            handleChineseCharacters: configuration.handleChineseCharacters, cleanText: configuration.cleanText))
        self.table = table
        self.trie = LinMaxMatchTrie(tokens: vocabulary.tokens, continuingSubwordPrefix: vocabulary.continuingSubwordPrefix)
        self.asciiEntries = (0..<128).map { table.packedEntry(UInt32($0)) }
        let present = Set(configuration.specialTokens).compactMap { s in vocabulary.id(of: s).map { (Array(s.utf8), $0) } }
        self.specials = present.filter { !$0.0.isEmpty }.sorted { $0.0.count > $1.0.count }
        var first = [Bool](repeating: false, count: 256)
        for s in specials { first[Int(s.bytes[0])] = true }
        self.specialFirstByte = first
    }

    /// Token ids of a text (no [CLS]/[SEP]).
    public func tokenize(_ text: String) -> [Int32] {
        var ids: [Int32] = []
        var text = text
        text.withUTF8 { tokenize(utf8: $0, into: &ids) }
        return ids
    }

    /// Token strings of a text (no [CLS]/[SEP]).
    public func tokenStrings(_ text: String) -> [String] {
        tokenize(text).map { vocabulary.tokens[Int($0)] }
    }

    /// Appends the token ids of UTF-8 text to `ids`. Ill-formed bytes are treated as U+FFFD, which BERT's
    /// cleaning deletes; validate first (`UTF8Validation`) if bad input must be an error.
    public func tokenize(utf8 bytes: UnsafeBufferPointer<UInt8>, into ids: inout [Int32]) {
        let capacity = (vocabulary.maxInputCharsPerWord + 1) * 4
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: capacity) { word in
            trie.base.withUnsafeBufferPointer { base in
            trie.check.withUnsafeBufferPointer { check in
            asciiEntries.withUnsafeBufferPointer { ascii in
            table.entries.withUnsafeBufferPointer { entries in
                var scan = Scan(
                    tokenizer: self, base: base, check: check, word: word.baseAddress!, capacity: capacity)
                scan.run(bytes, ascii: ascii, entries: entries, ids: &ids)
            }}}}
        }
    }
}
