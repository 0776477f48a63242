import Foundation
import HTTPTypes
import TaskinfaCore
@testable import TaskinfaServer
import Testing

/// Markdown arrives from people and agents alike: what the server renders must be safe to insert.
@Suite struct MarkdownTests {
    @Test(arguments: [
        "<script>alert(1)</script>",
        "<img src=x onerror=alert(1)>",
        "[x](javascript:alert(1))",
        "[x](JaVaScRiPt:alert(1))",
        "[x](jav&#x61;script:alert(1))",
        "[x](java\tscript:alert(1))",
        "[x](data:text/html;base64,PHNjcmlwdD4=)",
        "[x](\" onmouseover=\"alert(1))",
        "[x](https://ok.example/\" onclick=\"alert(1))",
        "![img](https://tracker.example/pixel.png)",
        "<a href=\"javascript:alert(1)\">x</a>",
        "<iframe src=\"https://evil.example\"></iframe>",
        "<svg/onload=alert(1)>",
        "`<b>` and ```\n<script>\n```",
        "<div style=\"position:fixed\">x</div>",
    ])
    func hostileMarkdownRendersInert(_ markdown: String) throws {
        let html = MarkdownRenderer.html(markdown)
        // Every real tag (text can't hold a raw `<`) is a formatting tag with only safe attributes.
        let tag = try Regex("<(/?)([a-zA-Z0-9]+)([^>]*)>")
        for match in html.matches(of: tag) {
            let name = String(match.output[2].substring ?? "").lowercased()
            let attributes = String(match.output[3].substring ?? "")
            #expect(HTMLAllowlist.tags.contains(name), "<\(name)> in \(html)")
            for attribute in attributes.matches(of: try Regex("([a-z-]+)=\"([^\"]*)\"")) {
                let key = String(attribute.output[1].substring ?? "")
                let value = String(attribute.output[2].substring ?? "")
                #expect(["href", "rel", "class", "start"].contains(key), "\(key) in \(html)")
                if key == "href" { #expect(value.hasPrefix("https://") || value.hasPrefix("http://") || value.hasPrefix("mailto:"), "\(value)") }
            }
        }
        #expect(!html.contains("<script") && !html.contains("<img") && !html.contains("<iframe") && !html.contains("<svg"))
    }

    @Test func formattingLinksAndCodeSurvive() {
        let html = MarkdownRenderer.html("# Plan\n\n**bold** _it_ [site](https://example.com/a?b=1&c=2) <b>raw</b>\n\n```swift\nlet a = 1 < 2\n```")
        #expect(html.contains("<h1>Plan</h1>"))
        #expect(html.contains("<strong>bold</strong>") && html.contains("<em>it</em>"))
        #expect(html.contains("href=\"https://example.com/a?b=1&amp;c=2\" rel=\"noopener noreferrer nofollow\""))
        #expect(html.contains("&lt;b&gt;raw&lt;/b&gt;"))
        #expect(html.contains("<code class=\"language-swift\">let a = 1 &lt; 2"))
    }

    @Test func theAllowlistRebuildsTags() {
        #expect(HTMLAllowlist.sanitise("<P CLASS=\"x\" onclick='y'>a</P>") == "<p>a</p>")
        #expect(HTMLAllowlist.sanitise("<a href=\"mailto:a@b.c\" target=_blank>m</a>") == "<a href=\"mailto:a@b.c\" rel=\"noopener noreferrer nofollow\">m</a>")
        #expect(HTMLAllowlist.sanitise("<a href=\"&#106;avascript:x\">j</a>") == "<a>j</a>")
        #expect(HTMLAllowlist.sanitise("a < b > c <unclosed") == "a &lt; b &gt; c &lt;unclosed")
        #expect(HTMLAllowlist.sanitise("<ol start=\"3\"><li>x</li></ol>") == "<ol start=\"3\"><li>x</li></ol>")
        #expect(HTMLAllowlist.sanitise("<code class=\"language-x\\\" onload=y\">c</code>") == "<code>c</code>")
    }

    @Test func theRouteRendersForAnyCallerAndChecksItsInput() async throws {
        try await TestApp.run { api in
            #expect(try await api.call(.post, "/api/v1/markdown", json: ["texts": ["x"]]).status == .unauthorized)
            let account = try await api.signUp()
            let rendered = try await api.call(.post, "/api/v1/markdown", json: ["texts": ["**a**", "", "<script>"]], as: account.credential)
            #expect(rendered.status == .ok)
            #expect(rendered.json["html"]?.array?.compactMap(\.string) == ["<p><strong>a</strong></p>", "", "&lt;script&gt;"])
            let tooLong = try await api.call(
                .post, "/api/v1/markdown", json: ["texts": ["ok", .string(String(repeating: "a", count: 50_001))]], as: account.credential)
            #expect(tooLong.status == .badRequest && tooLong.problemFields.contains("texts[1]"))
            let tooMany = try await api.call(.post, "/api/v1/markdown", json: ["texts": .array(Array(repeating: "a", count: 201))], as: account.credential)
            #expect(tooMany.status == .badRequest)
        }
    }
}
