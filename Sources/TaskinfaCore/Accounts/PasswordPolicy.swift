import Foundation

/// The password rules of OWASP ASVS 2.1 and NIST SP 800-63B §5.1.1.2: length rather than
/// composition. A password is at least 12 characters and may be up to 128 (spaces and any printable
/// Unicode allowed, so passphrases work); there are no "a capital, a digit and a symbol" rules;
/// what is refused is what attackers try first — the most common passwords and their leet-speak
/// and digit-suffix variants, keyboard walks and sequences, repetitions — and passwords that contain
/// the account's own e-mail address or name. Each refusal says why.
public enum PasswordPolicy {
    public static let minLength = 12
    public static let maxLength = 128

    /// Every rule the password breaks; empty when it is acceptable.
    public static func violations(of password: String, email: String? = nil, name: String? = nil) -> [String] {
        var broken: [String] = []
        if password.count < minLength {
            broken.append("must be at least \(minLength) characters (a few unrelated words make a strong one)")
        }
        if password.count > maxLength { broken.append("must be at most \(maxLength) characters") }
        if password.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) {
            broken.append("must not contain control characters (line breaks, tabs)")
        }
        if let reason = GuessablePassword.reason(password) { broken.append(reason) }
        if containsPersonalData(password, email: email, name: name) {
            broken.append("must not contain your e-mail address or your name")
        }
        return broken
    }

    public static func check(_ password: String, email: String? = nil, name: String? = nil, field: String = "password")
        throws
    {
        let broken = violations(of: password, email: email, name: name)
        if !broken.isEmpty {
            throw ValidationError(broken.map { FieldError(field: field, message: $0) })
        }
    }

    /// Whether the password contains the e-mail address, the part before its `@`, or a part of the
    /// name (parts of three letters or more, compared without case).
    static func containsPersonalData(_ password: String, email: String?, name: String?) -> Bool {
        let lower = password.lowercased()
        var pieces: [String] = []
        if let email = email?.lowercased(), !email.isEmpty {
            pieces.append(email)
            if let local = email.split(separator: "@").first { pieces.append(String(local)) }
        }
        if let name {
            pieces += name.lowercased().split { !$0.isLetter && !$0.isNumber }.map(String.init)
        }
        return pieces.contains { $0.count >= 3 && lower.contains($0) }
    }
}

/// What makes a password guessable no matter its length: the patterns cracking tools try first.
enum GuessablePassword {
    /// Why the password is easy to guess, or nil.
    static func reason(_ password: String) -> String? {
        let letters = Array(password.lowercased().filter { !$0.isWhitespace })
        guard !letters.isEmpty else { return nil }
        if Set(letters).count < 5 { return "is too easy to guess: it repeats a few characters" }
        if isWalk(letters) { return "is too easy to guess: it is a keyboard pattern or a sequence" }
        if let unit = repeatedUnit(letters), unit.count <= 6 || isCommon(String(unit)) {
            return "is too easy to guess: it repeats a short part"
        }
        if isCommon(String(letters)) { return "is too easy to guess: it is one of the most common passwords" }
        return nil
    }

    // MARK: - Walks and sequences

    /// Neighbouring keys on a QWERTY keyboard: its rows and the diagonal columns people type
    /// ("1qaz2wsx"), read in both directions.
    private static let keyboardLines = [
        "`1234567890-=", "qwertyuiop[]\\", "asdfghjkl;'", "zxcvbnm,./", "1qaz2wsx3edc4rfv5tgb6yhn7ujm8ik,9ol.0p;/-['=]",
        "qazwsxedcrfvtgbyhnujmik,ol.p;/",
    ]

    private static let neighbours: [Character: Set<Character>] = {
        var map: [Character: Set<Character>] = [:]
        for line in keyboardLines {
            let keys = Array(line)
            for (index, key) in keys.enumerated() {
                if index > 0 { map[key, default: []].insert(keys[index - 1]) }
                if index + 1 < keys.count { map[key, default: []].insert(keys[index + 1]) }
            }
        }
        return map
    }()

    /// A step a person makes without thinking: the same key again, the next or previous letter or
    /// digit (9 → 0 included), or a neighbouring key.
    private static func isEasyStep(_ from: Character, _ to: Character) -> Bool {
        if from == to || neighbours[from]?.contains(to) == true { return true }
        guard let a = from.asciiValue, let b = to.asciiValue else { return false }
        let both = { (range: ClosedRange<UInt8>) in range.contains(a) && range.contains(b) }
        if both(UInt8(ascii: "a")...UInt8(ascii: "z")) { return a == b + 1 || b == a + 1 }
        if both(UInt8(ascii: "0")...UInt8(ascii: "9")) {
            let (x, y) = (Int(a) - 48, Int(b) - 48)
            return (x + 1) % 10 == y || (y + 1) % 10 == x
        }
        return false
    }

    /// Mostly easy steps: at most two places where the typing jumps.
    static func isWalk(_ letters: [Character]) -> Bool {
        var jumps = 0
        for index in 1..<letters.count where !isEasyStep(letters[index - 1], letters[index]) {
            jumps += 1
            if jumps > 2 { return false }
        }
        return true
    }

    /// The shortest part the whole password repeats (`abc123` in `abc123abc123`), if any.
    static func repeatedUnit(_ letters: [Character]) -> ArraySlice<Character>? {
        let count = letters.count
        for length in 1...(count / 2) where count % length == 0 {
            let unit = letters[0..<length]
            if stride(from: length, to: count, by: length).allSatisfy({ letters[$0..<$0 + length] == unit }) {
                return unit
            }
        }
        return nil
    }

    // MARK: - Common passwords

    /// Whether the password is common words dressed up: digits and symbols around them
    /// (`Password2024!`), leet-speak (`P@ssw0rd`), and made of at most four words of which at least
    /// one is among the words people put in passwords most (`iloveyou`, `welcome2taskinfa`).
    static func isCommon(_ password: String) -> Bool {
        let trimmed = password.lowercased().filter { !$0.isWhitespace && $0 != "-" && $0 != "_" && $0 != "." }
        let core = String(trimmed.drop { !$0.isLetter }.reversed().drop { !$0.isLetter }.reversed())
        guard !core.isEmpty else { return true }  // only digits and symbols: a PIN or a date
        let plain = String(core.map { leet[$0] ?? $0 }.filter(\.isLetter))
        if plain.count < 3 { return true }
        return segments(plain).map { words in words.count <= 4 && words.contains(where: commonWords.contains) } ?? false
    }

    private static let leet: [Character: Character] = [
        "4": "a", "@": "a", "3": "e", "1": "i", "!": "i", "0": "o", "5": "s", "$": "s", "7": "t", "+": "t", "8": "b",
        "9": "g",
    ]

    /// Splits `text` into known words, preferring the fewest; nil when it can't be done.
    static func segments(_ text: String) -> [String]? {
        let characters = Array(text)
        var best: [[String]?] = Array(repeating: nil, count: characters.count + 1)
        best[0] = []
        for end in 1...characters.count {
            for start in max(0, end - 20)..<end {
                guard let prefix = best[start] else { continue }
                let word = String(characters[start..<end])
                guard commonWords.contains(word) || fillerWords.contains(word) else { continue }
                if best[end] == nil || best[end]!.count > prefix.count + 1 { best[end] = prefix + [word] }
            }
        }
        return best[characters.count]
    }

    /// The words people build passwords from most often (our own list, from the patterns every
    /// published breach analysis finds on top).
    static let commonWords: Set<String> = [
        "password", "passwd", "passw", "pass", "pwd", "secret", "qwerty", "qwertz", "azerty", "letmein", "welcome",
        "admin", "administrator", "root", "login", "master", "dragon", "monkey", "football", "baseball", "soccer",
        "hockey", "basketball", "sunshine", "princess", "superman", "batman", "spiderman", "starwars", "trustno",
        "iloveyou", "loveyou", "love", "lovely", "shadow", "michael", "jennifer", "jordan", "hunter", "ranger", "buster",
        "tigger", "charlie", "summer", "winter", "autumn", "spring", "flower", "freedom", "whatever", "nothing",
        "changeme", "default", "guest", "test", "testing", "tester", "user", "username", "hello", "computer",
        "internet", "google", "facebook", "samsung", "apple", "microsoft", "linux", "ubuntu", "windows", "taskinfa",
        "kanban", "github", "gitlab", "qazwsx", "asdf", "asdfgh", "zxcv", "zxcvbn", "killer", "cheese", "chocolate",
        "cookie", "banana", "orange", "purple", "mustang", "corvette", "ferrari", "harley", "yankees", "liverpool",
        "arsenal", "chelsea", "barcelona", "pokemon", "minecraft", "fortnite", "naruto", "matrix", "ninja", "pepper",
        "ginger", "maggie", "daisy", "bailey", "buddy", "lucky", "angel", "babygirl", "sweetheart", "forever", "jesus",
        "blessed", "money", "million", "diamond", "secure", "security", "access", "sesame", "mypassword", "mypass",
        "beautiful", "rockstar", "superstar", "hacker", "private", "abc", "abcd", "abcdef", "qwertyuiop", "pussy",
        "fuckyou", "asshole", "trustme", "letmeinnow", "opensesame", "passpass", "adminadmin", "rootroot",
    ]

    /// Short words that glue the common ones together ("iloveyoumybaby", "thisismypassword").
    static let fillerWords: Set<String> = [
        "a", "i", "my", "me", "you", "your", "the", "this", "is", "it", "and", "of", "to", "in", "for", "on", "we", "he",
        "she", "one", "two", "no", "not", "best", "new", "big", "super", "good", "bad", "very", "real", "true", "all",
        "day", "time", "life", "world", "home", "man", "boy", "girl", "baby", "king", "queen", "star", "sun", "moon",
        "blue", "red", "black", "white", "green", "pink", "dog", "cat", "team", "work", "office", "company", "now",
        "here", "go", "up", "let", "get", "so", "too",
    ]
}

/// Reset links: single-use, short-lived, and few (a flood of reset mails is its own attack).
public enum PasswordResetRules {
    public static let validity: TimeInterval = 3600
    /// Links sent per account per hour; more requests are answered the same and send nothing.
    public static let limitPerHour = 3
}
