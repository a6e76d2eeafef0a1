/// The `wordpiece` algorithm: TF.Text's WordPiece vocabulary learner (the `wordpiece_vocab` tool behind
/// `bert_vocab_from_dataset`), which keeps the word pieces that a threshold count reaches and searches for the
/// threshold that gives the wanted size.
///
/// Read from tensorflow/text `tensorflow_text/tools/wordpiece_vocab/wordpiece_tokenizer_learner_lib.py`
/// (TF.Text 2.21.1, `learn`); written anew here. Given the same word counts and settings it returns the same
/// vocab.txt, token for token (Fixtures/vocab-training, made by Scripts/golden/generate-wordpiece-vocab.py with
/// that file).
///
/// For one threshold `t`, starting from every single character:
/// 1. Cut each word into pieces greedily, longest match first, with the current tokens (as the WordPiece
///    tokenizer will cut it); in the first round every character position starts a piece.
/// 2. Count, over the words (weighted by their counts), every substring that begins where a piece begins, and
///    take from each substring's count the counts of the longer substrings it begins (longest first). What is
///    left for a substring is how often it runs from a piece start to the end of its word: how often it would
///    finish a word's cut in one piece.
/// 3. The next tokens are the substrings left with at least `t` (`##`-prefixed when they start inside the word),
///    plus every single character.
/// After `iterations` rounds, the vocabulary is the special tokens, the characters (by code point), then the
/// tokens by count (descending) then by code point. A binary search over `t` (between the largest and smallest
/// word count, clipped to `lowerThreshold`...`upperThreshold`) stops at the first vocabulary of at most
/// `vocabSize` tokens and within `slackRatio` below it, or when the range is empty (the last vocabulary is
/// returned even if it is larger, as TF.Text does).
///
/// Step 2's subtraction makes a substring's count exactly the number of times it is a word's remainder from a
/// piece start, so this counts remainders directly: each word's suffixes are interned once, in a trie over
/// reversed words, and a round adds each word's count to its suffix at each piece start.
struct ThresholdLearner {
    let configuration: WordPieceTrainer.Configuration
    let progress: (@Sendable (WordPieceTrainer.Progress) -> Void)?

    /// The words kept (filtered as TF.Text filters them), as code points, flattened.
    private var scalars: [UInt32] = []
    /// Word `w` is `scalars[starts[w]..<starts[w + 1]]`.
    private var starts: [Int] = [0]
    private var counts: [Int] = []
    /// `suffix[starts[w] + s]`: the node of word `w`'s remainder from position `s`.
    private var suffix: [Int32] = []
    /// Suffix trie over reversed words: node `n` is a character (`first[n]`) in front of its parent's string.
    private var first: [UInt32] = []
    private var parent: [Int32] = []
    /// The distinct characters of the kept words, sorted.
    private var characters: [UInt32] = []

    init(configuration: WordPieceTrainer.Configuration, progress: (@Sendable (WordPieceTrainer.Progress) -> Void)? = nil) {
        self.configuration = configuration
        self.progress = progress
    }

    /// Trains on `wordCounts`; `specialTokens` come first.
    mutating func learn(_ wordCounts: WordCounts) throws -> [String] {
        let c = configuration
        // Words in byte order, which is code point order (TF.Text's ties among equal counts follow input order).
        let entries = wordCounts.counts.sorted { $0.key.lexicographicallyPrecedes($1.key) }
            .map { (scalars: String(decoding: $0.key, as: UTF8.self).unicodeScalars.map(\.value), count: $0.value) }
        guard !entries.isEmpty else { throw VocabularyTrainingError.emptyCorpus }

        // get_search_threshs: over all words, before filtering.
        var maxCount = 0, minCount = Int.max
        for (_, n) in entries { maxCount = max(maxCount, n); minCount = min(minCount, n) }
        let upper = c.upperThreshold.map { min(maxCount, $0) } ?? maxCount
        let lower = c.lowerThreshold.map { max(minCount, $0) } ?? minCount

        // get_input_words: no word longer than maxTokenLength characters, none equal to a special token.
        let special = Set(c.specialTokens.map { $0.unicodeScalars.map(\.value) })
        var kept = entries.filter { $0.scalars.count <= c.maxTokenLength && !special.contains($0.scalars) }

        // get_allowed_chars: the limitAlphabet most frequent characters, ties by code point.
        var frequency: [UInt32: Int] = [:]
        for (word, n) in kept { for s in word { frequency[s, default: 0] &+= n } }
        let ranked = frequency.sorted { $0.value != $1.value ? $0.value > $1.value : $0.key < $1.key }
        let allowed = Set(ranked.prefix(c.limitAlphabet ?? ranked.count).map(\.key))

        // filter_input_words: most frequent first (stable), at most maxInputWords, only allowed characters.
        kept = kept.enumerated().sorted { $0.element.count != $1.element.count
            ? $0.element.count > $1.element.count : $0.offset < $1.offset }.map(\.element)
        var filtered: [(scalars: [UInt32], count: Int)] = []
        for entry in kept {
            if let limit = c.maxInputWords, filtered.count >= limit { break }
            if entry.scalars.allSatisfy(allowed.contains) { filtered.append(entry) }
        }
        guard !filtered.isEmpty else { throw VocabularyTrainingError.emptyCorpus }
        index(filtered)
        let alphabetSize = c.specialTokens.count + characters.count
        guard alphabetSize <= c.vocabSize else {
            throw VocabularyTrainingError.vocabularyTooSmall(
                vocabSize: c.vocabSize, specialTokens: c.specialTokens.count, alphabet: characters.count)
        }

        // The first round counts every position, whatever the threshold: count it once.
        var whole = [Int](repeating: 0, count: first.count)
        var inner = [Int](repeating: 0, count: first.count)
        for w in counts.indices {
            let base = starts[w]
            whole[Int(suffix[base])] += counts[w]
            for s in (base + 1)..<starts[w + 1] { inner[Int(suffix[s])] += counts[w] }
        }
        let firstRound = (whole: whole, inner: inner)

        // learn_binary_search
        var low = lower, high = upper
        while true {
            let threshold = (low + high) / 2  // both are positive
            let vocabulary = run(threshold: threshold, firstRound: firstRound)
            progress?(.init(tokens: vocabulary.count, threshold: threshold))
            let slack = max(0, c.slackRatio * Double(c.vocabSize))
            let within = vocabulary.count <= c.vocabSize && Double(c.vocabSize - vocabulary.count) <= slack
            if within || low >= high || threshold <= 1 { return vocabulary }
            if vocabulary.count > c.vocabSize { low = threshold + 1 } else { high = threshold - 1 }
        }
    }

    /// Interns the words' suffixes.
    private mutating func index(_ words: [(scalars: [UInt32], count: Int)]) {
        var edges: [UInt64: Int32] = [:]
        first = [0]; parent = [-1]  // node 0: the empty string
        var seen = Set<UInt32>()
        for (word, n) in words {
            let base = scalars.count
            scalars += word
            counts.append(n)
            starts.append(scalars.count)
            suffix += repeatElement(0, count: word.count)
            var node: Int32 = 0
            for s in stride(from: word.count - 1, through: 0, by: -1) {
                let key = UInt64(UInt32(node)) << 32 | UInt64(word[s])
                if let child = edges[key] {
                    node = child
                } else {
                    let child = Int32(first.count)
                    first.append(word[s]); parent.append(node)
                    edges[key] = child
                    node = child
                }
                suffix[base + s] = node
                seen.insert(word[s])
            }
        }
        characters = seen.sorted()
    }

    /// learn_with_thresh: `iterations` rounds at one threshold, then the vocabulary in TF.Text's order.
    private func run(threshold: Int, firstRound: (whole: [Int], inner: [Int])) -> [String] {
        var tokens = selected(whole: firstRound.whole, inner: firstRound.inner, threshold: threshold)
        var whole = [Int](repeating: 0, count: first.count)
        var inner = [Int](repeating: 0, count: first.count)
        for _ in 1..<max(1, configuration.iterations) {
            let trie = TokenTrie(tokens.map(\.key))
            for i in whole.indices { whole[i] = 0; inner[i] = 0 }
            for w in counts.indices {
                let lo = starts[w], hi = starts[w + 1]
                // get_split_indices: every piece must match, else the word is skipped this round.
                var pieceStarts: [Int] = []
                var at = lo
                var cut = true
                while at < hi {
                    guard let end = trie.longestMatch(scalars, from: at, to: hi, inner: at > lo) else { cut = false; break }
                    pieceStarts.append(at)
                    at = end
                }
                guard cut else { continue }
                for s in pieceStarts {
                    if s == lo { whole[Int(suffix[s])] += counts[w] } else { inner[Int(suffix[s])] += counts[w] }
                }
            }
            tokens = selected(whole: whole, inner: inner, threshold: threshold)
        }
        return finalVocabulary(tokens)
    }

    /// A token: whether it carries the prefix, and its characters.
    struct Token: Hashable { var inner: Bool; var scalars: [UInt32] }

    /// The remainders counted at least `threshold` times, plus every character (count 1 when not counted).
    private func selected(whole: [Int], inner: [Int], threshold: Int) -> [Token: Int] {
        var tokens: [Token: Int] = [:]
        for node in 1..<first.count {
            if whole[node] >= threshold { tokens[Token(inner: false, scalars: string(node))] = whole[node] }
            if inner[node] >= threshold { tokens[Token(inner: true, scalars: string(node))] = inner[node] }
        }
        for s in characters {
            if tokens[Token(inner: false, scalars: [s])] == nil { tokens[Token(inner: false, scalars: [s])] = 1 }
            if tokens[Token(inner: true, scalars: [s])] == nil { tokens[Token(inner: true, scalars: [s])] = 1 }
        }
        return tokens
    }

    /// The characters of suffix node `node`.
    private func string(_ node: Int) -> [UInt32] {
        var result: [UInt32] = []
        var n = node
        while n > 0 { result.append(first[n]); n = Int(parent[n]) }
        return result
    }

    /// generate_final_vocabulary: special tokens, characters, then tokens by count then by code point; each once.
    private func finalVocabulary(_ tokens: [Token: Int]) -> [String] {
        let prefix = Array(configuration.continuingSubwordPrefix.unicodeScalars.map(\.value))
        func text(_ scalars: [UInt32]) -> String {
            var s = String.UnicodeScalarView()
            for v in scalars { if let u = Unicode.Scalar(v) { s.append(u) } }
            return String(s)
        }
        let ranked = tokens.map { (key: $0.key.inner ? prefix + $0.key.scalars : $0.key.scalars, count: $0.value) }
            .sorted { $0.count != $1.count ? $0.count > $1.count : $0.key.lexicographicallyPrecedes($1.key) }
        var seen = Set<[UInt8]>()
        var vocabulary: [String] = []
        func add(_ token: String) { if seen.insert(Array(token.utf8)).inserted { vocabulary.append(token) } }
        for token in configuration.specialTokens { add(token) }
        for s in characters { add(text([s])) }
        for (key, _) in ranked { add(text(key)) }
        return vocabulary
    }
}

/// The current tokens as a trie, for greedy longest-match cutting.
private struct TokenTrie {
    /// Node 0: the root of word-initial tokens; node 1: the root of prefixed tokens.
    private var edges: [UInt64: Int32] = [:]
    private var terminal: [Bool] = [false, false]

    init(_ tokens: some Sequence<ThresholdLearner.Token>) {
        for token in tokens {
            var node: Int32 = token.inner ? 1 : 0
            for s in token.scalars {
                let key = UInt64(UInt32(node)) << 32 | UInt64(s)
                if let child = edges[key] {
                    node = child
                } else {
                    let child = Int32(terminal.count)
                    terminal.append(false)
                    edges[key] = child
                    node = child
                }
            }
            terminal[Int(node)] = true
        }
    }

    /// The end of the longest token that starts at `from` within `scalars[from..<to]`, or nil.
    func longestMatch(_ scalars: [UInt32], from: Int, to: Int, inner: Bool) -> Int? {
        var node: Int32 = inner ? 1 : 0
        var best: Int?
        var i = from
        while i < to, let child = edges[UInt64(UInt32(node)) << 32 | UInt64(scalars[i])] {
            node = child
            i += 1
            if terminal[Int(node)] { best = i }
        }
        return best
    }
}
