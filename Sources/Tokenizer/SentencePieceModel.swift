import CSentencePiece
import FileIO
import Foundation

/// A loaded SentencePiece model: encodes text into ids or pieces and decodes ids.
///
/// The model is immutable once loaded, so one instance may encode and decode from many
/// threads at once.
public final class SentencePieceModel: @unchecked Sendable {
    // @unchecked: the processor is never changed after loading, and its const calls are thread-safe.
    /// The library's processor, owned by this instance alone and freed in `deinit`.
    let processor: OpaquePointer

    private init(processor: OpaquePointer) {
        self.processor = processor
    }

    deinit {
        spm_processor_free(processor)
    }

    /// Loads the model file at `path` (a `.model` file written by `spm_train` or `train`).
    /// - Throws: `SentencePieceError.modelNotFound` or `.invalidModel`, naming the file.
    public convenience init(contentsOf path: String) throws {
        guard FileManager.default.fileExists(atPath: path) else {
            throw SentencePieceError.modelNotFound(path: path)
        }
        var loaded: OpaquePointer?
        try spm_processor_load_file(path, &loaded).check {
            SentencePieceError.invalidModel(source: path, reason: $0)
        }
        self.init(processor: loaded!)
    }

    /// Loads a model from the bytes of a `.model` file; `source` names it in errors.
    /// - Throws: `SentencePieceError.invalidModel`.
    public convenience init(serialized data: Data, source: String = "in-memory model") throws {
        var loaded: OpaquePointer?
        try data.withUnsafeBytes { bytes in
            try spm_processor_load_bytes(bytes.baseAddress, bytes.count, &loaded).check {
                SentencePieceError.invalidModel(source: source, reason: $0)
            }
        }
        self.init(processor: loaded!)
    }

    /// The bytes of the model, as a `.model` file holds them.
    public func serialized() -> Data {
        let string = spm_string_create()!
        defer { spm_string_free(string) }
        spm_processor_serialize(processor, string)
        var length = 0
        let bytes = spm_string_data(string, &length)!
        return Data(bytes: bytes, count: length)
    }

    /// Writes the model to `path` atomically (`FileIO.AtomicFile`: a temporary file,
    /// fsynced and renamed into place), so that a failure leaves no partial model behind.
    public func write(to path: String) throws {
        try Self.writeAtomically(serialized(), to: path)
    }

    static func writeAtomically(_ data: Data, to path: String) throws {
        do {
            try AtomicFile.write(data, to: URL(fileURLWithPath: path))
        } catch let error as AtomicWriteError {
            throw SentencePieceError.writeFailed(path: path, reason: error.reason)
        }
    }

    /// The number of pieces, special pieces included.
    public var vocabularySize: Int { Int(spm_vocab_size(processor)) }

    /// The id of `piece`, or the unknown id when the vocabulary lacks it.
    public func id(of piece: String) -> Int32 {
        var piece = piece
        return piece.withUTF8 { spm_piece_to_id(processor, $0.baseAddress, $0.count) }
    }

    /// The bytes of the piece with id `id`, owned by the processor (`id` must be valid).
    func pieceBytes(_ id: Int32) -> UnsafeRawBufferPointer {
        var length = 0
        let bytes = spm_id_to_piece(processor, id, &length)
        return UnsafeRawBufferPointer(start: bytes, count: length)
    }

    /// The piece with id `id`, or nil outside `0..<vocabularySize`.
    public func piece(of id: Int32) -> String? {
        var length = 0
        guard let bytes = spm_id_to_piece(processor, id, &length) else { return nil }
        return String(decoding: UnsafeRawBufferPointer(start: bytes, count: length), as: UTF8.self)
    }

    /// The score of `id`: a log probability for unigram models, minus the merge rank for BPE.
    public func score(of id: Int32) -> Float { spm_id_score(processor, id) }

    /// The unknown id written in the model (`SpecialIDs.unk` for models trained here).
    public var unkID: Int32 { spm_unk_id(processor) }
    /// The beginning-of-sentence id, or -1 when the model has none.
    public var bosID: Int32 { spm_bos_id(processor) }
    /// The end-of-sentence id, or -1 when the model has none.
    public var eosID: Int32 { spm_eos_id(processor) }
    /// The padding id, or -1 when the model has none.
    public var padID: Int32 { spm_pad_id(processor) }

    /// Throws unless the model's special ids are `SpecialIDs` (pad 0, unk 1, bos 2, eos 3),
    /// the ids the whole project assumes. A model trained by plain `spm_train` has unk 0,
    /// bos 1, eos 2 and no pad: used as it is, its unknown piece would be taken for padding
    /// and a real piece for the end of a sentence, silently.
    public func requireProjectSpecialIDs(source: String) throws {
        let found = ["pad": padID, "unk": unkID, "bos": bosID, "eos": eosID]
        let expected = ["pad": SpecialIDs.pad, "unk": SpecialIDs.unk, "bos": SpecialIDs.bos, "eos": SpecialIDs.eos]
        guard found == expected else { throw SentencePieceError.specialIDsDiffer(source: source, found: found) }
    }
}
