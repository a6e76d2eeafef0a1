extension BertEncoder {
    /// Runs `body`, adding its wall time to `profile[label]` when `options.profiling` is on.
    @inline(__always)
    func timed(_ label: String, _ body: () -> Void) {
        guard options.profiling else { body(); return }
        let start = ContinuousClock.now
        body()
        let d = ContinuousClock.now - start
        profile[label, default: 0] += Double(d.components.seconds) + Double(d.components.attoseconds) * 1e-18
    }
}
