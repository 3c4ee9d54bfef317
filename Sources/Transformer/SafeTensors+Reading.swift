import Foundation

// Tensor data is copied byte for byte into Float storage, which is right only on a
// little-endian host, the byte order the format prescribes.
#if !_endian(little)
#error("SafeTensorsFile reads and writes raw little-endian Float32 and needs a little-endian host")
#endif

extension SafeTensorsFile {
    /// The largest header accepted, the limit of the reference implementation
    /// (`MAX_HEADER_SIZE` in safetensors/src/tensor.rs): a larger length field means a
    /// corrupt or foreign file, not a real header.
    static let maxHeaderBytes: UInt64 = 100_000_000

    /// Reads a safetensors file.
    ///
    /// The file is checked as the reference implementation checks it: header length within
    /// the file and at most 100 MB; the header a JSON object starting with `{`; each entry
    /// with a dtype, a shape of non-negative integers and `data_offsets` whose span equals
    /// the shape's element count × 4 bytes; the tensors' byte ranges, in offset order,
    /// covering the data exactly, without gaps or overlaps. Non-finite values are data
    /// and are kept. Duplicate names, which the format forbids, are not seen by the JSON
    /// parser (the last entry wins); the bytes of the lost entry then show as a gap.
    /// - Throws: `SafeTensorsError` naming `url`'s path and, where one is at fault, the tensor.
    /// - Complexity: one pass over the file, which is memory-mapped where possible.
    public static func read(from url: URL) throws -> SafeTensorsFile {
        let path = url.path
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw SafeTensorsError.fileMissing(file: path)
        }
        guard !isDirectory.boolValue else {
            throw SafeTensorsError.unreadable(file: path, reason: "it is a directory")
        }
        let data: Data
        do {
            data = try Data(contentsOf: url, options: .mappedIfSafe)
        } catch {
            throw SafeTensorsError.unreadable(file: path, reason: error.localizedDescription)
        }
        return try read(data: data, source: path)
    }

    /// Reads the bytes of a safetensors file; `source` names them in errors and becomes
    /// the result's `source`. See `read(from:)` for the checks made.
    public static func read(data: Data, source: String) throws -> SafeTensorsFile {
        try data.withUnsafeBytes { try parse($0, source: source) }
    }

    /// One header entry after its fields have been checked.
    private struct StoredTensor {
        let name: String
        let shape: [Int]
        let bytes: Range<Int>
    }

    private static func parse(_ file: UnsafeRawBufferPointer, source: String) throws -> SafeTensorsFile {
        guard file.count >= 8 else {
            throw SafeTensorsError.truncated(
                file: source, detail: "\(file.count) bytes, fewer than the 8-byte header length")
        }
        let headerLength = (0..<8).reversed().reduce(UInt64(0)) { $0 << 8 | UInt64(file[$1]) }
        guard headerLength <= maxHeaderBytes else {
            throw SafeTensorsError.headerTooLarge(file: source, bytes: headerLength)
        }
        let dataStart = 8 + Int(headerLength)
        guard dataStart <= file.count else {
            throw SafeTensorsError.truncated(
                file: source,
                detail: "header length is \(headerLength) bytes but only \(file.count - 8) bytes follow it")
        }
        let header = UnsafeRawBufferPointer(rebasing: file[8..<dataStart])
        let data = UnsafeRawBufferPointer(rebasing: file[dataStart...])

        let (tensors, metadata) = try parseHeader(header, source: source)
        try checkLayout(tensors, dataBytes: data.count, source: source)

        // The layout check guarantees that the tensors tile `data` from byte 0, so the
        // whole data section is the value buffer and each byte range maps to elements.
        let values = [Float](unsafeUninitializedCapacity: data.count / 4) { buffer, count in
            if let source = data.baseAddress, let target = buffer.baseAddress {
                UnsafeMutableRawPointer(target).copyMemory(from: source, byteCount: data.count)
            }
            count = data.count / 4
        }
        var entries: [String: Entry] = [:]
        for tensor in tensors {
            entries[tensor.name] = Entry(shape: tensor.shape,
                                         range: tensor.bytes.lowerBound / 4..<tensor.bytes.upperBound / 4)
        }
        return SafeTensorsFile(values: values, entries: entries, metadata: metadata, source: source)
    }

    private static func parseHeader(_ header: UnsafeRawBufferPointer, source: String) throws
        -> (tensors: [StoredTensor], metadata: [String: String]) {
        func corrupt(_ tensor: String?, _ detail: String) -> SafeTensorsError {
            .corruptHeader(file: source, tensor: tensor, detail: detail)
        }
        // The spec requires the JSON to start with '{' so that readers need not guess.
        guard header.first == UInt8(ascii: "{") else { throw corrupt(nil, "header does not start with '{'") }
        guard String(validating: header, as: UTF8.self) != nil else { throw corrupt(nil, "header is not UTF-8") }
        // JSON never holds a raw NUL, and JSONSerialization would take one as a sign of
        // UTF-16 and decode the header as such.
        guard !header.contains(0) else { throw corrupt(nil, "header contains a NUL byte") }
        let json: Any
        do {
            json = try JSONSerialization.jsonObject(with: Data(header))
        } catch {
            throw corrupt(nil, "header is not valid JSON")
        }
        guard let object = json as? [String: Any] else { throw corrupt(nil, "header is not a JSON object") }

        var metadata: [String: String] = [:]
        var tensors: [StoredTensor] = []
        // Sorted so that, of several faults, the same one is reported every time.
        for (name, value) in object.sorted(by: { precedesInFile($0.key, $1.key) }) {
            if name == metadataKey {
                guard let map = value as? [String: Any] else { throw corrupt(nil, "__metadata__ is not a JSON object") }
                for (key, item) in map {
                    guard let string = item as? String else {
                        throw corrupt(nil, "__metadata__ value of '\(key)' is not a string")
                    }
                    metadata[key] = string
                }
                continue
            }
            guard let fields = value as? [String: Any] else { throw corrupt(name, "entry is not a JSON object") }
            guard let dtype = fields["dtype"] as? String else { throw corrupt(name, "no string 'dtype'") }
            guard let shapeList = fields["shape"] as? [Any] else { throw corrupt(name, "no array 'shape'") }
            let shape = shapeList.compactMap(nonNegativeInteger)
            guard shape.count == shapeList.count else {
                throw corrupt(name, "'shape' holds something other than non-negative integers")
            }
            guard let offsetList = fields["data_offsets"] as? [Any] else { throw corrupt(name, "no array 'data_offsets'") }
            let offsets = offsetList.compactMap(nonNegativeInteger)
            guard offsets.count == 2, offsetList.count == 2 else {
                throw corrupt(name, "'data_offsets' is not two non-negative integers")
            }
            guard offsets[0] <= offsets[1] else {
                throw corrupt(name, "data_offsets [\(offsets[0]), \(offsets[1])] end before they begin")
            }
            guard dtype == "F32" else {
                throw SafeTensorsError.unsupportedDtype(file: source, tensor: name, dtype: dtype)
            }
            let span = offsets[1] - offsets[0]
            guard let bytes = byteCount(shape), bytes == span else {
                throw corrupt(name, "shape \(SafeTensorsError.format(shape)) of F32 needs "
                    + "\(byteCount(shape).map(String.init) ?? "too many") bytes but data_offsets "
                    + "[\(offsets[0]), \(offsets[1])] span \(span)")
            }
            tensors.append(StoredTensor(name: name, shape: shape, bytes: offsets[0]..<offsets[1]))
        }
        return (tensors, metadata)
    }

    /// Checks that the tensors, in offset order, tile the data section exactly: each one
    /// starts where the previous ended (a gap or an overlap is a corrupt header), none
    /// ends past the file (truncation), and no bytes are left after the last one.
    private static func checkLayout(_ tensors: [StoredTensor], dataBytes: Int, source: String) throws {
        let ordered = tensors.sorted {
            ($0.bytes.lowerBound, $0.bytes.upperBound) < ($1.bytes.lowerBound, $1.bytes.upperBound)
        }
        var end = 0
        var previous: StoredTensor?
        for tensor in ordered {
            let range = "[\(tensor.bytes.lowerBound), \(tensor.bytes.upperBound)]"
            if tensor.bytes.lowerBound > end {
                throw SafeTensorsError.corruptHeader(
                    file: source, tensor: tensor.name,
                    detail: "data_offsets \(range) leave a gap after byte \(end)")
            }
            if tensor.bytes.lowerBound < end, let previous {
                throw SafeTensorsError.corruptHeader(
                    file: source, tensor: tensor.name,
                    detail: "data_offsets \(range) overlap tensor '\(previous.name)' "
                        + "[\(previous.bytes.lowerBound), \(previous.bytes.upperBound)]")
            }
            if tensor.bytes.upperBound > dataBytes {
                throw SafeTensorsError.truncated(
                    file: source,
                    detail: "tensor '\(tensor.name)' ends at data byte \(tensor.bytes.upperBound) "
                        + "but the file holds only \(dataBytes) data bytes")
            }
            end = tensor.bytes.upperBound
            previous = tensor
        }
        if end < dataBytes {
            throw SafeTensorsError.corruptHeader(
                file: source, tensor: nil,
                detail: "\(dataBytes - end) data bytes after byte \(end) belong to no tensor")
        }
    }

    /// A JSON number that is a non-negative integer. JSONSerialization gives booleans as
    /// NSNumbers that cast to Int (and `is Bool` holds for the numbers 0 and 1 too), so
    /// booleans are told apart by their class.
    private static func nonNegativeInteger(_ value: Any) -> Int? {
        guard type(of: value) != booleanClass, let int = value as? Int, int >= 0 else { return nil }
        return int
    }

    private static let booleanClass: Any.Type = type(of: NSNumber(value: true) as Any)

    /// Bytes of an F32 tensor of this shape, or nil if that overflows.
    private static func byteCount(_ shape: [Int]) -> Int? {
        var product = 4
        for extent in shape {
            let (next, overflow) = product.multipliedReportingOverflow(by: extent)
            if overflow { return nil }
            product = next
        }
        return product
    }
}
