import Foundation
import OpenAPIRuntime
import TaskinfaAPI
import TaskinfaContract
import TaskinfaCore
import TaskinfaStore

extension APIImplementation {
    func listExecutions(_ input: Operations.ListExecutions.Input) async throws -> Operations.ListExecutions.Output {
        let scope = try await access.task(input.path.taskId)
        let executions = try await store.executions.list(scope, taskRef: input.path.taskId)
        return .ok(.init(body: .json(.init(executions: executions.map(Components.Schemas.Execution.init)))))
    }

    func getExecution(_ input: Operations.GetExecution.Input) async throws -> Operations.GetExecution.Output {
        let scope = try await access.task(input.path.taskId)
        let execution = try await store.executions.get(scope, taskRef: input.path.taskId, id: input.path.executionId)
        return .ok(.init(body: .json(.init(execution))))
    }

    func getExecutionLogs(_ input: Operations.GetExecutionLogs.Input) async throws -> Operations.GetExecutionLogs.Output {
        let scope = try await access.task(input.path.taskId)
        let (taskRef, id) = (input.path.taskId, input.path.executionId)
        var after = input.query.after ?? 0
        if let header = input.headers.lastEventID, let value = Int64(header) { after = value }
        let limit = try pageLimit(input.query.limit ?? 500, max: 1000)
        let execution = try await store.executions.get(scope, taskRef: taskRef, id: id)
        if RequestInfo.current.wantsEventStream {
            let stream = LogStream(
                scope: scope, taskRef: taskRef, executionID: id, after: after, store: store, waiters: waiters,
                keepAlive: configuration.keepAliveInterval, bufferLimit: configuration.streamBufferLimit,
                stallPatience: configuration.streamStallPatience,
                connection: RequestInfo.current.connection, streams: streams,
                ticket: try await streams.admitCurrent(workspaceID: scope.workspaceID))
            return .ok(.init(body: .textEventStream(HTTPBody(stream.bytes(), length: .unknown, iterationBehavior: .single))))
        }
        let entries = try await store.executions.logs(scope, taskRef: taskRef, id: id, after: after, limit: limit)
        return .ok(
            .init(
                body: .json(
                    .init(
                        entries: entries.map(Components.Schemas.LogEntry.init), lastSequence: entries.last?.sequence ?? after,
                        running: execution.status == .running))))
    }

    func appendExecutionLogs(_ input: Operations.AppendExecutionLogs.Input) async throws
        -> Operations.AppendExecutionLogs.Output
    {
        let scope = try await access.task(input.path.taskId)
        guard case .json(let body) = input.body else { throw ValidationError(field: "body", message: "must be JSON") }
        let entries = body.entries.map {
            ExecutionRepository.LogEntry(stream: $0.stream.rawValue, loop: $0.loop ?? nil, text: $0.text)
        }
        let last = try await store.executions.appendLogs(
            scope, taskRef: input.path.taskId, id: input.path.executionId, entries: entries)
        return .ok(.init(body: .json(.init(lastSequence: last))))
    }

    func finishExecution(_ input: Operations.FinishExecution.Input) async throws -> Operations.FinishExecution.Output {
        let scope = try await access.task(input.path.taskId)
        guard case .json(let body) = input.body else { throw ValidationError(field: "body", message: "must be JSON") }
        let report = try ExecutionReport(
            outcome: body.outcome.domain, reason: body.reason ?? nil, summary: body.summary ?? nil,
            loops: body.loops ?? 0, errors: body.errors ?? 0, filesChanged: body.filesChanged ?? [],
            inputTokens: body.inputTokens ?? nil, outputTokens: body.outputTokens ?? nil, costUSD: body.costUsd ?? nil,
            branch: body.branch ?? nil, commit: body.commit ?? nil,
            diff: body.diff.map { upload in
                ExecutionDiff(
                    patch: upload.patch,
                    omitted: (upload.omitted ?? []).map {
                        .init(path: $0.path, size: $0.size ?? nil, reason: .init(rawValue: $0.reason.rawValue) ?? .binary)
                    })
            },
            commands: body.commands ?? []
        ).validated()
        // What the agent did, for the audit log: its commands, the files it changed, what it cost.
        RequestInfo.current.responseNotes?.audit {
            $0.details = AuditNaming.details(ofRun: report, taskID: input.path.taskId)
        }
        let (execution, task) = try await store.executions.finish(
            scope, taskRef: input.path.taskId, id: input.path.executionId, report: report)
        return .ok(.init(body: .json(.init(execution: .init(execution), task: .init(task)))))
    }

    func requestCompletion(_ input: Operations.RequestCompletion.Input) async throws -> Operations.RequestCompletion.Output {
        let scope = try await access.task(input.path.taskId)
        var summary: String?
        if case .json(let body)? = input.body {
            summary = try TextRules.body(body.summary ?? nil, field: "summary", maxLength: 20_000)
        }
        let execution = try await store.executions.requestCompletion(
            scope, taskRef: input.path.taskId, id: input.path.executionId, summary: summary)
        return .ok(.init(body: .json(.init(execution))))
    }

    func cancelExecution(_ input: Operations.CancelExecution.Input) async throws -> Operations.CancelExecution.Output {
        let scope = try await access.task(input.path.taskId)
        let execution = try await store.executions.requestCancel(scope, taskRef: input.path.taskId, id: input.path.executionId)
        return .ok(.init(body: .json(.init(execution))))
    }

    func getExecutionDiff(_ input: Operations.GetExecutionDiff.Input) async throws -> Operations.GetExecutionDiff.Output {
        let scope = try await access.task(input.path.taskId)
        let diff = try await store.diffs.get(scope, taskRef: input.path.taskId, executionID: input.path.executionId)
        let files = UnifiedDiff.parse(diff.patch)
        return .ok(
            .init(
                body: .json(
                    .init(
                        executionId: input.path.executionId, additions: files.reduce(0) { $0 + $1.additions },
                        deletions: files.reduce(0) { $0 + $1.deletions }, files: files.map(Components.Schemas.DiffFile.init),
                        omitted: diff.omitted.map(Components.Schemas.DiffOmittedFile.init)))))
    }
}

extension Components.Schemas.DiffFile {
    init(_ file: UnifiedDiff.File) {
        self.init(
            path: file.path, oldPath: file.oldPath, change: .init(rawValue: file.change.rawValue) ?? .modified,
            additions: file.additions, deletions: file.deletions, binary: file.binary,
            hunks: file.hunks.map { hunk in
                .init(
                    header: hunk.header,
                    lines: hunk.lines.map {
                        .init(kind: .init(rawValue: $0.kind.rawValue) ?? .note, text: $0.text, oldLine: $0.oldLine, newLine: $0.newLine)
                    })
            })
    }
}

extension Components.Schemas.DiffOmittedFile {
    init(_ file: ExecutionDiff.OmittedFile) {
        self.init(path: file.path, size: file.size, reason: .init(rawValue: file.reason.rawValue) ?? .binary)
    }
}

extension Components.Schemas.LogEntry {
    init(_ entry: ExecutionRepository.LogEntry) {
        self.init(
            sequence: entry.sequence, stream: .init(rawValue: entry.stream) ?? .system, loop: entry.loop, text: entry.text,
            createdAt: entry.createdAt)
    }
}
