import Foundation
import Yams

/// Renders the OpenAPI document as one readable HTML page: every operation grouped by tag with its
/// parameters, body and responses, then every schema with its fields. No script, no external asset.
enum APIReferencePage {
    static func render(yaml: String) throws -> String {
        guard let document = try Yams.load(yaml: yaml) as? [String: Any] else { return "<p>Invalid document</p>" }
        let info = document["info"] as? [String: Any] ?? [:]
        let paths = document["paths"] as? [String: Any] ?? [:]
        let components = document["components"] as? [String: Any] ?? [:]
        let parameters = components["parameters"] as? [String: Any] ?? [:]
        let schemas = components["schemas"] as? [String: Any] ?? [:]
        let tags = (document["tags"] as? [[String: Any]] ?? []).compactMap { $0["name"] as? String }

        struct Operation {
            let method: String, path: String, spec: [String: Any], shared: [Any]
        }
        var byTag: [String: [Operation]] = [:]
        for path in paths.keys.sorted() {
            guard let item = paths[path] as? [String: Any] else { continue }
            let shared = item["parameters"] as? [Any] ?? []
            for method in ["get", "post", "patch", "put", "delete"] {
                guard let spec = item[method] as? [String: Any] else { continue }
                let tag = (spec["tags"] as? [String])?.first ?? "Other"
                byTag[tag, default: []].append(Operation(method: method, path: path, spec: spec, shared: shared))
            }
        }

        var html = """
            <!doctype html><html lang="en"><head><meta charset="utf-8">
            <meta name="viewport" content="width=device-width, initial-scale=1">
            <title>\(escape(info["title"] as? String ?? "API")) reference</title>
            <link rel="stylesheet" href="/api/docs/style.css"></head><body>
            <header><h1>\(escape(info["title"] as? String ?? "API")) <small>\(escape(info["version"] as? String ?? ""))</small></h1>
            <p>\(escape(info["summary"] as? String ?? ""))</p>
            <p>Base path <code>/api/v1</code> · contract: <a href="/api/openapi.yaml">openapi.yaml</a></p></header>
            <nav><ul>
            """
        for tag in tags where byTag[tag] != nil {
            html += "<li><a href=\"#tag-\(anchor(tag))\">\(escape(tag))</a></li>"
        }
        html += "<li><a href=\"#schemas\">Schemas</a></li><li><a href=\"#problems\">Errors</a></li></ul></nav><main>"
        html += "<section>\(paragraphs(info["description"] as? String ?? ""))</section>"

        for tag in tags {
            guard let operations = byTag[tag] else { continue }
            html += "<section id=\"tag-\(anchor(tag))\"><h2>\(escape(tag))</h2>"
            for operation in operations {
                let spec = operation.spec
                let id = spec["operationId"] as? String ?? ""
                html += "<article id=\"op-\(escape(id))\"><h3><span class=\"method \(operation.method)\">\(operation.method.uppercased())</span> <code>\(escape(operation.path))</code></h3>"
                html += "<p class=\"summary\">\(escape(spec["summary"] as? String ?? ""))"
                if let security = spec["security"] as? [Any], security.isEmpty { html += " <em>(no authentication)</em>" }
                html += "</p>"
                if let description = spec["description"] as? String { html += paragraphs(description) }
                let allParameters = (operation.shared + (spec["parameters"] as? [Any] ?? [])).compactMap {
                    resolve($0, parameters) as? [String: Any]
                }
                if !allParameters.isEmpty {
                    html += "<table><tr><th>Parameter</th><th>In</th><th>Type</th><th>About</th></tr>"
                    for parameter in allParameters {
                        let required = parameter["required"] as? Bool == true ? " <em>required</em>" : ""
                        html += "<tr><td><code>\(escape(parameter["name"] as? String ?? ""))</code>\(required)</td><td>\(escape(parameter["in"] as? String ?? ""))</td><td>\(typeName(parameter["schema"]))</td><td>\(escape(parameter["description"] as? String ?? ""))</td></tr>"
                    }
                    html += "</table>"
                }
                if let body = spec["requestBody"] as? [String: Any], let content = body["content"] as? [String: Any] {
                    for (type, media) in content {
                        html += "<p>Body (<code>\(escape(type))</code>): \(typeName((media as? [String: Any])?["schema"]))</p>"
                    }
                }
                if let responses = spec["responses"] as? [String: Any] {
                    html += "<ul class=\"responses\">"
                    for status in responses.keys.sorted() {
                        let response = responses[status] as? [String: Any] ?? [:]
                        if response["$ref"] != nil {
                            html += "<li><code>\(escape(status))</code> error: <a href=\"#problems\">problem details</a></li>"
                            continue
                        }
                        var line = "<li><code>\(escape(status))</code> \(escape(response["description"] as? String ?? ""))"
                        if let content = response["content"] as? [String: Any] {
                            for (type, media) in content.sorted(by: { $0.key < $1.key }) {
                                line += " <code>\(escape(type))</code> \(typeName((media as? [String: Any])?["schema"]))"
                            }
                        }
                        html += line + "</li>"
                    }
                    html += "</ul>"
                }
                html += "</article>"
            }
            html += "</section>"
        }

        html += "<section id=\"schemas\"><h2>Schemas</h2>"
        for name in schemas.keys.sorted() {
            guard let schema = schemas[name] as? [String: Any] else { continue }
            html += "<article id=\"schema-\(escape(name))\"><h3>\(escape(name))</h3>"
            if let description = schema["description"] as? String { html += paragraphs(description) }
            if let values = schema["enum"] as? [Any] {
                html += "<p>One of: " + values.map { "<code>\(escape("\($0)"))</code>" }.joined(separator: ", ") + "</p>"
            }
            if let properties = schema["properties"] as? [String: Any] {
                let required = Set(schema["required"] as? [String] ?? [])
                html += "<table><tr><th>Field</th><th>Type</th><th>About</th></tr>"
                for field in properties.keys.sorted() {
                    let property = properties[field] as? [String: Any] ?? [:]
                    let mark = required.contains(field) ? " <em>required</em>" : ""
                    html += "<tr><td><code>\(escape(field))</code>\(mark)</td><td>\(typeName(property))</td><td>\(escape(property["description"] as? String ?? ""))</td></tr>"
                }
                html += "</table>"
            }
            html += "</article>"
        }
        html += """
            </section><section id="problems"><h2>Errors</h2>
            <p>Every error is <code>application/problem+json</code>: <code>type</code>, <code>title</code>, <code>status</code>,
            <code>detail</code>, and for invalid input <code>errors</code>, one <code>{field, message}</code> per offending field.</p>
            <dl>
            <dt id="problem-validation">validation (400)</dt><dd>Some input broke a rule; <code>errors</code> names each field.</dd>
            <dt id="problem-bad-request">bad-request (400)</dt><dd>The request could not be read (a parameter of the wrong type, for instance).</dd>
            <dt id="problem-unauthenticated">unauthenticated (401)</dt><dd>Sign in, or send a valid API key.</dd>
            <dt id="problem-two-factor-required">two-factor-required (401)</dt><dd>The password was right; send the code from your authenticator too.</dd>
            <dt id="problem-forbidden">forbidden (403)</dt><dd>Your role does not allow the action.</dd>
            <dt id="problem-two-factor-enrolment-required">two-factor-enrolment-required (403)</dt><dd>The workspace requires two-factor sign-in; turn it on in your account settings first.</dd>
            <dt id="problem-not-found">not-found (404)</dt><dd>No such resource, or it belongs to a workspace you are not in.</dd>
            <dt id="problem-conflict">conflict (409)</dt><dd>The change conflicts with the current state (a duplicate key, a project that still has tasks).</dd>
            <dt id="problem-stale-version">stale-version (412)</dt><dd>The task changed since you read it; reload and retry.</dd>
            <dt id="problem-too-large">too-large (413)</dt><dd>The body is over the size limit.</dd>
            <dt id="problem-content-type">content-type (415)</dt><dd>Send JSON bodies as <code>application/json</code>.</dd>
            <dt id="problem-rate-limited">rate-limited (429)</dt><dd>Too many requests from this key, address or account; wait and retry.</dd>
            <dt id="problem-internal">internal (500)</dt><dd>A fault on the server; the details are in its log.</dd>
            <dt id="problem-read-too-long">read-too-long (503)</dt><dd>Reading the answer took longer than the server allows (<code>--read-time-limit</code>, 10 s by default) and was stopped; narrow the search or filter.</dd>
            </dl></section></main></body></html>
            """
        return html
    }

    private static func resolve(_ value: Any, _ table: [String: Any]) -> Any? {
        if let object = value as? [String: Any], let ref = object["$ref"] as? String {
            return table[String(ref.split(separator: "/").last ?? "")]
        }
        return value
    }

    private static func typeName(_ schema: Any?) -> String {
        guard let schema = schema as? [String: Any] else { return "" }
        if let ref = schema["$ref"] as? String {
            let name = String(ref.split(separator: "/").last ?? "")
            return "<a href=\"#schema-\(escape(name))\">\(escape(name))</a>"
        }
        if let types = schema["type"] as? [String] {
            return types.filter { $0 != "null" }.joined(separator: "|") + (types.contains("null") ? " or null" : "")
        }
        let type = schema["type"] as? String ?? "any"
        if type == "array" { return "array of " + typeName(schema["items"]) }
        if let format = schema["format"] as? String { return "\(type) (\(escape(format)))" }
        return escape(type)
    }

    private static func paragraphs(_ text: String) -> String {
        text.components(separatedBy: "\n\n").filter { !$0.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty }
            .map { "<p>" + inlineCode(escape($0)) + "</p>" }.joined()
    }

    /// `code` spans and **bold**, the only Markdown the descriptions use.
    private static func inlineCode(_ text: String) -> String {
        var result = ""
        var inCode = false
        for character in text {
            if character == "`" {
                result += inCode ? "</code>" : "<code>"
                inCode.toggle()
            } else {
                result.append(character)
            }
        }
        if inCode { result += "</code>" }
        let parts = result.components(separatedBy: "**")
        return parts.enumerated().map { $0.offset % 2 == 1 ? "<strong>\($0.element)</strong>" : $0.element }.joined()
    }

    private static func anchor(_ text: String) -> String {
        text.lowercased().replacingOccurrences(of: " ", with: "-")
    }

    static func escape(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
    }

    static let stylesheet = """
        :root { color-scheme: light dark; --accent: #3b82f6; --muted: #6b7280; --line: #d1d5db; }
        body { font: 15px/1.5 system-ui, sans-serif; margin: 0; display: grid; grid-template-columns: 220px 1fr; }
        header { grid-column: 1 / -1; padding: 1rem 2rem; border-bottom: 1px solid var(--line); }
        header h1 { margin: 0; } header small { color: var(--muted); font-size: 0.6em; }
        nav { padding: 1rem; border-right: 1px solid var(--line); position: sticky; top: 0; align-self: start; }
        nav ul { list-style: none; padding: 0; margin: 0; } nav li { margin: 0.3rem 0; }
        main { padding: 1rem 2rem; max-width: 60rem; }
        article { border-top: 1px solid var(--line); padding: 0.5rem 0 1rem; }
        h3 { font-size: 1rem; } .summary { font-weight: 600; }
        .method { display: inline-block; min-width: 4.5em; text-align: center; border-radius: 4px; color: white; padding: 0 0.4em; font-size: 0.85em; }
        .get { background: #16a34a; } .post { background: #2563eb; } .patch { background: #d97706; } .delete { background: #dc2626; } .put { background: #7c3aed; }
        table { border-collapse: collapse; width: 100%; margin: 0.5rem 0; } th, td { text-align: left; border-bottom: 1px solid var(--line); padding: 0.25rem 0.5rem; vertical-align: top; }
        code { font-family: ui-monospace, monospace; font-size: 0.92em; } em { color: var(--muted); font-style: normal; font-size: 0.85em; }
        a { color: var(--accent); }
        @media (max-width: 700px) { body { display: block; } nav { display: none; } }
        """
}
