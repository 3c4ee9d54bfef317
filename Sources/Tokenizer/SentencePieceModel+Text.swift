import Basics
import FileIO
import Foundation

/// Encoding and decoding newline-separated text in `spm_encode` / `spm_decode` formats.
extension SentencePieceModel {
    /// What `encode(_:source:format:threads:into:)` writes for each line.
    public enum OutputFormat: String, Sendable, CaseIterable {
        /// Decimal ids separated by single spaces (`spm_encode --output_format=id`).
        case id
        /// Pieces separated by single spaces (`spm_encode --output_format=piece`).
        case piece
    }

    /// Encodes every line of `block` and appends one output line per input line, as
    /// `spm_encode` writes them, in input order whatever the thread count.
    /// - Parameters:
    ///   - source: the input's name for error messages.
    ///   - threads: the lines are split in contiguous chunks over up to this many threads.
    /// - Throws: `FileIOError.invalidUTF8` naming the source and line.
    public func encode(
        _ block: LineBlock, source: String, format: OutputFormat, threads: Int,
        into output: ByteBuffer
    ) throws {
        let chunks = Chunks.count(block.count, threads: threads, minimumPerChunk: 64)
        // One chunk writes straight into `output`; several write parts that are joined in
        // order afterwards.
        if chunks == 1 {
            try encode(block, lines: 0..<block.count, source: source, format: format, into: output)
            return
        }
        let parts = ChunkOutputs(count: chunks)
        try Chunks.forEach(block.count, threads: threads, minimumPerChunk: 64) { chunk, range in
            let part = ByteBuffer(capacity: block.bytes.count * 2 / chunks + 64)
            try encode(block, lines: range, source: source, format: format, into: part)
            parts.store(part, at: chunk)
        }
        for chunk in 0..<chunks { parts.append(chunk, to: output) }
    }

    /// Encodes `lines` of `block`, checking them first: each chunk checks its own lines,
    /// so that the check runs in parallel too.
    private func encode(
        _ block: LineBlock, lines: Range<Int>, source: String, format: OutputFormat,
        into output: ByteBuffer
    ) throws {
        try block.validateUTF8(source: source, lines: lines)
        let buffers = CodingBuffers()
        for index in lines {
            switch format {
            case .id:
                try encodeIDs(block.line(index), into: buffers)
                for (position, id) in buffers.encodedIDs.enumerated() {
                    if position > 0 { output.append(UInt8(ascii: " ")) }
                    output.append(decimal: id)
                }
            case .piece:
                // A known id's piece is its vocabulary entry, so most lines need no strings;
                // only unknown pieces must be spelled with their surface text.
                try encodeIDs(block.line(index), into: buffers)
                let ids = buffers.encodedIDs
                if ids.contains(unkID) {
                    try encodePieces(block.line(index), into: buffers)
                    for position in 0..<buffers.pieceCount {
                        if position > 0 { output.append(UInt8(ascii: " ")) }
                        output.append(buffers.piece(position))
                    }
                } else {
                    for (position, id) in ids.enumerated() {
                        if position > 0 { output.append(UInt8(ascii: " ")) }
                        output.append(pieceBytes(id))
                    }
                }
            }
            output.append(UInt8(ascii: "\n"))
        }
    }

    /// Decodes every line of `block`, each a list of decimal ids separated by spaces or
    /// tabs, and appends one text line per input line, as `spm_decode --input_format=id`.
    /// - Throws: `SentencePieceError.invalidIDs` naming the source and line.
    public func decode(_ block: LineBlock, source: String, into output: ByteBuffer) throws {
        let buffers = CodingBuffers()
        var ids: [Int32] = []
        for index in 0..<block.count {
            let line = block.line(index)
            try parseIDs(line, into: &ids) { reason in
                SentencePieceError.invalidIDs(source: source, line: block.firstLine + index,
                                              reason: reason)
            }
            do {
                try ids.withUnsafeBufferPointer { try decodeIDs($0, into: buffers) }
            } catch SentencePieceError.codingFailed(let reason) {
                throw SentencePieceError.invalidIDs(
                    source: source, line: block.firstLine + index, reason: reason)
            }
            output.append(buffers.decodedText)
            output.append(UInt8(ascii: "\n"))
        }
    }

    private func parseIDs(
        _ line: UnsafeRawBufferPointer, into ids: inout [Int32],
        _ makeError: (String) -> SentencePieceError
    ) throws {
        ids.removeAll(keepingCapacity: true)
        var value: Int64 = 0
        var digits = 0
        for byte in line {
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"):
                value = value * 10 + Int64(byte - UInt8(ascii: "0"))
                digits += 1
                guard value <= Int64(Int32.max) else { throw makeError("id is too large") }
            case UInt8(ascii: " "), UInt8(ascii: "\t"), UInt8(ascii: "\r"):
                if digits > 0 { ids.append(Int32(value)) }
                value = 0
                digits = 0
            default:
                throw makeError("expected ids (decimal numbers separated by spaces), found "
                    + "\(String(decoding: line, as: UTF8.self).debugDescription)")
            }
        }
        if digits > 0 { ids.append(Int32(value)) }
    }
}

/// The output of each chunk, written by the chunk's own thread and read after all finish.
private final class ChunkOutputs: @unchecked Sendable {
    // @unchecked: each slot is written by its chunk's thread only, and read after every chunk ended.
    private var parts: [ByteBuffer?]

    init(count: Int) {
        parts = []
        for _ in 0..<count { parts.append(nil) }
    }

    func store(_ part: consuming ByteBuffer, at index: Int) {
        parts[index] = consume part
    }

    func append(_ index: Int, to output: ByteBuffer) {
        output.append(parts[index]!.bytes)
    }
}
