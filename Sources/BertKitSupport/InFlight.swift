import Dispatch

/// One piece of work running on a thread of its own while the caller goes on: `start` waits for the piece
/// before it (and hands back its result), so at most one is in flight. The stages of dataset encoding (encode
/// batch k while batch k+1 is read; write batch k while batch k+1 is encoded) and the streaming masked-LM
/// writer (shuffle and write batch k while batch k+1 is read, tokenized and made) are built from it.
package final class InFlight<Value>: @unchecked Sendable {
    // @unchecked: `outcome` is written only by the work item and read only after `group.wait()` returns,
    // which orders the two; nothing else is shared. `start` and `wait` are called from one thread (the job's
    // driver), so two work items never overlap.
    private let queue: DispatchQueue
    private let group = DispatchGroup()
    private var outcome: Result<Value, Error>?

    /// Work items run on a serial queue named `label`.
    package init(label: String) { queue = DispatchQueue(label: label) }

    /// Waits for the piece in flight, then starts `work`; returns the finished piece's result (nil when there
    /// was none) or rethrows its error (then `work` is not started).
    @discardableResult
    package func start(_ work: @escaping @Sendable () throws -> Value) throws -> Value? {
        let finished = try wait()
        // The work item writes only `outcome`, which nothing reads before `group.wait()` (see the class).
        let box = UnsafeSendable(self)
        queue.async(group: group) { box.value.outcome = Result { try work() } }
        return finished
    }

    /// Waits for the piece in flight; returns its result (nil when there was none) or rethrows its error.
    package func wait() throws -> Value? {
        group.wait()
        defer { outcome = nil }
        return try outcome?.get()
    }
}
