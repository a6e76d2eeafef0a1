import Foundation

/// The report's sections other than the key/value tables.
extension TrainingReport {
    /// Headline figures of the shown metrics and the best checkpoint line.
    func finalMetricsSection() -> String {
        var body = ""
        if let metrics = content.shownMetrics {
            body += "<div class=\"cards\">\n"
            body += card(metrics.multiLabel ? "subset accuracy" : "accuracy", fixed(metrics.accuracy))
            body += card("macro-F1", fixed(metrics.macroF1))
            if let loss = metrics.loss { body += card("loss", fixed(loss)) }
            body += card("examples", String(metrics.examples))
            if let last = content.steps.last { body += card("training steps", String(last.step)) }
            body += "</div>\n"
        } else {
            body += "<p class=\"none\">No evaluation ran.</p>\n"
        }
        if let best = content.bestCheckpoint {
            var line = "Best checkpoint: <code><bdi>\(escapeHTML(best.path))</bdi></code> (step \(best.step), epoch \(best.epoch)"
            if let metric = best.metric, let value = best.value { line += ", \(escapeHTML(metric)) = \(fixed(value))" }
            body += "<p class=\"best\" id=\"best-checkpoint\">\(line))</p>\n"
        } else {
            body += "<p class=\"best none\" id=\"best-checkpoint\">No checkpoint marked best.</p>\n"
        }
        return section(content.finalMetricsTitle, id: "final", body)
    }

    /// The training loss, learning-rate and evaluation charts.
    func curvesSection() -> String {
        let steps = content.steps
        let losses = steps.map { (Double($0.step), $0.loss) }
        var charts: [LineChart] = []
        charts.append(LineChart(
            id: "chart-loss", title: "Training loss", xLabel: "step", yLabel: "loss",
            series: [.init(name: "loss (raw)", color: "#9db8d9", points: losses, style: .points),
                     .init(name: "loss (smoothed)", color: "#1f5fa8", points: smoothed(losses), style: .line)]))
        charts.append(LineChart(
            id: "chart-learning-rate", title: "Learning rate", xLabel: "step", yLabel: "learning rate",
            series: [.init(name: "learning rate", color: "#b5651d", points: steps.map { (Double($0.step), $0.learningRate) }, style: .line)]))
        let evals = content.evaluations
        let accuracyName = evals.last?.metrics.multiLabel == true ? "subset accuracy" : "accuracy"
        charts.append(LineChart(
            id: "chart-eval-metrics", title: "Evaluation metrics", xLabel: "step", yLabel: "score",
            series: [.init(name: accuracyName, color: "#2a7f3f", points: evals.map { (Double($0.step), $0.metrics.accuracy) }, style: .lineAndPoints),
                     .init(name: "macro-F1", color: "#8a3ea8", points: evals.map { (Double($0.step), $0.metrics.macroF1) }, style: .lineAndPoints, dashed: true)],
            fixedYRange: (0, 1)))
        let evalLosses = evals.compactMap { e in e.metrics.loss.map { (Double(e.step), $0) } }
        charts.append(LineChart(
            id: "chart-eval-loss", title: "Evaluation loss", xLabel: "step", yLabel: "loss",
            series: [.init(name: "eval loss", color: "#b8332e", points: evalLosses, style: .lineAndPoints)]))
        var body = "<div class=\"charts\">\n"
        for chart in charts {
            body += "<figure>\n<h3>\(escapeHTML(chart.title))</h3>\n\(chart.svg())</figure>\n"
        }
        return section("Curves", id: "curves", body + "</div>\n")
    }

    /// The confusion matrix (single-label: heat map, rows true, columns predicted; multi-label: counts per label).
    func confusionSection() -> String {
        guard let metrics = content.shownMetrics else { return "" }
        let labels = metrics.labels
        var html: String
        if metrics.multiLabel {
            html = "<table class=\"heat\" id=\"confusion-matrix\">\n<thead><tr><th>label</th>"
            for name in ["true negatives", "false positives", "false negatives", "true positives"] { html += "<th class=\"num\">\(name)</th>" }
            html += "</tr></thead>\n<tbody>\n"
            for (label, row) in zip(labels, metrics.confusionMatrix) {
                let total = max(1, row.reduce(0, +))
                html += "<tr><th scope=\"row\"><bdi>\(escapeHTML(label))</bdi></th>"
                for count in row { html += heatCell(count, share: Double(count) / Double(total), title: "\(count)") }
                html += "</tr>\n"
            }
            return section("Confusion counts per label", id: "confusion", html + "</tbody>\n</table>\n")
        }
        html = "<table class=\"heat\" id=\"confusion-matrix\">\n<thead><tr><th class=\"corner\">true ↓ / predicted →</th>"
        for label in labels { html += "<th scope=\"col\"><bdi>\(escapeHTML(label))</bdi></th>" }
        html += "</tr></thead>\n<tbody>\n"
        for (t, row) in metrics.confusionMatrix.enumerated() where t < labels.count {
            let total = row.reduce(0, +)
            html += "<tr><th scope=\"row\"><bdi>\(escapeHTML(labels[t]))</bdi></th>"
            for (p, count) in row.enumerated() where p < labels.count {
                let share = total == 0 ? 0 : Double(count) / Double(total)
                let title = "true \(labels[t]), predicted \(labels[p]): \(count) (\(String(format: "%.1f", share * 100))% of the row)"
                html += heatCell(count, share: share, title: title)
            }
            html += "</tr>\n"
        }
        html += "</tbody>\n</table>\n<p class=\"none\">Colour: share of the true class's examples (row).</p>\n"
        return section("Confusion matrix", id: "confusion", html)
    }

    /// Precision, recall, F1 and support per class.
    func perClassSection() -> String {
        guard let metrics = content.shownMetrics else { return "" }
        var html = "<table id=\"per-class\">\n<thead><tr><th>\(metrics.multiLabel ? "label" : "class")</th>"
            + "<th class=\"num\">precision</th><th class=\"num\">recall</th><th class=\"num\">F1</th><th class=\"num\">support</th></tr></thead>\n<tbody>\n"
        for (label, scores) in zip(metrics.labels, metrics.perClass) {
            html += "<tr><th scope=\"row\"><bdi>\(escapeHTML(label))</bdi></th><td class=\"num\">\(fixed(scores.precision))</td>"
                + "<td class=\"num\">\(fixed(scores.recall))</td><td class=\"num\">\(fixed(scores.f1))</td><td class=\"num\">\(scores.support)</td></tr>\n"
        }
        html += "<tr><th scope=\"row\">macro average</th><td class=\"num\">\(fixed(ClassificationMetrics.mean(metrics.perClass.map(\.precision))))</td>"
            + "<td class=\"num\">\(fixed(ClassificationMetrics.mean(metrics.perClass.map(\.recall))))</td><td class=\"num\">\(fixed(metrics.macroF1))</td>"
            + "<td class=\"num\">\(metrics.perClass.reduce(0) { $0 + $1.support })</td></tr>\n"
        return section("Per class", id: "per-class-section", html + "</tbody>\n</table>\n")
    }

    /// A heat-map cell: white to blue by `share` (0...1), white text on dark cells.
    func heatCell(_ count: Int, share: Double, title: String) -> String {
        let s = share.isFinite ? min(1, max(0, share)) : 0
        let (r, g, b) = (Int((255 - (255 - 31) * s).rounded()), Int((255 - (255 - 95) * s).rounded()), Int((255 - (255 - 168) * s).rounded()))
        let color = s > 0.55 ? "#fff" : "#1c2430"
        return "<td style=\"background:rgb(\(r),\(g),\(b));color:\(color)\" title=\"\(escapeHTML(title))\">\(count)</td>"
    }

    /// A headline figure.
    func card(_ name: String, _ value: String) -> String {
        "<div class=\"card\"><div class=\"value\">\(value)</div><div class=\"name\">\(escapeHTML(name))</div></div>\n"
    }

    /// A centered moving average over the finite values: the mean of the points up to `h` either side, where
    /// `h` is `content.smoothingHalfWidth` (automatic: a twentieth of the points), shrunk symmetrically at
    /// the ends. Centered, so the line does not lag behind a falling loss as an exponential average does.
    func smoothed(_ points: [(Double, Double)]) -> [(Double, Double)] {
        let finite = points.filter { $0.1.isFinite }
        let halfWidth = max(0, content.smoothingHalfWidth ?? finite.count / 20)
        var prefix = [0.0]
        for (_, y) in finite { prefix.append(prefix[prefix.count - 1] + y) }
        return finite.indices.map { i in
            let h = min(halfWidth, i, finite.count - 1 - i)
            return (finite[i].0, (prefix[i + h + 1] - prefix[i - h]) / Double(2 * h + 1))
        }
    }
}

/// `value` with four decimals ("NaN", "inf" for non-finite values).
func fixed(_ value: Double) -> String {
    value.isFinite ? String(format: "%.4f", value) : (value.isNaN ? "NaN" : (value > 0 ? "inf" : "-inf"))
}
