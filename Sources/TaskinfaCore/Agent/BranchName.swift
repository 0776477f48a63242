/// The branch a task's work lands on: `task/WEB-42-fix-the-login-bug`. Stable for the task, so a
/// retry continues the same branch.
public enum BranchName {
    public static func forTask(key: String, title: String) -> String {
        var slug = ""
        var lastWasDash = false
        for character in title.lowercased() {
            if character.isASCII && (character.isLetter || character.isNumber) {
                slug.append(character)
                lastWasDash = false
            } else if !lastWasDash && !slug.isEmpty {
                slug.append("-")
                lastWasDash = true
            }
            if slug.count >= 40 { break }
        }
        while slug.hasSuffix("-") { slug.removeLast() }
        return slug.isEmpty ? "task/\(key)" : "task/\(key)-\(slug)"
    }
}
