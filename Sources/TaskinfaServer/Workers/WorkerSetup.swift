import TaskinfaCore

/// What the "add a worker" wizard hands out: the command line and a compose service, both with
/// the new key in them (shown once).
struct WorkerSetup {
    let serverURL: String
    let worker: Worker
    let secret: String

    var command: String {
        "taskinfa worker --server \(serverURL) --api-key \(secret)"
    }

    var composeService: String {
        let service = "taskinfa-worker-" + worker.name.lowercased().map { $0.isLetter || $0.isNumber ? String($0) : "-" }.joined()
        return """
            services:
              \(service):
                # Any image with the taskinfa binary, git and your agent CLI (e.g. claude) on its PATH.
                image: taskinfa-worker
                restart: unless-stopped
                command: ["taskinfa", "worker", "--server", "\(serverURL)", "--work-dir", "/work"]
                environment:
                  TASKINFA_API_KEY: "\(secret)"
                  # The agent CLI's own credentials, e.g. ANTHROPIC_API_KEY: "..."
                volumes:
                  - ./\(service):/work
            """
    }
}
