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
            let root = try await api.call(.get, "/")
            #expect(root.status == .seeOther && root.headers[.location] == "/api/docs")
        }
    }

    @Test func probesAnswer() async throws {
        try await TestApp.run { api in
            let health = try await api.call(.get, "/healthz")
            let ready = try await api.call(.get, "/readyz")
            #expect(health.status == .ok && ready.status == .ok)
        }
    }
}
