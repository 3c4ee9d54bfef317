import Foundation

/// Why a safetensors file could not be read, written or matched against a model.
///
/// Every case names the file (or the `source` given to `SafeTensorsFile.read(data:source:)`)
/// and, where one is involved, the tensor, so that the CLI can print the message as is.
public enum SafeTensorsError: Error, Equatable, LocalizedError {
    /// No file at the path.
    case fileMissing(file: String)
    /// The file exists but could not be read (permissions, a directory, an I/O error).
    case unreadable(file: String, reason: String)
    /// The file ends before the header or a tensor's data does.
    case truncated(file: String, detail: String)
    /// The header length field is larger than any real header; the reference
    /// implementation refuses headers over 100 MB, and so do we.
    case headerTooLarge(file: String, bytes: UInt64)
    /// The header is not the JSON the format prescribes; `tensor` is set when the fault
    /// belongs to one entry.
    case corruptHeader(file: String, tensor: String?, detail: String)
    /// A tensor stored with a dtype we cannot read (only F32 is supported).
    case unsupportedDtype(file: String, tensor: String, dtype: String)
    /// A tensor that was asked for is not in the file.
    case missingTensor(file: String, tensor: String)
    /// A tensor exists but with another shape than the one asked for.
    case shapeMismatch(file: String, tensor: String, expected: [Int], found: [Int])
    /// The file's tensors are not the expected set: names missing from the file, names
    /// the file has but the model does not, and shape mismatches (`validate(expected:)`).
    case contentsMismatch(file: String, missing: [String], unexpected: [String], shapes: [ShapeMismatch])
    /// Writing failed; the destination was left as it was.
    case writeFailed(file: String, reason: String)

    /// One tensor whose stored shape differs from the expected one.
    public struct ShapeMismatch: Equatable, Sendable {
        public let tensor: String
        public let expected: [Int]
        public let found: [Int]
    }

    public var errorDescription: String? {
        switch self {
        case let .fileMissing(file):
            return "\(file): no such safetensors file"
        case let .unreadable(file, reason):
            return "\(file): cannot read safetensors file: \(reason)"
        case let .truncated(file, detail):
            return "\(file): truncated safetensors file: \(detail)"
        case let .headerTooLarge(file, bytes):
            return "\(file): corrupt safetensors header: header length \(bytes) bytes exceeds the 100 MB limit"
        case let .corruptHeader(file, tensor?, detail):
            return "\(file): corrupt safetensors header: tensor '\(tensor)': \(detail)"
        case let .corruptHeader(file, nil, detail):
            return "\(file): corrupt safetensors header: \(detail)"
        case let .unsupportedDtype(file, tensor, dtype):
            return "\(file): tensor '\(tensor)' has dtype \(dtype); only F32 is supported"
        case let .missingTensor(file, tensor):
            return "\(file): tensor '\(tensor)' is missing"
        case let .shapeMismatch(file, tensor, expected, found):
            return "\(file): tensor '\(tensor)' has shape \(Self.format(found)), expected \(Self.format(expected))"
        case let .contentsMismatch(file, missing, unexpected, shapes):
            var problems: [String] = []
            if !missing.isEmpty {
                problems.append("missing tensors: " + missing.map { "'\($0)'" }.joined(separator: ", "))
            }
            if !unexpected.isEmpty {
                problems.append("unexpected tensors: " + unexpected.map { "'\($0)'" }.joined(separator: ", "))
            }
            problems += shapes.map {
                "tensor '\($0.tensor)' has shape \(Self.format($0.found)), expected \(Self.format($0.expected))"
            }
            return "\(file): tensors do not match the model: " + problems.joined(separator: "; ")
        case let .writeFailed(file, reason):
            return "\(file): cannot write safetensors file: \(reason)"
        }
    }

    /// Shapes are printed as the model code writes them in comments: (2, 3), () for a scalar.
    static func format(_ dims: [Int]) -> String {
        "(" + dims.map(String.init).joined(separator: ", ") + ")"
    }
}
