import Foundation
import HTTPTypes
import TaskinfaCore
import Testing

@Suite struct ProfileTests {
    @Test func aPersonRenamesThemselvesButAKeyCannot() async throws {
        try await TestApp.run { api in
            let account = try await api.signUp()
            let renamed = try await api.call(.patch, "/api/v1/auth/me", json: ["name": "  Ann Smith  "], as: account.credential)
            #expect(renamed.status == .ok && renamed.json["user"]?["name"]?.string == "Ann Smith")
            #expect(try await api.call(.get, "/api/v1/auth/me", as: account.credential).json["user"]?["name"]?.string == "Ann Smith")
            let members = try await api.call(.get, "/api/v1/workspaces/\(account.workspaceID)/members", as: account.credential)
            #expect(members.json["members"]?[0]?["user"]?["name"]?.string == "Ann Smith")
            for bad in ["", "   ", String(repeating: "n", count: 101)] {
                let refused = try await api.call(.patch, "/api/v1/auth/me", json: ["name": .string(bad)], as: account.credential)
                #expect(refused.status == .badRequest && refused.problemFields == ["name"], "\(bad)")
            }
            let key = try await api.apiKey(for: account)
            #expect(try await api.call(.patch, "/api/v1/auth/me", json: ["name": "Mallory"], as: key).status == .forbidden)
            #expect(try await api.call(.patch, "/api/v1/auth/me", json: ["name": "Nobody"]).status == .unauthorized)
        }
    }
}
