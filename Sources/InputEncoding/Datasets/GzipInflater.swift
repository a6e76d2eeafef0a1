import CZlib

/// Streaming gzip decompression over zlib: the only Swift file of this module that calls zlib.
///
/// `inflateInit2` with window bits 15 + 32 detects the gzip (or zlib) header; a file made of several gzip
/// members one after the other (what `cat a.gz b.gz` gives, and what `gzip` itself accepts) is inflated
/// member after member by resetting the stream at each member's end while input remains.
/// `package`: MaskedLM's document readers inflate `.gz` inputs with it too (zlib stays behind this one file).
package final class GzipInflater {
    private let path: String
    private let stream: UnsafeMutablePointer<z_stream>
    private let input: UnsafeMutablePointer<UInt8>
    private let inputCapacity = 256 << 10
    private var inputExhausted = false
    private var memberEnded = false
    private var everInflated = false

    package init(path: String) throws {
        self.path = path
        stream = .allocate(capacity: 1)
        stream.initialize(to: z_stream())
        input = .allocate(capacity: inputCapacity)
        let status = inflateInit2_(stream, 15 + 32, zlibVersion(), Int32(MemoryLayout<z_stream>.size))
        if status != Z_OK {
            input.deallocate()
            stream.deallocate()
            throw DatasetError.corruptGzip(path: path, reason: "zlib could not start (status \(status))")
        }
    }

    deinit {
        inflateEnd(stream)
        stream.deallocate()
        input.deallocate()
    }

    /// Inflates up to `count` bytes into `destination`, pulling compressed bytes from `readCompressed`
    /// (which returns 0 at the end of the file). Returns fewer than `count` bytes only at the end.
    package func inflate(
        into destination: UnsafeMutableRawPointer, count: Int,
        readCompressed: (UnsafeMutableRawPointer, Int) throws -> Int
    ) throws -> Int {
        var produced = 0
        while produced < count {
            if stream.pointee.avail_in == 0 && !inputExhausted {
                let n = try readCompressed(UnsafeMutableRawPointer(input), inputCapacity)
                if n == 0 {
                    inputExhausted = true
                } else {
                    stream.pointee.next_in = input
                    stream.pointee.avail_in = UInt32(n)
                }
            }
            if memberEnded {
                if stream.pointee.avail_in == 0 {
                    if inputExhausted { break }
                    continue
                }
                try check(inflateReset(stream))
                memberEnded = false
            }
            if stream.pointee.avail_in == 0 && inputExhausted {
                throw DatasetError.corruptGzip(
                    path: path, reason: everInflated ? "the file ends in the middle of the compressed data" : "the file is empty")
            }
            let chunk = min(count - produced, Int(UInt32.max))
            stream.pointee.next_out = (destination + produced).assumingMemoryBound(to: Bytef.self)
            stream.pointee.avail_out = UInt32(chunk)
            let status = CZlib.inflate(stream, Z_NO_FLUSH)
            everInflated = true
            produced += chunk - Int(stream.pointee.avail_out)
            switch status {
            case Z_OK, Z_BUF_ERROR:
                continue
            case Z_STREAM_END:
                memberEnded = true
            default:
                try check(status)
            }
        }
        return produced
    }

    /// Turns a zlib status into an error naming the file (zlib's own message when it has one).
    private func check(_ status: Int32) throws {
        guard status != Z_OK else { return }
        var reason = "zlib status \(status)"
        if let message = stream.pointee.msg { reason = String(cString: message) }
        throw DatasetError.corruptGzip(path: path, reason: reason)
    }
}
