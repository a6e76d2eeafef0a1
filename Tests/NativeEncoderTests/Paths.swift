@_exported import BertKitTestSupport
import Foundation

/// Repository paths for tests: fixtures are committed, the model comes from Scripts/fetch-assets.sh (tests
/// that load it carry `.requires(.minilmModel)`).
enum Paths {
    static let root = TestRepository.root.path
    static let fixtures = root + "/Fixtures/encoder"
    static let model = root + "/.assets/minilm"
    /// The committed tiny random BERT (Scripts/golden/make-tiny-bert.py) and its PyTorch goldens: no fetch needed.
    static let tinyModel = root + "/Fixtures/tiny-bert"
    static let tinyFixtures = tinyModel + "/golden"
}

/// The counter noise Scripts/golden/encoder.py uses for R1/R2: exact in float32.
func counterNoise(_ count: Int, seed: UInt64) -> [Float] {
    (0..<count).map { i in
        let k = (UInt64(i) &* 2_654_435_761 &+ seed) & 0xFFFF_FFFF
        return Float(k >> 8) / Float(1 << 24) - 0.5
    }
}
