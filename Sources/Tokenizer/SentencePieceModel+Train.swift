import FileIO
import CSentencePiece
import Foundation

/// Training new models.
extension SentencePieceModel {
    /// Trains a model on the lines of `inputs` (one joint model for all files: pass the
    /// source and target sides together for shared embeddings, or train once per side for
    /// separate vocabularies). The special ids are `SpecialIDs`.
    ///
    /// The inputs are checked first, so that bad input is reported with its file and line
    /// rather than as SentencePiece's message: every file must exist and be UTF-8, and
    /// together they must hold a non-empty line.
    /// - Throws: `SentencePieceError` naming the input files.
    public static func train(inputs: [String], options: TrainingOptions) throws
        -> SentencePieceModel
    {
        try options.validate()
        try checkInputs(inputs)
        if inputs.contains(where: { InputBytes.isGzip(path: $0) }) {
            // SentencePiece reads its input files itself and knows no gzip: it is given the
            // inflated lines from memory instead.
            return try train(sentences: try inputs.flatMap { try TextFile.readLines($0) }, options: options, names: inputs)
        }
        var arguments = options.arguments
        // SentencePiece reads --input as a comma-separated list (checkInputs rules out
        // commas in names).
        arguments.append(("input", inputs.joined(separator: ",")))
        let model = spm_string_create()!
        defer { spm_string_free(model) }
        try withCStrings(arguments.map(\.0)) { keys in
            try withCStrings(arguments.map(\.1)) { values in
                try spm_train(keys, values, arguments.count, options.seed, model).check {
                    SentencePieceError.trainingFailed(paths: inputs, reason: $0)
                }
            }
        }
        var length = 0
        let bytes = spm_string_data(model, &length)!
        return try SentencePieceModel(
            serialized: Data(bytes: bytes, count: length), source: "trained model")
    }

    /// Trains as `train(inputs:options:)` on sentences in memory, in their order (for text
    /// that is not a plain file: inflated, or a corpus after cleaning). The model's trainer
    /// spec then names no input file; otherwise it is the model those lines as a file give.
    /// - Parameter names: what messages call the input (its files).
    /// - Throws: `SentencePieceError.emptyCorpus` when no sentence has a character,
    ///   `.trainingFailed` with SentencePiece's reason.
    public static func train(sentences: [String], options: TrainingOptions, names: [String]) throws -> SentencePieceModel {
        try options.validate()
        guard sentences.contains(where: { !$0.isEmpty }) else { throw SentencePieceError.emptyCorpus(paths: names) }
        var text: [UInt8] = []
        var lengths: [Int] = []
        lengths.reserveCapacity(sentences.count)
        for sentence in sentences {
            text.append(contentsOf: sentence.utf8)
            lengths.append(sentence.utf8.count)
        }
        let arguments = options.arguments
        let model = spm_string_create()!
        defer { spm_string_free(model) }
        try withCStrings(arguments.map(\.0)) { keys in
            try withCStrings(arguments.map(\.1)) { values in
                try text.withUnsafeBufferPointer { bytes in
                    try lengths.withUnsafeBufferPointer { lengths in
                        try bytes.withMemoryRebound(to: CChar.self) { characters in
                            try spm_train_sentences(keys, values, arguments.count, options.seed, characters.baseAddress,
                                                    lengths.baseAddress, lengths.count, model).check {
                                SentencePieceError.trainingFailed(paths: names, reason: $0)
                            }
                        }
                    }
                }
            }
        }
        var length = 0
        let bytes = spm_string_data(model, &length)!
        return try SentencePieceModel(serialized: Data(bytes: bytes, count: length), source: "trained model")
    }

    /// Trains as `train(inputs:options:)` and writes the model to `modelPath` atomically:
    /// nothing is written unless training succeeds, and never a partial file.
    @discardableResult
    public static func train(inputs: [String], options: TrainingOptions, writingTo modelPath: String)
        throws -> SentencePieceModel
    {
        let model = try train(inputs: inputs, options: options)
        try model.write(to: modelPath)
        return model
    }

    /// Writes the vocabulary as `spm_train` does beside the model: one `piece<TAB>score`
    /// line per id, in id order.
    public func writeVocabulary(to path: String) throws {
        var text = ""
        for id in 0..<Int32(vocabularySize) {
            text += "\(piece(of: id)!)\t\(String(format: "%g", Double(score(of: id))))\n"
        }
        try Self.writeAtomically(Data(text.utf8), to: path)
    }

    private static func checkInputs(_ inputs: [String]) throws {
        guard !inputs.isEmpty else {
            throw SentencePieceError.invalidOption("no training input file given")
        }
        var nonEmptyLines = 0
        for path in inputs {
            guard !path.contains(",") else {
                throw SentencePieceError.invalidOption(
                    "\(path): SentencePiece cannot read input files whose name has a comma")
            }
            let reader = try LineBlockReader(path: path)
            try reader.forEachBlock { block in
                try block.validateUTF8(source: path)
                for index in 0..<block.count where !block.line(index).isEmpty {
                    nonEmptyLines += 1
                }
            }
        }
        guard nonEmptyLines > 0 else { throw SentencePieceError.emptyCorpus(paths: inputs) }
    }
}

/// Calls `body` with a C array of C strings that live for the duration of the call.
private func withCStrings<R>(
    _ strings: [String], _ body: (UnsafePointer<UnsafePointer<CChar>?>) throws -> R
) rethrows -> R {
    let copies = strings.map { strdup($0) }
    defer { copies.forEach { free($0) } }
    let pointers = copies.map { UnsafePointer($0) }
    return try pointers.withUnsafeBufferPointer { try body($0.baseAddress!) }
}
