import BertKitSupport

extension GoogleReference {
    /// `create_masked_lm_predictions`: shuffles the candidate positions (every token but `[CLS]`/`[SEP]`, grouped
    /// into whole words with `wholeWordMask`), takes groups until `num_to_predict` positions are chosen, and
    /// replaces each chosen token with `[MASK]` (80%), itself (10%) or a random vocabulary token (10%). `tokens`
    /// is masked in place when nothing else holds it; the instance allocates only the four arrays it keeps.
    func maskedPredictions(tokens: consuming [Int32], segmentIDs: [Int32], isRandomNext: Bool, rng: inout PythonRandom) -> PretrainingInstance {
        var output = tokens
        let count = output.count
        // Python: int(round(len(tokens) * masked_lm_prob)); round() is half-to-even on the double product.
        let rounded = (Double(count) * configuration.maskedLMProb).rounded(.toNearestOrEven)
        let numToPredict = min(configuration.maxPredictionsPerSeq, max(1, Int(rounded)))
        // Working lists on the stack (a few hundred bytes at 128 tokens): candidate positions in order, candidate
        // groups as ranges of them (`lower << 32 | upper`), chosen positions with their original tokens
        // (`position << 32 | token`).
        let (positions, labels) = withUnsafeTemporaryAllocation(of: Int32.self, capacity: count) { positions in
            withUnsafeTemporaryAllocation(of: UInt64.self, capacity: count) { groups in
                withUnsafeTemporaryAllocation(of: UInt64.self, capacity: numToPredict) { masked in
                    output.withUnsafeMutableBufferPointer { tokens in
                        choose(tokens, numToPredict, positions, groups, masked, &rng)
                    }
                }
            }
        }
        return PretrainingInstance(
            tokenIDs: output, segmentIDs: segmentIDs, isRandomNext: isRandomNext, maskedLMPositions: positions,
            maskedLMLabels: labels)
    }

    /// Chooses and replaces the masked tokens of `tokens` in place; returns the chosen positions in order and
    /// their original tokens.
    @inline(__always)
    private func choose(
        _ tokens: UnsafeMutableBufferPointer<Int32>, _ numToPredict: Int, _ positions: UnsafeMutableBufferPointer<Int32>,
        _ groups: UnsafeMutableBufferPointer<UInt64>, _ masked: UnsafeMutableBufferPointer<UInt64>, _ rng: inout PythonRandom
    ) -> ([Int32], [Int32]) {
        // Candidates in order, as groups. A `##` piece joins the group before it, even across a [SEP] (Google
        // checks only that some group exists).
        var candidateCount = 0
        var groupCount = 0
        for i in 0..<tokens.count {
            let token = tokens[i]
            if token == clsID || token == sepID { continue }
            let k = UInt64(candidateCount)
            if configuration.wholeWordMask, groupCount > 0, continuesWord[Int(token)] {
                groups[groupCount - 1] += 1  // the last group now ends after k
            } else {
                groups[groupCount] = k << 32 | (k + 1)
                groupCount += 1
            }
            positions[candidateCount] = Int32(i)
            candidateCount += 1
        }
        // Python shuffles a list of groups: the draws depend only on their number.
        var shuffled = UnsafeMutableBufferPointer(rebasing: groups[0..<groupCount])
        rng.shuffle(&shuffled)

        var maskedCount = 0
        for group in shuffled {
            let lower = Int(group >> 32)
            let upper = Int(group & 0xFFFF_FFFF)
            if maskedCount >= numToPredict { break }
            // A whole word that would pass the cap is skipped, not cut (a no-op for single pieces).
            if maskedCount + (upper - lower) > numToPredict { continue }
            // Groups are disjoint, so Google's "already covered" check never fires, and each position is
            // replaced once: the token there is still the original.
            for k in lower..<upper {
                let position = Int(positions[k])
                let original = tokens[position]
                let replacement: Int32
                if rng.random() < 0.8 {
                    replacement = maskID
                } else if rng.random() < 0.5 {
                    replacement = original
                } else {
                    replacement = Int32(rng.randint(0, vocabularySize - 1))
                }
                tokens[position] = replacement
                masked[maskedCount] = UInt64(position) << 32 | UInt64(UInt32(bitPattern: original))
                maskedCount += 1
            }
        }
        var chosen = UnsafeMutableBufferPointer(rebasing: masked[0..<maskedCount])
        chosen.sort()  // by position (distinct)
        return (
            [Int32](unsafeUninitializedCapacity: maskedCount) { buffer, initialized in
                for i in 0..<maskedCount { buffer[i] = Int32(truncatingIfNeeded: chosen[i] >> 32) }
                initialized = maskedCount
            },
            [Int32](unsafeUninitializedCapacity: maskedCount) { buffer, initialized in
                for i in 0..<maskedCount { buffer[i] = Int32(bitPattern: UInt32(truncatingIfNeeded: chosen[i])) }
                initialized = maskedCount
            }
        )
    }
}
