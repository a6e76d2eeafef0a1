import BertKitSupport

extension GoogleReference {
    /// `create_masked_lm_predictions`: shuffles the candidate positions (every token but `[CLS]`/`[SEP]`, grouped
    /// into whole words with `wholeWordMask`), takes groups until `num_to_predict` positions are chosen, and
    /// replaces each chosen token with `[MASK]` (80%), itself (10%) or a random vocabulary token (10%).
    func maskedPredictions(tokens: [Int32], segmentIDs: [Int32], isRandomNext: Bool, rng: inout PythonRandom) -> PretrainingInstance {
        // Candidates in order, as groups: groupBounds[g] is a range of `positions`. A `##` piece joins the
        // group before it, even across a [SEP] (Google checks only that some group exists).
        var positions: [Int32] = []
        positions.reserveCapacity(tokens.count)
        var groupBounds: [Range<Int>] = []
        groupBounds.reserveCapacity(tokens.count)
        for (i, token) in tokens.enumerated() where token != clsID && token != sepID {
            if configuration.wholeWordMask, !groupBounds.isEmpty, continuesWord[Int(token)] {
                groupBounds[groupBounds.count - 1] = groupBounds[groupBounds.count - 1].lowerBound..<(positions.count + 1)
            } else {
                groupBounds.append(positions.count..<(positions.count + 1))
            }
            positions.append(Int32(i))
        }
        rng.shuffle(&groupBounds)

        // Python: int(round(len(tokens) * masked_lm_prob)); round() is half-to-even on the double product.
        let rounded = (Double(tokens.count) * configuration.maskedLMProb).rounded(.toNearestOrEven)
        let numToPredict = min(configuration.maxPredictionsPerSeq, max(1, Int(rounded)))

        var output = tokens
        var masked: [(position: Int32, label: Int32)] = []
        masked.reserveCapacity(numToPredict)
        for group in groupBounds {
            if masked.count >= numToPredict { break }
            // A whole word that would pass the cap is skipped, not cut (a no-op for single pieces).
            if masked.count + group.count > numToPredict { continue }
            // Groups are disjoint, so Google's "already covered" check never fires.
            for k in group {
                let position = Int(positions[k])
                let replacement: Int32
                if rng.random() < 0.8 {
                    replacement = maskID
                } else if rng.random() < 0.5 {
                    replacement = tokens[position]
                } else {
                    replacement = Int32(rng.randint(0, vocabularySize - 1))
                }
                output[position] = replacement
                masked.append((Int32(position), tokens[position]))
            }
        }
        masked.sort { $0.position < $1.position }
        return PretrainingInstance(
            tokenIDs: output, segmentIDs: segmentIDs, isRandomNext: isRandomNext,
            maskedLMPositions: masked.map(\.position), maskedLMLabels: masked.map(\.label))
    }
}
