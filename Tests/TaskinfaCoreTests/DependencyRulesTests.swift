import TaskinfaCore
import Testing

@Suite struct DependencyRulesTests {
    @Test(arguments: [(TaskStatus.backlog, false), (.todo, true), (.inProgress, true), (.review, false), (.done, false)])
    func onlyPlanningAndStartingNeedFinishedBlockers(status: TaskStatus, needs: Bool) {
        #expect(DependencyRules.needsFinishedBlockers(toEnter: status) == needs)
    }

    @Test func theRefusalNamesWhatTheTaskWaitsFor() {
        let error = DependencyRules.blocked(by: ["WEB-9", "WEB-2"], entering: .todo)
        #expect(error.field == "status")
        #expect(error.message.contains("WEB-2, WEB-9"))
    }
}
