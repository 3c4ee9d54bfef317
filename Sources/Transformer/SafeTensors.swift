import Foundation
import Tensor

/// The contents of a safetensors file: named Float32 tensors in one contiguous buffer, and
/// a string-to-string metadata map.
///
/// Format (https://github.com/huggingface/safetensors, "Format" in its README): an 8-byte
/// little-endian unsigned header length N; N bytes of UTF-8 JSON mapping each tensor name
/// to `{"dtype", "shape", "data_offsets": [begin, end]}` plus an optional
/// `"__metadata__"` object of strings; then the little-endian tensor data, where offsets
/// count bytes from the end of the header. We read and write dtype F32 only; checkpoints
/// keep the model config and format version in the metadata.
///
/// Tensors are kept in one `[Float]` so that a file with hundreds of parameters is one
/// allocation, and so that reading is a single copy out of the file's bytes.
public struct SafeTensorsFile {
    /// Where one tensor lives in `values`.
    public struct Entry: Equatable, Sendable {
        /// Extents, outermost first; empty for a scalar. Kept as an array rather than a
        /// `Shape` because files written elsewhere may hold tensors of rank > 4.
        public let shape: [Int]
        /// Element (not byte) range in `values`.
        public let range: Range<Int>
    }

    /// All tensors' elements, each tensor contiguous and row-major.
    public private(set) var values: [Float]
    /// Tensor name → position and shape.
    public private(set) var entries: [String: Entry]
    /// The `__metadata__` map of the header.
    public var metadata: [String: String]
    /// The path the tensors were read from (or another label), named in every error.
    public var source: String

    /// An empty file with the given metadata; add tensors with `add(_:shape:values:)`.
    public init(metadata: [String: String] = [:], source: String = "<memory>") {
        self.init(values: [], entries: [:], metadata: metadata, source: source)
    }

    init(values: [Float], entries: [String: Entry], metadata: [String: String], source: String) {
        self.values = values
        self.entries = entries
        self.metadata = metadata
        self.source = source
    }

    /// Tensor names in the order they are written: by UTF-8 bytes, as the reference
    /// implementation sorts them, so that our files are byte-identical to its files.
    public var names: [String] {
        entries.keys.sorted(by: Self.precedesInFile)
    }

    static func precedesInFile(_ a: String, _ b: String) -> Bool {
        a.utf8.lexicographicallyPrecedes(b.utf8)
    }

    /// Appends a tensor. Names are unique and `__metadata__` is reserved by the format;
    /// breaking either is a programmer error.
    public mutating func add<C: Collection>(_ name: String, shape: [Int], values newValues: C)
    where C.Element == Float {
        precondition(name != Self.metadataKey, "'\(Self.metadataKey)' is reserved by the safetensors format")
        precondition(entries[name] == nil, "tensor '\(name)' added twice")
        precondition(shape.allSatisfy { $0 >= 0 }, "tensor '\(name)': negative extent in \(shape)")
        precondition(newValues.count == shape.reduce(1, *),
                     "tensor '\(name)': \(newValues.count) values for shape \(shape)")
        entries[name] = Entry(shape: shape, range: values.count..<(values.count + newValues.count))
        values.append(contentsOf: newValues)
    }

    /// Appends a copy of `tensor` under `name`.
    public mutating func add(_ name: String, _ tensor: Tensor) {
        add(name, shape: tensor.shape.dims, values: UnsafeBufferPointer(tensor.buffer))
    }

    /// The shape and elements of the tensor called `name`.
    /// - Throws: `SafeTensorsError.missingTensor` naming `source` and the tensor.
    public func tensor(named name: String) throws -> (shape: [Int], values: ArraySlice<Float>) {
        guard let entry = entries[name] else {
            throw SafeTensorsError.missingTensor(file: source, tensor: name)
        }
        return (entry.shape, values[entry.range])
    }

    /// The elements of the tensor called `name`, which must have shape `expectedShape`.
    /// - Throws: `missingTensor`, or `shapeMismatch` naming the tensor and both shapes.
    public func tensor(named name: String, expectedShape: Shape) throws -> ArraySlice<Float> {
        let (shape, values) = try tensor(named: name)
        guard shape == expectedShape.dims else {
            throw SafeTensorsError.shapeMismatch(file: source, tensor: name,
                                                 expected: expectedShape.dims, found: shape)
        }
        return values
    }

    /// Copies the tensor called `name` into `destination`, whose shape it must have.
    /// - Throws: `missingTensor` or `shapeMismatch`; `destination` is then untouched.
    public func copy(named name: String, into destination: Tensor) throws {
        let values = try tensor(named: name, expectedShape: destination.shape)
        _ = destination.buffer.update(fromContentsOf: values)
    }

    static let metadataKey = "__metadata__"
}
