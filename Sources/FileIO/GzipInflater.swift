import CZlib

/// zlib's inflate over a gzip stream (RFC 1952), fed compressed bytes as they are read and
/// writing into the caller's buffer, so no file is ever held whole in memory.
///
/// Concatenated members (`cat a.gz b.gz`, or what `pigz` and `bgzip` write) are read as one
/// stream, as `gzip -d` reads them: after a member's trailer, further input must be another
/// member.
final class GzipInflater {
    /// At a fixed address: zlib's state points back at its stream and refuses a moved one.
    private let stream: UnsafeMutablePointer<z_stream>
    /// What error messages call the input.
    private let source: String
    /// True before the first member and after each member's trailer: the input may end here.
    private(set) var isBetweenMembers = true
    private var started = false

    /// - Throws: `FileIOError.unreadable` when zlib cannot allocate its state.
    init(source: String) throws {
        self.source = source
        stream = .allocate(capacity: 1)
        stream.initialize(to: z_stream())
        let status = nmt_zlib_inflate_init_gzip(stream)
        guard status == Z_OK else {
            stream.deallocate()
            throw FileIOError.unreadable(path: source, reason: "zlib could not start inflating (status \(status))")
        }
    }

    deinit {
        inflateEnd(stream)
        stream.deallocate()
    }

    /// Inflates from `input` into `output` as far as either allows.
    /// - Parameter inputOffset: the offset of `input`'s first byte in the compressed file,
    ///   for error messages.
    /// - Returns: the bytes of `input` consumed and of `output` written.
    /// - Throws: `FileIOError.corruptCompressedData` naming the file and the offset of the
    ///   first compressed byte zlib had not consumed when it found the fault.
    func inflate(_ input: UnsafeRawBufferPointer, into output: UnsafeMutableRawBufferPointer,
                 inputOffset: Int) throws -> (consumed: Int, produced: Int) {
        guard !input.isEmpty, !output.isEmpty else { return (0, 0) }
        if isBetweenMembers {
            // A new member: the first one, or one concatenated after a trailer.
            if started { inflateReset(stream) }
            started = true
            isBetweenMembers = false
        }
        stream.pointee.next_in = UnsafeMutablePointer(mutating: input.baseAddress!.assumingMemoryBound(to: Bytef.self))
        stream.pointee.avail_in = uInt(min(input.count, Int(UInt32.max)))
        stream.pointee.next_out = output.baseAddress!.assumingMemoryBound(to: Bytef.self)
        stream.pointee.avail_out = uInt(min(output.count, Int(UInt32.max)))
        let offered = (input: Int(stream.pointee.avail_in), output: Int(stream.pointee.avail_out))
        let status = CZlib.inflate(stream, Z_NO_FLUSH)
        let consumed = offered.input - Int(stream.pointee.avail_in)
        let produced = offered.output - Int(stream.pointee.avail_out)
        stream.pointee.next_in = nil
        stream.pointee.next_out = nil
        switch status {
        case Z_OK, Z_BUF_ERROR:
            return (consumed, produced)
        case Z_STREAM_END:
            isBetweenMembers = true
            return (consumed, produced)
        default:
            throw FileIOError.corruptCompressedData(path: source, offset: inputOffset + consumed, reason: message(status))
        }
    }

    /// zlib's own words for a failed inflate, or the status's name.
    private func message(_ status: Int32) -> String {
        if let text = stream.pointee.msg { return String(cString: text) }
        switch status {
        case Z_NEED_DICT: return "a preset dictionary is needed"
        case Z_MEM_ERROR: return "out of memory"
        case Z_DATA_ERROR: return "invalid compressed data"
        default: return "zlib status \(status)"
        }
    }
}
