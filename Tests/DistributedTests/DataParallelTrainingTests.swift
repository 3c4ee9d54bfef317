import Checkpoints
import Foundation
import Tensor
import Testing
import TestSupport
import Transformer

let mpirunPath = ["/usr/bin/mpirun", "/usr/local/bin/mpirun"].first { FileManager.default.isExecutableFile(atPath: $0) }

/// `mpirun -np 2 nmt train` on the tiny preset: equal to one rank with twice the
/// update_freq (bitwise), resumable with another rank count, and a dead or hung rank ends
/// the job with an error naming a rank, the last checkpoint intact.
@Suite(.serialized, .enabled(if: mpirunPath != nil, "mpirun is not installed (openmpi-bin)"), .timeLimit(.minutes(10)))
struct DataParallelTrainingTests {
    static let mpirun = mpirunPath
    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()
    static let scratch: URL = {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("nmt-mpi-\(getpid())")
        try? FileManager.default.removeItem(at: url)
        try! FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }()
    /// Open MPI refuses root and more ranks than cores unless told; CI runs as root.
    static let mpiEnvironment: [String: String?] = [
        "OMPI_ALLOW_RUN_AS_ROOT": "1", "OMPI_ALLOW_RUN_AS_ROOT_CONFIRM": "1", "OMPI_MCA_rmaps_base_oversubscribe": "1",
    ]

    static func trainArguments(_ run: URL, updates: Int, updateFreq: Int, resume: Bool = false) -> [String] {
        let corpus = repository.appendingPathComponent("corpora/tiny-es-en").path
        return ["train", "--config", repository.appendingPathComponent("configs/tiny.yaml").path, "--output", run.path,
                resume ? "--resume" : "--overwrite", "--quiet",
                "--train-src", corpus + "/train.es", "--train-tgt", corpus + "/train.en",
                "--valid-src", corpus + "/valid.es", "--valid-tgt", corpus + "/valid.en",
                "--threads", "1", "--max-update", String(updates), "--max-epoch", "0", "--stop-time-hours", "0",
                "--validate-interval-updates", "3", "--update-freq", String(updateFreq), "--no-epoch-checkpoints"]
    }

    /// `nmt train` alone (no mpirun).
    static func train(_ run: URL, updates: Int, updateFreq: Int, resume: Bool = false, extra: [String] = []) throws {
        let result = try runProcess(builtProduct("nmt"), trainArguments(run, updates: updates, updateFreq: updateFreq, resume: resume)
                                    + extra)
        #expect(result.status == 0, "\(result.error)")
    }

    /// `mpirun -np ranks nmt train …`.
    static func trainParallel(_ run: URL, ranks: Int, updates: Int, updateFreq: Int, resume: Bool = false,
                              extra: [String] = [], killWhen: ((String) -> Bool)? = nil, killSignal: Int32 = SIGKILL) throws -> ProcessResult {
        try runProcess(URL(fileURLWithPath: mpirun!), ["-np", String(ranks), builtProduct("nmt").path]
                       + trainArguments(run, updates: updates, updateFreq: updateFreq, resume: resume) + extra,
                       environment: mpiEnvironment, killWhen: killWhen, killSignal: killSignal)
    }

    /// The weights and the optimizer's tensors of a run's last checkpoint.
    static func state(_ run: URL) throws -> (model: Data, optimizer: [String: [Float]], progress: String?) {
        let last = run.appendingPathComponent("checkpoints/last").resolvingSymlinksInPath()
        let training = try SafeTensorsFile.read(from: last.appendingPathComponent("training-state.safetensors"))
        var tensors: [String: [Float]] = [:]
        for name in training.names { tensors[name] = Array(try training.tensor(named: name).values) }
        // The progress without its clock reading.
        let progress = training.metadata["progress"]?.replacingOccurrences(of: #""elapsedSeconds":[0-9.e+-]+,"#, with: "",
                                                                           options: .regularExpression)
        return (try Data(contentsOf: last.appendingPathComponent("model.safetensors")), tensors, progress)
    }

    @Test func twoRanksEqualOneRankWithTwiceTheUpdateFreqBitwise() throws {
        let single = Self.scratch.appendingPathComponent("single"), parallel = Self.scratch.appendingPathComponent("parallel")
        try Self.train(single, updates: 6, updateFreq: 2)
        let result = try Self.trainParallel(parallel, ranks: 2, updates: 6, updateFreq: 1)
        #expect(result.status == 0, "\(result.error)")
        let a = try Self.state(single), b = try Self.state(parallel)
        #expect(a.model == b.model)
        #expect(a.optimizer == b.optimizer)
        #expect(a.progress == b.progress && a.progress?.contains("\"update\":6") == true)
        // Only rank 0 logged.
        let log = try String(contentsOf: parallel.appendingPathComponent("train.jsonl"), encoding: .utf8)
        #expect(log.components(separatedBy: "\"kind\": \"valid\"").count - 1 == 2)
    }

    /// bf16 products leave the gradients' sums fp32, in the same fixed order: the
    /// equality holds in bf16 too.
    @Test(.enabled(if: CPUFeatures.current.multipliesBF16Natively, "this CPU lacks AVX512-BF16: bf16 training is refused here"))
    func twoRanksEqualOneRankWithTwiceTheUpdateFreqBitwiseInBF16() throws {
        let single = Self.scratch.appendingPathComponent("single-bf16"), parallel = Self.scratch.appendingPathComponent("parallel-bf16")
        try Self.train(single, updates: 4, updateFreq: 2, extra: ["--precision", "bf16"])
        let result = try Self.trainParallel(parallel, ranks: 2, updates: 4, updateFreq: 1, extra: ["--precision", "bf16"])
        #expect(result.status == 0, "\(result.error)")
        let a = try Self.state(single), b = try Self.state(parallel)
        #expect(a.model == b.model)
        #expect(a.optimizer == b.optimizer)
        let log = try String(contentsOf: parallel.appendingPathComponent("train.jsonl"), encoding: .utf8)
        #expect(log.contains("\"precision\": \"bf16\""))
    }

    @Test func resumeWithAnotherRankCount() throws {
        let straight = Self.scratch.appendingPathComponent("straight"), changed = Self.scratch.appendingPathComponent("changed")
        try Self.train(straight, updates: 9, updateFreq: 2)
        // 2 ranks × 1 for 3 updates, then 1 rank × 2 to update 6, then 2 ranks × 1 to 9:
        // the same batches per update throughout, so the same weights as the straight run.
        #expect(try Self.trainParallel(changed, ranks: 2, updates: 3, updateFreq: 1).status == 0)
        try Self.train(changed, updates: 6, updateFreq: 2, resume: true)
        let last = try Self.trainParallel(changed, ranks: 2, updates: 9, updateFreq: 1, resume: true)
        #expect(last.status == 0, "\(last.error)")
        let a = try Self.state(straight), b = try Self.state(changed)
        #expect(a.model == b.model)
        #expect(a.optimizer == b.optimizer)
    }

    @Test func aKilledRankEndsTheJobNamingItAndTheLastCheckpointLoads() throws {
        let run = Self.scratch.appendingPathComponent("killed")
        let last = run.appendingPathComponent("checkpoints/last")
        let started = Date()
        let result = try Self.trainParallel(run, ranks: 2, updates: 100_000, updateFreq: 1, killWhen: { _ in
            guard FileManager.default.fileExists(atPath: last.path), let pid = Self.rankProcess(1) else { return false }
            kill(pid, SIGKILL)
            return false      // mpirun itself is not killed: it must notice and stop the job
        })
        #expect(result.status != 0)
        #expect(Date().timeIntervalSince(started) < 300)
        #expect(result.error.contains("rank 1"), "\(result.error)")
        let checkpoint = try ModelCheckpoint(directory: last.resolvingSymlinksInPath())
        #expect(checkpoint.model.parameterCount > 0)
    }

    @Test func aHungRankTimesOutNamingTheWaitingRank() throws {
        let run = Self.scratch.appendingPathComponent("hung")
        let last = run.appendingPathComponent("checkpoints/last")
        var stopped: pid_t?
        // Checkpoints every 2 updates without validating, so that only the stopped rank
        // can make a collective wait.
        let result = try Self.trainParallel(run, ranks: 2, updates: 100_000, updateFreq: 1,
                                            extra: ["--collective-timeout", "10", "--save-interval-updates", "2",
                                                    "--validate-interval-updates", "100000"],
                                            killWhen: { _ in
            // SIGSTOP: the rank neither exits nor answers, which mpirun cannot see.
            if stopped == nil, FileManager.default.fileExists(atPath: last.path), let pid = Self.rankProcess(1) {
                kill(pid, SIGSTOP)
                stopped = pid
            }
            return false
        })
        if let stopped { kill(stopped, SIGKILL) }
        #expect(stopped != nil)
        #expect(result.status != 0)
        #expect(result.error.contains("rank 0:") && result.error.contains("waited"), "\(result.error)")
        _ = try ModelCheckpoint(directory: last.resolvingSymlinksInPath())
    }

    /// The process of `rank` among this test's nmt processes under mpirun.
    static func rankProcess(_ rank: Int) -> pid_t? {
        let processes = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
        for name in processes {
            guard let pid = pid_t(name),
                  let environment = FileManager.default.contents(atPath: "/proc/\(pid)/environ"),
                  let command = FileManager.default.contents(atPath: "/proc/\(pid)/cmdline") else { continue }
            let variables = environment.split(separator: 0).map { String(decoding: $0, as: UTF8.self) }
            let arguments = command.split(separator: 0).map { String(decoding: $0, as: UTF8.self) }
            if variables.contains("OMPI_COMM_WORLD_RANK=\(rank)"), arguments.contains(where: { $0.hasPrefix(scratch.path) }),
               arguments.first?.hasSuffix("nmt") == true {
                return pid
            }
        }
        return nil
    }
}
