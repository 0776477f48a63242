import Ink

/// Markdown (task descriptions, comments) to HTML a page may insert as it is.
///
/// Ink renders; raw HTML in the text comes out as text (its modifier escapes it), images become
/// plain links (the page's CSP would block a remote image anyway, and a tracking pixel must not
/// load), and `HTMLAllowlist` then rebuilds every tag from a short list, so nothing Ink lets
/// through by accident (an attribute smuggled in a link target, say) reaches the page.
enum MarkdownRenderer {
    /// Longest text rendered (the longest description the API accepts).
    static let maxLength = 50_000

    static func html(_ markdown: String) -> String {
        var parser = MarkdownParser()
        parser.addModifier(Modifier(target: .html) { input in HTMLAllowlist.escape(String(input.markdown)) })
        parser.addModifier(Modifier(target: .images) { input in HTMLAllowlist.escape(String(input.markdown)) })
        return HTMLAllowlist.sanitise(parser.html(from: markdown))
    }
}
