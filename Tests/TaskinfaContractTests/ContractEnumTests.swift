import Testing
import TaskinfaAPI
import TaskinfaCore

@testable import TaskinfaContract

/// Every enum the contract and the domain share maps each case to its namesake and back.
@Suite struct ContractEnumTests {
    private func roundTrips<Schema: CaseIterable & RawRepresentable & Equatable, Domain: CaseIterable & RawRepresentable & Equatable>(
        _ schema: Schema.Type, _ domain: Domain.Type, toSchema: (Domain) -> Schema, toDomain: (Schema) -> Domain
    ) where Schema.RawValue == String, Domain.RawValue == String {
        #expect(Schema.allCases.count == Domain.allCases.count, "\(Schema.self) and \(Domain.self) differ in size")
        for value in Domain.allCases {
            #expect(toSchema(value).rawValue == value.rawValue)
            #expect(toDomain(toSchema(value)) == value)
        }
        for value in Schema.allCases { #expect(toSchema(toDomain(value)) == value) }
    }

    @Test func everySharedEnumRoundTrips() {
        roundTrips(Components.Schemas.Role.self, Role.self, toSchema: Components.Schemas.Role.init, toDomain: \.domain)
        roundTrips(Components.Schemas.TaskStatus.self, TaskStatus.self, toSchema: Components.Schemas.TaskStatus.init, toDomain: \.domain)
        roundTrips(Components.Schemas.TaskPriority.self, TaskPriority.self, toSchema: Components.Schemas.TaskPriority.init, toDomain: \.domain)
        roundTrips(Components.Schemas.TaskSort.self, TaskSort.self, toSchema: Components.Schemas.TaskSort.init, toDomain: \.domain)
        roundTrips(Components.Schemas.SortOrder.self, SortDirection.self, toSchema: Components.Schemas.SortOrder.init, toDomain: \.domain)
        roundTrips(Components.Schemas.CommentType.self, CommentKind.self, toSchema: Components.Schemas.CommentType.init, toDomain: \.domain)
        roundTrips(Components.Schemas.Actor._TypePayload.self, Actor.Kind.self, toSchema: Components.Schemas.Actor._TypePayload.init, toDomain: \.domain)
        roundTrips(Components.Schemas.WorkerStatus.self, WorkerStatus.self, toSchema: Components.Schemas.WorkerStatus.init, toDomain: \.domain)
        roundTrips(Components.Schemas.WorkerConfiguration.ExecutorPayload.self, ExecutorKind.self, toSchema: Components.Schemas.WorkerConfiguration.ExecutorPayload.init, toDomain: \.domain)
        roundTrips(Components.Schemas.WorkerConfiguration.SandboxPayload.self, SandboxMode.self, toSchema: Components.Schemas.WorkerConfiguration.SandboxPayload.init, toDomain: \.domain)
        roundTrips(Components.Schemas.Execution.KindPayload.self, ExecutionKind.self, toSchema: Components.Schemas.Execution.KindPayload.init, toDomain: \.domain)
        roundTrips(Components.Schemas.Execution.StatusPayload.self, ExecutionStatus.self, toSchema: Components.Schemas.Execution.StatusPayload.init, toDomain: \.domain)
        roundTrips(Components.Schemas.Dependency.KindPayload.self, DependencyKind.self, toSchema: Components.Schemas.Dependency.KindPayload.init, toDomain: \.domain)
        roundTrips(Components.Schemas.AddDependencyRequest.KindPayload.self, DependencyKind.self, toSchema: Components.Schemas.AddDependencyRequest.KindPayload.init, toDomain: \.domain)
        roundTrips(Components.Schemas.KeyScope.self, KeyScope.self, toSchema: Components.Schemas.KeyScope.init, toDomain: \.domain)
        roundTrips(Components.Schemas.Invitation.StatePayload.self, Invitation.State.self, toSchema: Components.Schemas.Invitation.StatePayload.init, toDomain: \.domain)
        roundTrips(Components.Schemas.MailDelivery.StatePayload.self, MailDelivery.State.self, toSchema: Components.Schemas.MailDelivery.StatePayload.init, toDomain: \.domain)
    }

    @Test func aWorkerReportsEveryFinalOutcomeButExpiry() {
        typealias Outcome = Components.Schemas.FinishExecutionRequest.OutcomePayload
        for status in ExecutionStatus.allCases {
            let outcome = Outcome(status)
            #expect((outcome == nil) == (status == .running || status == .expired), "\(status)")
            #expect(outcome.map { $0.domain == status } ?? true)
            #expect(outcome.map { $0.rawValue == status.rawValue } ?? true)
        }
        #expect(Outcome.allCases.allSatisfy { Outcome($0.domain) == $0 })
    }
}
