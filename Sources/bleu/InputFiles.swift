import Evaluation
import FileIO

extension TextLines {
    /// A reference or hypothesis file as sacreBLEU reads it, inflated first when it is
    /// gzip (FileIO recognises gzip by its magic bytes). Compressed text is read here, in
    /// the executable, because Evaluation depends on no other module.
    /// - Throws: `EvaluationError.unreadableFile` (a corrupt gzip stream's reason names its
    ///   compressed byte offset) or `.invalidUTF8`.
    static func read(file path: String) throws -> TextLines {
        try TextLines(bytes: try bytes(path) { try TextFile.readBytes(path: path) }, source: path)
    }

    /// Standard input with universal newlines, as sacreBLEU reads it (inflated when gzip).
    static func readStandardInput() throws -> TextLines {
        let source = "<stdin>"
        return try TextLines(bytes: try bytes(source) { try TextFile.readStandardInputBytes() }, source: source,
                             universalNewlines: true)
    }

    /// FileIO's errors in bleu's terms, so that they print as `bleu: error: cannot read …`
    /// and exit with bad input's status.
    private static func bytes(_ source: String, _ read: () throws -> [UInt8]) throws -> [UInt8] {
        do {
            return try read()
        } catch FileIOError.unreadable(_, let reason) {
            throw EvaluationError.unreadableFile(path: source, reason: reason)
        } catch FileIOError.corruptCompressedData(_, let offset, let reason) {
            throw EvaluationError.unreadableFile(path: source, reason: "corrupt gzip data at compressed byte offset \(offset) (\(reason))")
        }
    }
}
