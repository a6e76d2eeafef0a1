#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Facts about the machine that several modules need, without importing Foundation.
public enum Machine {
    /// The number of processors online (at least 1): the default thread count of every parallel stage.
    public static var activeProcessorCount: Int {
        max(1, Int(sysconf(Int32(_SC_NPROCESSORS_ONLN))))
    }
}
