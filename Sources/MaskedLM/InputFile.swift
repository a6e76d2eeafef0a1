#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import InputEncoding

/// One input file of the document readers, read in blocks: its bytes as they are, or inflated when the name
/// ends in `.gz` (InputEncoding's `GzipInflater`, several gzip members one after the other included).
final class InputFile {
    let path: String
    private let fd: Int32
    private let inflater: GzipInflater?

    init(path: String) throws {
        self.path = path
        fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw MaskedLMError.unreadableInput(path: path, reason: String(cString: strerror(errno))) }
        if path.hasSuffix(".gz") {
            do { inflater = try GzipInflater(path: path) } catch {
                close(fd)
                throw Self.translate(error, path: path)
            }
        } else {
            inflater = nil
        }
    }

    deinit { close(fd) }

    /// Reads up to `count` (inflated) bytes into `destination`; 0 only at the end of the file.
    func read(into destination: UnsafeMutableRawPointer, count: Int) throws -> Int {
        guard let inflater else { return try readRaw(into: destination, count: count) }
        do {
            return try inflater.inflate(into: destination, count: count) { try readRaw(into: $0, count: $1) }
        } catch {
            throw Self.translate(error, path: path)
        }
    }

    /// One `read(2)` (retried on EINTR): fewer bytes than asked is not the end.
    private func readRaw(into destination: UnsafeMutableRawPointer, count: Int) throws -> Int {
        while true {
            #if canImport(Glibc)
            let n = Glibc.read(fd, destination, count)
            #else
            let n = Darwin.read(fd, destination, count)
            #endif
            if n >= 0 { return n }
            if errno != EINTR { throw MaskedLMError.unreadableInput(path: path, reason: String(cString: strerror(errno))) }
        }
    }

    /// The inflater's errors as this module's.
    private static func translate(_ error: any Error, path: String) -> any Error {
        if case let DatasetError.corruptGzip(_, reason) = error {
            return MaskedLMError.unreadableInput(path: path, reason: "gzip data is damaged (\(reason)); check the file with `gzip -t`")
        }
        return error
    }
}
