import BertKitSupport
import Dispatch

/// Writes batches of rows on a thread of its own, so that writing batch k overlaps reading and encoding
/// batch k+1. At most one batch is in flight: `submit` first waits for the previous one (and rethrows its
/// error), which bounds memory to two batches.
final class BackgroundWriter {
    private var writer: any ExampleWriter
    private let queue = DispatchQueue(label: "bertkit.encode.writer")
    private let group = DispatchGroup()
    private var failure: Error?

    init(_ writer: any ExampleWriter) { self.writer = writer }

    /// Hands `rows` to the writing thread once the previous batch is written.
    func submit(_ rows: [EncodedExample]) throws {
        try wait()
        // Only the writing thread touches `writer` and `failure` until the next `wait()` returns.
        let box = UnsafeSendable(self)
        queue.async(group: group) {
            let me = box.value
            do { for row in rows { try me.writer.write(row) } } catch { me.failure = error }
        }
    }

    /// Waits for the batch in flight; rethrows its error.
    func wait() throws {
        group.wait()
        if let failure { throw failure }
    }

    /// Writes what is in flight, then completes the output.
    func finish() throws {
        try wait()
        try writer.finish()
    }

    /// Waits for the batch in flight, then removes the temporaries.
    func discard() {
        group.wait()
        writer.discard()
    }
}
