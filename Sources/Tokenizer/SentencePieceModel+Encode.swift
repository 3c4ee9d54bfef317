import CSentencePiece
import Foundation

/// Encoding and decoding of single strings.
extension SentencePieceModel {
    /// The ids of `text`, as `spm_encode --output_format=id` writes them (no bos or eos).
    public func encode(_ text: String) throws -> [Int32] {
        try encode(text, with: CodingBuffers())
    }

    /// The pieces of `text`, as `spm_encode --output_format=piece` writes them. A piece
    /// outside the vocabulary is its surface text, not `<unk>`.
    public func encodeAsPieces(_ text: String) throws -> [String] {
        try encodeAsPieces(text, with: CodingBuffers())
    }

    /// The text of `ids`, as `spm_decode --input_format=id` writes it.
    /// - Throws: `SentencePieceError.codingFailed` for an id outside the vocabulary.
    public func decode(_ ids: [Int32]) throws -> String {
        let buffers = CodingBuffers()
        try ids.withUnsafeBufferPointer { try decodeIDs($0, into: buffers) }
        return String(decoding: buffers.decodedText, as: UTF8.self)
    }

    /// Decodes pieces as spm_decode --input_format=piece does: pieces the model has are
    /// joined and their word boundaries (▁) become spaces; a piece it lacks is kept as it is.
    public func decode(pieces: [String]) throws -> String {
        let copies = pieces.map { strdup($0) }
        defer { copies.forEach { free($0) } }
        let lengths = pieces.map { $0.utf8.count }
        let pointers = copies.map { UnsafePointer($0) }
        let out = spm_string_create()!
        defer { spm_string_free(out) }
        try pointers.withUnsafeBufferPointer { p in
            try lengths.withUnsafeBufferPointer { l in
                try spm_decode_pieces(processor, p.baseAddress, l.baseAddress, pieces.count, out).check {
                    SentencePieceError.invalidModel(source: "decoding pieces", reason: $0)
                }
            }
        }
        var length = 0
        let bytes = spm_string_data(out, &length)!
        return String(decoding: UnsafeRawBufferPointer(start: bytes, count: length), as: UTF8.self)
    }

    func encode(_ text: String, with buffers: CodingBuffers) throws -> [Int32] {
        var text = text
        try text.withUTF8 { try encodeIDs(UnsafeRawBufferPointer($0), into: buffers) }
        return Array(buffers.encodedIDs)
    }

    func encodeAsPieces(_ text: String, with buffers: CodingBuffers) throws -> [String] {
        var text = text
        try text.withUTF8 { try encodePieces(UnsafeRawBufferPointer($0), into: buffers) }
        return (0..<buffers.pieceCount).map {
            String(decoding: buffers.piece($0), as: UTF8.self)
        }
    }
}
