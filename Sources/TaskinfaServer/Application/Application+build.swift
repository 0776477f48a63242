import Foundation
import Hummingbird
import Logging
import OpenAPIRuntime
import ServiceLifecycle
import TaskinfaAPI
import TaskinfaCore
import TaskinfaStore

/// The composition root: store, services and routes, wired once. `taskinfa serve` runs what this
/// returns, and the tests drive the very same application.
/// `onServerRunning` gets the bound port once the server listens (useful with port 0).
public func buildApplication(
    configuration: ServerConfiguration, logger: Logger? = nil,
    onServerRunning: (@Sendable (Int) async -> Void)? = nil
) throws -> some ApplicationProtocol {
    var configuredLogger = logger ?? Logger(label: "taskinfa")
    configuredLogger.logLevel = configuration.logLevel
    let logger = configuredLogger
    let location = try configuration.databaseLocation()
    let database = try Database(location: location, logger: logger, readTimeLimit: configuration.readTimeLimit)
    let store = Store(database: database, clock: configuration.clock, random: configuration.random)
    let hub = EventHub(store: store, logger: logger)
    let secrets = try configuration.secretBox
        ?? SecretKeySource.load(environment: ProcessInfo.processInfo.environment, dataDirectory: configuration.dataDirectory)

    let router = Router(context: AppRequestContext.self)
    router.middlewares.add(RequestTaskMiddleware())
    router.middlewares.add(SecurityHeadersMiddleware(alwaysHTTPS: configuration.secureCookies, trustProxy: configuration.trustProxy))
    router.middlewares.add(ProblemMiddleware())
    router.middlewares.add(RequestBodyMiddleware(maxBodySize: configuration.maxBodySize))

    let streams = OpenStreams(
        store: store, interval: configuration.streamCredentialInterval, logger: logger, perOwnerLimit: configuration.streamsPerOwner)
    let waiters = CommitWaiters(commits: database.commits)
    let api = APIImplementation(
        store: store, access: Access(store: store), passwords: PasswordHasher(cost: configuration.bcryptCost),
        configuration: configuration, hub: hub, streams: streams, waiters: waiters, secrets: secrets,
        identityProvider: configuration.singleSignOn.map(OIDCProvider.init(settings:)))
    // Only the API needs a caller: probes, the docs page and the contract never cost a credential
    // lookup (a load balancer's health checks, a browser sending its cookie along).
    let apiRoutes = router.group().add(middleware: AuthMiddleware(store: store, configuration: configuration))
    // Keys are not sorted: sorting every object's keys cost a twentieth of a board page's time,
    // and no client reads JSON by key order.
    try api.registerHandlers(
        on: RouterTransport(routes: apiRoutes), serverURL: URL(string: "/api/v1")!,
        configuration: .init(dateTranscoder: RFC3339DateTranscoder(), jsonEncodingOptions: [.withoutEscapingSlashes]),
        middlewares: [AuditTrail(store: store, logger: logger)])
    HealthRoutes.add(to: router, store: store)
    try DocsRoutes.add(to: router)
    WebRoutes.add(to: router, assets: try WebAssets.bundled())

    var app = Application(
        router: router,
        server: .http1(configuration: .init(additionalChannelHandlers: [ClientHangUpHandler()])),
        configuration: .init(address: .hostname(configuration.host, port: configuration.port), serverName: "taskinfa"),
        services: [
            database, hub, waiters, streams,
            LeaseReaper(store: store, interval: configuration.leaseReaperInterval, logger: logger),
            Pruner.rateLimits(store: store, logger: logger), Pruner.auditLog(store: store, logger: logger),
        ] + mailServices(configuration, store: store, logger: logger),
        onServerRunning: { channel in await onServerRunning?(channel.localAddress?.port ?? configuration.port) },
        logger: logger)
    app.beforeServerStarts {
        try await database.prepare()
        logger.info("database ready", metadata: ["database": "\(location)"])
        try await SecretKeySource.checkStored(store: store, secrets: secrets)
    }
    return app
}

/// The outbox's sender, when a mail server is configured (without one nothing is ever queued).
private func mailServices(_ configuration: ServerConfiguration, store: Store, logger: Logger) -> [any Service] {
    guard let smtp = configuration.smtp else { return [] }
    let heloName = URL(string: configuration.linkBase)?.host ?? "localhost"
    let client = SMTPClient(settings: smtp, heloName: heloName)
    return [MailDeliveryService(store: store, client: client, interval: configuration.mailInterval, logger: logger)]
}

/// RFC 3339 timestamps with milliseconds out, with or without fractions in.
struct RFC3339DateTranscoder: DateTranscoder {
    func encode(_ date: Date) throws -> String { Timestamp.rfc3339(date) }

    func decode(_ text: String) throws -> Date {
        guard let date = Timestamp.parse(text) else {
            throw DecodingError.dataCorrupted(.init(codingPath: [], debugDescription: "not an RFC 3339 timestamp: \(text)"))
        }
        return date
    }
}
