/// The password rules, each reported by name so the sign-up form can tick them off.
public enum PasswordPolicy {
    public static let minLength = 8
    /// bcrypt reads only the first 72 bytes; a longer password would be silently truncated.
    public static let maxBytes = 72

    /// Every rule the password breaks; empty when it is acceptable.
    public static func violations(of password: String, email: String? = nil) -> [String] {
        var broken: [String] = []
        if password.count < minLength { broken.append("must be at least \(minLength) characters") }
        if password.utf8.count > maxBytes { broken.append("must be at most \(maxBytes) bytes") }
        if !password.contains(where: \.isUppercase) { broken.append("must contain an upper-case letter") }
        if !password.contains(where: \.isLowercase) { broken.append("must contain a lower-case letter") }
        if !password.contains(where: \.isNumber) { broken.append("must contain a digit") }
        if let email, !email.isEmpty, password.lowercased() == email.lowercased() {
            broken.append("must not be the e-mail address")
        }
        return broken
    }

    public static func check(_ password: String, email: String? = nil, field: String = "password") throws {
        let broken = violations(of: password, email: email)
        if !broken.isEmpty {
            throw ValidationError(broken.map { FieldError(field: field, message: $0) })
        }
    }
}
