import BertKitSupport
import TextNormalization
import WordPiece

/// A whole BERT tokenizer: WordPiece, the [CLS]/[SEP] template, truncation, padding and decoding, with the
/// tensors HF `tokenizers` produces for the same settings.
///
/// ```swift
/// let tokenizer = try Tokenizer(directory: "all-MiniLM-L6-v2")   // tokenizer.json or vocab.txt
/// let encoding = try tokenizer.encode("How are you?", pair: "Fine.")
/// encoding.ids        // [101, 2129, 2024, 2017, 1029, 102, 2986, 1012, 102]
/// encoding.typeIDs    // [0, 0, 0, 0, 0, 0, 1, 1, 1]
/// tokenizer.decode(encoding.ids)  // "how are you? fine."
/// ```
public struct Tokenizer: Sendable {
    /// Splits text into vocabulary pieces (normalization profile, BERT normalization, WordPiece).
    public let wordPiece: WordPieceTokenizer
    /// Where special tokens go.
    public var template: TemplateProcessing
    /// How long inputs are cut (nil: never).
    public var truncation: Truncation?
    /// How inputs are padded (nil: never).
    public var padding: Padding?
    /// How ids become text again.
    public var decoder: WordPieceDecoder

    /// The vocabulary ids refer to.
    public var vocabulary: Vocabulary { wordPiece.vocabulary }

    /// A tokenizer from its parts; the template defaults to BERT's with the vocabulary's `[CLS]` and `[SEP]`.
    /// - Throws: `EncodingError.invalidTemplate` when no template is given and the vocabulary lacks them.
    public init(
        wordPiece: WordPieceTokenizer, template: TemplateProcessing? = nil, truncation: Truncation? = nil,
        padding: Padding? = nil, decoder: WordPieceDecoder? = nil
    ) throws {
        self.wordPiece = wordPiece
        if let template {
            self.template = template
        } else {
            let vocabulary = wordPiece.vocabulary
            guard let cls = vocabulary.id(of: "[CLS]"), let sep = vocabulary.id(of: "[SEP]") else {
                throw EncodingError.invalidTemplate("the vocabulary has no [CLS] or [SEP]; give a template")
            }
            self.template = .bert(cls: ("[CLS]", cls), sep: ("[SEP]", sep))
        }
        self.truncation = truncation
        self.padding = padding
        self.decoder = decoder ?? WordPieceDecoder(prefix: wordPiece.vocabulary.continuingSubwordPrefix)
    }

    /// The token strings of a text (no special tokens added), as HF's `tokenize`.
    public func tokenize(_ text: String) -> [String] {
        wordPiece.tokenIDs(text).map { vocabulary.tokens[Int($0)] }
    }

    /// The padding settings with this vocabulary's `[PAD]` (id 0 when it has none).
    public func padding(_ length: Padding.Length, multiple: Int? = nil, side: Padding.Side = .right) -> Padding {
        Padding(length: length, multiple: multiple, side: side, padID: vocabulary.id(of: "[PAD]") ?? 0, padToken: "[PAD]")
    }
}

/// What `encode` computes besides ids.
public struct EncodeOptions: Sendable, Hashable {
    /// Add the template's special tokens (default true).
    public var addSpecialTokens: Bool
    /// Compute word indices and offsets (default true). Without them encoding runs the fast id-only scan.
    public var alignment: Bool

    /// Everything HF computes.
    public init(addSpecialTokens: Bool = true, alignment: Bool = true) {
        self.addSpecialTokens = addSpecialTokens
        self.alignment = alignment
    }
}

extension Tokenizer {
    /// Encodes a text, or a pair of texts, through truncation, the template and padding (HF `encode`).
    ///
    /// With truncation, the tokens that do not fit become `overflowing` windows, each a complete encoding.
    /// A single encoding padded to `.longest` keeps its length (rounded up to `padding.multiple`).
    public func encode(_ text: String, pair: String? = nil, options: EncodeOptions = EncodeOptions()) throws -> Encoding {
        padAlone(try encodeUnpadded(text, pair: pair, options: options))
    }

    /// Padding for an encoding that is its own batch.
    func padAlone(_ encoding: Encoding) -> Encoding {
        guard let padding else { return encoding }
        var encoding = encoding
        encoding.pad(to: padding.targetLength(longest: encoding.count), padID: padding.padID, padTypeID: padding.padTypeID, side: padding.side)
        return encoding
    }

    /// Encodes many texts (or pairs) and pads them together, as HF `encode_batch`: `.longest` padding uses
    /// the longest encoding of this batch. Runs on `threads` threads (default all cores); order is kept.
    public func encode(
        batch: [(text: String, pair: String?)], options: EncodeOptions = EncodeOptions(), threads: Int? = nil
    ) throws -> [Encoding] {
        var encodings = try ParallelMap.map(batch, threads: threads) { try encodeUnpadded($0.text, pair: $0.pair, options: options) }
        padding?.apply(to: &encodings)
        return encodings
    }

    /// Truncation and the template, without padding (the first steps of `encode`).
    public func encodeUnpadded(_ text: String, pair: String?, options: EncodeOptions) throws -> Encoding {
        let first = encodeSequence(text, index: 0, alignment: options.alignment)
        let second = pair.map { encodeSequence($0, index: 1, alignment: options.alignment) }
        return try truncateAndApplyTemplate(first, second, addSpecialTokens: options.addSpecialTokens, alignment: options.alignment)
    }

    /// Truncation (with room left for the template's special tokens), then the template.
    func truncateAndApplyTemplate(_ first: Encoding, _ second: Encoding?, addSpecialTokens: Bool, alignment: Bool) throws -> Encoding {
        var first = first, second = second
        if let truncation {
            let added = addSpecialTokens ? template.addedTokens(pair: second != nil) : 0
            let limit = truncation.maxLength - added
            guard limit >= 0 else { throw EncodingError.maxLengthTooSmall(maxLength: truncation.maxLength, specialTokens: added) }
            try truncation.apply(to: &first, &second, limit: limit)
        }
        return template.apply(second.map { [first, $0] } ?? [first], addSpecialTokens: addSpecialTokens, alignment: alignment)
    }

    /// One text's tokens with segment id `index` (0 or 1), word indices and offsets.
    func encodeSequence(_ text: String, index: Int, alignment: Bool) -> Encoding {
        var text = text
        return text.withUTF8 { bytes in
            guard alignment else {
                var ids: [Int32] = []
                wordPiece.tokenIDs(utf8: bytes, into: &ids)
                let n = ids.count
                return Encoding(
                    ids: ids, typeIDs: Array(repeating: Int32(index), count: n), attentionMask: Array(repeating: 1, count: n),
                    specialTokensMask: Array(repeating: 0, count: n), wordIndices: [],
                    sequenceIndices: Array(repeating: Int8(index), count: n))
            }
            var tokens: [AlignedToken] = []
            wordPiece.tokenizeAligned(utf8: bytes, into: &tokens)
            let n = tokens.count
            let byteOffsets = tokens.map { TokenOffsets(Int($0.start), Int($0.end)) }
            return Encoding(
                ids: tokens.map(\.id), typeIDs: Array(repeating: Int32(index), count: n),
                attentionMask: Array(repeating: 1, count: n), specialTokensMask: Array(repeating: 0, count: n),
                wordIndices: tokens.map(\.word), sequenceIndices: Array(repeating: Int8(index), count: n),
                offsets: CharacterOffsets.convert(byteOffsets, in: bytes), byteOffsets: byteOffsets)
        }
    }
}

/// Byte offsets to character (Unicode scalar) offsets, as HF's Python API reports them.
enum CharacterOffsets {
    static func convert(_ offsets: [TokenOffsets], in bytes: UnsafeBufferPointer<UInt8>) -> [TokenOffsets] {
        guard !offsets.isEmpty else { return [] }
        // Scalars before each byte position: a byte that is not a UTF-8 continuation byte starts a scalar.
        var before = [Int32](repeating: 0, count: bytes.count + 1)
        var count: Int32 = 0
        for i in 0..<bytes.count {
            before[i] = count
            if bytes[i] & 0xC0 != 0x80 { count += 1 }
        }
        before[bytes.count] = count
        return offsets.map { TokenOffsets(Int(before[$0.start]), Int(before[$0.end])) }
    }
}

extension Tokenizer {
    /// Truncation, the template and padding over token ids that are already tokenized (HF `post_process`):
    /// for callers that make their own ids, such as masked-LM data or synthetic benchmarks.
    public func postProcess(_ ids: [Int32], pair: [Int32]? = nil, addSpecialTokens: Bool = true) throws -> Encoding {
        func sequence(_ ids: [Int32], _ index: Int) -> Encoding {
            Encoding(
                ids: ids, typeIDs: Array(repeating: Int32(index), count: ids.count), attentionMask: Array(repeating: 1, count: ids.count),
                specialTokensMask: Array(repeating: 0, count: ids.count), wordIndices: [],
                sequenceIndices: Array(repeating: Int8(index), count: ids.count))
        }
        return padAlone(try truncateAndApplyTemplate(
            sequence(ids, 0), pair.map { sequence($0, 1) }, addSpecialTokens: addSpecialTokens, alignment: false))
    }
}

extension Tokenizer {
    /// The first window of `encode(text, pair:)` without word indices, offsets or overflowing windows, and
    /// unpadded: the same ids, segment ids and masks, built straight into one set of arrays instead of
    /// through per-sequence encodings (the fast path of dataset encoding when windows are not wanted).
    public func encodeFirstWindow(_ text: String, pair: String?, addSpecialTokens: Bool = true) throws -> Encoding {
        try withTokenIDs(of: text, pair: pair, firstWindowOnly: true, addSpecialTokens: addSpecialTokens) { first, second in
            try assembleFirstWindow(first, second, addSpecialTokens: addSpecialTokens)
        }
    }

    /// `encodeFirstWindow` of texts given as UTF-8 bytes.
    func encodeFirstWindow(utf8 text: UnsafeBufferPointer<UInt8>, pair: UnsafeBufferPointer<UInt8>?) throws -> Encoding {
        try withTokenIDs(utf8: text, pair: pair, firstWindowOnly: true) { first, second in
            try assembleFirstWindow(first, second, addSpecialTokens: true)
        }
    }

    /// Calls `body` with the token ids of `text` and of `pair` (nil without a pair), held in scratch memory
    /// (no zero-filled bound-sized arrays) for the duration of the call. The language profile
    /// (`wordPiece.normalizer`), if any, runs first.
    ///
    /// When only the first window is used, the scan of a long text stops once it has more tokens than the
    /// window can keep (`firstWindowCap`); `body` then sees a leading part of the ids, whose count is at least
    /// the cap. `keptLengths` gives the same result on such counts, except for a pair whose texts both
    /// exceed the window under `longest_first`: which one is longer decides who keeps the odd token, so
    /// both are then scanned in full.
    func withTokenIDs<R>(
        of text: String, pair: String?, firstWindowOnly: Bool = false, addSpecialTokens: Bool = true,
        _ body: (UnsafeBufferPointer<Int32>, UnsafeBufferPointer<Int32>?) throws -> R
    ) throws -> R {
        var text = text
        return try text.withUTF8 { a in
            guard var pair else { return try withTokenIDs(utf8: a, pair: nil, firstWindowOnly: firstWindowOnly, addSpecialTokens: addSpecialTokens, body) }
            return try pair.withUTF8 { b in
                try withTokenIDs(utf8: a, pair: b, firstWindowOnly: firstWindowOnly, addSpecialTokens: addSpecialTokens, body)
            }
        }
    }

    /// `withTokenIDs(of:pair:)` of texts given as UTF-8 bytes.
    func withTokenIDs<R>(
        utf8 text: UnsafeBufferPointer<UInt8>, pair: UnsafeBufferPointer<UInt8>?, firstWindowOnly: Bool = false,
        addSpecialTokens: Bool = true, _ body: (UnsafeBufferPointer<Int32>, UnsafeBufferPointer<Int32>?) throws -> R
    ) throws -> R {
        let cap = firstWindowOnly ? firstWindowCap(pair: pair != nil, addSpecialTokens: addSpecialTokens) : nil
        return try withNormalizedTokenIDs(utf8: text, pair, cap: cap, body)
    }

    /// The token count past which the first window's truncation no longer depends on a text's length
    /// (one more than the tokens the window keeps), when truncation allows a scan to stop early: nil for
    /// left-side truncation (the kept tokens are the last ones), `only_first` / `only_second` (their errors
    /// report the full lengths) and no truncation.
    private func firstWindowCap(pair: Bool, addSpecialTokens: Bool) -> Int? {
        guard let truncation, truncation.strategy == .longestFirst, truncation.side == .right else { return nil }
        let limit = truncation.maxLength - (addSpecialTokens ? template.addedTokens(pair: pair) : 0)
        return limit >= 0 ? limit + 1 : nil
    }

    private func withNormalizedTokenIDs<R>(
        utf8 textBytes: UnsafeBufferPointer<UInt8>, _ pairBytes: UnsafeBufferPointer<UInt8>?, cap: Int?,
        _ body: (UnsafeBufferPointer<Int32>, UnsafeBufferPointer<Int32>?) throws -> R
    ) throws -> R {
        guard let normalizer = wordPiece.normalizer else { return try withTokenIDs(utf8: textBytes, pairBytes, cap: cap, body) }
        var text: [UInt8] = [], pair: [UInt8] = []
        normalizer.normalize(textBytes, into: &text)
        if let pairBytes { normalizer.normalize(pairBytes, into: &pair) }
        return try text.withUnsafeBufferPointer { a in
            try pair.withUnsafeBufferPointer { b in try withTokenIDs(utf8: a, pairBytes == nil ? nil : b, cap: cap, body) }
        }
    }

    private func withTokenIDs<R>(
        utf8 textBytes: UnsafeBufferPointer<UInt8>, _ pairBytes: UnsafeBufferPointer<UInt8>?, cap: Int?,
        _ body: (UnsafeBufferPointer<Int32>, UnsafeBufferPointer<Int32>?) throws -> R
    ) throws -> R {
        let boundA = WordPieceTokenizer.maxTokens(forByteCount: textBytes.count)
        let boundB = pairBytes.map { WordPieceTokenizer.maxTokens(forByteCount: $0.count) } ?? 0
        return try withUnsafeTemporaryAllocation(of: Int32.self, capacity: boundA + boundB) { scratch in
            let base = scratch.baseAddress!
            func scan(stoppingAt stop: Int) -> (Int, Int) {
                (wordPiece.tokenIDs(utf8: textBytes, writingIDsTo: base, limit: stop),
                 pairBytes.map { wordPiece.tokenIDs(utf8: $0, writingIDsTo: base + boundA, limit: stop) } ?? 0)
            }
            var (countA, countB) = scan(stoppingAt: cap ?? .max)
            if let cap, pairBytes != nil, countA >= cap, countB >= cap { (countA, countB) = scan(stoppingAt: .max) }
            return try body(
                UnsafeBufferPointer(start: base, count: countA),
                pairBytes == nil ? nil : UnsafeBufferPointer(start: base + boundA, count: countB))
        }
    }

    private func assembleFirstWindow(
        _ first: UnsafeBufferPointer<Int32>, _ second: UnsafeBufferPointer<Int32>?, addSpecialTokens: Bool
    ) throws -> Encoding {
        let pair: Bool = second != nil
        let second = second ?? UnsafeBufferPointer(start: nil, count: 0)
        let keep = try keptLengths(first: first.count, second: pair ? second.count : nil, addSpecialTokens: addSpecialTokens)
        func window(_ ids: UnsafeBufferPointer<Int32>, _ count: Int) -> UnsafeBufferPointer<Int32> {
            truncation?.side == .left ? UnsafeBufferPointer(rebasing: ids[(ids.count - count)...]) : UnsafeBufferPointer(rebasing: ids[..<count])
        }
        let pieces = pair ? template.pair : template.single
        var ids: [Int32] = [], types: [Int32] = [], specials: [Int32] = [], sequences: [Int8] = []
        var capacity = keep.first + (keep.second ?? 0) + pieces.count
        if let padding, case .fixed(let n) = padding.length { capacity = max(capacity, padding.targetLength(longest: n)) }
        ids.reserveCapacity(capacity); types.reserveCapacity(capacity); specials.reserveCapacity(capacity)
        sequences.reserveCapacity(capacity)
        for piece in pieces {
            switch piece {
            case let .sequence(index, typeID):
                guard index == 0 || pair else { continue }
                let slice = index == 0 ? window(first, keep.first) : window(second, keep.second ?? 0)
                ids += slice
                types.append(contentsOf: repeatElement(typeID, count: slice.count))
                specials.append(contentsOf: repeatElement(0, count: slice.count))
                sequences.append(contentsOf: repeatElement(Int8(index), count: slice.count))
            case let .special(_, id, typeID):
                guard addSpecialTokens else { continue }
                ids.append(id); types.append(typeID); specials.append(1); sequences.append(-1)
            }
        }
        var attention: [Int32] = []
        attention.reserveCapacity(capacity)
        attention.append(contentsOf: repeatElement(1, count: ids.count))
        return Encoding(
            ids: ids, typeIDs: types, attentionMask: attention, specialTokensMask: specials,
            wordIndices: [], sequenceIndices: sequences)
    }
}
