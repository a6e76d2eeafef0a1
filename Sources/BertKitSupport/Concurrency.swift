/// Wraps a value handed to concurrent iterations (`DispatchQueue.concurrentPerform`) that touch disjoint
/// parts of it: buffers whose slices each iteration owns, a closure they all call. The compiler cannot see
/// the disjointness; every use names what each iteration touches.
package struct UnsafeSendable<T>: @unchecked Sendable {
    package let value: T
    package init(_ value: T) { self.value = value }
}

extension Duration {
    /// The duration in seconds.
    package var seconds: Double { Double(components.seconds) + Double(components.attoseconds) * 1e-18 }
}
