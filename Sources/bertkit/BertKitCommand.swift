import ArgumentParser

/// The `bertkit` command-line tool: one subcommand per pipeline stage.
@main
struct BertKitCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bertkit",
        abstract: "BERT data pipelines: normalization, WordPiece tokenization, encoding, masked-LM pretraining data.",
        subcommands: [TokenizeCommand.self, NormalizeCommand.self, EncodeCommand.self, DecodeCommand.self, PretrainingDataCommand.self, TrainVocabCommand.self, EmbedCommand.self, BenchmarkTrainCommand.self]
    )
}
