/// Joins Persian verbal prefixes and plural/comparative suffixes written as separate words to their word
/// (`می خواهم` → `می‌خواهم`, `کتاب ها` → `کتاب‌ها`, `بندر ها` → `بندرها`).
///
/// hazm's affix rule (roshan-research/hazm `hazm/normalizer.py`, issue #367) puts a ZWNJ after any letter;
/// here a ZWNJ is used only when the letter before it joins forwards, otherwise the space is simply removed
/// (the two spellings look the same; the one without ZWNJ is the standard one).
public struct PersianAffixJoiner: NormalizationStage {
    static let prefixes: [[UInt8]] = ["می", "نمی"].map { Array($0.utf8) }
    /// Longest first, so that های wins over ها.
    static let suffixes: [[UInt8]] = ["هایی", "ترین", "های", "تری", "ها", "تر"].map { Array($0.utf8) }

    /// The bytes put between a joining letter and its affix.
    let joiner: [UInt8]

    /// A joiner that writes ZWNJ (the default) or the given UTF-8 bytes between a joining letter and its affix.
    public init(joiner: [UInt8] = PersianNormalizer.zwnjBytes) { self.joiner = joiner }

    /// Appends `input` with affix spaces replaced (and their source offsets to `alignment`).
    public func normalize(_ p: UnsafeBufferPointer<UInt8>, into out: inout [UInt8], alignment: inout [Int32]?) {
        var segmentStart = 0  // start of the word before the current space
        var copied = 0
        var i = 0
        while i < p.count {
            guard p[i] == 0x20 else { i += 1; continue }
            let before = UnsafeBufferPointer(rebasing: p[segmentStart..<i])
            var nextEnd = i + 1
            while nextEnd < p.count && p[nextEnd] != 0x20 { nextEnd += 1 }
            let after = UnsafeBufferPointer(rebasing: p[(i + 1)..<nextEnd])
            var replacement: [UInt8]? = nil
            if Self.prefixes.contains(where: { before.elementsEqual($0) }), Self.startsWithLetter(after) {
                replacement = joiner
            } else if Self.isSuffixWord(after), let last = Self.lastScalar(before), Self.isLetter(last) {
                let joins = ICU.joiningType(last) == 2 || ICU.joiningType(last) == 1
                replacement = joins ? joiner : []
            }
            if let replacement {
                out.append(contentsOf: UnsafeBufferPointer(rebasing: p[copied..<i]))
                Alignment.appendIdentity(count: i - copied, from: copied, to: &alignment)
                out.append(contentsOf: replacement)
                if alignment != nil { alignment?.append(contentsOf: repeatElement(Int32(i), count: replacement.count)) }
                copied = i + 1
            }
            segmentStart = i + 1
            i += 1
        }
        out.append(contentsOf: UnsafeBufferPointer(rebasing: p[copied...]))
        Alignment.appendIdentity(count: p.count - copied, from: copied, to: &alignment)
    }

    /// An Arabic-script letter that takes part in joining (dual- or right-joining).
    static func isLetter(_ v: UInt32) -> Bool {
        (0x0600...0x06FF).contains(v) && [2, 4].contains(ICU.joiningType(v))
    }

    static func startsWithLetter(_ word: UnsafeBufferPointer<UInt8>) -> Bool {
        guard !word.isEmpty else { return false }
        return isLetter(UTF8Scalars.decode(word, at: 0).scalar)
    }

    static func lastScalar(_ word: UnsafeBufferPointer<UInt8>) -> UInt32? {
        guard !word.isEmpty else { return nil }
        var i = word.count - 1
        while i > 0 && word[i] & 0xC0 == 0x80 { i -= 1 }
        return UTF8Scalars.decode(word, at: i).scalar
    }

    /// The word is a suffix, possibly followed by punctuation (but not by more letters).
    static func isSuffixWord(_ word: UnsafeBufferPointer<UInt8>) -> Bool {
        for suffix in suffixes where word.count >= suffix.count && word.prefix(suffix.count).elementsEqual(suffix) {
            if word.count == suffix.count { return true }
            let rest = UnsafeBufferPointer(rebasing: word[suffix.count...])
            return !startsWithLetter(rest) && UTF8Scalars.decode(rest, at: 0).scalar != 0x200C
        }
        return false
    }
}
