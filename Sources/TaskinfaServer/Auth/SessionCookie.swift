import Foundation
import HTTPTypes
import TaskinfaCore

/// The browser's session cookie: a random token, HttpOnly (no script can read it), SameSite=Lax
/// (not sent on cross-site POSTs), Secure when the site is served over HTTPS.
enum SessionCookie {
    static let name = "taskinfa_session"

    static func set(token: String, expires: Date, now: Date, secure: Bool) -> String {
        let maxAge = max(0, Int(expires.timeIntervalSince(now)))
        return "\(name)=\(token); Path=/; Max-Age=\(maxAge); HttpOnly; SameSite=Lax" + (secure ? "; Secure" : "")
    }

    static func clear(secure: Bool) -> String {
        "\(name)=; Path=/; Max-Age=0; HttpOnly; SameSite=Lax" + (secure ? "; Secure" : "")
    }

    /// The token from a `Cookie` header, if present.
    static func token(from fields: HTTPFields) -> String? {
        for header in fields[values: .cookie] {
            for pair in header.split(separator: ";") {
                let parts = pair.split(separator: "=", maxSplits: 1)
                if parts.count == 2, parts[0].trimmingCharacters(in: .whitespaces) == name {
                    let value = parts[1].trimmingCharacters(in: .whitespaces)
                    return value.isEmpty ? nil : value
                }
            }
        }
        return nil
    }
}
