import Foundation

/// What a worker sends of an execution's changes with its finish report: the unified diff of the
/// task branch against the default branch (text files only), and the files it left out of it
/// (binaries, files too large to review, past the size budget) by name and size, so that a
/// reviewer sees that they exist.
public struct ExecutionDiff: Equatable, Sendable {
    public enum OmissionReason: String, Codable, CaseIterable, Sendable {
        case binary
        case tooLarge = "too_large"
        case tooManyFiles = "too_many_files"
    }

    public struct OmittedFile: Codable, Equatable, Sendable {
        public var path: String
        public var size: Int?
        public var reason: OmissionReason

        public init(path: String, size: Int?, reason: OmissionReason) {
            self.path = path
            self.size = size
            self.reason = reason
        }
    }

    public var patch: String
    public var omitted: [OmittedFile]

    /// The budget of the patch as a whole (UTF-8 bytes).
    public static let maxPatchBytes = 5 * 1024 * 1024
    /// One file's share of it: a file whose patch is larger is listed instead of shown.
    public static let maxFilePatchBytes = 1024 * 1024
    public static let maxOmittedFiles = 10_000

    public init(patch: String, omitted: [OmittedFile] = []) {
        self.patch = patch
        self.omitted = omitted
    }

    public func validated(field: String = "diff") throws -> ExecutionDiff {
        var validator = Validator()
        if patch.utf8.count > Self.maxPatchBytes {
            validator.fail("\(field).patch", "must be at most \(Self.maxPatchBytes) bytes")
        }
        if omitted.count > Self.maxOmittedFiles {
            validator.fail("\(field).omitted", "must list at most \(Self.maxOmittedFiles) files")
        }
        for (index, file) in omitted.enumerated() {
            if file.path.isEmpty || file.path.utf8.count > 1000 {
                validator.fail("\(field).omitted[\(index)].path", "must be 1 to 1000 bytes")
            }
            if let size = file.size, size < 0 { validator.fail("\(field).omitted[\(index)].size", "must not be negative") }
        }
        try validator.throwIfInvalid()
        return self
    }
}
