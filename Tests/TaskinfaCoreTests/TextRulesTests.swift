import Foundation
import Testing

@testable import TaskinfaCore

/// The checks every free-text field goes through, made cheap without changing what they accept.
@Suite struct TextRulesTests {
    @Test func controlCharactersAreExactlyUnicodesCc() {
        for value in UInt32(0)...0x10FFFF {
            guard let scalar = Unicode.Scalar(value) else { continue }
            #expect(TextRules.isControl(scalar) == (scalar.properties.generalCategory == .control), "U+\(String(value, radix: 16))")
        }
    }

    @Test(arguments: [
        ("abc", 3, false), ("abcd", 3, true), ("ééé", 3, false), ("👨‍👩‍👧‍👦👍🏽", 2, false), ("👨‍👩‍👧‍👦👍🏽x", 2, true),
        ("e\u{301}e\u{301}", 2, false), ("", 0, false),
    ])
    func lengthIsCountedInCharacters(_ text: String, _ limit: Int, _ exceeds: Bool) {
        #expect(TextRules.exceeds(text, limit) == exceeds)
        #expect(TextRules.exceeds(text, limit) == (text.count > limit))
    }

    @Test func trimmingMatchesFoundationsWhiteSpaceAndNewlines() {
        for value in ["", "   ", " a ", "\u{3000}x\u{2029}", "\u{85}inner space\t\n", "no trim", "\u{200B}zero width\u{200B}", "é\u{301} "] {
            #expect(TextRules.trimmed(value) == value.trimmingCharacters(in: .whitespacesAndNewlines), "\(value.debugDescription)")
        }
        for value in Array(UInt32(0)...0x3000) + [0xFEFF, 0x1F600, 0xE0020] {
            guard let scalar = Unicode.Scalar(value) else { continue }
            let text = "\(scalar)x\(scalar)"
            #expect(TextRules.trimmed(text) == text.trimmingCharacters(in: .whitespacesAndNewlines), "U+\(String(value, radix: 16))")
        }
    }

    @Test func linesRefuseControlsAndBodiesKeepTabsAndNewlines() throws {
        #expect(throws: ValidationError.self) { try TextRules.line("a\u{7}b", field: "title", maxLength: 10) }
        #expect(throws: ValidationError.self) { try TextRules.line("a\u{85}b", field: "title", maxLength: 10) }
        #expect(try TextRules.body("a\tb\nc\r\n", field: "description", maxLength: 10) == "a\tb\nc")
        #expect(throws: ValidationError.self) { try TextRules.body("a\u{0}b", field: "description", maxLength: 10) }
    }
}
