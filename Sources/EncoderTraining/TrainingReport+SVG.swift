import Foundation

/// An inline SVG line chart with axes, ticks, tick labels, grid lines and a legend. The x axis (steps) starts at
/// 0 so charts side by side line up; a single step x sits in the middle of 0...2x. A flat series or no data at
/// all still draws (a zero-width y range is widened around its value, never below 0 for a value >= 0; an empty
/// chart says so).
struct LineChart {
    /// How a series is drawn.
    enum Style { case line, points, lineAndPoints }

    /// One named series of (x, y) points; non-finite points are left out.
    struct Series {
        var name: String
        var color: String
        var points: [(Double, Double)]
        var style: Style
        /// A dashed line, for a series that may lie on top of another.
        var dashed = false
    }

    var id: String
    var title: String
    var xLabel: String
    var yLabel: String
    var series: [Series]
    /// A y range to always include (scores: 0...1).
    var fixedYRange: (Double, Double)? = nil

    static let width = 560.0, height = 300.0
    static let left = 70.0, right = 16.0, top = 30.0, bottom = 44.0

    func svg() -> String {
        let (w, h) = (Self.width, Self.height)
        let plotWidth = w - Self.left - Self.right, plotHeight = h - Self.top - Self.bottom
        var out = "<svg id=\"\(id)\" class=\"chart\" xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 \(w.svg) \(h.svg)\" "
            + "width=\"\(w.svg)\" height=\"\(h.svg)\" role=\"img\" aria-label=\"\(escapeHTML(title))\">\n"
        let finite = series.map { $0.points.filter { $0.0.isFinite && $0.1.isFinite } }
        let xs = finite.flatMap { $0.map(\.0) }, ys = finite.flatMap { $0.map(\.1) }
        guard let xMax = xs.max(), var yMin = ys.min(), var yMax = ys.max() else {
            out += "<rect x=\"\(Self.left.svg)\" y=\"\(Self.top.svg)\" width=\"\(plotWidth.svg)\" height=\"\(plotHeight.svg)\" fill=\"none\" class=\"axis\"/>\n"
            out += "<text x=\"\((w / 2).svg)\" y=\"\((h / 2).svg)\" text-anchor=\"middle\">no data</text>\n</svg>\n"
            return out
        }
        if let (lo, hi) = fixedYRange { yMin = min(yMin, lo); yMax = max(yMax, hi) }
        let xTicks = Ticks(min: min(0, xs.min() ?? 0), max: xs.min() == xMax ? 2 * xMax : xMax, integral: true), yTicks = Ticks(min: yMin, max: yMax, integral: false)
        func px(_ x: Double) -> Double { Self.left + (x - xTicks.lower) / (xTicks.upper - xTicks.lower) * plotWidth }
        func py(_ y: Double) -> Double { Self.top + plotHeight - (y - yTicks.lower) / (yTicks.upper - yTicks.lower) * plotHeight }

        // Grid, axes, ticks and their labels.
        for y in yTicks.values {
            out += "<line class=\"grid\" x1=\"\(Self.left.svg)\" x2=\"\((Self.left + plotWidth).svg)\" y1=\"\(py(y).svg)\" y2=\"\(py(y).svg)\"/>"
            out += "<line class=\"axis\" x1=\"\((Self.left - 5).svg)\" x2=\"\(Self.left.svg)\" y1=\"\(py(y).svg)\" y2=\"\(py(y).svg)\"/>"
            out += "<text class=\"tick y\" x=\"\((Self.left - 8).svg)\" y=\"\((py(y) + 4).svg)\" text-anchor=\"end\">\(yTicks.label(y))</text>\n"
        }
        for x in xTicks.values {
            out += "<line class=\"axis\" x1=\"\(px(x).svg)\" x2=\"\(px(x).svg)\" y1=\"\((Self.top + plotHeight).svg)\" y2=\"\((Self.top + plotHeight + 5).svg)\"/>"
            out += "<text class=\"tick x\" x=\"\(px(x).svg)\" y=\"\((Self.top + plotHeight + 18).svg)\" text-anchor=\"middle\">\(xTicks.label(x))</text>\n"
        }
        out += "<line class=\"axis\" x1=\"\(Self.left.svg)\" x2=\"\(Self.left.svg)\" y1=\"\(Self.top.svg)\" y2=\"\((Self.top + plotHeight).svg)\"/>"
        out += "<line class=\"axis\" x1=\"\(Self.left.svg)\" x2=\"\((Self.left + plotWidth).svg)\" y1=\"\((Self.top + plotHeight).svg)\" y2=\"\((Self.top + plotHeight).svg)\"/>\n"
        out += "<text class=\"axis-label\" x=\"\((Self.left + plotWidth / 2).svg)\" y=\"\((h - 6).svg)\" text-anchor=\"middle\">\(escapeHTML(xLabel))</text>\n"
        out += "<text class=\"axis-label\" transform=\"translate(14 \((Self.top + plotHeight / 2).svg)) rotate(-90)\" text-anchor=\"middle\">\(escapeHTML(yLabel))</text>\n"

        // Data, then the legend along the top.
        var legendX = Self.left
        for (s, points) in zip(series, finite) {
            let color = escapeHTML(s.color)
            if s.style != .points, points.count > 1 {
                let path = points.map { "\(px($0.0).svg),\(py($0.1).svg)" }.joined(separator: " ")
                out += "<polyline class=\"series\" fill=\"none\" stroke=\"\(color)\" stroke-width=\"2\"\(s.dashed ? " stroke-dasharray=\"6 4\"" : "") points=\"\(path)\"/>\n"
            }
            if s.style != .line || points.count == 1 {
                let radius = s.style == .points ? 2.0 : 3.0
                for (x, y) in points {
                    out += "<circle cx=\"\(px(x).svg)\" cy=\"\(py(y).svg)\" r=\"\(radius.svg)\" fill=\"\(color)\"/>"
                }
                out += "\n"
            }
            out += "<rect x=\"\(legendX.svg)\" y=\"8\" width=\"12\" height=\"12\" fill=\"\(color)\"/>"
            out += "<text class=\"legend\" x=\"\((legendX + 16).svg)\" y=\"18\">\(escapeHTML(s.name))</text>\n"
            legendX += 16 + 7 * Double(s.name.count) + 18
        }
        return out + "</svg>\n"
    }
}

/// "Nice" axis ticks (steps of 1, 2 or 5 times a power of ten) covering `min...max`; a zero-width range is
/// widened around its value (by 1 for integral axes and zero, else by a tenth), not below 0 when it is >= 0.
struct Ticks {
    var lower: Double
    var upper: Double
    var step: Double

    init(min: Double, max: Double, integral: Bool, target: Int = 5) {
        var lo = min, hi = max
        if hi - lo <= 0 {
            let pad = integral ? 1 : (lo == 0 ? 1 : abs(lo) * 0.1)
            lo = lo >= 0 ? Swift.max(0, lo - pad) : lo - pad  // a rate or a loss of 0 never gets a negative axis
            hi += pad
        }
        let raw = (hi - lo) / Double(target)
        let magnitude = pow(10, (log10(raw)).rounded(.down))
        var step = magnitude
        for factor in [1.0, 2, 5, 10] where raw <= factor * magnitude * 1.000001 { step = factor * magnitude; break }
        if integral { step = Swift.max(1, step.rounded()) }
        self.step = step
        lower = (lo / step).rounded(.down) * step
        upper = (hi / step).rounded(.up) * step
        if upper <= lower { upper = lower + step }
    }

    /// The tick positions, lower to upper.
    var values: [Double] {
        let count = Int(((upper - lower) / step).rounded())
        return (0...count).map { lower + Double($0) * step }
    }

    /// A tick label: six significant digits, so 0.1 + 0.2 prints as 0.3 and 5e-05 stays short.
    func label(_ value: Double) -> String {
        abs(value) < step * 1e-9 ? "0" : String(format: "%g", value)
    }
}

extension Double {
    /// A coordinate with two decimals at most ("12.5", "300").
    fileprivate var svg: String {
        let rounded = (self * 100).rounded() / 100
        return rounded == rounded.rounded() ? String(Int(rounded)) : String(format: "%.2f", rounded)
    }
}
