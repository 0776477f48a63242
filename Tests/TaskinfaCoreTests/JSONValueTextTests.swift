import Foundation
import Testing

@testable import TaskinfaCore

/// The JSON reader and writer the audit trail uses on every request: the same values as
/// `JSONDecoder`, nil for anything that isn't JSON, bounded nesting, and text `JSONEncoder` would write.
@Suite struct JSONValueTextTests {
    static let valid = [
        #"{"title":"Fix login","labels":["a","b"],"n":3,"x":-1.5e3,"ok":true,"none":null,"nested":{"k":[{}]}}"#,
        #"  [1, 2.25, -0, 0.5e-2, 1E+2, "\u00e9\ud83d\ude00\n\t\"\\\/", false]  "#,
        #""plain text with ünïcödé and 🎉""#,
        #"{"dup":1,"dup":2}"#,
        "[]", "{}", "0", "-12", "true", "null", #""""#,
    ]

    @Test(arguments: valid)
    func readsWhatJSONDecoderReads(_ text: String) throws {
        let expected = try JSONDecoder().decode(JSONValue.self, from: Data(text.utf8))
        #expect(JSONValue(parsing: Array(text.utf8)) == expected)
    }

    static let invalid = [
        "", " ", "{", "}", "[1,]", "[1 2]", #"{"a" 1}"#, #"{"a":1,}"#, #"{a:1}"#, "01", "1.", ".5", "-", "1e", "+1",
        "tru", "nul", "[true false]", #""unterminated"#, "\"tab\tinside\"", #""\x""#, #""\u12""#, #""\ud83d""#,
        #""\ud83d\u0041""#, "[1] [2]", "NaN", "\u{FEFF}{}",
    ]

    @Test(arguments: invalid)
    func refusesWhatIsNotJSON(_ text: String) {
        #expect(JSONValue(parsing: Array(text.utf8)) == nil)
    }

    @Test func refusesInvalidUTF8() {
        #expect(JSONValue(parsing: [0x22, 0xFF, 0xFE, 0x22]) == nil)
        #expect(JSONValue(parsing: [0x22, 0x5C, 0x6E, 0xC3, 0x22]) == nil)
    }

    @Test func nestingIsBounded() {
        let deep = String(repeating: "[", count: 10_000) + String(repeating: "]", count: 10_000)
        #expect(JSONValue(parsing: Array(deep.utf8)) == nil)
        let allowed = String(repeating: "[", count: JSONValue.maxDepth) + String(repeating: "]", count: JSONValue.maxDepth)
        #expect(JSONValue(parsing: Array(allowed.utf8)) != nil)
    }

    @Test(arguments: valid)
    func writesWhatJSONEncoderWrites(_ text: String) throws {
        let value = try #require(JSONValue(parsing: Array(text.utf8)))
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let expected = String(decoding: try encoder.encode(value), as: UTF8.self)
        #expect(value.jsonText == expected)
        #expect(JSONValue(parsing: Array(value.jsonText.utf8)) == value)
    }

    @Test func controlCharactersAreEscapedOnTheWayOut() {
        let value = JSONValue.string("a\u{01}b\u{1F}c\u{7F}")
        #expect(value.jsonText == #""a\u0001b\u001fc\#u{7F}""#)
        #expect(JSONValue(parsing: Array(value.jsonText.utf8)) == value)
    }
}
