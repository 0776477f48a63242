import Testing

@testable import TaskinfaCore

@Suite struct ProjectRulesTests {
    @Test(arguments: [("web", "WEB"), ("Ab1", "AB1"), (" ops ", "OPS")])
    func keysAreUpperCased(raw: String, key: String) throws {
        #expect(try ProjectRules.key(raw) == key)
    }

    @Test(arguments: ["W", "1WEB", "WEB-1", "TOOLONGKEY11", "WÉB", ""])
    func badKeysAreRefused(_ raw: String) {
        #expect(throws: ValidationError.self) { try ProjectRules.key(raw) }
    }

    @Test(arguments: [("Web Shop", "WS"), ("Backend", "BACK"), ("a", "APR"), ("42 things", "THIN"), ("Über App", "APP")])
    func aKeyIsSuggestedFromTheName(name: String, key: String) throws {
        let suggested = ProjectRules.suggestedKey(for: name)
        #expect(suggested == key)
        #expect(try ProjectRules.key(suggested) == suggested)
    }

    @Test(arguments: [
        "https://github.com/acme/web.git", "git@github.com:acme/web.git", "ssh://git@host/acme/web",
        "file:///srv/git/web.git",
    ])
    func repositoryURLsOfEveryKindAreAccepted(_ url: String) throws {
        #expect(try ProjectRules.repositoryURL(url) == url)
    }

    @Test(arguments: ["ftp://x/y", "github.com/acme", "https://", "https://host/has space", "javascript:alert(1)"])
    func otherRepositoryURLsAreRefused(_ url: String) {
        #expect(throws: ValidationError.self) { try ProjectRules.repositoryURL(url) }
    }

    @Test(arguments: [
        "-u@host:path", "--upload-pack=touch /tmp/x", "ssh://-oProxyCommand=touch%20x/repo", "ssh://git@-oProxy/x",
        "git@host:-path", "ext::sh -c touch% /tmp/x", "ext::sh", "fd::17", "file://relative", "https://host",
    ])
    func urlsGitCouldReadAsAnOptionOrAHelperAreRefused(_ url: String) {
        #expect(throws: ValidationError.self) { try RepositoryURL.parse(url) }
    }

    @Test func eachURLSaysHowItIsFetched() throws {
        #expect(try RepositoryURL.parse("https://github.com/a/b.git").transport == .https)
        #expect(try RepositoryURL.parse("git@github.com:a/b.git").transport == .ssh)
        #expect(try RepositoryURL.parse("ssh://git@host:2222/a/b").transport == .ssh)
        #expect(try RepositoryURL.parse("http://host/a/b").transport == .http)
        #expect(try RepositoryURL.parse("file:///srv/git/b.git").transport == .local)
    }

    @Test(arguments: ["main", "release/1.2", "feature-x"])
    func branchNamesGitAcceptsAreAccepted(_ name: String) throws {
        #expect(try ProjectRules.branch(name) == name)
    }

    @Test(arguments: ["", "a..b", "-x", "x.lock", "has space", "x:y", "/x", "x/"])
    func branchNamesGitRefusesAreRefused(_ name: String) {
        #expect(throws: ValidationError.self) { try ProjectRules.branch(name) }
    }

    @Test func aDraftReportsEveryBadField() {
        #expect(throws: ValidationError([
            FieldError(field: "name", message: "must not be empty"),
            FieldError(field: "key", message: "must be 2–10 letters or digits, starting with a letter (e.g. WEB)"),
            FieldError(field: "repository_url", message: "must be a git URL (https://, ssh://, git://, file:// or user@host:path)"),
        ])) {
            try ProjectDraft(name: " ", key: "1", description: nil, repositoryURL: "nope", defaultBranch: nil)
        }
    }
}
