import Distributed
import Foundation
import Transformer

/// The gradient all-reduce of each preset, timed on its own: run under mpirun (every rank
/// runs it; rank 0 prints). Bytes are the gradient arena's (float32, one per parameter);
/// the bus bandwidth is the ring all-reduce's 2(N−1)/N × bytes per second, the figure
/// that stays comparable across rank counts (as NCCL's tests report it).
enum AllReduceBenchmarks {
    struct Row: Codable {
        var preset: String
        var parameters: Int
        var bytes: Int
        var ranks: Int
        var medianMilliseconds: Double
        var busGigabytesPerSecond: Double
    }

    static func run(presets: [String], rounds: Int) throws -> [Row] {
        let communicator = try Distributed.communicator(timeout: 600)
        defer { try? communicator.finish() }
        var rows: [Row] = []
        for preset in presets {
            guard var config = TransformerConfig.preset(preset, vocabularySize: 8000) else { continue }
            config.maxPositions = 256
            let count = try TransformerModel(config: config).table.count
            var buffer = [Float](repeating: 1, count: count)
            var times: [Double] = []
            try buffer.withUnsafeMutableBufferPointer { pointer in
                for round in 0..<(rounds + 2) {
                    try communicator.barrier(operation: "barrier")
                    let started = DispatchTime.now().uptimeNanoseconds
                    try communicator.allReduceSum(pointer.baseAddress!, count: count, operation: "all-reduce")
                    let seconds = Double(DispatchTime.now().uptimeNanoseconds - started) / 1e9
                    if round >= 2 { times.append(seconds) }        // two warm-up rounds
                }
            }
            // Rank 0's times: the barrier before each round starts the ranks together, and
            // an all-reduce ends for no rank before every rank's data has arrived.
            let median = times.sorted()[times.count / 2]
            let n = Double(communicator.size), bytes = count * 4
            rows.append(Row(preset: preset, parameters: count, bytes: bytes, ranks: communicator.size,
                            medianMilliseconds: median * 1e3,
                            busGigabytesPerSecond: 2 * (n - 1) / n * Double(bytes) / median / 1e9))
        }
        if !communicator.isRoot { return [] }
        return rows
    }
}
