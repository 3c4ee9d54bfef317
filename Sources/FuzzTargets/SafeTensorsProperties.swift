import Foundation
import Transformer

/// Properties of `SafeTensorsFile.read(data:source:)`.
enum SafeTensorsProperties {
    /// Refusals are `SafeTensorsError`s. An accepted file's entries lie inside its values
    /// with as many elements as their shapes hold, and writing it and reading it back
    /// gives the same names, shapes, metadata and bit patterns.
    static func check(_ bytes: [UInt8]) throws {
        guard let file = try refusedOrParsed(SafeTensorsError.self, {
            try SafeTensorsFile.read(data: Data(bytes), source: "<fuzz>")
        }) else { return }
        for (name, entry) in file.entries {
            try require(entry.range.lowerBound >= 0 && entry.range.upperBound <= file.values.count,
                        "tensor '\(name)' spans \(entry.range) of \(file.values.count) values")
            try require(entry.shape.reduce(1, *) == entry.range.count,
                        "tensor '\(name)' has shape \(entry.shape) but \(entry.range.count) values")
        }
        // One file per check: checks run side by side in one test process (the seed and the
        // random-bytes tests), and a shared name let one remove or overwrite another's file.
        let url = FileManager.default.temporaryDirectory
            .appendingPathComponent("nmt-fuzz-\(getpid())-\(UUID().uuidString).safetensors")
        defer { try? FileManager.default.removeItem(at: url) }
        do { try file.write(to: url) } catch {
            throw PropertyViolation("an accepted file could not be written back: \(error)")
        }
        let again: SafeTensorsFile
        do { again = try SafeTensorsFile.read(from: url) } catch {
            throw PropertyViolation("a file written back was refused: \(error)")
        }
        try require(again.metadata == file.metadata, "metadata changed in the round trip")
        try require(Set(again.names) == Set(file.names), "tensor names changed in the round trip")
        for name in file.names {
            let before = file.entries[name]!, after = again.entries[name]!
            try require(before.shape == after.shape, "shape of '\(name)' changed in the round trip")
            let same = zip(file.values[before.range], again.values[after.range]).allSatisfy { $0.bitPattern == $1.bitPattern }
            try require(same, "values of '\(name)' changed in the round trip")
        }
    }
}
