import TaskinfaCore

/// The two pieces of `git diff` text the worker bounds before sending: `--numstat -z` records,
/// and a patch cut to a per-file and a total budget at file boundaries.
enum DiffStat {
    struct Entry: Equatable {
        var path: String
        var binary: Bool
        var changedLines: Int
    }

    /// `added TAB deleted TAB path NUL`, or for a rename `added TAB deleted TAB NUL old NUL new NUL`;
    /// a binary file counts `-` for both.
    static func parse(_ text: String) -> [Entry] {
        var entries: [Entry] = []
        var fields = text.split(separator: "\0", omittingEmptySubsequences: false).makeIterator()
        while let record = fields.next() {
            let parts = record.split(separator: "\t", maxSplits: 2, omittingEmptySubsequences: false)
            guard parts.count == 3 else { continue }
            var path = String(parts[2])
            if path.isEmpty {
                _ = fields.next()
                path = fields.next().map(String.init) ?? ""
            }
            guard !path.isEmpty else { continue }
            let binary = parts[0] == "-" && parts[1] == "-"
            entries.append(Entry(path: path, binary: binary, changedLines: (Int(parts[0]) ?? 0) + (Int(parts[1]) ?? 0)))
        }
        return entries
    }

    /// Keeps whole files' patches while they fit: a file over `fileLimit`, or one that would take the
    /// total past `totalLimit`, is dropped and named.
    static func bound(_ patch: String, fileLimit: Int, totalLimit: Int) -> (kept: String, dropped: [String]) {
        var kept = ""
        var total = 0
        var dropped: [String] = []
        for file in split(patch) {
            let size = file.utf8.count
            if size > fileLimit || total + size > totalLimit {
                let path = UnifiedDiff.parse(file).first?.path ?? ""
                if !path.isEmpty { dropped.append(path) }
                continue
            }
            kept += file
            total += size
        }
        return (kept, dropped)
    }

    /// The patch cut before each `diff --git` line.
    static func split(_ patch: String) -> [String] {
        var files: [String] = []
        var current = ""
        for line in patch.split(separator: "\n", omittingEmptySubsequences: false).dropLast(patch.hasSuffix("\n") ? 1 : 0) {
            if line.hasPrefix("diff --git "), !current.isEmpty {
                files.append(current)
                current = ""
            }
            current += line + "\n"
        }
        if !current.isEmpty { files.append(current) }
        return files
    }
}
