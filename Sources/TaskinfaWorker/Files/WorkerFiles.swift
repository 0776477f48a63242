import Crypto
import Foundation
import TaskinfaCore

#if canImport(Glibc)
    import Glibc
#endif

/// Files the worker writes where an agent may have been: never through a link the agent planted.
/// Every folder on the way from `root` is checked to be a real folder (not a symbolic link), and
/// the file itself is opened with `O_NOFOLLOW`, so a planted `mcp.json -> ~/.ssh/config` makes the
/// worker replace the link, not write into its target.
enum WorkerFiles {
    struct UnsafePath: Error, CustomStringConvertible {
        let path: String
        var description: String { "refusing to write through \(path): it is not a plain folder" }
    }

    static func write(_ text: String, to path: String, under root: String) throws {
        let parent = (path as NSString).deletingLastPathComponent
        try makeFolders(parent, under: root)
        var descriptor = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0o600)
        if descriptor < 0 && (errno == ELOOP || errno == EISDIR) {
            try? FileManager.default.removeItem(atPath: path)
            descriptor = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0o600)
        }
        guard descriptor >= 0 else { throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: path]) }
        let handle = FileHandle(fileDescriptor: descriptor, closeOnDealloc: true)
        try handle.write(contentsOf: Data(text.utf8))
    }

    /// Creates `folder` and the folders above it down from `root`, each checked to be a real folder.
    static func makeFolders(_ folder: String, under root: String) throws {
        let standardRoot = (root as NSString).standardizingPath
        let standardFolder = (folder as NSString).standardizingPath
        guard standardFolder == standardRoot || standardFolder.hasPrefix(standardRoot + "/") else {
            throw UnsafePath(path: folder)
        }
        try FileManager.default.createDirectory(atPath: standardRoot, withIntermediateDirectories: true)
        var current = standardRoot
        for component in standardFolder.dropFirst(standardRoot.count).split(separator: "/") {
            current += "/" + component
            var info = stat()
            if lstat(current, &info) == 0 {
                guard (info.st_mode & S_IFMT) == S_IFDIR else { throw UnsafePath(path: current) }
            } else if mkdir(current, 0o700) != 0 {
                throw UnsafePath(path: current)
            }
        }
    }
}

/// Reading what an agent left in its work tree without being led elsewhere: links are not
/// followed, and devices, FIFOs and sockets are never opened (a FIFO would block the worker, a
/// link to `/dev/zero` would never end).
enum WorkTreeFile {
    /// What a file is, for the progress fingerprint: its content's SHA-256 (a regular file), its
    /// target (a link), or just its kind.
    static func digest(of path: String, limit: Int = 64 << 20) -> String {
        var info = stat()
        guard lstat(path, &info) == 0 else { return "missing" }
        switch info.st_mode & S_IFMT {
        case S_IFREG:
            guard let handle = FileHandle(forReadingAtPath: path) else { return "unreadable" }
            defer { try? handle.close() }
            var hash = SHA256()
            var read = 0
            while read < limit, let chunk = try? handle.read(upToCount: 1 << 20), !chunk.isEmpty {
                hash.update(data: chunk)
                read += chunk.count
            }
            return "file \(info.st_size) " + hash.finalize().hexString
        case S_IFLNK:
            return "link " + ((try? FileManager.default.destinationOfSymbolicLink(atPath: path)) ?? "?")
        case S_IFDIR:
            return "folder"
        default:
            return "special \(info.st_mode & S_IFMT)"
        }
    }

    /// Removes every entry named `.git` inside `root`'s subfolders and returns their paths relative
    /// to `root`. A repository the agent nests in its work tree would stop `git add`, or be
    /// committed as a bare pointer without its files; its contents are ordinary files of the task's
    /// work. Links are removed themselves, never followed.
    @discardableResult
    static func removeNestedRepositories(under root: String) throws -> [String] {
        var removed: [String] = []
        func walk(_ relative: String) throws {
            let folder = relative.isEmpty ? root : (root as NSString).appendingPathComponent(relative)
            for name in try FileManager.default.contentsOfDirectory(atPath: folder) {
                let path = relative.isEmpty ? name : (relative as NSString).appendingPathComponent(name)
                let absolute = (root as NSString).appendingPathComponent(path)
                if name == ".git" {
                    guard !relative.isEmpty else { continue }
                    try FileManager.default.removeItem(atPath: absolute)
                    removed.append(path)
                    continue
                }
                var info = stat()
                if lstat(absolute, &info) == 0, (info.st_mode & S_IFMT) == S_IFDIR { try walk(path) }
            }
        }
        try walk("")
        return removed
    }

    /// The first `limit` bytes of a regular file; nil for anything else (a link included).
    static func regularFileContents(_ path: String, limit: Int) -> Data? {
        var info = stat()
        guard lstat(path, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG else { return nil }
        let descriptor = open(path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC)
        guard descriptor >= 0 else { return nil }
        let handle = FileHandle(fileDescriptor: descriptor, closeOnDealloc: true)
        return try? handle.read(upToCount: limit)
    }
}
