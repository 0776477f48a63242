import Hummingbird
import TaskinfaStore

/// Liveness (`/healthz`: the process answers) and readiness (`/readyz`: it can reach its database).
enum HealthRoutes {
    static func add(to router: Router<AppRequestContext>, store: Store) {
        router.get("/healthz") { _, _ in
            Response(status: .ok, headers: [.contentType: "text/plain"], body: .init(byteBuffer: .init(string: "ok\n")))
        }
        router.get("/readyz") { _, _ in
            do {
                _ = try await store.events.latestSequence(workspace: "")
                return Response(status: .ok, headers: [.contentType: "text/plain"], body: .init(byteBuffer: .init(string: "ready\n")))
            } catch {
                return Response(
                    status: .serviceUnavailable, headers: [.contentType: "text/plain"],
                    body: .init(byteBuffer: .init(string: "database unavailable\n")))
            }
        }
    }
}
