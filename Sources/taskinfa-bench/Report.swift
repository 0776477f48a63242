import Foundation

/// The figures of one run, printed as a table with ratios to the HTTP ceiling.
struct Report: Sendable {
    var name: String
    var rows: [(label: String, value: Double, unit: String, ratio: Bool, target: String)] = []
    var ceiling: Double = .nan

    mutating func add(_ label: String, _ value: Double, _ unit: String, ratio: Bool = false, target: String = "") {
        rows.append((label, value, unit, ratio, target))
    }

    func print() {
        Swift.print("\n== taskinfa-bench: \(name) (HTTP ceiling \(format(ceiling)) req/s)")
        Swift.print(pad("figure", 52) + pad("value", 16) + pad("vs ceiling", 12) + "target")
        for row in rows {
            let ratio = row.ratio && ceiling > 0 ? String(format: "%.1f %%", row.value / ceiling * 100) : ""
            Swift.print(pad(row.label, 52) + pad("\(format(row.value)) \(row.unit)", 16) + pad(ratio, 12) + row.target)
        }
    }

    var dictionary: [String: Any] {
        var figures: [String: Any] = [:]
        for row in rows {
            figures[row.label] = ["value": row.value, "unit": row.unit, "target": row.target]
                .merging(row.ratio ? ["ratio_to_ceiling": row.value / ceiling] : [:]) { a, _ in a }
        }
        return ["database": name, "ceiling_requests_per_second": ceiling, "figures": figures]
    }

    private func format(_ value: Double) -> String {
        if value.isNaN { return "n/a" }
        return value >= 100 ? String(format: "%.0f", value) : String(format: "%.2f", value)
    }

    private func pad(_ text: String, _ width: Int) -> String {
        text.count >= width ? text + " " : text + String(repeating: " ", count: width - text.count)
    }
}
