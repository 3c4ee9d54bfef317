import Foundation

public enum TrainingLogError: Error, LocalizedError, Equatable {
    case unreadable(path: String, reason: String)
    case badLine(path: String, line: Int, reason: String)

    public var errorDescription: String? {
        switch self {
        case let .unreadable(path, reason): "cannot read training log \(path): \(reason)"
        case let .badLine(path, line, reason): "\(path):\(line): \(reason)"
        }
    }
}

/// The curves of one run, read from its `train.jsonl` (`TrainingLog`): training loss,
/// validation loss and validation BLEU against updates.
public struct TrainingCurves: Equatable, Sendable {
    public var name: String
    public var trainLoss: [(update: Double, value: Double)]
    public var validLoss: [(update: Double, value: Double)]
    public var validBLEU: [(update: Double, value: Double)]

    public static func == (a: TrainingCurves, b: TrainingCurves) -> Bool {
        a.name == b.name && a.trainLoss.elementsEqual(b.trainLoss, by: ==) && a.validLoss.elementsEqual(b.validLoss, by: ==)
            && a.validBLEU.elementsEqual(b.validBLEU, by: ==)
    }

    /// Reads a JSON-lines log; a line that is not a JSON object, or a training or validation
    /// record without a numeric `update`, is an error naming the file and line. Records of
    /// other kinds (a segment's start, a warning, a segment's end) carry no curve.
    public static func read(_ path: String, name: String) throws -> TrainingCurves {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw TrainingLogError.unreadable(path: path, reason: "no such file or not readable")
        }
        var curves = TrainingCurves(name: name, trainLoss: [], validLoss: [], validBLEU: [])
        for (i, line) in data.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false).enumerated() where !line.isEmpty {
            guard let object = try? JSONSerialization.jsonObject(with: Data(line)) as? [String: Any] else {
                throw TrainingLogError.badLine(path: path, line: i + 1, reason: "not a JSON object")
            }
            if let kind = object["kind"] as? String, !["train", "valid"].contains(kind) { continue }
            guard let update = object["update"] as? Double else {
                throw TrainingLogError.badLine(path: path, line: i + 1, reason: "no numeric \"update\"")
            }
            if let v = object["loss"] as? Double { curves.trainLoss.append((update, v)) }
            if let v = object["valid_loss"] as? Double { curves.validLoss.append((update, v)) }
            if let v = object["valid_bleu"] as? Double { curves.validBLEU.append((update, v)) }
        }
        return curves
    }
}
