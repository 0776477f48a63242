import Foundation
import HummingbirdOTP
import TaskinfaAPI
import TaskinfaCore
import TaskinfaStore

extension APIImplementation {
    var secondFactor: SecondFactor { SecondFactor(store: store, secrets: secrets) }

    func getTwoFactor(_ input: Operations.GetTwoFactor.Input) async throws -> Operations.GetTwoFactor.Output {
        let (user, _) = try Access.signedInUser()
        let state = try await store.accounts.twoFactor(userID: user.id)
        return .ok(.init(body: .json(.init(
            enabled: state.enabledAt != nil, enabledAt: state.enabledAt, recoveryCodesLeft: state.recoveryCodesLeft))))
    }

    func beginTwoFactorEnrolment(_ input: Operations.BeginTwoFactorEnrolment.Input) async throws
        -> Operations.BeginTwoFactorEnrolment.Output
    {
        let (user, _) = try Access.signedInUser()
        guard case .json(let body) = input.body else { throw ValidationError(field: "password", message: "must be JSON") }
        try await confirmPassword(body.password, of: user)
        let seed = TwoFactorRules.seed(using: store.random)
        try await store.accounts.beginTwoFactorEnrolment(
            userID: user.id, sealedSecret: try secrets.seal(seed, context: SecondFactor.context("totp_pending_secret", userID: user.id)))
        let uri = TOTP(secret: seed).createAuthenticatorURL(label: "\(SecondFactor.issuer):\(user.email)", issuer: SecondFactor.issuer)
        let svg = try QRCode(uri).svg(label: "QR code for your authenticator app")
        return .ok(.init(body: .json(.init(secret: TwoFactorRules.base32(Array(seed.utf8)), otpauthUri: uri, qrSvg: svg))))
    }

    func enableTwoFactor(_ input: Operations.EnableTwoFactor.Input) async throws -> Operations.EnableTwoFactor.Output {
        let (user, session) = try Access.signedInUser()
        guard case .json(let body) = input.body else { throw ValidationError(field: "code", message: "must be JSON") }
        try await countCodeAttempt(user)
        let state = try await store.accounts.twoFactor(userID: user.id)
        guard let pending = state.sealedPendingSecret else {
            throw ValidationError(field: "code", message: "start the enrolment first (POST /auth/two-factor/enrolment)")
        }
        let seed = try secrets.open(pending, context: SecondFactor.context("totp_pending_secret", userID: user.id))
        let code = TwoFactorRules.normalize(body.code)
        guard TwoFactorRules.isTOTPShape(code),
            let step = SecondFactor.step(of: code, seed: seed, among: TwoFactorRules.candidateSteps(at: store.now(), after: nil))
        else { throw ValidationError(field: "code", message: "is not the app's current code; check the phone's clock and try the next one") }
        let recovery = secondFactor.newRecoveryCodes(userID: user.id)
        // The seed moves from the pending column to the active one: seal it again for its new place.
        try await store.accounts.enableTwoFactor(
            userID: user.id, sealedPendingSecret: pending, step: step, recoveryCodeHashes: recovery.hashes, keeping: session.id,
            sealedSecret: try secrets.seal(seed, context: SecondFactor.context("totp_secret", userID: user.id)))
        return .ok(.init(body: .json(.init(recoveryCodes: recovery.codes))))
    }

    func disableTwoFactor(_ input: Operations.DisableTwoFactor.Input) async throws -> Operations.DisableTwoFactor.Output {
        let (user, _) = try Access.signedInUser()
        guard case .json(let body) = input.body else { throw ValidationError(field: "code", message: "must be JSON") }
        try await confirmSecondFactor(password: body.password, code: body.code, of: user)
        try await store.accounts.disableTwoFactor(userID: user.id)
        return .noContent(.init())
    }

    func regenerateRecoveryCodes(_ input: Operations.RegenerateRecoveryCodes.Input) async throws
        -> Operations.RegenerateRecoveryCodes.Output
    {
        let (user, _) = try Access.signedInUser()
        guard case .json(let body) = input.body else { throw ValidationError(field: "code", message: "must be JSON") }
        try await confirmSecondFactor(password: body.password, code: body.code, of: user)
        let recovery = secondFactor.newRecoveryCodes(userID: user.id)
        try await store.accounts.replaceRecoveryCodes(userID: user.id, hashes: recovery.hashes)
        return .ok(.init(body: .json(.init(recoveryCodes: recovery.codes))))
    }

    /// The account's password, checked again before its second factor changes: a cookie left on
    /// an unlocked computer is not enough.
    private func confirmPassword(_ password: String, of user: User) async throws {
        try await countCodeAttempt(user)
        let hash = try await store.accounts.passwordHash(userID: user.id)
        guard try await passwords.verify(password, hash: hash) else {
            throw ValidationError(field: "password", message: "is not your password")
        }
    }

    private func confirmSecondFactor(password: String, code: String, of user: User) async throws {
        try await confirmPassword(password, of: user)
        guard user.twoFactorEnabled else { throw ValidationError(field: "code", message: "two-factor sign-in is not on") }
        guard try await secondFactor.consume(userID: user.id, code: code) else {
            throw ValidationError(field: "code", message: "is not a current code from your app or an unused recovery code")
        }
    }

    /// Code and password checks share the sign-in limit of the account: six guesses a minute
    /// would otherwise be a way around it.
    private func countCodeAttempt(_ user: User) async throws {
        let limits = AuthRateLimits(store: store, configuration: configuration)
        try await limits.check([(limits.signInPerAccount, AuthRateLimits.account(user.email))])
    }
}
