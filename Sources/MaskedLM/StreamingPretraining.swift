import BertKitSupport
import WordPiece

/// Masked-LM instances from a stream of documents in bounded memory: Google's algorithm for each document
/// (`GoogleReference`: target lengths, A/B split, truncation, masking), with three changes that let it stream:
///
/// 1. Random-next segments come from a window of the most recent documents (at most `poolDocuments` documents
///    and `poolTokens` tokens) instead of the whole corpus. The first document, with an empty window, takes
///    them from itself, as Google's script does when every draw hits the current document.
/// 2. A document's `dupe_factor` passes are made when it is read, each with a generator of its own
///    (`PythonRandom` keyed by the seed, the document's index and the pass), instead of pass by pass over the
///    whole corpus with one generator.
/// 3. Instances go through a shuffle buffer of `shuffleBuffer` instances (when full, a random one is written
///    and replaced), then the rest are shuffled at the end, instead of one shuffle of all instances.
///
/// Sharding: shard `i` of `n` takes the documents whose index in the input is `i` modulo `n`, with the window
/// made of its own documents; every process reads the whole input, so `n` processes with `--shard-index` write
/// the files one process with `--shards n` writes.
///
/// Memory: the window, the buffer, the current document (held whole, as Google holds every document: give
/// documents blank lines) and the reader's block. With the defaults, about 4 M tokens (16 MB of ids plus
/// per-sentence overhead) and 50,000 instances (~60 MB at 128/20; `StreamingPretrainingWriter` holds them as
/// encoded records instead, ~50 MB as TFRecord).
public struct StreamingPretraining {
    /// Bounds of the streaming mode.
    public struct Bounds: Sendable, Hashable {
        /// Most documents random-next segments are drawn from. Default 1,000.
        public var poolDocuments: Int
        /// Most tokens in those documents. Default 4,000,000.
        public var poolTokens: Int
        /// Instances held for shuffling. Default 50,000.
        public var shuffleBuffer: Int

        /// The defaults unless given.
        public init(poolDocuments: Int = 1_000, poolTokens: Int = 4_000_000, shuffleBuffer: Int = 50_000) {
            self.poolDocuments = max(1, poolDocuments)
            self.poolTokens = max(1, poolTokens)
            self.shuffleBuffer = max(1, shuffleBuffer)
        }
    }

    /// Google's per-document algorithm and the settings.
    public let reference: GoogleReference
    /// The memory bounds.
    public let bounds: Bounds
    private var pool: [GoogleReference.Document] = []
    private var poolStart = 0
    private var poolTokenCount = 0
    private var buffer: ShuffleBuffer<InstanceSlots>
    /// The shard this generator makes (keys the shuffle buffer's generator).
    let shard: Int
    /// Whether instances are RoBERTa's FULL-SENTENCES packs instead of Google's segment pairs.
    public let fullSentences: Bool
    private var pack: [Int32] = []
    private var packCount = 0
    /// Documents added so far.
    public private(set) var documentCount = 0

    /// A generator for `configuration` (its seed, lengths and probabilities) over `vocabulary`; `shard` keys the
    /// shuffle buffer's generator, so that each shard of a sharded run shuffles differently.
    ///
    /// With `fullSentences` (`--no-nsp`), instances are RoBERTa's FULL-SENTENCES inputs instead: whole sentences
    /// packed in input order into `[CLS] … [SEP]` of at most `maxSeqLength` tokens, running on across documents
    /// with a `[SEP]` between two documents, a sentence longer than a pack cut to fit; one segment, no
    /// next-sentence label (0); each pack masked `dupeFactor` times as Google masks, with generators keyed by the
    /// seed, the pack's number and the pass.
    public init(
        vocabulary: Vocabulary, configuration: PretrainingConfiguration, bounds: Bounds = Bounds(), shard: Int = 0,
        fullSentences: Bool = false
    ) throws {
        reference = try GoogleReference(vocabulary: vocabulary, configuration: configuration)
        self.bounds = bounds
        self.fullSentences = fullSentences
        self.shard = shard
        buffer = ShuffleBuffer(
            slots: InstanceSlots(
                maxSeqLength: configuration.maxSeqLength, maxPredictionsPerSeq: configuration.maxPredictionsPerSeq,
                capacity: bounds.shuffleBuffer),
            rng: Self.shuffleGenerator(seed: configuration.seed, shard: shard), capacity: bounds.shuffleBuffer)
    }

    /// Chunks per thread of the parallel phases (tokenizing a batch, making its instances): a batch is about
    /// `threads` MiB of text, some hundreds of documents of very different lengths, and the phase ends with its
    /// slowest chunk. With 64 instead of `ParallelMap`'s 4, two threads on 117 MB took 1.9 s instead of 2.1 s
    /// (4 runs each; 16: 2.0 s).
    static let chunksPerThread = 64

    /// The shuffle buffer's generator for `seed` and `shard`.
    static func shuffleGenerator(seed: Int, shard: Int) -> SplitMix64 {
        var mix = SplitMix64(seed: UInt64(bitPattern: Int64(seed)) ^ 0x5348_5546_464C_4521)
        return SplitMix64(seed: mix.next() ^ UInt64(shard))
    }

    /// Makes the instances of one document; hands on those the shuffle buffer lets go. `index` (default: the
    /// number of documents added before) keys the document's generators: a shard passes the document's index in
    /// the whole input.
    public mutating func add(
        _ document: GoogleReference.Document, index: Int? = nil, emit: (PretrainingInstance) throws -> Void
    ) rethrows {
        guard !document.isEmpty else { return }
        if fullSentences {
            for closed in packSentences(of: document) { try push(Self.masked(pack: closed, reference: reference), emit: emit) }
            documentCount += 1
            return
        }
        let made = Self.instances(reference: reference, of: document, index: index ?? documentCount, window: pool[poolStart...])
        try push(made, emit: emit)
        admit(document)
        documentCount += 1
    }

    /// Adds documents (with their indices in the input) on `threads` threads: the windows are worked out in
    /// order first, the instances made in parallel, then buffered in order, so the output is the one `add` gives
    /// document by document, whatever the thread count.
    public mutating func add(
        batch: [(document: GoogleReference.Document, index: Int)], threads: Int, emit: (PretrainingInstance) throws -> Void
    ) throws {
        for instances in try makeInstances(batch: batch, threads: threads, { $0 }) { try push(instances, emit: emit) }
    }

    /// The instances `add(batch:threads:emit:)` puts into the shuffle buffer, in the same order, handed to
    /// `transform` on the worker threads in groups (a document's passes, or a pack's): the windows (or packs) are
    /// worked out in order, the instances made in parallel. The shuffle buffer is not touched.
    mutating func makeInstances<R>(
        batch: [(document: GoogleReference.Document, index: Int)], threads: Int, _ transform: ([PretrainingInstance]) -> R
    ) throws -> [R] {
        let batch = batch.filter { !$0.document.isEmpty }
        guard !batch.isEmpty else { return [] }
        let reference = self.reference  // the workers read copies, never the state changed below
        if fullSentences {  // packs are closed in order (cheap); each is masked with its own generator
            var closed: [(tokens: [Int32], number: Int)] = []
            for item in batch {
                closed += packSentences(of: item.document)
                documentCount += 1
            }
            return try ParallelMap.map(closed, threads: threads, chunksPerThread: Self.chunksPerThread, state: { () }) { _, _, pack in
                transform(Self.masked(pack: pack, reference: reference))
            }
        }
        // The window of batch document k is combined[starts[k] ..< base + k], as admit() would leave it.
        let combined = Array(pool[poolStart...]) + batch.map(\.document)
        let base = pool.count - poolStart
        var start = 0
        var tokens = poolTokenCount
        var starts: [Int] = []
        starts.reserveCapacity(batch.count)
        for k in batch.indices {
            starts.append(start)
            let end = base + k + 1  // after admitting document k
            tokens += Self.tokenCount(batch[k].document)
            while end - start > bounds.poolDocuments || (tokens > bounds.poolTokens && end - start > 1) {
                tokens -= Self.tokenCount(combined[start])
                start += 1
            }
        }
        let made = try ParallelMap.map(batch, threads: threads, chunksPerThread: Self.chunksPerThread, state: { () }) { _, k, item in
            transform(Self.instances(reference: reference, of: item.document, index: item.index, window: combined[starts[k]..<(base + k)]))
        }
        for item in batch {
            admit(item.document)
            documentCount += 1
        }
        return made
    }

    /// Every pass of one document, each with its own generator keyed by the seed, `index` and the pass; random
    /// next segments come from `window`. Depends on nothing else.
    static func instances(
        reference: GoogleReference, of document: GoogleReference.Document, index: Int, window: ArraySlice<GoogleReference.Document>
    ) -> [PretrainingInstance] {
        let seed = UInt64(bitPattern: Int64(reference.configuration.seed))
        let index = UInt64(index)
        var made: [PretrainingInstance] = []
        for pass in 0..<reference.configuration.dupeFactor {
            var rng = PythonRandom(key: [
                UInt32(truncatingIfNeeded: seed), UInt32(truncatingIfNeeded: seed >> 32),
                UInt32(truncatingIfNeeded: index), UInt32(truncatingIfNeeded: index >> 32), UInt32(pass),
            ])
            // The window's documents are numbered 0..<count; the current one comes last.
            reference.appendInstances(
                from: document, index: window.count, documentCount: window.count + 1,
                document: { window[window.startIndex + $0] }, rng: &rng, to: &made)
        }
        return made
    }

    /// Puts instances into the shuffle buffer, handing on a random one for each that finds it full.
    private mutating func push(_ instances: [PretrainingInstance], emit: (PretrainingInstance) throws -> Void) rethrows {
        for instance in instances { try buffer.push(instance, emit: emit) }
    }

    /// Adds a document's sentences to the current pack, closing packs as they fill; a `[SEP]` marks the end of
    /// the document when there is room for it. Returns the packs closed, with their numbers.
    private mutating func packSentences(of document: GoogleReference.Document) -> [(tokens: [Int32], number: Int)] {
        let room = reference.configuration.maxSeqLength - 2
        var closed: [(tokens: [Int32], number: Int)] = []
        for sentence in document {
            if !pack.isEmpty && pack.count + sentence.count > room { closed.append(closePack()) }
            pack += sentence.prefix(room)
        }
        if pack.count + 1 > room {
            closed.append(closePack())
        } else if !pack.isEmpty {
            pack.append(reference.sepID)
        }
        return closed
    }

    /// The current pack as `[CLS] … [SEP]`, with its number; starts a new one.
    private mutating func closePack() -> (tokens: [Int32], number: Int) {
        if pack.last == reference.sepID { pack.removeLast() }  // a document separator at the very end is the final [SEP]
        let tokens = [reference.clsID] + pack + [reference.sepID]
        pack.removeAll(keepingCapacity: true)
        packCount += 1
        return (tokens, packCount - 1)
    }

    /// A pack masked `dupeFactor` times, each pass with a generator keyed by the seed, the pack's number and the pass.
    static func masked(pack: (tokens: [Int32], number: Int), reference: GoogleReference) -> [PretrainingInstance] {
        let segments = [Int32](repeating: 0, count: pack.tokens.count)
        let seed = UInt64(bitPattern: Int64(reference.configuration.seed))
        var made: [PretrainingInstance] = []
        for pass in 0..<reference.configuration.dupeFactor {
            var rng = PythonRandom(key: [
                UInt32(truncatingIfNeeded: seed), UInt32(truncatingIfNeeded: seed >> 32),
                UInt32(truncatingIfNeeded: pack.number), UInt32(truncatingIfNeeded: pack.number >> 32), UInt32(pass), 0x5041_434B,
            ])
            made.append(reference.maskedPredictions(tokens: pack.tokens, segmentIDs: segments, isRandomNext: false, rng: &rng))
        }
        return made
    }

    /// With `fullSentences`, the last pack's instances (as `finish` pushes them) handed to `transform`; none
    /// otherwise, or when the pack is empty.
    mutating func closeLastPack<R>(_ transform: ([PretrainingInstance]) -> R) -> [R] {
        guard fullSentences && !pack.isEmpty else { return [] }
        return [transform(Self.masked(pack: closePack(), reference: reference))]
    }

    private static func tokenCount(_ document: GoogleReference.Document) -> Int { document.reduce(0) { $0 + $1.count } }

    /// Shuffles what the buffer holds and hands it all on.
    public mutating func finish(emit: (PretrainingInstance) throws -> Void) rethrows {
        for instances in closeLastPack({ $0 }) { try push(instances, emit: emit) }
        try buffer.finish(emit: emit)
    }

    /// Adds a document to the random-next window, dropping the oldest beyond the bounds.
    private mutating func admit(_ document: GoogleReference.Document) {
        pool.append(document)
        poolTokenCount += Self.tokenCount(document)
        while pool.count - poolStart > bounds.poolDocuments || (poolTokenCount > bounds.poolTokens && pool.count - poolStart > 1) {
            poolTokenCount -= Self.tokenCount(pool[poolStart])
            pool[poolStart] = []
            poolStart += 1
        }
        if poolStart > 4_096 && poolStart * 2 > pool.count {  // compact now and then
            pool.removeFirst(poolStart)
            poolStart = 0
        }
    }
}
