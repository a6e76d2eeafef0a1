import BertKitSupport
import WordPiece

/// Masks drawn afresh for every batch, as RoBERTa's dynamic masking does, for a trainer doing continued
/// pretraining: the masks of a row depend only on the seed, the training step and the row's index in the batch,
/// so a run restarted at step `s` sees the same masks, and splitting a batch over threads changes nothing.
///
/// ```swift
/// let masking = try DynamicMasking(vocabulary: vocab, configuration: .init(seed: 42))
/// let rows = masking.mask(batch: batchOfTokenIDs, step: 1_000)
/// rows[0].inputIDs    // the row with [MASK] / kept / random tokens at the chosen positions
/// rows[0].labels(ignoreIndex: -100)   // HF-style labels: the original id at masked positions
/// ```
///
/// Selection follows Google's `create_masked_lm_predictions`: candidates are the tokens other than `[CLS]`,
/// `[SEP]`, `[PAD]` and `[MASK]` (grouped into whole words with `wholeWordMask`), shuffled, and taken until
/// `min(maxPredictions, max(1, round(realLength * maskedLMProb)))` positions are chosen, where `realLength`
/// counts the row without its `[PAD]` tokens; each chosen token becomes `[MASK]` (80%), stays (10%) or becomes a
/// uniformly random vocabulary id (10%). The stream is SplitMix64, not Python's: these masks do not reproduce
/// Google's (no script of Google's masks per step).
public struct DynamicMasking: Sendable {
    /// Masking settings.
    public struct Configuration: Sendable, Hashable {
        /// Fraction of each row's real tokens to predict. Default 0.15.
        public var maskedLMProb: Double
        /// Most predictions per row; nil for no cap. Default nil.
        public var maxPredictions: Int?
        /// Mask a word's `##` pieces together. Default false.
        public var wholeWordMask: Bool
        /// The run's seed. Default 0.
        public var seed: UInt64

        /// Defaults: 15%, no cap, per piece, seed 0.
        public init(maskedLMProb: Double = 0.15, maxPredictions: Int? = nil, wholeWordMask: Bool = false, seed: UInt64 = 0) {
            self.maskedLMProb = maskedLMProb
            self.maxPredictions = maxPredictions
            self.wholeWordMask = wholeWordMask
            self.seed = seed
        }
    }

    /// One masked row.
    public struct MaskedRow: Sendable, Hashable {
        /// The row after masking.
        public var inputIDs: [Int32]
        /// Masked positions, increasing.
        public var positions: [Int32]
        /// The original id at each masked position.
        public var labelIDs: [Int32]

        /// One label per position: the original id where masked, `ignoreIndex` elsewhere (PyTorch's
        /// cross-entropy skips -100).
        public func labels(ignoreIndex: Int32 = -100) -> [Int32] {
            var labels = [Int32](repeating: ignoreIndex, count: inputIDs.count)
            for (p, id) in zip(positions, labelIDs) { labels[Int(p)] = id }
            return labels
        }
    }

    /// The settings in use.
    public let configuration: Configuration
    let maskID: Int32
    let padID: Int32?
    let excluded: Set<Int32>
    let vocabularySize: Int
    let continuesWord: [Bool]

    /// Finds `[MASK]` (required) and the excluded special tokens in the vocabulary.
    public init(vocabulary: Vocabulary, configuration: Configuration) throws {
        guard configuration.maskedLMProb >= 0, configuration.maskedLMProb <= 1 else {
            throw MaskedLMError.invalidOption(option: "maskedLMProb", reason: "must be in 0...1, got \(configuration.maskedLMProb)")
        }
        if let cap = configuration.maxPredictions, cap < 1 {
            throw MaskedLMError.invalidOption(option: "maxPredictions", reason: "must be at least 1, got \(cap)")
        }
        guard let mask = vocabulary.id(of: "[MASK]") else { throw MaskedLMError.missingToken(token: "[MASK]") }
        self.configuration = configuration
        maskID = mask
        padID = vocabulary.id(of: "[PAD]")
        excluded = Set(["[CLS]", "[SEP]", "[PAD]", "[MASK]"].compactMap { vocabulary.id(of: $0) })
        vocabularySize = vocabulary.count
        continuesWord = vocabulary.tokens.map { $0.hasPrefix("##") }
    }

    /// Masks every row of a batch; row `i` gets the masks `mask(row:step:index: i)` gives.
    public func mask(batch: [[Int32]], step: Int) -> [MaskedRow] {
        batch.enumerated().map { mask(row: $0.element, step: step, index: $0.offset) }
    }

    /// Masks one row, as the row at `index` of the batch of training step `step`.
    public func mask(row: [Int32], step: Int, index: Int) -> MaskedRow {
        var rng = SplitMix64(seed: Self.key(seed: configuration.seed, step: step, index: index))
        var positions: [Int32] = []
        var groups: [Range<Int>] = []
        var realLength = 0
        for (i, token) in row.enumerated() {
            if token != padID { realLength += 1 }
            guard !excluded.contains(token) else { continue }
            let inVocabulary = token >= 0 && Int(token) < vocabularySize
            if configuration.wholeWordMask, !groups.isEmpty, inVocabulary, continuesWord[Int(token)] {
                groups[groups.count - 1] = groups[groups.count - 1].lowerBound..<(positions.count + 1)
            } else {
                groups.append(positions.count..<(positions.count + 1))
            }
            positions.append(Int32(i))
        }
        // Fisher-Yates, from the back, with unbiased bounded draws.
        var i = groups.count - 1
        while i >= 1 {
            groups.swapAt(i, Self.uniform(below: i + 1, using: &rng))
            i -= 1
        }
        let wanted = max(1, Int((Double(realLength) * configuration.maskedLMProb).rounded(.toNearestOrEven)))
        let numToPredict = min(configuration.maxPredictions ?? Int.max, wanted)

        var output = row
        var chosen: [(position: Int32, label: Int32)] = []
        for group in groups {
            if chosen.count >= numToPredict { break }
            if chosen.count + group.count > numToPredict { continue }
            for k in group {
                let p = Int(positions[k])
                let u = Double(rng.next() >> 11) * 0x1p-53
                if u < 0.8 {
                    output[p] = maskID
                } else if u >= 0.9 {
                    output[p] = Int32(Self.uniform(below: vocabularySize, using: &rng))
                }
                chosen.append((Int32(p), row[p]))
            }
        }
        chosen.sort { $0.position < $1.position }
        return MaskedRow(inputIDs: output, positions: chosen.map(\.position), labelIDs: chosen.map(\.label))
    }

    /// The generator seed of one row: the three numbers mixed through SplitMix64's finalizer.
    static func key(seed: UInt64, step: Int, index: Int) -> UInt64 {
        var g = SplitMix64(seed: seed ^ 0x6A09_E667_F3BC_C908)
        var h = SplitMix64(seed: g.next() ^ UInt64(bitPattern: Int64(step)))
        var r = SplitMix64(seed: h.next() ^ UInt64(bitPattern: Int64(index)))
        return r.next()
    }

    /// A uniform integer in `0..<n` (Lemire's multiply-and-reject).
    static func uniform(below n: Int, using rng: inout SplitMix64) -> Int {
        let bound = UInt64(n)
        var m = rng.next().multipliedFullWidth(by: bound)
        if m.low < bound {
            let threshold = (0 &- bound) % bound
            while m.low < threshold { m = rng.next().multipliedFullWidth(by: bound) }
        }
        return Int(m.high)
    }
}
