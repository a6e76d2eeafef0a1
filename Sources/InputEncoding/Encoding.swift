/// A half-open range `[start, end)` into a text: where a token came from.
public struct TokenOffsets: Hashable, Sendable, CustomStringConvertible {
    /// First position covered.
    public var start: Int
    /// One past the last position covered.
    public var end: Int

    /// An offset pair.
    public init(_ start: Int, _ end: Int) {
        self.start = start
        self.end = end
    }

    /// `[0, 0)`: what special and padding tokens get, as in HF `tokenizers`.
    public static let none = TokenOffsets(0, 0)

    public var description: String { "(\(start), \(end))" }
}

/// The model inputs for one text or text pair, as HF `tokenizers`' `Encoding` holds them.
///
/// Every array has one entry per token. `offsets` are character (Unicode scalar) offsets into the text the
/// token came from (`pair` tokens into the pair text), as HF's Python API reports them; `byteOffsets` are
/// the same ranges in UTF-8 bytes. Both point into the ORIGINAL text, before any normalization profile.
///
/// ```swift
/// let encoding = try tokenizer.encode("Hello, world!")
/// encoding.ids            // [101, 7592, 1010, 2088, 999, 102] with bert-base-uncased
/// encoding.offsets[1]     // (0, 5)
/// ```
public struct Encoding: Hashable, Sendable {
    /// Token ids.
    public var ids: [Int32]
    /// Segment ids: 0 for the first text and its special tokens, 1 for the pair (BERT's template).
    public var typeIDs: [Int32]
    /// 1 for a real token, 0 for padding.
    public var attentionMask: [Int32]
    /// 1 for a token the template added ([CLS], [SEP]) or padding, 0 for a token of the text.
    public var specialTokensMask: [Int32]
    /// The index of the word each token belongs to within its own text (-1: special or padding). Words
    /// are the pre-tokenizer's splits: runs between whitespace, each punctuation mark, each special token.
    /// Empty when the encoding was made without alignment (`EncodeOptions.alignment == false`).
    public var wordIndices: [Int32]
    /// Which text each token came from: 0 (first), 1 (pair), -1 (special or padding).
    public var sequenceIndices: [Int8]
    /// Character offsets into the original text (empty when offsets were not computed).
    public var offsets: [TokenOffsets]
    /// UTF-8 byte offsets into the original text (empty when offsets were not computed).
    public var byteOffsets: [TokenOffsets]
    /// The windows that did not fit, when truncation is on: each a complete encoding of its own.
    public var overflowing: [Encoding]

    /// An encoding from its arrays; every array must have `ids.count` entries (word indices and offsets may
    /// be empty).
    public init(
        ids: [Int32], typeIDs: [Int32], attentionMask: [Int32], specialTokensMask: [Int32], wordIndices: [Int32],
        sequenceIndices: [Int8], offsets: [TokenOffsets] = [], byteOffsets: [TokenOffsets] = [],
        overflowing: [Encoding] = []
    ) {
        precondition(
            [typeIDs.count, attentionMask.count, specialTokensMask.count, sequenceIndices.count]
                .allSatisfy { $0 == ids.count }, "encoding arrays differ in length")
        precondition(wordIndices.isEmpty || wordIndices.count == ids.count, "word indices differ in length")
        precondition(offsets.isEmpty || offsets.count == ids.count, "offsets differ in length")
        precondition(byteOffsets.isEmpty || byteOffsets.count == ids.count, "byte offsets differ in length")
        self.ids = ids
        self.typeIDs = typeIDs
        self.attentionMask = attentionMask
        self.specialTokensMask = specialTokensMask
        self.wordIndices = wordIndices
        self.sequenceIndices = sequenceIndices
        self.offsets = offsets
        self.byteOffsets = byteOffsets
        self.overflowing = overflowing
    }

    /// An empty encoding.
    public init() {
        self.init(ids: [], typeIDs: [], attentionMask: [], specialTokensMask: [], wordIndices: [], sequenceIndices: [])
    }

    /// Number of tokens (padding included).
    public var count: Int { ids.count }

    /// Word indices as HF reports them (`nil` for special and padding tokens).
    public var wordIDs: [Int?] { wordIndices.map { $0 < 0 ? nil : Int($0) } }

    /// Sequence ids as HF reports them (`nil` for special and padding tokens).
    public var sequenceIDs: [Int?] { sequenceIndices.map { $0 < 0 ? nil : Int($0) } }

    /// Whether word indices and offsets were computed.
    public var hasAlignment: Bool { wordIndices.count == ids.count && offsets.count == ids.count }

    /// This encoding followed by its overflowing windows: the rows HF `transformers` returns with
    /// `return_overflowing_tokens=True`.
    public var windows: [Encoding] {
        var main = self
        main.overflowing = []
        return [main] + overflowing
    }
}
