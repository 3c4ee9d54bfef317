import Dispatch

/// Wall-clock timing of repeated calls: warm-up, then the median of several rounds.
enum Timing {
    static func seconds(_ body: () -> Void) -> Double {
        let start = DispatchTime.now().uptimeNanoseconds
        body()
        return Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
    }

    /// Median seconds per call of each body, measured round-robin (A B A B …) so that
    /// machine noise hits all of them alike. Each round calls a body `callsPerRound` times.
    static func medians(_ bodies: [() -> Void], rounds: Int, callsPerRound: Int, warmup: Int = 2) -> [Double] {
        for body in bodies { for _ in 0..<warmup { body() } }
        var samples = [[Double]](repeating: [], count: bodies.count)
        for _ in 0..<rounds {
            for (i, body) in bodies.enumerated() {
                samples[i].append(seconds { for _ in 0..<callsPerRound { body() } } / Double(callsPerRound))
            }
        }
        return samples.map(median)
    }

    static func median(_ values: [Double]) -> Double {
        let sorted = values.sorted()
        let mid = sorted.count / 2
        return sorted.count % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2
    }
}
