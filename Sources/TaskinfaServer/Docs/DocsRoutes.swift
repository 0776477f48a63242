import Foundation
import Hummingbird
import TaskinfaAPI

/// The contract as served: `/api/openapi.yaml` (the file the code is generated from) and
/// `/api/docs`, a reference page rendered from it once at start-up.
enum DocsRoutes {
    static func add(to router: Router<AppRequestContext>) throws {
        let yaml = try OpenAPIDocument.yaml()
        let page = try APIReferencePage.render(yaml: yaml)
        router.get("/api/openapi.yaml") { _, _ in
            Response(
                status: .ok, headers: [.contentType: "application/yaml; charset=utf-8"],
                body: .init(byteBuffer: .init(string: yaml)))
        }
        router.get("/api/docs") { _, _ in
            Response(
                status: .ok, headers: [.contentType: "text/html; charset=utf-8"], body: .init(byteBuffer: .init(string: page)))
        }
        router.get("/api/docs/style.css") { _, _ in
            Response(
                status: .ok, headers: [.contentType: "text/css; charset=utf-8"],
                body: .init(byteBuffer: .init(string: APIReferencePage.stylesheet)))
        }
    }
}
