import Foundation
import TaskinfaAPI
import TaskinfaContract
import TaskinfaCore
import TaskinfaStore

extension APIImplementation {
    func getAnalytics(_ input: Operations.GetAnalytics.Input) async throws -> Operations.GetAnalytics.Output {
        let scope = try await access.workspace(input.path.workspaceId)
        let period = try AnalyticsPeriod.parse(input.query.period?.rawValue)
        let report = try await store.analytics.report(scope, period: period, projectID: input.query.projectId)
        return .ok(.init(body: .json(.init(report))))
    }

    func getOverview(_ input: Operations.GetOverview.Input) async throws -> Operations.GetOverview.Output {
        let scope = try await access.workspace(input.path.workspaceId)
        let workers = try await store.workers.list(scope)
        let now = store.now()
        let online = workers.filter { $0.status(at: now, offlineAfter: configuration.leases.offlineAfter) != .offline }.count
        let overview = try await store.overview.overview(scope, workersOnline: online, workersTotal: workers.count)
        return .ok(.init(body: .json(.init(overview))))
    }
}

extension Components.Schemas.Analytics {
    init(_ report: AnalyticsReport) {
        self.init(
            period: .init(rawValue: report.period.rawValue) ?? .week, projectId: report.projectID,
            buckets: report.buckets.map {
                .init(start: $0.interval.start, end: $0.interval.end, done: $0.done, created: $0.created, remaining: $0.remaining)
            },
            statusCounts: .init(report.statusCounts),
            cycleTimes: report.cycleTimes.map {
                .init(priority: .init($0.priority), count: $0.count, p50Seconds: $0.p50, p90Seconds: $0.p90)
            },
            workers: report.workers.map(Components.Schemas.AgentFigures.init),
            executors: report.executors.map(Components.Schemas.AgentFigures.init),
            stopReasons: report.stopReasons.map { .init(outcome: $0.outcome.rawValue, reason: $0.reason, count: $0.count) },
            bottlenecks: report.bottlenecks.map {
                .init(
                    taskId: $0.taskID, key: $0.key, title: $0.title, status: .init($0.status), ageSeconds: $0.age,
                    columnMedianSeconds: $0.columnMedian)
            })
    }
}

extension Components.Schemas.AgentFigures {
    init(_ figures: AnalyticsReport.AgentFigures) {
        self.init(
            id: figures.id, name: figures.name, runs: figures.runs, succeeded: figures.succeeded,
            successRate: figures.successRate, meanLoops: figures.meanLoops, meanDurationSeconds: figures.meanDuration,
            retries: figures.retries, inputTokens: figures.inputTokens, outputTokens: figures.outputTokens,
            costUsd: figures.costUSD)
    }
}

extension Components.Schemas.Overview {
    init(_ overview: WorkspaceOverview) {
        self.init(
            workersOnline: overview.workersOnline, workersTotal: overview.workersTotal,
            projects: overview.projects.map { card in
                .init(
                    projectId: card.projectID, key: card.key, name: card.name, counts: .init(card.counts), running: card.running,
                    flagged: card.flagged,
                    latestEvent: card.latest.map {
                        .init(_type: $0.type, taskKey: $0.taskKey, actorName: $0.actorName, createdAt: $0.at)
                    })
            })
    }
}
