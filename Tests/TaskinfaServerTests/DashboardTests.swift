import Foundation
import HTTPTypes
import NIOCore
import TaskinfaCore
@testable import TaskinfaServer
import Testing

/// The dashboard as the server serves it: the page shell at every address the page routes, its
/// files fingerprinted, cached, compressed and under the content security policy.
@Suite struct DashboardTests {
    @Test func everyPageAddressGivesTheShellUnderTheCSP() async throws {
        try await TestApp.run { api in
            for path in ["/", "/signin", "/signup", "/onboarding", "/new-workspace", "/w/ws_x", "/w/ws_x/tasks/WEB-1", "/w/ws_x/settings/api-keys"] {
                let page = try await api.call(.get, path)
                #expect(page.status == .ok, "\(path)")
                #expect(page.headers[.contentType]?.hasPrefix("text/html") == true)
                #expect(page.headers[.cacheControl] == "no-cache")
                let policy = try #require(page.headers[.contentSecurityPolicy])
                #expect(policy.contains("default-src 'self'") && policy.contains("frame-ancestors 'none'") && !policy.contains("unsafe-inline"))
                #expect(page.text.contains("<script type=\"module\" src=\"/ui/"))
                #expect(!page.text.contains("{{ASSETS}}"))
            }
            #expect(try await api.call(.get, "/nowhere").status == .notFound)
        }
    }

    @Test func filesAreFingerprintedCachedForeverAndCompressedOnce() async throws {
        try await TestApp.run { api in
            let shell = try await api.call(.get, "/").text
            let script = try #require(shell.split(separator: "\"").first { $0.hasPrefix("/ui/") && $0.hasSuffix("/app.js") }.map(String.init))
            let plain = try await api.call(.get, script)
            #expect(plain.status == .ok && plain.headers[.contentType] == "text/javascript; charset=utf-8")
            #expect(plain.headers[.cacheControl] == "public, max-age=31536000, immutable")
            #expect(plain.headers[.contentEncoding] == nil)
            let zipped = try await api.call(.get, script, headers: [.acceptEncoding: "br, gzip;q=0.8"])
            #expect(zipped.headers[.contentEncoding] == "gzip" && zipped.headers[.vary] == "Accept-Encoding")
            #expect(zipped.body.readableBytes < plain.body.readableBytes)
            let refused = try await api.call(.get, script, headers: [.acceptEncoding: "gzip;q=0"])
            #expect(refused.headers[.contentEncoding] == nil)
            let etag = try #require(plain.headers[.eTag])
            let again = try await api.call(.get, script, headers: [.ifNoneMatch: etag])
            #expect(again.status == .notModified && again.body.readableBytes == 0)
            // A tab of an earlier build asks by its own fingerprint: today's file, not cached.
            let stale = try await api.call(.get, "/ui/000000000000/app.js")
            #expect(stale.status == .ok && stale.headers[.cacheControl] == "no-cache")
            for path in ["/ui/000000000000/nothing.js", "/ui/000000000000/../index.html", "/ui/x/%2e%2e/%2e%2e/etc/passwd"] {
                #expect(try await api.call(.get, path).status == .notFound, "\(path)")
            }
        }
    }

    /// The whole UI a first visit downloads stays small (the budget: 150 KB compressed).
    @Test func theUIStaysWithinItsSizeBudget() throws {
        let assets = try WebAssets.bundled()
        #expect(assets.transferSize < 150 * 1024, "the UI is \(assets.transferSize) bytes compressed")
        #expect(assets.files.keys.contains("app.js") && assets.files.keys.contains("i18n/en.js"))
        #expect(assets.fingerprint.count == 12)
    }

    @Test(arguments: [
        ("gzip", true), ("GZIP", true), ("deflate, gzip;q=0.5", true), ("*", true), ("gzip;q=0", false),
        ("identity", false), ("", false),
    ])
    func acceptEncodingIsRead(header: String, gzip: Bool) {
        #expect(WebRoutes.acceptsGzip(header.isEmpty ? [:] : [.acceptEncoding: header]) == gzip)
    }
}
