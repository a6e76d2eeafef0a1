import BertKitTestSupport
import EncoderTraining
import Foundation
import InputEncoding
import Testing
import TextNormalization

/// Fine-tuning data goes through the same first-window path as `bertkit encode`; a language profile given to
/// the tokenizer (`finetune --normalize`) must change the examples as it changes `encode`'s ids.
@Suite struct ClassificationDatasetProfileTests {
    @Test func examplesAreEncodedThroughTheProfile() throws {
        let dir = NSTemporaryDirectory() + "bertkit-profile-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        // ﬁ (U+FB01) is one scalar that BERT's own normalization keeps; the English profile writes it as "fi".
        let text = "great \u{FB01}lm"
        try "label,text\npos,\(text)\nneg,the film\n".write(toFile: dir + "/train.csv", atomically: true, encoding: .utf8)
        var english = try Tokenizer(directory: TestRepository.path("Fixtures/tiny-bert"),
                                    normalizer: try NormalizationProfile.english.makeNormalizer(zwnjPlaceholder: nil))
        english.truncation = Truncation(maxLength: 16)
        var plain = try Tokenizer(directory: TestRepository.path("Fixtures/tiny-bert"))
        plain.truncation = Truncation(maxLength: 16)
        let withProfile = try ClassificationDataset(reading: .init(path: dir + "/train.csv"), tokenizer: english, labels: .discover)
        let without = try ClassificationDataset(reading: .init(path: dir + "/train.csv"), tokenizer: plain, labels: .discover)
        #expect(withProfile.examples[0].tokenIDs == (try english.encode(text)).ids)
        #expect(withProfile.examples[0].tokenIDs == (try english.encode("great film")).ids)
        #expect(without.examples[0].tokenIDs != withProfile.examples[0].tokenIDs)
    }
}
