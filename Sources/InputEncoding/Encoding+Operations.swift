/// The array operations HF `tokenizers` applies to encodings (tokenizers/src/tokenizer/encoding.rs):
/// windows for truncation, concatenation with overflow combinations, padding.
extension Encoding {
    /// Tokens `range` of this encoding, without overflowing windows.
    func slice(_ range: Range<Int>) -> Encoding {
        Encoding(
            ids: Array(ids[range]), typeIDs: Array(typeIDs[range]), attentionMask: Array(attentionMask[range]),
            specialTokensMask: Array(specialTokensMask[range]),
            wordIndices: wordIndices.isEmpty ? [] : Array(wordIndices[range]),
            sequenceIndices: Array(sequenceIndices[range]),
            offsets: offsets.isEmpty ? [] : Array(offsets[range]),
            byteOffsets: byteOffsets.isEmpty ? [] : Array(byteOffsets[range]))
    }

    /// Keeps the first (side right) or last (side left) `maxLength` tokens; the rest becomes overflowing
    /// windows of at most `maxLength` tokens that repeat `stride` tokens of the window before them.
    ///
    /// As HF's `Encoding::truncate`: windows start every `maxLength - stride` tokens from the kept side, the
    /// last window ends at the far end, and `maxLength == 0` moves everything into one overflowing window.
    /// HF panics when `stride >= maxLength`; this throws `EncodingError.strideTooLarge`.
    mutating func truncate(to maxLength: Int, stride: Int, side: Truncation.Side) throws {
        let n = ids.count
        guard maxLength < n else { return }
        if maxLength == 0 {
            let whole = self
            self = Encoding()
            overflowing = [whole]
            return
        }
        guard stride < maxLength else { throw EncodingError.strideTooLarge(stride: stride, windowLength: maxLength) }
        let step = maxLength - stride
        var ranges: [Range<Int>] = []
        switch side {
        case .right:
            var start = 0
            while true {
                let stop = min(start + maxLength, n)
                ranges.append(start..<stop)
                if stop == n { break }
                start += step
            }
        case .left:
            var last = n - 1
            while last >= 0 {
                let stop = last + 1
                let start = max(0, stop - maxLength)
                ranges.append(start..<stop)
                if start == 0 { break }
                last -= step
            }
        }
        var first = slice(ranges[0])
        first.overflowing = ranges.dropFirst().map { slice($0) }
        self = first
    }

    /// Appends `pair` to this encoding; overflowing windows are combined as HF's `Encoding::merge_with` does:
    /// each of our windows with the pair (and with each of its windows), then ourselves with each of the
    /// pair's windows. Offsets are not shifted (each text keeps its own).
    mutating func append(_ pair: Encoding) {
        var combined: [Encoding] = []
        for own in overflowing {
            var withPair = own
            withPair.append(pair)
            combined.append(withPair)
            for other in pair.overflowing {
                var both = own
                both.append(other)
                combined.append(both)
            }
        }
        for other in pair.overflowing {
            var mainWithOther = self
            mainWithOther.overflowing = []
            mainWithOther.append(other)
            combined.append(mainWithOther)
        }
        let alignment = hasAlignment && pair.hasAlignment
        ids += pair.ids
        typeIDs += pair.typeIDs
        attentionMask += pair.attentionMask
        specialTokensMask += pair.specialTokensMask
        sequenceIndices += pair.sequenceIndices
        if alignment {
            wordIndices += pair.wordIndices
            offsets += pair.offsets
            byteOffsets += pair.byteOffsets
        } else {
            wordIndices = []
            offsets = []
            byteOffsets = []
        }
        overflowing = combined
    }

    /// Pads this encoding and its overflowing windows to `length` tokens (longer ones are left as they are).
    /// Padding tokens have `padID`, `padTypeID`, attention 0, special-tokens mask 1, no word, offsets (0, 0).
    mutating func pad(to length: Int, padID: Int32, padTypeID: Int32, side: Padding.Side) {
        for k in overflowing.indices { overflowing[k].pad(to: length, padID: padID, padTypeID: padTypeID, side: side) }
        let extra = length - ids.count
        guard extra > 0 else { return }
        let alignment = hasAlignment
        func padded<T>(_ array: inout [T], _ value: T) {
            switch side {
            case .right: array.append(contentsOf: repeatElement(value, count: extra))
            case .left: array.insert(contentsOf: repeatElement(value, count: extra), at: 0)
            }
        }
        padded(&ids, padID)
        padded(&typeIDs, padTypeID)
        padded(&attentionMask, 0)
        padded(&specialTokensMask, 1)
        padded(&sequenceIndices, -1)
        if alignment {
            padded(&wordIndices, -1)
            padded(&offsets, .none)
            padded(&byteOffsets, .none)
        }
    }
}
