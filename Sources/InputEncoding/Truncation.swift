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
    /// Cuts `first` (and `second`) so that together they hold at most `limit` tokens, as HF's
    /// `truncate_encodings` does (tokenizers/src/utils/truncation.rs). The cut tokens become overflowing
    /// windows of the text they came from.
    func apply(to first: inout Encoding, _ second: inout Encoding?, limit: Int) throws {
        if limit == 0 {
            try first.truncate(to: 0, stride: stride, side: side)
            try second?.truncate(to: 0, stride: stride, side: side)
            return
        }
        let total = first.count + (second?.count ?? 0)
        guard total > limit else { return }
        let excess = total - limit
        switch strategy {
        case .longestFirst:
            guard var pair = second else {
                try first.truncate(to: limit, stride: stride, side: side)
                return
            }
            // The shorter text keeps what it has if it fits in its half; otherwise both get half, the longer
            // one the odd token (HF's three cases).
            var short = min(first.count, pair.count)
            var long = max(first.count, pair.count)
            long = short > limit ? short : max(short, limit - short)
            if short + long > limit {
                short = limit / 2
                long = short + limit % 2
            }
            let firstIsLonger = first.count > pair.count
            try first.truncate(to: firstIsLonger ? long : short, stride: stride, side: side)
            try pair.truncate(to: firstIsLonger ? short : long, stride: stride, side: side)
            second = pair
        case .onlyFirst:
            guard first.count > excess else {
                throw EncodingError.sequenceTooShort(strategy: strategy.rawValue, length: first.count, excess: excess)
            }
            try first.truncate(to: first.count - excess, stride: stride, side: side)
        case .onlySecond:
            guard var pair = second else { throw EncodingError.secondSequenceMissing }
            guard pair.count > excess else {
                throw EncodingError.sequenceTooShort(strategy: strategy.rawValue, length: pair.count, excess: excess)
            }
            try pair.truncate(to: pair.count - excess, stride: stride, side: side)
            second = pair
        }
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
