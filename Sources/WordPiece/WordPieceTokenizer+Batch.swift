import BertKitSupport
import Dispatch

extension WordPieceTokenizer {
    /// Token ids of many texts, tokenized on `threads` threads (default: all cores); results keep the
    /// order of `texts`. Work is split into contiguous ranges of about equal byte size.
    ///
    /// ```swift
    /// let ids = tokenizer.tokenIDs(batch: ["first text", "second text"])
    /// ```
    public func tokenIDs(batch texts: [String], threads: Int? = nil) -> [[Int32]] {
        let workers = max(1, min(threads ?? Machine.activeProcessorCount, texts.count))
        guard workers > 1 else { return texts.map { tokenIDs($0) } }
        // Ranges of texts with about the same number of UTF-8 bytes each.
        let total = texts.reduce(0) { $0 + $1.utf8.count }
        var bounds = [0]
        var running = 0
        for (k, text) in texts.enumerated() {
            running += text.utf8.count
            if bounds.count < workers && running * workers >= total * bounds.count { bounds.append(k + 1) }
        }
        if bounds.last != texts.count { bounds.append(texts.count) }
        let ranges = bounds
        var results = [[Int32]](repeating: [], count: texts.count)
        results.withUnsafeMutableBufferPointer { out in
            // Part p writes only the slots of its own range of `out`; the tokenizer itself is immutable.
            let sink = UnsafeSendable(out)
            DispatchQueue.concurrentPerform(iterations: ranges.count - 1) { part in
                for k in ranges[part]..<ranges[part + 1] { sink.value[k] = tokenIDs(texts[k]) }
            }
        }
        return results
    }
}
