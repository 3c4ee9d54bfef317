import Foundation

/// A variable of a CTranslate2 model: a tensor, or a scalar attribute (rank 0), with its
/// elements as little-endian bytes in row-major order.
public struct CTranslate2Variable: Equatable, Sendable {
    /// The element types, numbered as CTranslate2's DataType enum (include/ctranslate2/types.h;
    /// `_dtype_to_type_id` in ctranslate2/specs/model_spec.py).
    public enum DataType: UInt8, Sendable, CaseIterable {
        case float32 = 0, int8, int16, int32, float16, bfloat16

        public var size: Int {
            switch self {
            case .float32, .int32: 4
            case .int16, .float16, .bfloat16: 2
            case .int8: 1
            }
        }
    }

    public var name: String
    public var shape: [Int]
    public var type: DataType
    public var bytes: Data

    public init(name: String, shape: [Int], type: DataType, bytes: Data) {
        precondition(shape.reduce(1, *) * type.size == bytes.count,
                     "variable \(name): shape \(shape) of \(type) needs \(shape.reduce(1, *) * type.size) bytes, got \(bytes.count)")
        self.name = name
        self.shape = shape
        self.type = type
        self.bytes = bytes
    }

    /// A float32 tensor.
    public init(name: String, shape: [Int], floats: UnsafeBufferPointer<Float>) {
        self.init(name: name, shape: shape, type: .float32, bytes: Data(buffer: floats))
    }

    /// A float32 tensor.
    public init(name: String, shape: [Int], floats: [Float]) {
        self = floats.withUnsafeBufferPointer { CTranslate2Variable(name: name, shape: shape, floats: $0) }
    }

    /// Scalar attributes, typed as CTranslate2's converters type them (a Python bool is
    /// stored as int8, a float as float32, counts as int16).
    public static func flag(_ name: String, _ value: Bool) -> CTranslate2Variable {
        CTranslate2Variable(name: name, shape: [], type: .int8, bytes: Data([value ? 1 : 0]))
    }

    public static func int8(_ name: String, _ value: Int8) -> CTranslate2Variable {
        CTranslate2Variable(name: name, shape: [], type: .int8, bytes: Data([UInt8(bitPattern: value)]))
    }

    public static func int16(_ name: String, _ value: Int16) -> CTranslate2Variable {
        withUnsafeBytes(of: value.littleEndian) { CTranslate2Variable(name: name, shape: [], type: .int16, bytes: Data($0)) }
    }

    public static func float32(_ name: String, _ value: Float) -> CTranslate2Variable {
        withUnsafeBytes(of: value.bitPattern.littleEndian) { CTranslate2Variable(name: name, shape: [], type: .float32, bytes: Data($0)) }
    }

    public var isScalar: Bool { shape.isEmpty }

    /// The elements of a float32 variable.
    public var floats: [Float] {
        precondition(type == .float32, "variable \(name) is \(type), not float32")
        return bytes.withUnsafeBytes { raw in (0..<bytes.count / 4).map { Float(bitPattern: UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: $0 * 4, as: UInt32.self))) } }
    }
}

/// CTranslate2's model.bin: the binary serialization of a model specification, as
/// `ModelSpec._serialize` in ctranslate2/specs/model_spec.py writes it and
/// `models::Model::load` (src/models/model.cc) reads it. Little-endian throughout:
///
///     u32 binary version (6) · string spec name · u32 spec revision
///     u32 variable count, then per variable (sorted by name):
///         string name · u8 rank · u32 × rank dimensions · u8 type id · u32 byte count · bytes
///     u32 alias count, then per alias: string alias · string name it stands for
///
/// where a string is a u16 length counting a terminating NUL, the UTF-8 bytes and the NUL.
public struct CTranslate2ModelFile: Equatable, Sendable {
    public struct Alias: Equatable, Sendable {
        public var alias: String
        public var target: String
    }

    /// `CURRENT_BINARY_VERSION` of CTranslate2 4.x.
    public static let binaryVersion: UInt32 = 6

    public var specName: String
    public var revision: UInt32
    public var variables: [CTranslate2Variable]
    public var aliases: [Alias]

    public init(specName: String, revision: UInt32, variables: [CTranslate2Variable], aliases: [Alias] = []) {
        self.specName = specName
        self.revision = revision
        self.variables = variables
        self.aliases = aliases
    }

    /// Replaces every tensor whose type, shape and bytes equal those of a tensor with an
    /// earlier name by an alias of the earliest such tensor, as the converter's
    /// `_alias_variables` does: shared embeddings and the encoder's and decoder's equal
    /// position tables are stored once. Scalars are never aliased.
    public mutating func aliasDuplicates() {
        let sorted = variables.sorted { Self.precedes($0.name, $1.name) }
        var kept: [CTranslate2Variable] = []
        for variable in sorted {
            if !variable.isScalar,
               let original = kept.first(where: { !$0.isScalar && $0.type == variable.type && $0.shape == variable.shape && $0.bytes == variable.bytes }) {
                aliases.append(Alias(alias: variable.name, target: original.name))
            } else {
                kept.append(variable)
            }
        }
        variables = kept
    }

    /// Python's sort order of the names (by code point; UTF-8 byte order is the same).
    static func precedes(_ a: String, _ b: String) -> Bool {
        a.utf8.lexicographicallyPrecedes(b.utf8)
    }

    /// Writes the serialization through `write`, variables in name order and aliases in
    /// alias order (the order `ModelSpec.variables(ordered=True)` gives).
    /// - Throws: `ExportError.notRepresentable` for a name longer than 65,534 bytes, a
    ///   dimension or a byte count beyond 2³² − 1, or a rank beyond 255.
    public func serialize(_ write: (UnsafeRawBufferPointer) throws -> Void) throws {
        var header = Data()
        header.appendLittleEndian(Self.binaryVersion)
        try header.appendString(specName)
        header.appendLittleEndian(revision)
        header.appendLittleEndian(UInt32(variables.count))
        try header.withUnsafeBytes(write)
        for variable in variables.sorted(by: { Self.precedes($0.name, $1.name) }) {
            var record = Data()
            try record.appendString(variable.name)
            guard variable.shape.count <= Int(UInt8.max) else {
                throw ExportError.notRepresentable("variable \(variable.name) has rank \(variable.shape.count), more than 255")
            }
            record.append(UInt8(variable.shape.count))
            for dimension in variable.shape {
                guard let d = UInt32(exactly: dimension) else {
                    throw ExportError.notRepresentable("variable \(variable.name) has dimension \(dimension), beyond 2^32 - 1")
                }
                record.appendLittleEndian(d)
            }
            record.append(variable.type.rawValue)
            guard let count = UInt32(exactly: variable.bytes.count) else {
                throw ExportError.notRepresentable("variable \(variable.name) has \(variable.bytes.count) bytes, beyond 2^32 - 1")
            }
            record.appendLittleEndian(count)
            try record.withUnsafeBytes(write)
            try variable.bytes.withUnsafeBytes(write)
        }
        var trailer = Data()
        trailer.appendLittleEndian(UInt32(aliases.count))
        for alias in aliases.sorted(by: { Self.precedes($0.alias, $1.alias) }) {
            try trailer.appendString(alias.alias)
            try trailer.appendString(alias.target)
        }
        try trailer.withUnsafeBytes(write)
    }

    /// The whole serialization in memory.
    public func serialized() throws -> Data {
        var data = Data()
        try serialize { data.append(contentsOf: $0) }
        return data
    }

    /// Parses a model.bin of binary version 6; `source` names the file in errors.
    /// - Throws: `ExportError.malformed` naming `source`, the offset and what was expected.
    public init(parsing data: Data, source: String) throws {
        var reader = ByteReader(data: data, source: source)
        let version: UInt32 = try reader.integer("the binary version")
        guard version == Self.binaryVersion else {
            throw ExportError.malformed(file: source, reason: "binary version \(version), expected \(Self.binaryVersion)")
        }
        specName = try reader.string("the spec name")
        revision = try reader.integer("the spec revision")
        let count: UInt32 = try reader.integer("the variable count")
        variables = []
        for _ in 0..<count {
            let name = try reader.string("a variable name")
            let rank: UInt8 = try reader.integer("the rank of \(name)")
            var shape: [Int] = []
            for _ in 0..<rank { shape.append(Int(try reader.integer("a dimension of \(name)") as UInt32)) }
            let typeID: UInt8 = try reader.integer("the type of \(name)")
            guard let type = CTranslate2Variable.DataType(rawValue: typeID) else {
                throw ExportError.malformed(file: source, reason: "variable \(name) has type id \(typeID), expected 0–5")
            }
            let byteCount = Int(try reader.integer("the byte count of \(name)") as UInt32)
            guard byteCount == shape.reduce(1, *) * type.size else {
                throw ExportError.malformed(file: source, reason: "variable \(name) of shape \(shape) and type \(type) has \(byteCount) bytes, expected \(shape.reduce(1, *) * type.size)")
            }
            variables.append(CTranslate2Variable(name: name, shape: shape, type: type, bytes: try reader.bytes(byteCount, "the bytes of \(name)")))
        }
        let aliasCount: UInt32 = try reader.integer("the alias count")
        aliases = []
        for _ in 0..<aliasCount {
            aliases.append(Alias(alias: try reader.string("an alias"), target: try reader.string("an alias target")))
        }
        guard reader.offset == data.count else {
            throw ExportError.malformed(file: source, reason: "\(data.count - reader.offset) bytes after the aliases, expected the end of the file")
        }
    }

    /// The variable called `name`, following an alias.
    public func variable(_ name: String) -> CTranslate2Variable? {
        let target = aliases.first { $0.alias == name }?.target ?? name
        return variables.first { $0.name == target }
    }
}

/// Bounds-checked little-endian reads for `CTranslate2ModelFile(parsing:)`.
private struct ByteReader {
    let data: Data
    let source: String
    var offset = 0

    init(data: Data, source: String) {
        self.data = data
        self.source = source
    }

    mutating func bytes(_ count: Int, _ what: String) throws -> Data {
        guard count >= 0, data.count - offset >= count else {
            throw ExportError.malformed(file: source, reason: "the file ends at byte \(data.count) inside \(what) (\(count) bytes from offset \(offset))")
        }
        let start = data.startIndex + offset
        offset += count
        return data.subdata(in: start..<start + count)
    }

    mutating func integer<T: FixedWidthInteger>(_ what: String) throws -> T {
        let raw = try bytes(MemoryLayout<T>.size, what)
        return raw.withUnsafeBytes { T(littleEndian: $0.loadUnaligned(as: T.self)) }
    }

    mutating func string(_ what: String) throws -> String {
        let length = Int(try integer(what) as UInt16)
        let raw = try bytes(length, what)
        guard length >= 1, raw.last == 0, let text = String(data: raw.dropLast(), encoding: .utf8) else {
            throw ExportError.malformed(file: source, reason: "\(what) at offset \(offset - length) is not NUL-terminated UTF-8")
        }
        return text
    }
}

extension Data {
    mutating func appendLittleEndian<T: FixedWidthInteger>(_ value: T) {
        Swift.withUnsafeBytes(of: value.littleEndian) { append(contentsOf: $0) }
    }

    /// A CTranslate2 string: u16 length with the NUL, UTF-8 bytes, NUL.
    mutating func appendString(_ string: String) throws {
        let bytes = Array(string.utf8)
        guard bytes.count < Int(UInt16.max), !bytes.contains(0) else {
            throw ExportError.notRepresentable("the name \(string.prefix(80)) is longer than 65,534 bytes or holds a NUL")
        }
        appendLittleEndian(UInt16(bytes.count + 1))
        append(contentsOf: bytes)
        append(0)
    }
}
