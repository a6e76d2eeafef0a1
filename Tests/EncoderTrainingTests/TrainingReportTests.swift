import BertKitSupport
@testable import EncoderTraining
import Foundation
import Testing

/// A made-up run, logged through a real `MetricsLog` and read back: 60 updates of a decaying loss, a warmup/decay
/// learning rate, evaluations and checkpoints at steps 20, 40 and 60, Persian and English labels.
enum SampleRun {
    static let labels = ["ورزشی", "سیاسی", "اقتصادی", "sport", "technology"]

    static func events(logAt path: String) throws -> [TrainingEvent] {
        var random = SplitMix64(seed: 7)
        let schedule = LinearWarmupDecay(peak: 5e-5, warmupSteps: 6, totalSteps: 60)
        let log = try MetricsLog(appendingTo: path)
        var bestF1 = -1.0
        for step in 1...60 {
            let noise = Double(random.next() % 1000) / 1000 - 0.5
            let loss = 1.6 * exp(-Double(step) / 22) + 0.12 + 0.18 * noise
            try log.append(.train(.init(epoch: (step - 1) / 20 + 1, step: step, loss: loss,
                                        learningRate: Double(schedule.learningRate(atStep: step - 1)),
                                        gradNorm: 2 - Double(step) / 40, examplesPerSecond: 38 + noise)))
            guard step % 20 == 0 else { continue }
            // Truth: 24 examples per class; a class is predicted right with a rate that grows with the step.
            var truth: [Int] = [], predicted: [Int] = []
            for c in labels.indices {
                for _ in 0..<24 {
                    truth.append(c)
                    let right = Double(random.next() % 1000) / 1000 < 0.35 + Double(step) / 110 - (c == 2 ? 0.25 : 0)
                    predicted.append(right ? c : Int(random.next() % UInt64(labels.count)))
                }
            }
            let metrics = ClassificationMetrics(predicted: predicted, truth: truth, labels: labels, loss: 1.3 - Double(step) / 80)
            try log.append(.eval(.init(epoch: step / 20, step: step, metrics: metrics)))
            let isBest = metrics.macroF1 > bestF1
            bestF1 = max(bestF1, metrics.macroF1)
            try log.append(.checkpoint(.init(epoch: step / 20, step: step, path: "checkpoint-\(step)", isBest: isBest,
                                             metric: "macro_f1", value: metrics.macroF1)))
        }
        log.close()
        return try MetricsLog.read(from: path)
    }

    static func content(events: [TrainingEvent]) -> TrainingReport.Content {
        TrainingReport.Content(
            title: "all-MiniLM-L6-v2 · آگهی‌ها (ads) sample run",
            recipe: [.init("model", "all-MiniLM-L6-v2"), .init("data", "ads <script>alert('x')</script> & news"),
                     .init("epochs", "3"), .init("batch size", "32"), .init("learning rate", "5e-05"), .init("seed", "42")],
            machine: TrainingReport.machineDescription(kernels: "OpenBLAS SkylakeX"),
            events: events)
    }
}

@Suite struct TrainingReportTests {
    /// Every part is present, text is escaped, Persian labels are isolated, and the numbers shown are the log's.
    @Test func sampleReport() throws {
        let folder = try temporaryFolder()
        let events = try SampleRun.events(logAt: folder + "/metrics.jsonl")
        #expect(events.count == 66)
        let content = SampleRun.content(events: events)
        let html = TrainingReport(content: content).render()
        for id in ["chart-loss", "chart-learning-rate", "chart-eval-metrics", "chart-eval-loss"] {
            #expect(html.contains("<svg id=\"\(id)\" class=\"chart\""), "\(id)")
        }
        #expect(html.components(separatedBy: "<polyline").count - 1 == 5)  // smoothed loss, rate, accuracy, F1, eval loss
        #expect(html.components(separatedBy: "<circle").count - 1 == 60 + 3 + 3 + 3)
        #expect(!html.contains("<script"))
        #expect(html.contains("<bdi>ads &lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; news</bdi>"))
        #expect(html.contains("<th scope=\"col\"><bdi>ورزشی</bdi></th>"))
        #expect(html.contains("<title>all-MiniLM-L6-v2 · آگهی‌ها (ads) sample run</title>"))
        let last = try #require(content.evaluations.last?.metrics)
        #expect(html.contains("<div class=\"value\">\(fixed(last.accuracy))</div><div class=\"name\">accuracy</div>"))
        let f1 = last.perClass[2].f1
        #expect(html.contains("<th scope=\"row\"><bdi>اقتصادی</bdi></th><td class=\"num\">\(fixed(last.perClass[2].precision))</td>"
            + "<td class=\"num\">\(fixed(last.perClass[2].recall))</td><td class=\"num\">\(fixed(f1))</td><td class=\"num\">24</td></tr>"))
        let cell = last.confusionMatrix[0][0]
        #expect(html.contains("title=\"true ورزشی, predicted ورزشی: \(cell) (\(String(format: "%.1f", Double(cell) / 24 * 100))% of the row)\">\(cell)</td>"))
        let best = try #require(content.bestCheckpoint)
        #expect(html.contains("Best checkpoint: <code><bdi>\(best.path)</bdi></code> (step \(best.step), epoch \(best.epoch), macro_f1 = \(fixed(best.value ?? 0)))"))
        #expect(!html.contains("NaN") && !html.contains("inf"))
        if let sample = ProcessInfo.processInfo.environment["BERTKIT_SAMPLE_REPORT"] {  // Scripts/check-report.sh
            try TrainingReport(content: content).write(to: sample)
        }
    }

    /// Labels are user data: markup in a label is shown, never run.
    @Test func labelsAreEscaped() {
        let metrics = ClassificationMetrics(predicted: [0, 1], truth: [0, 1], labels: ["<script>alert(1)</script>", "a\"b"])
        let html = TrainingReport(content: .init(title: "t<i>", recipe: [], machine: [], events: [.eval(.init(epoch: 1, step: 1, metrics: metrics))])).render()
        #expect(!html.contains("<script>") && !html.contains("<i>"))
        #expect(html.contains("<bdi>&lt;script&gt;alert(1)&lt;/script&gt;</bdi>"))
        #expect(html.contains("title=\"true a&quot;b, predicted a&quot;b: 1 (100.0% of the row)\""))
        #expect(html.contains("<h1 dir=\"auto\">t&lt;i&gt;</h1>"))
    }

    /// One step and one evaluation: points in the middle of widened axes, no division by zero.
    @Test func oneStepOneEval() {
        let metrics = ClassificationMetrics(predicted: [0], truth: [0], labels: ["a", "b"], loss: 0.5)
        let html = TrainingReport(content: .init(title: "one", recipe: [], machine: [], events: [
            .train(.init(epoch: 1, step: 1, loss: 0.7, learningRate: 0, gradNorm: 1, examplesPerSecond: 3)),
            .eval(.init(epoch: 1, step: 1, metrics: metrics)),
        ])).render()
        #expect(!html.contains("NaN") && !html.contains("nan") && !html.contains("inf"))
        // x axis 0...2: step 1 in the middle of the 474-wide plot (70 + 237); y 0.6...0.8: 0.7 in the middle.
        #expect(html.contains("<circle cx=\"307\" cy=\"143\" r=\"2\" fill=\"#9db8d9\"/>"))
        #expect(html.contains("<circle cx=\"307\" cy=\"143\" r=\"3\" fill=\"#1f5fa8\"/>"))  // the one smoothed point
        // learning rate 0: y axis 0...1, the point on the x axis (30 + 226).
        #expect(html.contains("<circle cx=\"307\" cy=\"256\" r=\"3\" fill=\"#b5651d\"/>"))
        #expect(html.contains(">No checkpoint marked best.</p>"))
    }

    /// No events at all: every chart says so, no metrics sections.
    @Test func emptyRun() {
        let html = TrainingReport(content: .init(title: "empty", recipe: [], machine: [], events: [])).render()
        #expect(html.components(separatedBy: ">no data</text>").count - 1 == 4)
        #expect(html.contains("No evaluation ran.") && !html.contains("id=\"confusion-matrix\""))
    }

    /// Multi-label results show per-label counts instead of a square matrix.
    @Test func multiLabelCounts() {
        let metrics = ClassificationMetrics(predictedIndicators: [1, 0, 1, 1], trueIndicators: [1, 1, 0, 1], labels: ["x", "y"])
        let html = TrainingReport(content: .init(title: "m", recipe: [], machine: [], events: [.eval(.init(epoch: 1, step: 3, metrics: metrics))])).render()
        #expect(html.contains("<h2>Confusion counts per label</h2>"))
        #expect(html.contains("<tr><th scope=\"row\"><bdi>x</bdi></th><td style=\"background:rgb(255,255,255);color:#1c2430\" title=\"0\">0</td>"))
        #expect(html.contains("subset accuracy"))
    }

    /// Centered moving average, shrunk at the ends; non-finite losses left out.
    @Test func smoothing() {
        var content = TrainingReport.Content(title: "s", recipe: [], machine: [], events: [], smoothingHalfWidth: 1)
        let points: [(Double, Double)] = [(1, 1), (2, 2), (3, .nan), (4, 6), (5, 10)]
        #expect(TrainingReport(content: content).smoothed(points).map(\.1) == [1, 3, 6, 10])
        #expect(TrainingReport(content: content).smoothed(points).map(\.0) == [1, 2, 4, 5])
        content.smoothingHalfWidth = nil  // automatic: 4 points / 20 = 0, the raw values
        #expect(TrainingReport(content: content).smoothed(points).map(\.1) == [1, 2, 6, 10])
    }

    @Test func ticks() {
        let unit = Ticks(min: 0, max: 1, integral: false)
        #expect(unit.values == [0, 0.2, 0.4, 0.6000000000000001, 0.8, 1])
        #expect(unit.values.map(unit.label) == ["0", "0.2", "0.4", "0.6", "0.8", "1"])
        let steps = Ticks(min: 1, max: 1, integral: true)
        #expect(steps.values == [0, 1, 2])
        let zero = Ticks(min: 0, max: 0, integral: false)
        #expect(zero.lower == 0 && zero.upper == 1)
        let negative = Ticks(min: -2, max: -2, integral: false)
        #expect(negative.lower < -2 && negative.lower >= -2.3 && negative.upper > -2 && negative.upper <= -1.8)  // a tenth either side
        let rates = Ticks(min: 0, max: 5e-5, integral: false)
        #expect(rates.values.map(rates.label) == ["0", "1e-05", "2e-05", "3e-05", "4e-05", "5e-05"])
        let many = Ticks(min: 1, max: 1234, integral: true)
        #expect(many.step == 500 && many.lower == 0 && many.upper == 1500)
    }

    @Test func writesAtomically() throws {
        let path = try temporaryFolder() + "/report.html"
        let report = TrainingReport(content: .init(title: "w", recipe: [.init("seed", "1")], machine: [], events: []))
        try report.write(to: path)
        #expect(try String(contentsOfFile: path, encoding: .utf8) == report.render())
        #expect(throws: (any Error).self) { try report.write(to: path + "/missing-folder/x.html") }
    }
}
