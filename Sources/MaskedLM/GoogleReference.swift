import BertKitSupport
import WordPiece

/// google-research/bert's `create_pretraining_data.py` reproduced draw for draw: the same documents, vocabulary
/// and seed give the same instances in the same order, because every call on Python's `random.Random` is made
/// here on `PythonRandom` in the same order with the same arguments.
///
/// ```swift
/// let reference = try GoogleReference(vocabulary: vocab, configuration: .init(dupeFactor: 1, seed: 12345))
/// let instances = reference.makeInstances(documents: documents)   // create_training_instances
/// ```
///
/// Written from PyPI `bert-tensorflow` 1.0.4 `bert/create_pretraining_data.py` (`create_training_instances`,
/// `create_instances_from_document`, `truncate_seq_pair`, `create_masked_lm_predictions`) and, for whole-word
/// masking, the same file in the google-research/bert repository, whose candidate groups and
/// "skip a group that would pass the cap" rule this follows. Tokens are ids: Google's `vocab_words` list is the
/// vocabulary in id order, so a random word is `randint(0, vocab_size - 1)` as an id.
public struct GoogleReference: Sendable {
    /// One document: its sentences, each a list of token ids (never empty).
    public typealias Document = [[Int32]]

    /// The settings in use.
    public let configuration: PretrainingConfiguration
    let clsID: Int32
    let sepID: Int32
    let maskID: Int32
    let vocabularySize: Int
    /// Per id: whether the token starts with `##` (continues a word, for whole-word masking).
    let continuesWord: [Bool]

    /// Checks the configuration and finds `[CLS]`, `[SEP]` and `[MASK]` in the vocabulary.
    public init(vocabulary: Vocabulary, configuration: PretrainingConfiguration) throws {
        try configuration.validate()
        func id(_ token: String) throws -> Int32 {
            guard let id = vocabulary.id(of: token) else { throw MaskedLMError.missingToken(token: token) }
            return id
        }
        self.configuration = configuration
        clsID = try id("[CLS]")
        sepID = try id("[SEP]")
        maskID = try id("[MASK]")
        vocabularySize = vocabulary.count
        continuesWord = vocabulary.tokens.map { $0.hasPrefix("##") }
    }

    /// `create_training_instances` after reading: shuffles the documents, makes `dupe_factor` passes over
    /// them, and shuffles all the instances, with one `random.Random(seed)` throughout.
    public func makeInstances(documents: [Document]) -> [PretrainingInstance] {
        var rng = PythonRandom(seed: configuration.seed)
        var documents = documents.filter { !$0.isEmpty }
        rng.shuffle(&documents)
        var instances: [PretrainingInstance] = []
        for _ in 0..<configuration.dupeFactor {
            for index in documents.indices {
                appendInstances(fromDocument: index, of: documents, rng: &rng, to: &instances)
            }
        }
        rng.shuffle(&instances)
        return instances
    }

    /// `create_instances_from_document`: walks the document's sentences, closing a chunk when it reaches the
    /// target length or the last sentence, and turns each chunk into one instance.
    func appendInstances(
        fromDocument documentIndex: Int, of documents: [Document], rng: inout PythonRandom,
        to instances: inout [PretrainingInstance]
    ) {
        appendInstances(
            from: documents[documentIndex], index: documentIndex, documentCount: documents.count,
            document: { documents[$0] }, rng: &rng, to: &instances)
    }

    /// The same, for a document that is number `index` of `documentCount` documents that `document(_:)` gives
    /// (the streaming mode passes a window of recent documents).
    func appendInstances(
        from document: Document, index documentIndex: Int, documentCount: Int, document documentAt: (Int) -> Document,
        rng: inout PythonRandom, to instances: inout [PretrainingInstance]
    ) {
        let maxNumTokens = configuration.maxSeqLength - 3
        var targetLength = maxNumTokens
        if rng.random() < configuration.shortSeqProb {
            targetLength = rng.randint(2, maxNumTokens)
        }
        // A and B of each chunk, reused across the document's instances.
        var tokensA: [Int32] = []
        var tokensB: [Int32] = []
        var chunkStart = 0
        var chunkLength = 0
        var i = 0
        while i < document.count {
            chunkLength += document[i].count
            if i == document.count - 1 || chunkLength >= targetLength {
                // The chunk is sentences chunkStart...i (never empty here).
                let chunkCount = i - chunkStart + 1
                var aEnd = 1
                if chunkCount >= 2 {
                    aEnd = rng.randint(1, chunkCount - 1)
                }
                tokensA.removeAll(keepingCapacity: true)
                for j in chunkStart..<(chunkStart + aEnd) { tokensA += document[j] }
                tokensB.removeAll(keepingCapacity: true)
                let isRandomNext: Bool
                if chunkCount == 1 || rng.random() < 0.5 {
                    isRandomNext = true
                    let targetBLength = targetLength - tokensA.count
                    // Up to ten draws for a document other than this one; the last draw stands.
                    var randomIndex = 0
                    for _ in 0..<10 {
                        randomIndex = rng.randint(0, documentCount - 1)
                        if randomIndex != documentIndex { break }
                    }
                    let randomDocument = randomIndex == documentIndex ? document : documentAt(randomIndex)
                    let randomStart = rng.randint(0, randomDocument.count - 1)
                    for j in randomStart..<randomDocument.count {
                        tokensB += randomDocument[j]
                        if tokensB.count >= targetBLength { break }
                    }
                    // The chunk's unused B sentences go back to the document.
                    i -= chunkCount - aEnd
                } else {
                    isRandomNext = false
                    for j in (chunkStart + aEnd)...i { tokensB += document[j] }
                }
                let (a, b) = truncatedRanges(aCount: tokensA.count, bCount: tokensB.count, maxNumTokens: maxNumTokens, rng: &rng)

                // [CLS] A [SEP] B [SEP], and segment ids 0 through the first [SEP], 1 after; each array made once.
                let count = a.count + b.count + 3
                var tokens: [Int32] = []
                tokens.reserveCapacity(count)
                tokens.append(clsID)
                tokens += tokensA[a]
                tokens.append(sepID)
                tokens += tokensB[b]
                tokens.append(sepID)
                var segments = [Int32](repeating: 0, count: count)
                for k in (a.count + 2)..<count { segments[k] = 1 }
                instances.append(
                    maskedPredictions(tokens: tokens, segmentIDs: segments, isRandomNext: isRandomNext, rng: &rng))
                chunkStart = i + 1
                chunkLength = 0
            }
            i += 1
        }
    }

    /// `truncate_seq_pair`: while the pair is too long, drops one token from the longer side (B on a tie),
    /// from its front or its back with equal odds.
    func truncatePair(_ a: [Int32], _ b: [Int32], maxNumTokens: Int, rng: inout PythonRandom) -> (ArraySlice<Int32>, ArraySlice<Int32>) {
        let (kept, keptB) = truncatedRanges(aCount: a.count, bCount: b.count, maxNumTokens: maxNumTokens, rng: &rng)
        return (a[kept], b[keptB])
    }

    /// `truncate_seq_pair` on lengths: the ranges of A and B that stay.
    func truncatedRanges(aCount: Int, bCount: Int, maxNumTokens: Int, rng: inout PythonRandom) -> (Range<Int>, Range<Int>) {
        var a = 0..<aCount
        var b = 0..<bCount
        while a.count + b.count > maxNumTokens {
            let front = rng.random() < 0.5
            if a.count > b.count {
                a = front ? (a.lowerBound + 1)..<a.upperBound : a.lowerBound..<(a.upperBound - 1)
            } else {
                b = front ? (b.lowerBound + 1)..<b.upperBound : b.lowerBound..<(b.upperBound - 1)
            }
        }
        return (a, b)
    }
}
