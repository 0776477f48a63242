import Foundation

/// Generated task text: titles and descriptions from a fixed vocabulary, so search has realistic
/// posting lists (common and rare words) and runs are repeatable.
struct Workload: Sendable {
    static let words: [String] = """
        account address admin alert analytics android api archive audit auth avatar backend backup badge \
        banner billing board branch browser budget bug build cache calendar card cart chart checkout cleanup \
        client cluster column comment config cookie coverage crash cron csv dashboard database deadlock \
        deploy design dialog docker docs domain download draft editor email encoding endpoint error event \
        export feature feed filter firewall flaky font footer form frontend gateway graph header health \
        helm hotfix icon import index infra input invoice ios kanban kernel label latency layout lease \
        legacy library limit linter locale login logout logs mailer markdown memory menu merge metrics \
        migration mobile modal monitor navbar network notification oauth onboarding order pagination \
        parser password patch payment performance permission pipeline plugin policy popup postgres \
        preview pricing profile proxy query queue quota race rate redirect refactor release render \
        replica report request retry review role router runtime sandbox schema screen script search \
        secret security server session settings shipping sidebar signup sitemap slack snapshot socket \
        sort spinner sql sqlite staging storage stream style subscription sync table tenant test theme \
        thread throttle timeout toast token tooltip trace tracking upload upgrade user validation vault \
        version video viewport webhook websocket widget worker workflow workspace yaml zip
        """.split(separator: " ").map(String.init)

    static func sentence(_ generator: inout some RandomNumberGenerator, words count: Int) -> String {
        (0..<count).map { _ in words.randomElement(using: &generator)! }.joined(separator: " ")
    }

    static func title(_ generator: inout some RandomNumberGenerator) -> String {
        let verbs = ["Fix", "Add", "Improve", "Remove", "Refactor", "Document", "Test", "Speed up"]
        return verbs.randomElement(using: &generator)! + " " + sentence(&generator, words: Int.random(in: 3...6, using: &generator))
    }

    static func description(_ generator: inout some RandomNumberGenerator) -> String {
        sentence(&generator, words: Int.random(in: 15...40, using: &generator))
    }

    /// A query as people type it: one or two words, the last one cut short.
    static func query(_ generator: inout some RandomNumberGenerator) -> String {
        let first = words.randomElement(using: &generator)!
        if Bool.random(using: &generator) { return String(first.prefix(max(3, first.count - 2))) }
        let second = words.randomElement(using: &generator)!
        return first + " " + String(second.prefix(max(3, second.count - 1)))
    }
}
