import TaskinfaAPI
import TaskinfaCore

extension APIImplementation {
    func renderMarkdown(_ input: Operations.RenderMarkdown.Input) async throws -> Operations.RenderMarkdown.Output {
        _ = try Access.caller()
        guard case .json(let body) = input.body else { throw ValidationError(field: "texts", message: "must be JSON") }
        guard body.texts.count <= 200 else { throw ValidationError(field: "texts", message: "must hold at most 200 texts") }
        var validator = Validator()
        for (index, text) in body.texts.enumerated() where text.count > MarkdownRenderer.maxLength {
            validator.fail("texts[\(index)]", "must be at most \(MarkdownRenderer.maxLength) characters")
        }
        try validator.throwIfInvalid()
        return .ok(.init(body: .json(.init(html: body.texts.map(MarkdownRenderer.html)))))
    }
}
