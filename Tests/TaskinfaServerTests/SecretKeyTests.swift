import Foundation
import HTTPTypes
import HummingbirdTesting
import Logging
import TaskinfaCore
import TaskinfaServer
import TaskinfaStore
import Testing

/// The key that seals stored secrets: where it comes from, that a wrong one stops the server,
/// and that rotating it re-seals everything without losing a secret.
@Suite struct SecretKeyTests {
    static func folder() throws -> String { try TestDatabase.temporaryDirectory() }

    @Test func theKeyFileIsCreatedPrivateAndAnExposedOneIsRefused() throws {
        let folder = try Self.folder()
        let box = try SecretKeySource.load(environment: [:], dataDirectory: folder)
        let file = URL(fileURLWithPath: folder).appendingPathComponent("secret.key")
        let mode = try FileManager.default.attributesOfItem(atPath: file.path)[.posixPermissions] as? Int
        #expect(mode == 0o600)
        #expect(try SecretKeySource.load(environment: [:], dataDirectory: folder).current.id == box.current.id, "the same key next time")
        try FileManager.default.setAttributes([.posixPermissions: 0o644], ofItemAtPath: file.path)
        #expect(throws: SecretKeyError.self) { try SecretKeySource.load(environment: [:], dataDirectory: folder) }
    }

    @Test func theEnvironmentsKeyWinsAndMustBe32Bytes() throws {
        let text = SecretBox.Key.generate().text
        let box = try SecretKeySource.load(environment: ["TASKINFA_SECRET_KEY": text], dataDirectory: try Self.folder())
        #expect(box.current.id == (try SecretKeySource.parse(text)).id)
        #expect(throws: SecretKeyError.self) {
            try SecretKeySource.load(environment: ["TASKINFA_SECRET_KEY": "c2hvcnQ="], dataDirectory: try Self.folder())
        }
        let hex = String(repeating: "ab", count: 32)
        #expect(try SecretKeySource.parse(hex).id == (try SecretBox.Key(bytes: Array(repeating: 0xab, count: 32))).id)
    }

    @Test func sealedValuesOpenOnlyWithTheirKeyAndPlace() throws {
        let box = SecretBox(current: SecretBox.Key.generate().key)
        let sealed = try box.seal("seed", context: "users.totp_secret:usr_1")
        #expect(try box.open(sealed, context: "users.totp_secret:usr_1") == "seed")
        #expect(sealed != (try box.seal("seed", context: "users.totp_secret:usr_1")), "a fresh nonce each time")
        #expect(throws: (any Error).self) { try box.open(sealed, context: "users.totp_secret:usr_2") }
        let stranger = SecretBox(current: SecretBox.Key.generate().key)
        #expect(throws: SecretKeyError.self) { try stranger.open(sealed, context: "users.totp_secret:usr_1") }
    }

    @Test func rotatingReSealsEverySecretAndTheServerStillSignsIn() async throws {
        let time = ManualClock()
        let folder = try Self.folder()
        let original = try SecretKeySource.load(environment: [:], dataDirectory: folder)
        let configuration = try await TestApp.configured {
            $0.clock = time.clock
            $0.dataDirectory = folder
            $0.secretBox = nil
        }
        let first = try buildApplication(configuration: configuration)
        try await first.test(.router) { client in
            let api = API(client: client)
            let ann = try await api.signUp("Ann")
            let seed = try await TwoFactorTests.enrol(api, ann, at: time).seed
            let email = ann.email
            try await TwoFactorTests.withStore(configuration) { store in
                let result = try await SecretKeyRotation.rotate(store: store, environment: [:], dataDirectory: folder)
                #expect(result.resealed == 1 && result.keyID != original.current.id)
                #expect(try await store.sealedSecrets.all().allSatisfy { SecretBox.keyID(of: $0.sealed) == result.keyID })
            }
            #expect(!FileManager.default.fileExists(atPath: folder + "/secret.key.next"))
            // A server started now reads the new key and the seed it sealed.
            let second = try buildApplication(configuration: configuration)
            let code = TwoFactorTests.code(seed, at: time.now.addingTimeInterval(30))
            time.advance(by: 30)
            try await second.test(.router) { client in
                let reply = try await TwoFactorTests.login(API(client: client), email, code: code)
                #expect(reply.status == .ok, "\(reply.text)")
            }
        }
    }

    @Test func aServerWithAnotherKeyRefusesToStart() async throws {
        let time = ManualClock()
        let configuration = try await TestApp.configured { $0.clock = time.clock }
        let first = try buildApplication(configuration: configuration)
        try await first.test(.router) { client in
            let api = API(client: client)
            _ = try await TwoFactorTests.enrol(api, try await api.signUp("Ann"), at: time)
        }
        let stranger = SecretBox(current: SecretBox.Key.generate().key)
        try await TwoFactorTests.withStore(configuration) { store in
            await #expect(throws: SecretKeyError.self) { try await SecretKeySource.checkStored(store: store, secrets: stranger) }
            try await SecretKeySource.checkStored(store: store, secrets: try #require(configuration.secretBox))
        }
    }
}
