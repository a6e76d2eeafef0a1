import TextNormalization

/// Counts the words of text as BERT's normalizer and pre-tokenizer cut it, for vocabulary training.
///
/// A word is what HF `tokenizers`' `BertNormalizer` + `BertPreTokenizer` give (the same per-code-point table as
/// `WordPieceTokenizer`): cleaned, optionally lowercased and accent-stripped text, split on whitespace, with
/// each punctuation character or CJK ideograph a word by itself. One counter per thread; `merge` them after.
///
/// ```swift
/// var counter = WordCounter(table: .uncased)
/// counter.count(line: bytes)          // valid UTF-8
/// let counts = counter.counts
/// ```
public struct WordCounter: Sendable {
    /// The words seen so far.
    public private(set) var counts = WordCounts()
    private let table: BertCharacterTable
    private var word: [UInt8] = []
    private var weight = 1

    /// A counter for one BERT mode (`BertCharacterTable.uncased` or `.cased`).
    public init(table: BertCharacterTable) { self.table = table }

    /// Counts the words of one line of valid UTF-8 (validate first: ill-formed bytes decode as U+FFFD, which
    /// cleaning removes), each `times` times (a line that stands for a word counted elsewhere).
    public mutating func count(line: UnsafeBufferPointer<UInt8>, times: Int = 1) {
        weight = times
        let entries = table.entries
        word.removeAll(keepingCapacity: true)
        var iterator = line.makeIterator()
        var decoder = Unicode.UTF8()
        decoding: while true {
            switch decoder.decode(&iterator) {
            case .scalarValue(let scalar):
                let entry = entries[Int(scalar.value)]
                if entry & BertCharacterTable.sequenceFlag != 0 {
                    let range = table.sequenceRanges[Int(entry & BertCharacterTable.valueMask)]
                    for i in range { take(table.sequenceElements[Int(i)]) }
                } else {
                    take(entry)
                }
            case .emptyInput: break decoding
            case .error: take(entries[0xFFFD])
            }
        }
        flush()
    }

    /// Adds another counter's words (per-thread counters merged at the end).
    public mutating func merge(_ other: WordCounter) {
        for (word, n) in other.counts.counts { counts.counts[word, default: 0] += n }
    }

    /// One mapped scalar, packed as `kind << kindShift | scalar`.
    @inline(__always) private mutating func take(_ packed: UInt32) {
        switch (packed >> BertCharacterTable.kindShift) & 3 {
        case BertCharacterTable.Kind.word.rawValue:
            append(packed & BertCharacterTable.valueMask)
        case BertCharacterTable.Kind.space.rawValue:
            flush()
        case BertCharacterTable.Kind.isolated.rawValue:
            flush()
            append(packed & BertCharacterTable.valueMask)
            flush()
        default:
            break  // removed by cleaning
        }
    }

    @inline(__always) private mutating func append(_ value: UInt32) {
        switch value {
        case 0..<0x80:
            word.append(UInt8(value))
        case 0x80..<0x800:
            word.append(UInt8(0xC0 | value >> 6)); word.append(UInt8(0x80 | value & 0x3F))
        case 0x800..<0x10000:
            word.append(UInt8(0xE0 | value >> 12)); word.append(UInt8(0x80 | value >> 6 & 0x3F))
            word.append(UInt8(0x80 | value & 0x3F))
        default:
            word.append(UInt8(0xF0 | value >> 18)); word.append(UInt8(0x80 | value >> 12 & 0x3F))
            word.append(UInt8(0x80 | value >> 6 & 0x3F)); word.append(UInt8(0x80 | value & 0x3F))
        }
    }

    @inline(__always) private mutating func flush() {
        guard !word.isEmpty else { return }
        counts.counts[word, default: 0] += weight
        word.removeAll(keepingCapacity: true)
    }
}
