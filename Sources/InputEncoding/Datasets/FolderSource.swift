#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Class folders, `DIR/<class>/*.txt` (the IMDB layout): each file is one record, labelled by its folder.
final class FolderSource: DatasetRecordSource {
    private let root: String
    private let limit: Int
    /// (label, file path) in reading order: classes, then files, in byte order of their names.
    private let files: [(label: String, path: String)]
    private var position = 0
    private var contents: [UInt8] = []
    private(set) var skips: SkipLog
    private(set) var bytesRead = 0

    init(configuration: DatasetReader.Configuration) throws {
        root = configuration.path
        limit = configuration.maxRecordBytes
        skips = SkipLog(enabled: configuration.skipBadRows)
        var files: [(label: String, path: String)] = []
        for name in try Self.entries(of: root) {
            let classPath = Self.join(root, name)
            guard Self.isDirectory(classPath) else { continue }
            for file in try Self.entries(of: classPath) where file.hasSuffix(".txt") {
                let filePath = Self.join(classPath, file)
                if !Self.isDirectory(filePath) { files.append((name, filePath)) }
            }
        }
        guard !files.isEmpty else { throw DatasetError.noClassFolders(path: root) }
        self.files = files
    }

    func nextRecord() throws -> DatasetRecord? {
        while position < files.count {
            let (label, path) = files[position]
            position += 1
            let source = try DatasetByteSource(path: path, gzip: false)
            let complete = try readWhole(source)
            bytesRead += source.bytesRead
            guard complete else {
                try skips.skip(.recordTooLong(path: path, line: 1, limit: limit))
                continue
            }
            let text: String? = contents.withUnsafeBufferPointer { buffer in
                guard let base = buffer.baseAddress else { return "" }
                var start = 0
                if buffer.count >= 3 && base[0] == 0xEF && base[1] == 0xBB && base[2] == 0xBF { start = 3 }
                if ByteScan.firstInvalidUTF8(in: base, from: start, to: buffer.count) != nil { return nil }
                return ByteScan.string(base, from: start, to: buffer.count)
            }
            guard let text else {
                try skips.skip(invalidUTF8Error(path: path))
                continue
            }
            return DatasetRecord(text: text, label: label, line: 1, path: path, index: 0)
        }
        return nil
    }

    /// Reads the whole file into `contents`; false when it is longer than the limit.
    private func readWhole(_ source: DatasetByteSource) throws -> Bool {
        contents.removeAll(keepingCapacity: true)
        let chunk = 1 << 16
        while true {
            let old = contents.count
            contents.append(contentsOf: repeatElement(0, count: chunk))
            let n = try contents.withUnsafeMutableBytes { raw in
                // The buffer was just grown by `chunk` bytes, so its base address exists.
                guard let base = raw.baseAddress else { return 0 }
                return try source.read(into: base + old, count: chunk)
            }
            contents.removeSubrange((old + n)...)
            if contents.count > limit { return false }
            if n < chunk { return true }
        }
    }

    private func invalidUTF8Error(path: String) -> DatasetError {
        contents.withUnsafeBufferPointer { buffer in
            guard let base = buffer.baseAddress else { return .invalidUTF8(path: path, line: 1, column: 1) }
            var start = 0
            if buffer.count >= 3 && base[0] == 0xEF && base[1] == 0xBB && base[2] == 0xBF { start = 3 }
            let bad = ByteScan.firstInvalidUTF8(in: base, from: start, to: buffer.count) ?? start
            let position = ByteScan.position(of: bad, in: base, lineStart: start, line: 1)
            return .invalidUTF8(path: path, line: position.line, column: position.column)
        }
    }

    private static func join(_ directory: String, _ name: String) -> String {
        directory.hasSuffix("/") ? directory + name : directory + "/" + name
    }

    private static func isDirectory(_ path: String) -> Bool {
        var info = stat()
        return stat(path, &info) == 0 && (info.st_mode & S_IFMT) == S_IFDIR
    }

    /// The names in a directory, hidden ones left out, in byte order.
    private static func entries(of directory: String) throws -> [String] {
        guard let handle = opendir(directory) else {
            throw DatasetError.unreadableInput(path: directory, reason: String(cString: strerror(errno)))
        }
        defer { closedir(handle) }
        var names: [String] = []
        while let entry = readdir(handle) {
            let name = withUnsafePointer(to: &entry.pointee.d_name) {
                String(cString: UnsafeRawPointer($0).assumingMemoryBound(to: CChar.self))
            }
            if name.hasPrefix(".") { continue }
            names.append(name)
        }
        return names.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
    }
}
