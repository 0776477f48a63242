import Foundation

/// The audit log as a CSV file (RFC 4180) for a spreadsheet or a SIEM. A cell a spreadsheet would
/// run as a formula (`=`, `+`, `-`, `@`, tab, carriage return first) is prefixed with `'`: entries
/// hold text attackers chose (user agents, e-mail addresses, task titles).
public enum AuditExport {
    public static let columns = [
        "created_at", "actor_type", "actor_id", "actor_name", "action", "resource_type", "resource_id", "outcome",
        "ip_address", "user_agent", "details",
    ]

    public static func csv(_ entries: [AuditEntry]) -> String {
        var lines = [columns.joined(separator: ",")]
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        for entry in entries {
            let details = (try? encoder.encode(entry.details)).map { String(decoding: $0, as: UTF8.self) } ?? "{}"
            let cells = [
                Timestamp.rfc3339(entry.createdAt), entry.actorType.rawValue, entry.actorID, entry.actorName, entry.action,
                entry.resourceType, entry.resourceID ?? "", entry.outcome.rawValue, entry.ipAddress ?? "", entry.userAgent ?? "",
                details,
            ]
            lines.append(cells.map(cell).joined(separator: ","))
        }
        return lines.joined(separator: "\r\n") + "\r\n"
    }

    static func cell(_ value: String) -> String {
        var text = value
        if let first = text.first, "=+-@\t\r".contains(first) { text = "'" + text }
        guard text.contains(where: { ",\"\r\n".contains($0) }) else { return text }
        return "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}
