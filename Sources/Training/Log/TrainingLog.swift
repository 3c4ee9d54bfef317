import Foundation
import Transformer

/// The live progress line on standard error and the JSON-lines log (`train.jsonl`) of the
/// same figures, one object per logged update and per validation.
public final class TrainingLog {
    private let handle: FileHandle?
    private let showProgress: Bool
    private let interactive: Bool

    public init(file: URL?, showProgress: Bool) throws {
        if let url = file {
            if !FileManager.default.fileExists(atPath: url.path) {
                FileManager.default.createFile(atPath: url.path, contents: nil)
            }
            handle = try FileHandle(forWritingTo: url)
            handle?.seekToEndOfFile()
        } else {
            handle = nil
        }
        self.showProgress = showProgress
        interactive = isatty(STDERR_FILENO) == 1
    }

    deinit { try? handle?.close() }

    /// Appends one JSON object (keys sorted) to the log: numbers, and `text` as strings.
    public func record(_ fields: [String: Double], text: [String: String] = [:], kind: String) {
        var object = fields.mapValues { $0.isFinite ? "\($0)" : "null" }
        for (key, value) in text { object[key] = SafeTensorsFile.jsonString(value) }
        object["kind"] = "\"\(kind)\""
        let line = "{" + object.keys.sorted().map { "\"\($0)\": \(object[$0]!)" }.joined(separator: ", ") + "}\n"
        handle?.write(Data(line.utf8))
    }

    /// Shows a progress line: rewritten in place on a terminal, one line per call otherwise.
    public func progress(_ text: String) {
        guard showProgress else { return }
        FileHandle.standardError.write(Data((interactive ? "\r\u{1B}[K" + text : text + "\n").utf8))
    }

    /// A message on its own line (ends any progress line first).
    public func message(_ text: String) {
        guard showProgress else { return }
        FileHandle.standardError.write(Data(((interactive ? "\r\u{1B}[K" : "") + text + "\n").utf8))
    }

    /// A warning: on standard error and in the log as `"kind": "warning"`, whatever
    /// `--quiet` says (a skipped update or skipped data is never silent). The log of a rank
    /// other than 0 (no file, no progress) stays silent: rank 0 says it once.
    public func warning(_ text: String, fields: [String: Double] = [:]) {
        guard handle != nil || showProgress else { return }
        FileHandle.standardError.write(Data(((interactive && showProgress ? "\r\u{1B}[K" : "") + "warning: " + text + "\n").utf8))
        record(fields, text: ["message": text], kind: "warning")
    }

    /// "1h02m03s" style durations for progress lines.
    public static func duration(_ seconds: Double) -> String {
        guard seconds.isFinite, seconds >= 0 else { return "?" }
        let s = Int(seconds.rounded())
        return s >= 3600 ? String(format: "%dh%02dm%02ds", s / 3600, s % 3600 / 60, s % 60)
            : String(format: "%dm%02ds", s / 60, s % 60)
    }
}
