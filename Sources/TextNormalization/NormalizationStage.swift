/// One step of text normalization over UTF-8 bytes: the extension point for profiles and custom steps.
///
/// A stage appends the normalized form of `input` to `output`. When `alignment` is non-nil it also appends,
/// for every byte it appends to `output`, the offset in `input` that byte comes from (see the alignment
/// contract in Sources/TextNormalization/README.md): an unchanged byte maps to itself, every byte of a
/// replacement maps to the first byte of the input span it replaces, deleted input has no entry.
///
/// ```swift
/// let persian = PersianNormalizer()
/// var out: [UInt8] = [], map: [Int32]? = []
/// line.utf8.withContiguousStorageIfAvailable { persian.normalize($0, into: &out, alignment: &map) }
/// ```
/// Input is expected to be well-formed UTF-8 (the CLI validates it first); an ill-formed byte is copied as is.
/// Offsets are `Int32`: one call handles at most 2 GiB (normalize line by line).
public protocol NormalizationStage: Sendable {
    /// Appends the normalized `input` to `output`, and its source offsets to `alignment` when non-nil.
    func normalize(_ input: UnsafeBufferPointer<UInt8>, into output: inout [UInt8], alignment: inout [Int32]?)
}

extension NormalizationStage {
    /// Appends the normalized `input` to `output` without alignment.
    @inlinable
    public func normalize(_ input: UnsafeBufferPointer<UInt8>, into output: inout [UInt8]) {
        var none: [Int32]? = nil
        normalize(input, into: &output, alignment: &none)
    }

    /// The normalized form of a string (convenience; hot paths should use the byte API).
    public func normalize(_ text: String) -> String {
        var copy = text
        var out: [UInt8] = []
        copy.withUTF8 { normalize($0, into: &out) }
        return String(decoding: out, as: UTF8.self)
    }

    /// The normalized form of a string with, for each output byte, the input byte offset it comes from.
    public func normalizeWithAlignment(_ text: String) -> (text: String, alignment: [Int32]) {
        var copy = text
        var out: [UInt8] = []
        var map: [Int32]? = []
        copy.withUTF8 { normalize($0, into: &out, alignment: &map) }
        return (String(decoding: out, as: UTF8.self), map ?? [])
    }
}

/// Stages applied one after the other; alignments are composed so they point into the first stage's input.
public struct NormalizationPipeline: NormalizationStage {
    /// The stages, first applied first.
    public var stages: [any NormalizationStage]

    /// A pipeline of the given stages.
    public init(_ stages: [any NormalizationStage]) { self.stages = stages }

    /// Runs every stage; intermediate results live in local buffers.
    public func normalize(_ input: UnsafeBufferPointer<UInt8>, into output: inout [UInt8], alignment: inout [Int32]?) {
        if stages.isEmpty {
            output.append(contentsOf: input)
            if alignment != nil { Alignment.appendIdentity(count: input.count, from: 0, to: &alignment) }
            return
        }
        if stages.count == 1 { return stages[0].normalize(input, into: &output, alignment: &alignment) }
        var current: [UInt8] = []
        var currentMap: [Int32]? = alignment == nil ? nil : []
        stages[0].normalize(input, into: &current, alignment: &currentMap)
        for (index, stage) in stages.enumerated().dropFirst() {
            let last = index == stages.count - 1
            var next: [UInt8] = []
            var stepMap: [Int32]? = alignment == nil ? nil : []
            current.withUnsafeBufferPointer { stage.normalize($0, into: &next, alignment: &stepMap) }
            if let step = stepMap, let previous = currentMap {
                // Output byte i of this stage comes from byte step[i] of its input, which came from previous[...].
                var composed = [Int32]()
                composed.reserveCapacity(step.count)
                for s in step { composed.append(previous[Int(s)]) }
                currentMap = composed
            }
            if last {
                output.append(contentsOf: next)
                if let m = currentMap { alignment?.append(contentsOf: m) }
            } else {
                current = next
            }
        }
    }
}

/// Helpers for the alignment maps stages produce.
public enum Alignment {
    /// Appends `input[range]` unchanged to `output`, and identity offsets to `alignment` when recording: the
    /// copy step of every stage that leaves most of its input as it is.
    @inline(__always)
    public static func copyRun(_ input: UnsafeBufferPointer<UInt8>, _ range: Range<Int>, to output: inout [UInt8], alignment: inout [Int32]?) {
        guard !range.isEmpty else { return }
        output.append(contentsOf: UnsafeBufferPointer(rebasing: input[range]))
        if alignment != nil { appendIdentity(count: range.count, from: range.lowerBound, to: &alignment) }
    }

    /// Appends replacement bytes that all stand for the input scalar at offset `source`.
    @inline(__always)
    public static func appendReplacement(_ bytes: UnsafeBufferPointer<UInt8>, from source: Int, to output: inout [UInt8], alignment: inout [Int32]?) {
        output.append(contentsOf: bytes)
        if alignment != nil { alignment?.append(contentsOf: repeatElement(Int32(source), count: bytes.count)) }
    }

    /// Appends `count` entries source, source+1, … (bytes copied unchanged).
    @inlinable
    public static func appendIdentity(count: Int, from source: Int, to alignment: inout [Int32]?) {
        guard count > 0, alignment != nil else { return }
        // Grow with zeros, then fill through a pointer: both loops vectorize (a lazy map did not).
        let old = alignment?.count ?? 0
        alignment?.append(contentsOf: repeatElement(0, count: count))
        alignment?.withUnsafeMutableBufferPointer { m in
            let base = Int32(truncatingIfNeeded: source)
            for k in 0..<count { m[old &+ k] = base &+ Int32(truncatingIfNeeded: k) }
        }
    }

    /// The input byte range an output byte range comes from: from the source of its first byte up to the
    /// source of the next output byte that comes from later input (or the input's end). Input deleted
    /// between two kept characters belongs to the earlier one.
    public static func inputRange(ofOutput range: Range<Int>, alignment: [Int32], inputCount: Int) -> Range<Int> {
        precondition(range.lowerBound >= 0 && range.upperBound <= alignment.count, "output range out of bounds")
        if range.isEmpty {
            let at = range.lowerBound < alignment.count ? Int(alignment[range.lowerBound]) : inputCount
            return at..<at
        }
        let start = Int(alignment[range.lowerBound])
        let lastSource = alignment[range.upperBound - 1]
        var j = range.upperBound
        while j < alignment.count, alignment[j] <= lastSource { j += 1 }
        return start..<(j < alignment.count ? Int(alignment[j]) : inputCount)
    }
}
