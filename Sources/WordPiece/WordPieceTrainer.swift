/// Learns a WordPiece vocabulary from word counts.
///
/// The `hf` algorithm reproduces HF `tokenizers` 0.23.3 `WordPieceTrainer` (what `BertWordPieceTokenizer.train`
/// runs): special tokens first, then the alphabet (the `limitAlphabet` most frequent characters, by code point),
/// then one `##c` token per character seen inside a word, then merges of the most frequent adjacent pair, each
/// adding the concatenation (the right part loses its `##`), until `vocabSize` tokens or no pair occurs
/// `minFrequency` times. Read from huggingface/tokenizers `tokenizers/src/models/bpe/trainer.rs` (`do_train`) and
/// `tokenizers/src/models/bpe/word.rs` (`Word::merge`); written anew here.
///
/// HF's own output is not deterministic across runs: it numbers the `##c` tokens in the random order of a hash
/// map, and that order both places them in vocab.txt and breaks ties between equal-count merges. This trainer
/// numbers them by code point instead, so one input always gives one vocabulary; `continuationOrder` replays the
/// order of a given HF run (the tests use it to compare with HF's files token for token).
///
/// The `wordpiece` algorithm (`Configuration.algorithm`) is TF.Text's threshold learner instead: see
/// `ThresholdLearner` and the README.
///
/// ```swift
/// let trainer = WordPieceTrainer(configuration: .init(vocabSize: 30522))
/// let tokens = try trainer.train(try WordCounts(contentsOf: "counts.tsv"))
/// ```
public struct WordPieceTrainer: Sendable {
    /// How the vocabulary is learned.
    public enum Algorithm: String, Sendable, Hashable, CaseIterable {
        /// HF `tokenizers`' WordPieceTrainer: merges of the most frequent adjacent pair (BPE with `##`).
        case hf
        /// TF.Text's `wordpiece_vocab` learner: pieces kept by a count threshold, the threshold searched for the
        /// size (`ThresholdLearner`).
        case wordpiece
    }

    /// Training settings; the defaults are `BertWordPieceTokenizer.train`'s except `vocabSize`, and TF.Text's
    /// `learn` for the settings of the `wordpiece` algorithm.
    public struct Configuration: Sendable, Hashable {
        /// The algorithm. Default `.hf`.
        public var algorithm: Algorithm
        /// The number of tokens to stop at (special tokens and alphabet included). Default 30,522 (BERT's).
        public var vocabSize: Int
        /// `hf`: a pair merges only if it occurs at least this often. Default 2.
        public var minFrequency: Int
        /// Keep at most this many characters, the most frequent ones; `nil` keeps all. Default 1,000. (`wordpiece`:
        /// words with another character are dropped, as TF.Text's `max_unique_chars` does.)
        public var limitAlphabet: Int?
        /// Tokens placed first, in this order. Default `[PAD] [UNK] [CLS] [SEP] [MASK]`.
        public var specialTokens: [String]
        /// The prefix that marks a piece inside a word. Default `##`.
        public var continuingSubwordPrefix: String
        /// `wordpiece`: the smallest threshold searched (clipped to the smallest word count); `nil` means the
        /// smallest word count. Default 10 (TF.Text's `lower_thresh`).
        public var lowerThreshold: Int?
        /// `wordpiece`: the largest threshold searched (clipped to the largest word count). Default 10,000,000.
        public var upperThreshold: Int?
        /// `wordpiece`: rounds of cutting and counting per threshold, at least 1. Default 4.
        public var iterations: Int
        /// `wordpiece`: learn from at most this many words, the most frequent; `nil` for all. Default 5,000,000.
        public var maxInputWords: Int?
        /// `wordpiece`: words longer than this many characters are not learned from. Default 50.
        public var maxTokenLength: Int
        /// `wordpiece`: a vocabulary between `vocabSize * (1 - slackRatio)` and `vocabSize` ends the search.
        /// Default 0.05.
        public var slackRatio: Double

        /// Creates a configuration; every parameter has the default documented on its property.
        public init(
            vocabSize: Int = 30522, minFrequency: Int = 2, limitAlphabet: Int? = 1000,
            specialTokens: [String] = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"],
            continuingSubwordPrefix: String = "##", algorithm: Algorithm = .hf,
            lowerThreshold: Int? = 10, upperThreshold: Int? = 10_000_000, iterations: Int = 4,
            maxInputWords: Int? = 5_000_000, maxTokenLength: Int = 50, slackRatio: Double = 0.05
        ) {
            self.algorithm = algorithm
            self.lowerThreshold = lowerThreshold
            self.upperThreshold = upperThreshold
            self.iterations = iterations
            self.maxInputWords = maxInputWords
            self.maxTokenLength = maxTokenLength
            self.slackRatio = slackRatio
            self.vocabSize = vocabSize
            self.minFrequency = minFrequency
            self.limitAlphabet = limitAlphabet
            self.specialTokens = specialTokens
            self.continuingSubwordPrefix = continuingSubwordPrefix
        }
    }

    /// Where training stands, for a progress line.
    public struct Progress: Sendable, Equatable {
        /// Tokens in the vocabulary so far (`hf`), or in the vocabulary of the threshold just tried (`wordpiece`).
        public var tokens: Int
        /// `wordpiece`: the count threshold just tried; `nil` for `hf`.
        public var threshold: Int?
    }

    /// The settings this trainer uses.
    public var configuration: Configuration
    /// Called now and then while training (every 1,000 merges for `hf`, after each threshold for `wordpiece`),
    /// on the training thread. Default nil.
    public var progress: (@Sendable (Progress) -> Void)?
    /// The order in which `##c` tokens are numbered, for characters listed here; the rest follow by code point.
    /// `nil` (the default) numbers all by code point. HF numbers them in a random order per run.
    public var continuationOrder: [Unicode.Scalar]?

    /// Creates a trainer.
    public init(configuration: Configuration = Configuration(), continuationOrder: [Unicode.Scalar]? = nil) {
        self.configuration = configuration
        self.continuationOrder = continuationOrder
    }

    /// Trains and returns the vocabulary's tokens in id order (the lines of vocab.txt).
    ///
    /// Throws `VocabularyTrainingError.emptyCorpus` when there is no word, and `.vocabularyTooSmall` when
    /// `vocabSize` cannot hold the special tokens and the alphabet.
    public func train(_ wordCounts: WordCounts) throws -> [String] {
        guard !wordCounts.counts.isEmpty else { throw VocabularyTrainingError.emptyCorpus }
        if configuration.algorithm == .wordpiece {
            var learner = ThresholdLearner(configuration: configuration, progress: progress)
            return try learner.learn(wordCounts)
        }
        var table = TokenTable()
        for token in configuration.specialTokens { _ = table.intern(token) }
        let specialCount = table.tokens.count

        // Words as scalar arrays, in a fixed order (the counts' order does not change the result).
        let entries = wordCounts.counts.sorted { $0.key.lexicographicallyPrecedes($1.key) }
            .map { (scalars: Array(String(decoding: $0.key, as: UTF8.self).unicodeScalars), count: $0.value) }
        let alphabet = keptAlphabet(entries)
        guard specialCount + alphabet.count <= configuration.vocabSize else {
            throw VocabularyTrainingError.vocabularyTooSmall(
                vocabSize: configuration.vocabSize, specialTokens: specialCount, alphabet: alphabet.count)
        }
        for scalar in alphabet.sorted(by: { $0.value < $1.value }) { _ = table.intern(String(scalar)) }
        let kept = Set(alphabet)

        // The `##c` tokens: HF numbers them as it first meets them while splitting words (trainer.rs,
        // `tokenize_words`); this numbers the listed order first, then the rest by code point.
        let prefix = configuration.continuingSubwordPrefix
        var inner = Set<Unicode.Scalar>()
        for (word, _) in entries {
            // HF marks a character by its place in the word, counting the characters the alphabet dropped.
            var index = 0
            for scalar in word {
                if index > 0 && kept.contains(scalar) { inner.insert(scalar) }
                index += 1
            }
        }
        var ordered: [Unicode.Scalar] = []
        var listed = Set<Unicode.Scalar>()
        for scalar in continuationOrder ?? [] where inner.contains(scalar) && listed.insert(scalar).inserted {
            ordered.append(scalar)
        }
        ordered += inner.subtracting(listed).sorted { $0.value < $1.value }
        for scalar in ordered { _ = table.intern(prefix + String(scalar)) }

        var merger = PairMerger(table: table, prefix: prefix, vocabSize: configuration.vocabSize,
                                minFrequency: configuration.minFrequency, progress: progress)
        for (word, count) in entries {
            var symbols: [Int32] = []
            var index = 0
            for scalar in word {
                if kept.contains(scalar) {
                    let piece = index == 0 ? String(scalar) : prefix + String(scalar)
                    if let id = merger.table.id(of: piece) { symbols.append(id) }
                }
                index += 1
            }
            merger.addWord(symbols, count: Int64(count))
        }
        merger.run()
        return merger.table.tokens
    }

    /// The characters kept by `limitAlphabet`: HF drops the rarest (trainer.rs, `compute_alphabet`), breaking
    /// count ties in hash order; this drops, among equal counts, the higher code points first.
    private func keptAlphabet(_ entries: [(scalars: [Unicode.Scalar], count: Int)]) -> [Unicode.Scalar] {
        var frequency: [Unicode.Scalar: Int] = [:]
        for (word, count) in entries {
            for scalar in word { frequency[scalar, default: 0] &+= count }
        }
        var all = Array(frequency)
        guard let limit = configuration.limitAlphabet, all.count > limit else { return all.map(\.key) }
        all.sort { $0.value != $1.value ? $0.value < $1.value : $0.key.value > $1.key.value }
        return all[(all.count - limit)...].map(\.key)
    }
}

/// Tokens by id and ids by token, keyed by UTF-8 bytes (HF compares tokens byte for byte; `String` would equate
/// canonically equivalent spellings).
struct TokenTable {
    var tokens: [String] = []
    var ids: [[UInt8]: Int32] = [:]

    /// The id of `token`, if present.
    func id(of token: String) -> Int32? { ids[Array(token.utf8)] }

    /// The id of `token`, adding it at the end if it is new.
    mutating func intern(_ token: String) -> Int32 {
        let key = Array(token.utf8)
        if let id = ids[key] { return id }
        let id = Int32(tokens.count)
        tokens.append(token)
        ids[key] = id
        return id
    }
}
