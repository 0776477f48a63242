import Foundation
import TaskinfaAPI
import TaskinfaContract
import TaskinfaCore
import TaskinfaStore

extension APIImplementation {
    func listSavedFilters(_ input: Operations.ListSavedFilters.Input) async throws -> Operations.ListSavedFilters.Output {
        let scope = try await access.workspace(input.path.workspaceId)
        let filters = try await store.savedFilters.list(scope)
        return .ok(.init(body: .json(.init(savedFilters: filters.map(Components.Schemas.SavedFilter.init)))))
    }

    func createSavedFilter(_ input: Operations.CreateSavedFilter.Input) async throws -> Operations.CreateSavedFilter.Output {
        let scope = try await access.workspace(input.path.workspaceId)
        guard case .json(let body) = input.body else { throw ValidationError(field: "body", message: "must be JSON") }
        var validator = Validator()
        let name = validator.check { try SavedFilter.validName(body.name) }
        let filter = validator.check { try SavedFilter.validFilter(body.filters.domain()) }
        try validator.throwIfInvalid()
        let saved = try await store.savedFilters.create(scope, name: name!, filter: filter!)
        return .created(.init(body: .json(.init(saved))))
    }

    func updateSavedFilter(_ input: Operations.UpdateSavedFilter.Input) async throws -> Operations.UpdateSavedFilter.Output {
        let scope = try await access.savedFilter(input.path.filterId)
        guard case .json(let body) = input.body else { throw ValidationError(field: "body", message: "must be JSON") }
        var validator = Validator()
        let name = validator.check { try body.name.map(SavedFilter.validName) }
        let filter = validator.check { try body.filters.map { try SavedFilter.validFilter($0.domain()) } }
        try validator.throwIfInvalid()
        let saved = try await store.savedFilters.update(scope, id: input.path.filterId, name: name ?? nil, filter: filter ?? nil)
        return .ok(.init(body: .json(.init(saved))))
    }

    func deleteSavedFilter(_ input: Operations.DeleteSavedFilter.Input) async throws -> Operations.DeleteSavedFilter.Output {
        let scope = try await access.savedFilter(input.path.filterId)
        try await store.savedFilters.delete(scope, id: input.path.filterId)
        return .noContent(.init())
    }
}
