import ArgumentParser
import Foundation
import LineIO

/// The `bertkit` command-line tool: one subcommand per pipeline stage.
@main
struct BertKitCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bertkit",
        abstract: "BERT data pipelines: normalization, WordPiece tokenization, encoding, masked-LM pretraining data.",
        subcommands: [TokenizeCommand.self, NormalizeCommand.self, EncodeCommand.self, DecodeCommand.self, PretrainingDataCommand.self, TrainVocabCommand.self, EmbedCommand.self, BenchmarkTrainCommand.self,
                      FinetuneCommand.self, PredictCommand.self, EvaluateCommand.self]
    )

    /// ArgumentParser's own entry point (parse, run, exit with the error's code), after making sure descriptors
    /// 0-2 are open, so a closed standard stream cannot be taken over by a file bertkit opens, and that SIGINT,
    /// SIGTERM and SIGHUP end the run with no temporary output left behind.
    static func main() async {
        _ = closedStandardDescriptors
        AtomicOutput.handleTerminationSignals()
        // A reader that stops early (`| head`) ends the run silently, as for other Unix tools, even when the
        // parent left SIGPIPE ignored (an ignored disposition survives exec).
        _ = signal(SIGPIPE, SIG_DFL)
        do {
            var command = try parseAsRoot()
            if var asyncCommand = command as? AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
        } catch {
            exit(withError: error)
        }
    }
}
