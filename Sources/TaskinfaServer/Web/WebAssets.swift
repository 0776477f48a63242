import Crypto
import CompressNIO
import Foundation
import NIOCore

/// The dashboard's files, read once at start-up from the bundled `Assets` folder: each with its
/// content type, an ETag from its bytes and, where it pays, a gzip copy made now rather than per
/// request.
///
/// Every file is served under `/ui/<fingerprint>/…`, where the fingerprint is a hash of all the
/// files together. The modules import each other by relative names, so one prefix fingerprints
/// them all, and a browser may cache anything under it forever: a new build has a new prefix.
/// Only `index.html`, which names the prefix, is revalidated on every load.
struct WebAssets: Sendable {
    struct File: Sendable {
        let body: ByteBuffer
        let gzipped: ByteBuffer?
        let contentType: String
        let etag: String
    }

    let fingerprint: String
    let files: [String: File]
    /// The page shell, with the fingerprint filled in.
    let index: File

    static func bundled() throws -> WebAssets {
        guard let root = Bundle.module.url(forResource: "Assets", withExtension: nil) else {
            throw WebAssetsError.missingFolder
        }
        return try WebAssets(folder: root)
    }

    init(folder: URL) throws {
        var sources: [(path: String, data: Data)] = []
        let base = folder.standardizedFileURL.path
        let walker = FileManager.default.enumerator(at: folder, includingPropertiesForKeys: [.isRegularFileKey])
        while let url = walker?.nextObject() as? URL {
            guard (try url.resourceValues(forKeys: [.isRegularFileKey])).isRegularFile == true else { continue }
            let path = String(url.standardizedFileURL.path.dropFirst(base.count + 1))
            sources.append((path, try Data(contentsOf: url)))
        }
        sources.sort { $0.path < $1.path }
        guard let shell = sources.first(where: { $0.path == "index.html" }) else { throw WebAssetsError.missingIndex }

        var digest = SHA256()
        for source in sources {
            digest.update(data: Data(source.path.utf8))
            digest.update(data: source.data)
        }
        let fingerprint = String(digest.finalize().map { String(format: "%02x", $0) }.joined().prefix(12))
        self.fingerprint = fingerprint

        var files: [String: File] = [:]
        for source in sources where source.path != "index.html" {
            files[source.path] = try Self.file(source.data, path: source.path)
        }
        self.files = files
        // Every module is named up front, so the browser fetches them all at once instead of
        // discovering them import by import (a waterfall of round trips before the first paint).
        let preload = sources.filter { $0.path.hasSuffix(".js") }
            .map { "<link rel=\"modulepreload\" href=\"/ui/\(fingerprint)/\($0.path)\">" }.joined(separator: "\n")
        let page = String(decoding: shell.data, as: UTF8.self)
            .replacingOccurrences(of: "{{PRELOAD}}", with: preload)
            .replacingOccurrences(of: "{{ASSETS}}", with: "/ui/\(fingerprint)")
        self.index = try Self.file(Data(page.utf8), path: "index.html")
    }

    private static func file(_ data: Data, path: String) throws -> File {
        let type = contentType(of: path)
        let etag = "\"" + SHA256.hash(data: data).prefix(8).map { String(format: "%02x", $0) }.joined() + "\""
        var body = ByteBuffer(bytes: data)
        var gzipped: ByteBuffer?
        // Text compresses well; PNGs and the like are compressed already.
        if type.hasPrefix("text/") || type.contains("javascript") || type.contains("json") || type.contains("svg"),
            data.count > 512
        {
            var input = body
            let compressed = try input.compress(with: .gzip())
            if compressed.readableBytes < data.count { gzipped = compressed }
        }
        body.moveReaderIndex(to: 0)
        return File(body: body, gzipped: gzipped, contentType: type, etag: etag)
    }

    static func contentType(of path: String) -> String {
        switch path.split(separator: ".").last.map(String.init) ?? "" {
        case "html": "text/html; charset=utf-8"
        case "css": "text/css; charset=utf-8"
        case "js": "text/javascript; charset=utf-8"
        case "json": "application/json"
        case "svg": "image/svg+xml"
        case "png": "image/png"
        case "ico": "image/x-icon"
        case "txt": "text/plain; charset=utf-8"
        default: "application/octet-stream"
        }
    }

    /// Compressed size of everything a first visit downloads (what the size budget counts).
    var transferSize: Int {
        ([index] + files.values).reduce(0) { $0 + ($1.gzipped?.readableBytes ?? $1.body.readableBytes) }
    }
}

enum WebAssetsError: Error, CustomStringConvertible {
    case missingFolder, missingIndex
    var description: String {
        switch self {
        case .missingFolder: "the dashboard's files are missing from the build (resource folder Assets)"
        case .missingIndex: "the dashboard's index.html is missing"
        }
    }
}
