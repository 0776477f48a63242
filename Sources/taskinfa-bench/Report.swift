import Foundation

/// The figures of one run, each printed beside the baseline it is judged against (the server's HTTP
/// ceiling, or what SQLite itself does for the same rows), both measured in this run.
struct Report: Sendable {
    /// A reference figure measured in the same run.
    struct Baseline: Sendable {
        let name: String
        let value: Double
        let unit: String
    }

    struct Row: Sendable {
        let label: String
        let value: Double
        let unit: String
        let baseline: Baseline?
        let target: String
    }

    var name: String
    var rows: [Row] = []
    var ceiling: Double = .nan
    /// SQLite's own one-transaction rates for a create's and a move's rows (SQLite runs only).
    var storageCreates: Double = .nan
    var storageMoves: Double = .nan

    var httpCeiling: Baseline { Baseline(name: "HTTP ceiling", value: ceiling, unit: "req/s") }

    /// `ratio: true` puts the HTTP ceiling beside the figure.
    mutating func add(_ label: String, _ value: Double, _ unit: String, ratio: Bool = false, target: String = "") {
        add(label, value, unit, against: ratio ? httpCeiling : nil, target: target)
    }

    mutating func add(_ label: String, _ value: Double, _ unit: String, against baseline: Baseline?, target: String = "") {
        rows.append(Row(label: label, value: value, unit: unit, baseline: baseline, target: target))
    }

    func print() {
        Swift.print("\n== taskinfa-bench: \(name) (HTTP ceiling \(Self.format(ceiling)) req/s)")
        Swift.print(Self.pad("figure", 56) + Self.pad("value", 16) + Self.pad("vs baseline", 44) + "target")
        for row in rows {
            var beside = ""
            if let baseline = row.baseline, baseline.value > 0 {
                beside = String(format: "%.2f× ", row.value / baseline.value) + "\(baseline.name) (\(Self.format(baseline.value)) \(baseline.unit))"
            }
            Swift.print(Self.pad(row.label, 56) + Self.pad("\(Self.format(row.value)) \(row.unit)", 16) + Self.pad(beside, 44) + row.target)
        }
    }

    var dictionary: [String: Any] {
        // JSON has no NaN: a figure that couldn't be taken is null.
        func number(_ value: Double) -> Any { value.isFinite ? value : NSNull() }
        var figures: [String: Any] = [:]
        for row in rows {
            var figure: [String: Any] = ["value": number(row.value), "unit": row.unit, "target": row.target]
            if let baseline = row.baseline {
                figure["baseline"] = ["name": baseline.name, "value": number(baseline.value), "unit": baseline.unit]
                figure["ratio_to_baseline"] = number(row.value / baseline.value)
                if baseline.name == httpCeiling.name { figure["ratio_to_ceiling"] = number(row.value / baseline.value) }
            }
            figures[row.label] = figure
        }
        return [
            "database": name, "ceiling_requests_per_second": number(ceiling),
            "storage_creates_per_second": number(storageCreates), "storage_moves_per_second": number(storageMoves),
            "figures": figures,
        ]
    }

    /// A figure as the tables print it: whole above 100, two decimals below.
    static func format(_ value: Double) -> String {
        if value.isNaN { return "n/a" }
        return value >= 100 ? String(format: "%.0f", value) : String(format: "%.2f", value)
    }

    /// `text` left-aligned in a column `width` wide (and a space after, if it overflows).
    static func pad(_ text: String, _ width: Int) -> String {
        text.count >= width ? text + " " : text + String(repeating: " ", count: width - text.count)
    }
}
