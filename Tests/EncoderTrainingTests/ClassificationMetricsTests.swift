import BertKitTestSupport
import EncoderTraining
import Foundation
import Testing

/// One case of Fixtures/metrics/metrics.json (Scripts/golden/metrics.py, scikit-learn).
struct MetricsGoldenCase: Decodable, CustomTestStringConvertible {
    struct Expected: Decodable {
        var accuracy: Double
        var macro_f1: Double
        var precision: [Double]
        var recall: [Double]
        var f1: [Double]
        var support: [Int]
        var confusion_matrix: [[Int]]
    }

    /// Class ids (single-label) or 0/1 rows (multi-label).
    enum Values: Decodable {
        case ids([Int]), rows([[Int]])
        init(from decoder: Decoder) throws {
            let container = try decoder.singleValueContainer()
            if let rows = try? container.decode([[Int]].self) { self = .rows(rows) } else { self = .ids(try container.decode([Int].self)) }
        }
    }

    var name: String
    var multi_label: Bool
    var labels: [String]
    var truth: Values
    var predicted: Values?
    var logits: [Float]?
    var threshold: Float?
    var expected: Expected
    var testDescription: String { name }

    static let all: [MetricsGoldenCase] = {
        struct File: Decodable { var cases: [MetricsGoldenCase] }
        let path = TestRepository.path("Fixtures/metrics/metrics.json")
        guard let data = FileManager.default.contents(atPath: path),
              let file = try? JSONDecoder().decode(File.self, from: data) else { return [] }
        return file.cases
    }()

    /// BertKit's metrics of this case, through the path the case exercises.
    func metrics() -> ClassificationMetrics {
        let task = ClassificationTask(labels: labels, multiLabel: multi_label, threshold: threshold ?? 0.5)
        switch (truth, predicted) {
        case (.ids(let truth), .ids(let predicted)?):
            return ClassificationMetrics(predicted: predicted, truth: truth, labels: labels)
        case (.rows(let truth), .rows(let predicted)?):
            return ClassificationMetrics(predictedIndicators: predicted.joined().map { UInt8($0) },
                                         trueIndicators: truth.joined().map { UInt8($0) }, labels: labels)
        case (.ids(let truth), nil):
            return ClassificationMetrics(logits: logits ?? [], targets: .classes(truth.map { Int32($0) }), task: task)
        case (.rows(let truth), nil):
            return ClassificationMetrics(logits: logits ?? [], targets: .multiHot(truth.joined().map { Float($0) }), task: task)
        default:
            preconditionFailure("malformed golden case \(name)")
        }
    }
}

@Suite struct ClassificationMetricsTests {
    @Test func goldenFileHasEveryCase() {
        #expect(MetricsGoldenCase.all.map(\.name) == [
            "random-5-classes", "class-never-predicted", "class-absent", "one-example-persian", "logits-argmax",
            "multi-label-random", "multi-label-logits",
        ])
    }

    /// Every figure within 1e-12 of scikit-learn; counts exact.
    @Test(arguments: MetricsGoldenCase.all) func matchesScikitLearn(_ golden: MetricsGoldenCase) {
        let metrics = golden.metrics()
        let want = golden.expected
        #expect(metrics.labels == golden.labels)
        #expect(metrics.multiLabel == golden.multi_label)
        #expect(abs(metrics.accuracy - want.accuracy) <= 1e-12)
        #expect(abs(metrics.macroF1 - want.macro_f1) <= 1e-12)
        #expect(metrics.perClass.count == golden.labels.count)
        for (c, scores) in metrics.perClass.enumerated() {
            #expect(abs(scores.precision - want.precision[c]) <= 1e-12, "precision of \(golden.labels[c])")
            #expect(abs(scores.recall - want.recall[c]) <= 1e-12, "recall of \(golden.labels[c])")
            #expect(abs(scores.f1 - want.f1[c]) <= 1e-12, "f1 of \(golden.labels[c])")
            #expect(scores.support == want.support[c], "support of \(golden.labels[c])")
        }
        #expect(metrics.confusionMatrix == want.confusion_matrix)
        #expect(metrics.examples == (metrics.multiLabel ? want.confusion_matrix[0].reduce(0, +) : want.support.reduce(0, +)))
    }

    /// Counts worked by hand: truth [0,0,1,2], predicted [0,1,1,1] over labels a, b, c, d.
    @Test func handWorkedSingleLabel() {
        let m = ClassificationMetrics(predicted: [0, 1, 1, 1], truth: [0, 0, 1, 2], labels: ["a", "b", "c", "d"], loss: 0.25)
        #expect(m.accuracy == 0.5)
        #expect(m.confusionMatrix == [[1, 1, 0, 0], [0, 1, 0, 0], [0, 1, 0, 0], [0, 0, 0, 0]])
        #expect(m.perClass[0] == .init(precision: 1, recall: 0.5, f1: 2.0 / 3, support: 2))
        #expect(m.perClass[1] == .init(precision: 1.0 / 3, recall: 1, f1: 0.5, support: 1))
        #expect(m.perClass[2] == .init(precision: 0, recall: 0, f1: 0, support: 1))  // never predicted
        #expect(m.perClass[3] == .init(precision: 0, recall: 0, f1: 0, support: 0))  // absent: still in the mean
        #expect(m.macroF1 == (2.0 / 3 + 0.5) / 4)
        #expect(m.scores(for: "b")?.support == 1 && m.scores(for: "z") == nil)
        #expect(m.labelConfusion == nil)
    }

    @Test func handWorkedMultiLabel() {
        // rows: [1,0] vs [1,0] (exact), [1,1] vs [0,1], [0,0] vs [0,0] (exact)
        let m = ClassificationMetrics(predictedIndicators: [1, 0, 0, 1, 0, 0], trueIndicators: [1, 0, 1, 1, 0, 0], labels: ["x", "y"])
        #expect(m.examples == 3 && m.accuracy == 2.0 / 3)
        #expect(m.confusionMatrix == [[1, 0, 1, 1], [2, 0, 0, 1]])
        #expect(m.labelConfusion?[0] == .init(trueNegatives: 1, falsePositives: 0, falseNegatives: 1, truePositives: 1))
        #expect(m.perClass[0] == .init(precision: 1, recall: 0.5, f1: 2.0 / 3, support: 2))
        #expect(m.perClass[1] == .init(precision: 1, recall: 1, f1: 1, support: 1))
    }

    @Test func noExamplesGiveZeros() {
        let m = ClassificationMetrics(predicted: [], truth: [], labels: ["a", "b"])
        #expect(m.examples == 0 && m.accuracy == 0 && m.macroF1 == 0)
        #expect(m.confusionMatrix == [[0, 0], [0, 0]])
    }

    /// Argmax takes the first of equal maxima (numpy); the accumulator equals one call over all rows.
    @Test func accumulatorAndTies() {
        let task = ClassificationTask(labels: ["a", "b", "c"])
        var accumulator = ClassificationMetrics.Accumulator(task: task)
        accumulator.add(logits: [1, 3, 3, 0, 0, 0], targets: .classes([1, 0]))
        accumulator.add(logits: [-1, -2, 5], targets: .classes([2]))
        #expect(accumulator.examples == 3)
        let m = accumulator.metrics(loss: 1.5)
        #expect(m.confusionMatrix == [[1, 0, 0], [0, 1, 0], [0, 0, 1]])
        #expect(m.loss == 1.5 && m.accuracy == 1)
        #expect(m == ClassificationMetrics(logits: [1, 3, 3, 0, 0, 0, -1, -2, 5], targets: .classes([1, 0, 2]), task: task, loss: 1.5))
    }

    /// Multi-label threshold is strict: sigmoid(0) = 0.5 is not above 0.5.
    @Test func thresholdIsStrict() {
        let task = ClassificationTask(labels: ["a", "b"], multiLabel: true)
        let m = ClassificationMetrics(logits: [0, 0.001], targets: .multiHot([0, 1]), task: task)
        #expect(m.confusionMatrix == [[1, 0, 0, 0], [0, 0, 0, 1]])
    }

    /// `jsonText`: the documented keys in order, per_class in label order; both encodings decode losslessly.
    @Test func jsonShape() throws {
        let m = ClassificationMetrics(predicted: [0, 1], truth: [0, 0], labels: ["ورزشی", "b"], loss: 0.5)
        let text = m.jsonText
        #expect(text == #"{"accuracy":0.5,"macro_f1":0.3333333333333333,"per_class":{"ورزشی":{"precision":1,"recall":0.5,"f1":0.6666666666666666,"support":2},"#
            + #""b":{"precision":0,"recall":0,"f1":0,"support":0}},"confusion_matrix":[[1,1],[0,0]],"labels":["ورزشی","b"],"examples":2,"loss":0.5}"#)
        #expect(try JSONDecoder().decode(ClassificationMetrics.self, from: Data(text.utf8)) == m)
        #expect(try JSONDecoder().decode(ClassificationMetrics.self, from: JSONEncoder().encode(m)) == m)  // any key order
        let multi = ClassificationMetrics(predictedIndicators: [1, 0], trueIndicators: [1, 1], labels: ["x", "y"])
        #expect(multi.jsonText.hasSuffix(#""examples":1,"multi_label":true}"#))
        #expect(try JSONDecoder().decode(ClassificationMetrics.self, from: Data(multi.jsonText.utf8)) == multi)
        #expect(try JSONDecoder().decode(ClassificationMetrics.self, from: JSONEncoder().encode(multi)) == multi)
        let odd = ClassificationMetrics(predicted: [0], truth: [1], labels: ["a\"b\\", "c\n\u{1}/"])
        #expect(odd.jsonText.contains(#""labels":["a\"b\\","c\n\u0001/"]"#))
        #expect(try JSONDecoder().decode(ClassificationMetrics.self, from: Data(odd.jsonText.utf8)) == odd)
    }

    @Test func duplicateLabelsCannotBeKeyedByName() {
        let m = ClassificationMetrics(predicted: [0], truth: [0], labels: ["a", "a"])
        #expect(throws: EncodingError.self) { try JSONEncoder().encode(m) }
    }
}
