import Foundation
import Hummingbird
import TaskinfaAPI

/// The contract as served: `/api/openapi.yaml` (the file the code is generated from) and
/// `/api/docs`, a reference page rendered from it on its first request (parsing the YAML costs
/// a few hundred milliseconds of CPU, which start-up need not pay) and kept.
enum DocsRoutes {
    private static let page = Result { try APIReferencePage.render(yaml: OpenAPIDocument.yaml()) }

    static func add(to router: Router<AppRequestContext>) throws {
        let yaml = try OpenAPIDocument.yaml()
        router.get("/api/openapi.yaml") { _, _ in
            Response(
                status: .ok, headers: [.contentType: "application/yaml; charset=utf-8"],
                body: .init(byteBuffer: .init(string: yaml)))
        }
        router.get("/api/docs") { _, _ in
            Response(
                status: .ok, headers: [.contentType: "text/html; charset=utf-8"],
                body: .init(byteBuffer: .init(string: try page.get())))
        }
        router.get("/api/docs/style.css") { _, _ in
            Response(
                status: .ok, headers: [.contentType: "text/css; charset=utf-8"],
                body: .init(byteBuffer: .init(string: APIReferencePage.stylesheet)))
        }
    }
}
