// The HTTP contract: `openapi.yaml` in this folder is the source of truth, and the Swift OpenAPI
// generator turns it into the types, the server protocol and the client used everywhere else.
public import Foundation

/// The contract as shipped with the binary: served at `/api/openapi.yaml`, rendered at `/api/docs`.
public enum OpenAPIDocument {
    public static func yaml() throws -> String {
        guard let url = Bundle.module.url(forResource: "openapi", withExtension: "yaml") else {
            throw CocoaError(.fileNoSuchFile)
        }
        return try String(contentsOf: url, encoding: .utf8)
    }
}
