import Foundation
import Tensor
import Training
import Transformer

/// Training throughput on synthetic batches of the real shape: sentences of about 25
/// tokens (20–30, both sides), `targetTokens` target tokens per batch, vocabulary 8000.
enum TrainingBenchmarks {
    static func batch(targetTokens: Int, vocabulary: Int, seed: UInt64) -> Batch {
        var rng = SeededGenerator(seed: seed)
        var sources: [[Int32]] = [], targets: [[Int32]] = []
        var tokens = 0
        while tokens < targetTokens {
            let s = 19 + Int(rng.next() % 11), t = 19 + Int(rng.next() % 11)
            sources.append((0..<s).map { _ in Int32(4 + rng.next() % UInt64(vocabulary - 4)) })
            targets.append((0..<t).map { _ in Int32(4 + rng.next() % UInt64(vocabulary - 4)) })
            tokens += t + 1
        }
        return Batch(sources: sources, targets: targets, padID: 0, eosID: 3)
    }

    /// Multiply-add FLOPs of one forward + backward pass (2 per multiply-add; backward
    /// costs twice the forward's products), counting the products only, over real tokens:
    /// padding is not useful work (and the model no longer computes it).
    static func flopsPerStep(_ c: TransformerConfig, _ b: Batch) -> Double {
        let d = Double(c.modelDim), f = Double(c.ffnDim), v = Double(c.targetVocabularySize)
        let ns = Double(b.sourceTokenCount), nt = Double(b.targetTokenCount)
        // Σ over sentences of the attention score sizes: s², t², t·s.
        var ss = 0.0, tt = 0.0, ts = 0.0
        for (s, t) in zip(b.sourceLengths, b.targetLengths) {
            ss += Double(s) * Double(s); tt += Double(t) * Double(t); ts += Double(t) * Double(s)
        }
        let encoderLayer = 2 * ns * (4 * d * d + 2 * d * f) + 2 * 2 * ss * d
        let decoderLayer = 2 * nt * (4 * d * d + 2 * d * f) + 2 * 2 * tt * d
            + 2 * nt * 2 * d * d + 2 * ns * 2 * d * d + 2 * 2 * ts * d
        let output = 2 * nt * d * v
        let forward = Double(c.encoderLayers) * encoderLayer + Double(c.decoderLayers) * decoderLayer + output
        return 3 * forward
    }

    static func peakResidentMB() -> Double {
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        return Double(usage.ru_maxrss) / 1024
    }

    struct Result { var seconds: [String: Double]; var batch: Batch; var flops: Double }

    /// Median seconds of one full update (forward, criterion, backward, AdamW) for each
    /// criterion. The criteria alternate step by step (A B A B …) on one model, optimizer
    /// and workspace, so machine noise and memory hit them alike and the ratio of their
    /// medians is what the LABO-overhead target reads.
    static func measure(preset: String, criteria: [(String, Criterion, ProductPrecision)], threads: Int, targetTokens: Int,
                        rounds: Int, engines: [BF16Engine] = [.current]) throws -> Result {
        Threads.set(threads)
        guard var config = TransformerConfig.preset(preset, vocabularySize: 8000) else { fatalError("unknown preset \(preset)") }
        config.maxPositions = 256
        let model = try TransformerModel(config: config)
        model.initializeParameters(seed: 1)
        let optimizer = AdamW(table: model.table, hyperparameters: .init(weightDecay: 0.0001))
        let batch = Self.batch(targetTokens: targetTokens, vocabulary: 8000, seed: 7)
        let ws = Workspace()
        var update = 0
        // bf16 steps once per engine: the first keyed "name bf16", the others "name bf16 engine".
        let arms = criteria.flatMap { arm in
            (arm.2 == .bf16 ? engines : [.current]).enumerated().map { index, engine in
                (key: "\(arm.0) \(arm.2.rawValue)" + (index == 0 ? "" : " \(engine.rawValue)"), criterion: arm.1, precision: arm.2, engine: engine)
            }
        }
        let steps = arms.map { arm in
            {
                ws.bf16Engine = arm.engine
                _ = UpdateStep.run(model: model, optimizer: optimizer, criterion: arm.criterion, batches: [batch], seed: 1,
                                   update: update, updateFreq: 1, lr: 1e-4, clipNorm: 0, precision: arm.precision, workspace: ws)
                update += 1
            }
        }
        let seconds = Timing.medians(steps, rounds: rounds, callsPerRound: 1, warmup: 2)
        return Result(seconds: Dictionary(uniqueKeysWithValues: zip(arms.map(\.key), seconds)), batch: batch,
                      flops: flopsPerStep(config, batch))
    }

    /// Rows per preset and thread count: throughput and MFU of LS and LABO in each
    /// precision, LABO's overhead, and bf16 ÷ fp32 step time where the CPU has bf16 (the
    /// four kinds of step alternate, so noise hits them alike). MFU is against the fp32
    /// product peak for fp32 steps and the bf16 one (`bf16Peak`) for bf16 steps.
    static func run(presets: [String], threads: [Int], rounds: Int, peak: [Int: Double],
                    bf16Peak: [Int: Double] = [:]) throws -> [Measurement] {
        var rows: [Measurement] = []
        let precisions: [ProductPrecision] = CPUFeatures.current.multipliesBF16Natively ? [.fp32, .bf16] : [.fp32]
        let criteria: [(String, Criterion)] = [("label_smoothed", .labelSmoothed(alpha: 0.1)), ("labo", .labo(alpha: 0.1, tau: 2))]
        for preset in presets {
            for t in threads {
                // Where the tiles are the engine, oneDNN's bf16 steps alternate with theirs too.
                let engines: [BF16Engine] = BF16Engine.current == .amxTiles ? [.amxTiles, .oneDNN] : [.current]
                let r = try measure(preset: preset, criteria: precisions.flatMap { p in criteria.map { ($0.0, $0.1, p) } },
                                    threads: t, targetTokens: 4096, rounds: rounds, engines: engines)
                for precision in precisions {
                    let suffix = precision == .fp32 ? "" : " bf16"
                    let reference = precision == .fp32 ? peak[t] : bf16Peak[t]
                    let labo = r.seconds["labo \(precision.rawValue)"]!, ls = r.seconds["label_smoothed \(precision.rawValue)"]!
                    for (name, seconds) in [("labo", labo), ("label_smoothed", ls)] {
                        let tgt = Double(r.batch.targetTokenCount), src = Double(r.batch.sourceTokenCount)
                        rows.append(Measurement(scenario: "training", name: "\(preset) \(name)\(suffix) tgt tok/s", threads: t,
                                                value: tgt / seconds, unit: "tok/s"))
                        rows.append(Measurement(scenario: "training", name: "\(preset) \(name)\(suffix) src+tgt tok/s", threads: t,
                                                value: (tgt + src) / seconds, unit: "tok/s"))
                        let achieved = r.flops / seconds / 1e9
                        let mfuTarget = preset == "iwslt" && precision == .fp32
                        rows.append(Measurement(scenario: "training", name: "\(preset) \(name)\(suffix) GFLOP/s (\(String(format: "%.1f", r.flops / 1e9)) GFLOP/step)",
                                                threads: t, value: achieved, unit: "GFLOP/s", reference: reference,
                                                ratio: reference.map { achieved / $0 },
                                                target: mfuTarget ? "MFU ≥ 0.75" : nil,
                                                meetsTarget: mfuTarget ? reference.map { achieved / $0 >= 0.75 } : nil))
                    }
                    rows.append(Measurement(scenario: "training", name: "\(preset) LABO step ÷ LS step\(suffix)", threads: t,
                                            value: labo / ls, unit: "×", target: "≤ 1.03",
                                            meetsTarget: labo / ls <= 1.03))
                }
                if precisions.contains(.bf16) {
                    for (name, _) in criteria {
                        let ratio = r.seconds["\(name) fp32"]! / r.seconds["\(name) bf16"]!
                        rows.append(Measurement(scenario: "training", name: "\(preset) \(name) fp32 step ÷ bf16 step", threads: t,
                                                value: ratio, unit: "×", target: "≥ 1.5", meetsTarget: ratio >= 1.5))
                        if let oneDNN = r.seconds["\(name) bf16 onednn"] {
                            rows.append(Measurement(scenario: "training", name: "\(preset) \(name) bf16 step on oneDNN alone ÷ with AMX tiles",
                                                    threads: t, value: oneDNN / r.seconds["\(name) bf16"]!, unit: "×"))
                        }
                    }
                }
            }
        }
        rows.append(Measurement(scenario: "training", name: "peak resident memory", threads: threads.max() ?? 1,
                                value: peakResidentMB(), unit: "MiB"))
        return rows
    }
}
