import ArgumentParser

@main
struct Taskinfa: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "taskinfa",
        abstract: "A self-hosted Kanban where people and AI coding agents share one board.",
        subcommands: [Serve.self, WorkerCommand.self, MCPCommand.self, Admin.self],
        defaultSubcommand: Serve.self)
}
