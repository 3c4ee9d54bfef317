import FileIO
import Foundation
import Tensor

extension SafeTensorsFile {
    /// Writes the tensors and metadata to `url` atomically: into a temporary file in the
    /// same directory, flushed with fsync, then renamed over `url`. On failure nothing is
    /// left behind and an existing file at `url` is untouched.
    ///
    /// The bytes are those the reference implementation writes for the same tensors
    /// (its `serialize`): tensors ordered by name (UTF-8 bytes), data contiguous from
    /// offset 0, compact JSON with keys `dtype`, `shape`, `data_offsets`, padded with
    /// spaces to a multiple of 8 bytes. `__metadata__` comes first and is left out when
    /// empty; its keys are sorted (the reference writes them in hash order).
    /// - Throws: `SafeTensorsError.writeFailed` naming the path and the system error.
    public func write(to url: URL) throws {
        try values.withUnsafeBufferPointer { all in
            let tensors = entries.map { name, entry in
                OutgoingTensor(name: name, shape: entry.shape,
                               bytes: UnsafeRawBufferPointer(UnsafeBufferPointer(rebasing: all[entry.range])))
            }
            try Self.write(tensors, metadata: metadata, to: url)
        }
    }

    /// Writes tensors that live elsewhere (a parameter arena, optimizer moments) straight
    /// from their memory, without gathering them into one buffer first. The format and
    /// the atomicity are those of `write(to:)`; `tensors` may come in any order, and their
    /// names must be unique and other than `__metadata__`.
    public static func write(tensors: [(name: String, shape: Shape, data: UnsafePointer<Float>)],
                             metadata: [String: String] = [:], to url: URL) throws {
        let outgoing = tensors.map {
            OutgoingTensor(name: $0.name, shape: $0.shape.dims,
                           bytes: UnsafeRawBufferPointer(start: $0.data, count: $0.shape.count * 4))
        }
        try write(outgoing, metadata: metadata, to: url)
    }

    /// A tensor to be written: its name, extents and little-endian Float32 bytes.
    struct OutgoingTensor {
        let name: String
        let shape: [Int]
        let bytes: UnsafeRawBufferPointer
    }

    private static func write(_ tensors: [OutgoingTensor], metadata: [String: String], to url: URL) throws {
        let ordered = tensors.sorted { precedesInFile($0.name, $1.name) }
        for (a, b) in zip(ordered, ordered.dropFirst()) {
            precondition(a.name != b.name, "tensor '\(a.name)' given twice")
        }
        precondition(!ordered.contains { $0.name == metadataKey },
                     "'\(metadataKey)' is reserved by the safetensors format")
        let header = encodeHeader(ordered, metadata: metadata)
        do {
            try AtomicFile.write(to: url) { write in
                try header.withUnsafeBytes(write)
                for tensor in ordered { try write(tensor.bytes) }
            }
        } catch let error as AtomicWriteError {
            throw SafeTensorsError.writeFailed(file: url.path, reason: error.reason)
        }
    }

    /// The 8-byte length field followed by the padded JSON header, for tensors already in
    /// file order.
    static func encodeHeader(_ tensors: [OutgoingTensor], metadata: [String: String]) -> [UInt8] {
        var fields: [String] = []
        if !metadata.isEmpty {
            let pairs = metadata.sorted { precedesInFile($0.key, $1.key) }
                .map { jsonString($0.key) + ":" + jsonString($0.value) }
            fields.append(jsonString(metadataKey) + ":{" + pairs.joined(separator: ",") + "}")
        }
        var offset = 0
        for tensor in tensors {
            let shape = tensor.shape.map(String.init).joined(separator: ",")
            fields.append(jsonString(tensor.name)
                + ":{\"dtype\":\"F32\",\"shape\":[\(shape)],\"data_offsets\":[\(offset),\(offset + tensor.bytes.count)]}")
            offset += tensor.bytes.count
        }
        var json = Array(("{" + fields.joined(separator: ",") + "}").utf8)
        // Padding keeps the data 8-byte aligned in the file, so that readers can map it.
        json += repeatElement(UInt8(ascii: " "), count: (8 - json.count % 8) % 8)
        return withUnsafeBytes(of: UInt64(json.count).littleEndian, Array.init) + json
    }

    /// A JSON string literal escaped as serde_json (the reference's encoder) escapes it:
    /// quote, backslash and control characters only, short forms where JSON has them,
    /// non-ASCII text as UTF-8. (Also the training log's string fields.)
    public static func jsonString(_ text: String) -> String {
        var out = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\u{08}": out += "\\b"
            case "\u{0C}": out += "\\f"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case "\u{00}"..."\u{1F}":
                let hex = String(scalar.value, radix: 16)
                out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out + "\""
    }
}
