import Foundation
import Tensor

extension TransformerModel {
    /// Writes the parameters as safetensors, one tensor per parameter under its fairseq
    /// name (a shared embedding once, under its first name), with `metadata`.
    /// The write is atomic: the destination holds the old file or the whole new one.
    public func saveParameters(to url: URL, metadata: [String: String] = [:]) throws {
        let tensors = table.entries.map { entry in
            (name: entry.name, shape: entry.shape, data: UnsafePointer(parameters.base + entry.offset))
        }
        try SafeTensorsFile.write(tensors: tensors, metadata: metadata, to: url)
    }

    /// Reads parameters written by `saveParameters` (or by PyTorch under the same names).
    /// Throws, naming the tensor and both shapes, when a tensor is missing, extra, or has
    /// a shape that disagrees with this model's config; the parameters are left unchanged
    /// unless the whole file is valid.
    @discardableResult
    public func loadParameters(from url: URL) throws -> [String: String] {
        let file = try SafeTensorsFile.read(from: url)
        try file.validate(expected: Dictionary(uniqueKeysWithValues: table.entries.map { ($0.name, $0.shape) }))
        for entry in table.entries {
            try file.copy(named: entry.name, into: parameters.view(entry.name))
        }
        return file.metadata
    }
}
