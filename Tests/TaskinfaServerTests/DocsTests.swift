import Foundation
import HTTPTypes
import NIOCore
import NIOFoundationCompat
import TaskinfaCore
import Testing

@Suite struct DocsTests {
    @Test func theContractIsServedAsWrittenAndRendered() async throws {
        try await TestApp.run { api in
            let yaml = try await api.call(.get, "/api/openapi.yaml")
            #expect(yaml.status == .ok)
            #expect(yaml.text.hasPrefix("openapi: '3.1.0'"))
            let docs = try await api.call(.get, "/api/docs")
            #expect(docs.status == .ok)
            #expect(docs.headers[.contentType]?.hasPrefix("text/html") == true)
            for operation in ["op-createTask", "op-moveTask", "op-streamEvents", "schema-Task", "problem-validation"] {
                #expect(docs.text.contains("id=\"\(operation)\""), "missing \(operation)")
            }
            #expect(docs.headers[.contentSecurityPolicy]?.contains("default-src 'self'") == true)
        }
    }

    @Test func probesAnswer() async throws {
        try await TestApp.run { api in
            let health = try await api.call(.get, "/healthz")
            let ready = try await api.call(.get, "/readyz")
            #expect(health.status == .ok && ready.status == .ok)
            // Probes ignore credentials: a stale key or cookie a proxy sends along doesn't fail them.
            let withStaleKey = try await api.call(.get, "/healthz", as: .key("tk_revokedlongago0000000000000000"))
            let withStaleCookie = try await api.call(.get, "/readyz", as: .cookie("gone"))
            #expect(withStaleKey.status == .ok && withStaleCookie.status == .ok)
            #expect(try await api.call(.get, "/api/v1/auth/me", as: .key("tk_revokedlongago0000000000000000")).status == .unauthorized)
        }
    }
}
