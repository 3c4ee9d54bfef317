import CSentencePiece

/// The library's output vectors for one thread, reused from line to line so that encoding
/// a stream does not allocate per line. Not shared between threads.
final class CodingBuffers {
    let ids = spm_ids_create()!
    let pieces = spm_pieces_create()!
    let text = spm_string_create()!

    deinit {
        spm_ids_free(ids)
        spm_pieces_free(pieces)
        spm_string_free(text)
    }

    /// The ids of the last `encodeIDs`, valid until the next call.
    var encodedIDs: UnsafeBufferPointer<Int32> {
        UnsafeBufferPointer(start: spm_ids_data(ids), count: spm_ids_count(ids))
    }

    /// The bytes of piece `index` of the last `encodePieces`, valid until the next call.
    func piece(_ index: Int) -> UnsafeRawBufferPointer {
        var length = 0
        let bytes = spm_pieces_at(pieces, index, &length)
        return UnsafeRawBufferPointer(start: bytes, count: length)
    }

    var pieceCount: Int { spm_pieces_count(pieces) }

    /// The bytes of the last decoded text, valid until the next call.
    var decodedText: UnsafeRawBufferPointer {
        var length = 0
        let bytes = spm_string_data(text, &length)
        return UnsafeRawBufferPointer(start: bytes, count: length)
    }
}

extension SentencePieceModel {
    /// Encodes UTF-8 bytes into `buffers.ids`.
    func encodeIDs(_ utf8: UnsafeRawBufferPointer, into buffers: CodingBuffers) throws {
        try spm_encode_ids(processor, utf8.baseAddress?.assumingMemoryBound(to: CChar.self),
                           utf8.count, buffers.ids)
            .check { SentencePieceError.codingFailed(reason: $0) }
    }

    /// Encodes UTF-8 bytes into `buffers.pieces`.
    func encodePieces(_ utf8: UnsafeRawBufferPointer, into buffers: CodingBuffers) throws {
        try spm_encode_pieces(processor, utf8.baseAddress?.assumingMemoryBound(to: CChar.self),
                              utf8.count, buffers.pieces)
            .check { SentencePieceError.codingFailed(reason: $0) }
    }

    /// Decodes ids into `buffers.text`.
    func decodeIDs(_ ids: UnsafeBufferPointer<Int32>, into buffers: CodingBuffers) throws {
        try spm_decode_ids(processor, ids.baseAddress, ids.count, buffers.text)
            .check { SentencePieceError.codingFailed(reason: $0) }
    }
}
