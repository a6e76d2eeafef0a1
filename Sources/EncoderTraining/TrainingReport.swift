import BertKitSupport
import Foundation
import LineIO

/// A self-contained HTML report of a training run: the recipe, the machine, the training loss and learning-rate
/// curves, the evaluation curves, the confusion matrix as a heat map, the per-class table, the final metrics
/// and the best checkpoint. One file with inline CSS and inline SVG: no scripts, no fonts or images to fetch,
/// so it opens offline and in any browser. All user text (labels, paths, recipe values) is HTML-escaped, and
/// label names are bidi-isolated (`<bdi>`) so Persian labels read right to left inside the English page.
///
/// ```swift
/// let events = try MetricsLog.read(from: "out/metrics.jsonl")
/// let content = TrainingReport.Content(title: "MiniLM on Rotten Tomatoes", recipe: [.init("epochs", "3")],
///                                      machine: TrainingReport.machineDescription(kernels: "OpenBLAS SkylakeX"),
///                                      events: events)
/// try TrainingReport(content: content).write(to: "out/report.html")
/// ```
public struct TrainingReport: Sendable {
    /// One row of a key/value table.
    public struct Entry: Sendable, Equatable {
        /// The name (left column).
        public var key: String
        /// The value (right column).
        public var value: String

        /// Creates a row.
        public init(_ key: String, _ value: String) {
            self.key = key
            self.value = value
        }
    }

    /// Everything the report shows, usually filled from a `MetricsLog` plus the run's settings.
    public struct Content: Sendable {
        /// Page title and heading.
        public var title: String
        /// The recipe: model, data, hyperparameters, seed, … in display order.
        public var recipe: [Entry]
        /// The machine: CPU model, cores, kernels, … (see `TrainingReport.machineDescription`).
        public var machine: [Entry]
        /// Training updates, in step order.
        public var steps: [TrainingEvent.Step]
        /// Evaluations, in step order.
        public var evaluations: [TrainingEvent.Evaluation]
        /// Checkpoints, in step order.
        public var checkpoints: [TrainingEvent.Checkpoint]
        /// The metrics shown as final (confusion matrix, per-class table); nil shows the last evaluation's.
        public var finalMetrics: ClassificationMetrics?
        /// Heading of the final metrics ("Final evaluation", "Test set", …).
        public var finalMetricsTitle: String
        /// Points either side averaged into the smoothed training-loss line (0: the raw losses; nil: a
        /// twentieth of the steps).
        public var smoothingHalfWidth: Int?

        /// Creates the content from a run's events (any order; sorted by step here).
        public init(title: String, recipe: [Entry], machine: [Entry], events: [TrainingEvent],
                    finalMetrics: ClassificationMetrics? = nil, finalMetricsTitle: String = "Final evaluation",
                    smoothingHalfWidth: Int? = nil) {
            self.title = title
            self.recipe = recipe
            self.machine = machine
            var steps: [TrainingEvent.Step] = [], evaluations: [TrainingEvent.Evaluation] = []
            var checkpoints: [TrainingEvent.Checkpoint] = []
            for event in events {
                switch event {
                case .train(let record): steps.append(record)
                case .eval(let record): evaluations.append(record)
                case .checkpoint(let record): checkpoints.append(record)
                }
            }
            self.steps = steps.sorted { $0.step < $1.step }
            self.evaluations = evaluations.sorted { $0.step < $1.step }
            self.checkpoints = checkpoints.sorted { $0.step < $1.step }
            self.finalMetrics = finalMetrics
            self.finalMetricsTitle = finalMetricsTitle
            self.smoothingHalfWidth = smoothingHalfWidth
        }

        /// The metrics the report calls final: `finalMetrics`, else the last evaluation's.
        public var shownMetrics: ClassificationMetrics? { finalMetrics ?? evaluations.last?.metrics }

        /// The last checkpoint marked best.
        public var bestCheckpoint: TrainingEvent.Checkpoint? { checkpoints.last { $0.isBest } }
    }

    /// What the report shows.
    public var content: Content

    /// Creates a report of `content`.
    public init(content: Content) { self.content = content }

    /// The HTML document.
    public func render() -> String {
        var html = """
            <!DOCTYPE html>
            <html lang="en">
            <head>
            <meta charset="utf-8">
            <meta name="viewport" content="width=device-width, initial-scale=1">
            <meta name="generator" content="BertKit">
            <title>\(escapeHTML(content.title))</title>
            <style>\(Self.styleSheet)</style>
            </head>
            <body>
            <main>
            <h1 dir="auto">\(escapeHTML(content.title))</h1>

            """
        html += finalMetricsSection()
        html += section("Recipe", id: "recipe", keyValueTable(content.recipe, caption: "recipe"))
        html += section("Machine", id: "machine", keyValueTable(content.machine, caption: "machine"))
        html += curvesSection()
        html += confusionSection()
        html += perClassSection()
        html += "</main>\n</body>\n</html>\n"
        return html
    }

    /// Writes the HTML to `path` atomically (a temporary file renamed into place).
    /// - Throws: `LineIOError.unwritableOutput`.
    public func write(to path: String) throws {
        let output = try AtomicOutput(path: path)
        do {
            try output.write(Array(render().utf8))
            try output.commit()
        } catch {
            output.discard()
            throw error
        }
    }

    /// The machine's description for `Content.machine`: CPU model (from /proc/cpuinfo), online processors,
    /// operating system, and `kernels` (the backend's kernel choice, e.g. OpenBLAS core type) when given.
    public static func machineDescription(kernels: String? = nil) -> [Entry] {
        var entries: [Entry] = []
        if let cpuinfo = try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8),
           let line = cpuinfo.split(separator: "\n").first(where: { $0.hasPrefix("model name") }),
           let colon = line.firstIndex(of: ":") {
            entries.append(Entry("CPU", line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)))
        }
        entries.append(Entry("processors online", String(Machine.activeProcessorCount)))
        let os = ProcessInfo.processInfo.operatingSystemVersionString
        if !os.isEmpty { entries.append(Entry("operating system", os)) }
        if let kernels { entries.append(Entry("kernels", kernels)) }
        return entries
    }

    /// A `<section>` with a heading.
    func section(_ title: String, id: String, _ body: String) -> String {
        "<section id=\"\(id)\">\n<h2>\(escapeHTML(title))</h2>\n\(body)</section>\n"
    }

    /// A two-column table; values may be Persian, so both cells isolate their direction.
    func keyValueTable(_ entries: [Entry], caption: String) -> String {
        guard !entries.isEmpty else { return "<p class=\"none\">No \(escapeHTML(caption)) recorded.</p>\n" }
        var html = "<table class=\"kv\">\n<tbody>\n"
        for entry in entries {
            html += "<tr><th scope=\"row\"><bdi>\(escapeHTML(entry.key))</bdi></th><td><bdi>\(escapeHTML(entry.value))</bdi></td></tr>\n"
        }
        return html + "</tbody>\n</table>\n"
    }

    static let styleSheet = """

        body { margin: 0; background: #f6f7f9; color: #1c2430; font: 15px/1.45 system-ui, "Noto Sans", "DejaVu Sans", sans-serif; }
        main { max-width: 1100px; margin: 0 auto; padding: 24px 28px 48px; }
        h1 { font-size: 26px; margin: 4px 0 18px; }
        h2 { font-size: 19px; margin: 30px 0 10px; border-bottom: 1px solid #d5dae1; padding-bottom: 4px; }
        h3 { font-size: 15px; margin: 0 0 6px; }
        table { border-collapse: collapse; background: #fff; }
        th, td { padding: 5px 10px; border: 1px solid #dde2e8; text-align: left; }
        td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
        table.kv th { background: #eef1f5; font-weight: 600; white-space: nowrap; }
        .cards { display: flex; flex-wrap: wrap; gap: 12px; margin: 6px 0 10px; }
        .card { background: #fff; border: 1px solid #dde2e8; border-radius: 6px; padding: 10px 16px; min-width: 130px; }
        .card .value { font-size: 24px; font-weight: 600; font-variant-numeric: tabular-nums; }
        .card .name { color: #5b6675; font-size: 13px; }
        .charts { display: grid; grid-template-columns: repeat(auto-fit, minmax(460px, 1fr)); gap: 16px; }
        figure { margin: 0; background: #fff; border: 1px solid #dde2e8; border-radius: 6px; padding: 10px 12px 4px; }
        svg { display: block; width: 100%; height: auto; }
        svg text { font: 11px system-ui, "Noto Sans", "DejaVu Sans", sans-serif; fill: #3a4554; }
        svg .axis { stroke: #7a8594; stroke-width: 1; }
        svg .grid { stroke: #e6e9ee; stroke-width: 1; }
        table.heat td { text-align: center; min-width: 44px; font-variant-numeric: tabular-nums; }
        table.heat th.corner { background: #fff; color: #5b6675; font-weight: normal; font-size: 12px; }
        table.heat thead th, table.heat tbody th { background: #eef1f5; }
        .none { color: #5b6675; font-style: italic; }
        .best { margin: 8px 0; }

        """
}

/// `text` with the five HTML special characters escaped; safe in element content and quoted attributes.
func escapeHTML(_ text: String) -> String {
    var out = ""
    out.reserveCapacity(text.utf8.count)
    for scalar in text.unicodeScalars {
        switch scalar {
        case "&": out += "&amp;"
        case "<": out += "&lt;"
        case ">": out += "&gt;"
        case "\"": out += "&quot;"
        case "'": out += "&#39;"
        default: out.unicodeScalars.append(scalar)
        }
    }
    return out
}
