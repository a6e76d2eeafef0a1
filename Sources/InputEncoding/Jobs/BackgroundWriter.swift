import BertKitSupport

/// Writes batches of rows on a thread of its own, so that writing batch k overlaps encoding batch k+1. At
/// most one batch is in flight: `submit` first waits for the previous one (and rethrows its error), which
/// bounds memory.
final class BackgroundWriter: @unchecked Sendable {
    // @unchecked: `writer` is used by one work item at a time (`InFlight` runs them one after another and
    // `finish`/`discard` wait for the last one first); the methods are called from one thread, the job's driver.
    private var writer: any ExampleWriter
    private let inFlight = InFlight<Void>(label: "bertkit.encode.writer")

    init(_ writer: any ExampleWriter) { self.writer = writer }

    /// Hands `rows` to the writing thread once the previous batch is written.
    func submit(_ rows: [EncodedExample]) throws {
        try inFlight.start { [self] in for row in rows { try writer.write(row) } }
    }

    /// Hands blocks of flat rows to the writing thread once the previous batch is written.
    func submit(blocks: [EncodedRows]) throws {
        try inFlight.start { [self] in for block in blocks { try writer.write(rows: block) } }
    }

    /// Writes what is in flight, then completes the output.
    func finish() throws {
        try inFlight.wait()
        try writer.finish()
    }

    /// Waits for the batch in flight, then removes the temporaries.
    func discard() {
        _ = try? inFlight.wait()
        writer.discard()
    }
}
