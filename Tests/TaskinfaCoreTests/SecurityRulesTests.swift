import Foundation
import Testing

@testable import TaskinfaCore

/// Two-factor rules, the QR encoder, the audit log's naming and its CSV export.
@Suite struct SecurityRulesTests {
    @Test func aCodeMayComeFromTheStepBeforeOrAfterButNeverAgain() {
        let now = Date(timeIntervalSince1970: 1_800_000_015)
        let step = TwoFactorRules.step(at: now)
        #expect(step == 60_000_000)
        #expect(TwoFactorRules.candidateSteps(at: now, after: nil) == [step - 1, step, step + 1])
        #expect(TwoFactorRules.candidateSteps(at: now, after: step) == [step + 1], "a used step and those before it are out")
    }

    @Test func typedCodesAreReadLeniently() {
        #expect(TwoFactorRules.normalize(" 123 456 ") == "123456")
        #expect(TwoFactorRules.normalize("ABCDE-FGHJK") == "abcdefghjk")
        #expect(TwoFactorRules.isTOTPShape("123456"))
        #expect(!TwoFactorRules.isTOTPShape("12345") && !TwoFactorRules.isTOTPShape("12345a") && !TwoFactorRules.isTOTPShape("١٢٣٤٥٦"))
    }

    @Test func recoveryCodesAreTenDistinctAndUnambiguous() {
        let codes = TwoFactorRules.recoveryCodes(using: .live)
        #expect(codes.count == 10 && Set(codes).count == 10)
        for code in codes {
            #expect(code.count == 11 && code.dropFirst(5).first == "-")
            #expect(!code.contains { "01ilo".contains($0) })
        }
    }

    @Test func base32FollowsRFC4648() {
        #expect(TwoFactorRules.base32(Array("foobar".utf8)) == "MZXW6YTBOI")
        #expect(TwoFactorRules.base32(Array("f".utf8)) == "MY")
        #expect(TwoFactorRules.base32([]) == "")
    }

    @Test func reedSolomonMatchesTheStandardsExample() {
        // "HELLO WORLD" as version 1-M data codewords, and the ten error-correction codewords the
        // standard's worked example gives for them.
        let data: [UInt8] = [32, 91, 11, 120, 209, 114, 220, 77, 67, 64, 236, 17, 236, 17, 236, 17]
        let ecc = QRCode.ReedSolomon.remainder(data, divisor: QRCode.ReedSolomon.divisor(degree: 10))
        #expect(ecc == [196, 35, 39, 119, 235, 215, 231, 226, 93, 23])
    }

    @Test func theSymbolGrowsWithItsTextAndCarriesItsFixedPatterns() throws {
        let small = try QRCode("otpauth://totp/Taskinfa:a@example.com?secret=ABC&issuer=Taskinfa")
        #expect(small.version == 5 && small.size == 37)
        let large = try QRCode(String(repeating: "x", count: 300))
        #expect(large.version == 13)
        for code in [small, large] {
            let last = code.size - 1
            // Finder patterns: dark corners with a light ring inside, in three corners.
            for (x, y) in [(0, 0), (last - 6, 0), (0, last - 6)] {
                #expect(code.modules[y][x] && code.modules[y + 6][x + 6] && !code.modules[y + 1][x + 1] && code.modules[y + 3][x + 3])
            }
            // The timing pattern alternates between them; the dark module sits beside the lower finder.
            #expect((8..<(code.size - 8)).allSatisfy { code.modules[6][$0] == ($0 % 2 == 0) })
            #expect(code.modules[code.size - 8][8])
        }
        #expect(throws: QRCode.EncodingError.self) { try QRCode(String(repeating: "x", count: 3000)) }
    }

    @Test func theSVGIsDarkOnLightWithAQuietZone() throws {
        let svg = try QRCode("hello").svg(label: "a \"QR\" <code>")
        #expect(svg.hasPrefix("<svg") && svg.contains("viewBox=\"0 0 29 29\""))
        #expect(svg.contains("fill=\"#fff\"") && svg.contains("fill=\"#000\""))
        #expect(svg.contains("aria-label=\"a &quot;QR&quot; &lt;code>\""))
        #expect(svg.contains("M4 4h1v1h-1z"), "the first finder module sits after four light modules")
    }

    @Test(arguments: [
        ("createTask", "task.create"), ("updateApiKey", "api_key.update"), ("login", "auth.login"),
        ("removeMember", "member.remove"), ("finishExecution", "execution.finish"), ("rotateWorkerKey", "worker.rotate_key"),
    ])
    func operationsAreNamedResourceDotVerb(_ operation: String, _ action: String) {
        #expect(AuditNaming.action(operationID: operation) == action)
    }

    @Test func requestBodiesKeepFieldNamesAndOnlyHarmlessValues() {
        let details = AuditNaming.details(ofBody: [
            "title": .string("Fix it"), "description": .string("the plan"), "password": .string("hunter2 hunter2"), "role": .string("admin"),
            "status": .string(String(repeating: "s", count: 500)),
        ])
        #expect(details["fields"] == JSONValue.array(["description", "password", "role", "status", "title"].map { JSONValue.string($0) }))
        #expect(details["title"] == JSONValue.string("Fix it") && details["role"] == JSONValue.string("admin"))
        #expect(details["description"] == nil && details["password"] == nil)
        #expect(details["status"] == JSONValue.string(String(repeating: "s", count: 200)))
    }

    @Test func theCSVQuotesWhatItMustAndDefusesFormulas() {
        let entry = AuditEntry(
            id: "aud_1", workspaceID: "wsp_1", userID: "usr_1", actorType: .user, actorID: "usr_1", actorName: "=1+1",
            action: "task.update", resourceType: "task", resourceID: "tsk_1", outcome: .success, details: ["title": .string("a, \"b\"")],
            ipAddress: "127.0.0.1", userAgent: "@SUM(A1)", createdAt: Date(timeIntervalSince1970: 0))
        let lines = AuditExport.csv([entry]).split(separator: "\r\n").map(String.init)
        #expect(lines.count == 2)
        #expect(lines[1].hasPrefix("1970-01-01T00:00:00.000Z,user,usr_1,'=1+1,task.update,task,tsk_1,success,127.0.0.1,'@SUM(A1),"))
        #expect(lines[1].hasSuffix(#""{""title"":""a, \""b\""""}""#))
    }
}
