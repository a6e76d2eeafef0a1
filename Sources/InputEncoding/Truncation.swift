/// How a text or pair longer than `maxLength` tokens is cut (HF `tokenizers` `TruncationParams`).
///
/// `maxLength` counts the template's special tokens, as in HF: `[CLS] A [SEP] B [SEP]` leaves
/// `maxLength - 3` tokens for A and B together.
public struct Truncation: Sendable, Hashable {
    /// Which text loses tokens.
    public enum Strategy: String, Sendable, CaseIterable {
        /// Take from the longer text until both fit (HF's `longest_first`, its default).
        case longestFirst = "longest_first"
        /// Take only from the first text.
        case onlyFirst = "only_first"
        /// Take only from the pair text.
        case onlySecond = "only_second"
    }

    /// Which end of a text loses tokens.
    public enum Side: String, Sendable, CaseIterable {
        /// Keep the beginning (HF's default).
        case right
        /// Keep the end.
        case left
    }

    /// Longest encoding in tokens, special tokens included.
    public var maxLength: Int
    /// Which text loses tokens.
    public var strategy: Strategy
    /// Which end loses them.
    public var side: Side
    /// Tokens each overflowing window repeats from the window before it.
    public var stride: Int

    /// Truncation to `maxLength` tokens; `longest_first` from the right without stride by default.
    public init(maxLength: Int, strategy: Strategy = .longestFirst, side: Side = .right, stride: Int = 0) {
        self.maxLength = maxLength
        self.strategy = strategy
        self.side = side
        self.stride = stride
    }
}

extension Truncation {
    /// The token counts `first` and `second` keep so that together they hold at most `limit` tokens, as
    /// HF's `truncate_encodings` decides them (tokenizers/src/utils/truncation.rs).
    func keptLengths(first: Int, second: Int?, limit: Int) throws -> (first: Int, second: Int?) {
        if limit == 0 { return (0, second.map { _ in 0 }) }
        let total = first + (second ?? 0)
        guard total > limit else { return (first, second) }
        let excess = total - limit
        switch strategy {
        case .longestFirst:
            guard let pair = second else { return (limit, nil) }
            // The shorter text keeps what it has if it fits in its half; otherwise both get half, the longer
            // one the odd token (HF's three cases).
            var short = min(first, pair)
            var long = short > limit ? short : max(short, limit - short)
            if short + long > limit {
                short = limit / 2
                long = short + limit % 2
            }
            return first > pair ? (long, short) : (short, long)
        case .onlyFirst:
            guard first > excess else { throw EncodingError.sequenceTooShort(strategy: strategy.rawValue, length: first, excess: excess) }
            return (first - excess, second)
        case .onlySecond:
            guard let pair = second else { throw EncodingError.secondSequenceMissing }
            guard pair > excess else { throw EncodingError.sequenceTooShort(strategy: strategy.rawValue, length: pair, excess: excess) }
            return (first, pair - excess)
        }
    }

    /// Cuts `first` (and `second`) to `keptLengths`; the cut tokens become overflowing windows of the text
    /// they came from (`Encoding.truncate`).
    func apply(to first: inout Encoding, _ second: inout Encoding?, limit: Int) throws {
        let kept = try keptLengths(first: first.count, second: second?.count, limit: limit)
        try first.truncate(to: kept.first, stride: stride, side: side)
        if let keep = kept.second { try second?.truncate(to: keep, stride: stride, side: side) }
    }
}

/// How encodings are padded (HF `tokenizers` `PaddingParams`).
public struct Padding: Sendable, Hashable {
    /// The length to pad to.
    public enum Length: Sendable, Hashable {
        /// The longest encoding of the batch (a single encoding keeps its length).
        case longest
        /// A fixed number of tokens (longer encodings are not cut: that is truncation's job).
        case fixed(Int)
    }

    /// Where padding goes.
    public enum Side: String, Sendable, CaseIterable {
        /// After the tokens (HF's default).
        case right
        /// Before the tokens.
        case left
    }

    /// The length to pad to.
    public var length: Length
    /// Round the length up to a multiple of this (nil: no rounding).
    public var multiple: Int?
    /// Where padding goes.
    public var side: Side
    /// The padding token's id.
    public var padID: Int32
    /// The padding token's segment id.
    public var padTypeID: Int32
    /// The padding token's text.
    public var padToken: String

    /// Padding with `[PAD]` (id 0 in BERT vocabularies), to the right.
    public init(
        length: Length = .longest, multiple: Int? = nil, side: Side = .right, padID: Int32 = 0, padTypeID: Int32 = 0,
        padToken: String = "[PAD]"
    ) {
        self.length = length
        self.multiple = multiple
        self.side = side
        self.padID = padID
        self.padTypeID = padTypeID
        self.padToken = padToken
    }

    /// The padded length for a batch whose longest encoding has `longest` tokens.
    public func targetLength(longest: Int) -> Int {
        var target: Int
        switch length {
        case .longest: target = longest
        case .fixed(let n): target = n
        }
        if let multiple, multiple > 0, target % multiple != 0 { target += multiple - target % multiple }
        return target
    }

    /// Pads every encoding (and its overflowing windows) to the batch's target length, as HF's
    /// `pad_encodings` does: `longest` looks at the encodings themselves, not at their windows.
    public func apply(to encodings: inout [Encoding]) {
        guard !encodings.isEmpty else { return }
        let target = targetLength(longest: encodings.map(\.count).max() ?? 0)
        for k in encodings.indices { encodings[k].pad(to: target, padID: padID, padTypeID: padTypeID, side: side) }
    }
}
