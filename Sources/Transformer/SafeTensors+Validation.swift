import Tensor

extension SafeTensorsFile {
    /// Checks that the file holds exactly the expected tensors with the expected shapes,
    /// so that loading a checkpoint into a model either fits completely or fails before
    /// any parameter is overwritten.
    /// - Throws: `SafeTensorsError.contentsMismatch` listing, sorted by name, every
    ///   missing tensor, every tensor the model does not have, and every shape mismatch
    ///   with both shapes.
    public func validate(expected: [String: Shape]) throws {
        let missing = expected.keys.filter { entries[$0] == nil }.sorted(by: Self.precedesInFile)
        let unexpected = entries.keys.filter { expected[$0] == nil }.sorted(by: Self.precedesInFile)
        let shapes = expected.compactMap { name, shape -> SafeTensorsError.ShapeMismatch? in
            guard let found = entries[name]?.shape, found != shape.dims else { return nil }
            return SafeTensorsError.ShapeMismatch(tensor: name, expected: shape.dims, found: found)
        }.sorted { Self.precedesInFile($0.tensor, $1.tensor) }
        guard missing.isEmpty, unexpected.isEmpty, shapes.isEmpty else {
            throw SafeTensorsError.contentsMismatch(file: source, missing: missing,
                                                    unexpected: unexpected, shapes: shapes)
        }
    }
}
