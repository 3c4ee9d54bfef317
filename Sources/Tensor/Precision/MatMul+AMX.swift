import CBF16Kernels
import Foundation

/// The engine of a bf16 pass's layer products (`MatMul.multiply(…, in:)`).
public enum BF16Engine: String, Sendable {
    /// This project's AMX tile kernels (CBF16Kernels/amx.c) for the products they run faster
    /// than oneDNN (`MatMul.tilesAreFaster`), oneDNN for the rest.
    case amxTiles = "amx"
    /// Debian's oneDNN (COneDNN): AVX512-BF16 kernels, or its own AMX ones in exact-shape blocks.
    case oneDNN = "onednn"

    /// AMX tiles where this process may use them (`nmt_amx_bf16_available`), oneDNN elsewhere
    /// (an AVX512-BF16 CPU without AMX). `NMT_BF16_ENGINE=onednn` in the environment
    /// chooses oneDNN anyway (for comparisons); the choice is made once per process.
    public static let current: BF16Engine = {
        let requested = ProcessInfo.processInfo.environment["NMT_BF16_ENGINE"]
        let engine = choose(requested: requested, amxAvailable: tilesAvailable)
        if let warning = warning(requested: requested, chosen: engine) {
            FileHandle.standardError.write(Data("warning: \(warning)\n".utf8))
        }
        return engine
    }()

    /// Whether this process may multiply on AMX tiles (`nmt_amx_bf16_available`: CPUID, the
    /// OS's tile state and Linux's permission), asked once.
    static let tilesAvailable = nmt_amx_bf16_available() != 0

    /// What to tell a user whose NMT_BF16_ENGINE names no engine, or asks for tiles this
    /// machine lacks; nil when the request was met or there was none.
    static func warning(requested: String?, chosen: BF16Engine) -> String? {
        guard let requested else { return nil }
        guard let wanted = BF16Engine(rawValue: requested) else {
            return "NMT_BF16_ENGINE=\(requested) is not an engine (amx, onednn); using \(chosen.rawValue)"
        }
        return wanted == chosen ? nil : "NMT_BF16_ENGINE=\(requested), but this CPU or OS offers no AMX tiles; using \(chosen.rawValue)"
    }

    /// The engine for a requested name (nil: none) on a machine with or without AMX tiles.
    static func choose(requested: String?, amxAvailable: Bool) -> BF16Engine {
        requested == BF16Engine.oneDNN.rawValue || !amxAvailable ? .oneDNN : .amxTiles
    }

    /// For reports, e.g. "own AMX tiles where k ≤ 1024 and A is untransposed; oneDNN 2.6.3,
    /// bf16 matmul …" or oneDNN's summary alone.
    public static var summary: String {
        switch current {
        case .amxTiles: "own AMX tiles where k ≤ \(MatMul.tileMaxK) and A is untransposed; \(OneDNN.summary)"
        case .oneDNN: OneDNN.summary
        }
    }
}

extension MatMul {
    /// The largest k the tiles take: beyond it (the output projection's input gradient, k =
    /// vocabulary) oneDNN's run-time primitive was faster.
    static let tileMaxK = 1024

    /// Whether the tiles beat oneDNN at this product (docs/BENCHMARKS.md, sixth session): A
    /// untransposed and k ≤ `tileMaxK` (forward products and input gradients), not the
    /// weight gradients (A transposed, k = the batch's rows), where oneDNN's run-time
    /// primitive was 1.1–1.9× faster.
    static func tilesAreFaster(k: Int, transposeA: Bool) -> Bool { !transposeA && k <= tileMaxK }

    /// `c = op(a)·op(b)` (+ c when `accumulate`, + `bias` on every row) on AMX tiles, from
    /// operands already rounded to bf16 (`a` stored (m, k) with row stride `lda`, or (k, m)
    /// when `transposeA`; `b` stored (k, n) with row stride `ldb`, or (n, k) when
    /// `transposeB`); c is (m, n) with row stride `ldc`.
    ///
    /// op(B) is packed into B tiles once (threads split its column tiles); the threads then
    /// take whole 32-row blocks of C, each packing its own rows of op(A) into A tiles when A
    /// is transposed or k is not a multiple of 32 (otherwise the tiles are read from A in
    /// place). Every value of c is one chain of TDPBF16PS over k in order, so results do not
    /// depend on the thread count.
    static func multiplyOnTiles(m: Int, n: Int, k: Int,
                                a: UnsafePointer<UInt16>, lda: Int, transposeA: Bool,
                                b: UnsafePointer<UInt16>, ldb: Int, transposeB: Bool,
                                c: UnsafeMutablePointer<Float>, ldc: Int, accumulate: Bool,
                                bias: UnsafePointer<Float>?, in ws: Workspace) {
        let paddedK = Int(nmt_amx_padded_k(Int64(k)))
        let packedB = ws.buffer(UInt16.self, count: Int(nmt_amx_packed_b_count(Int64(k), Int64(n))))
        let tileColumns = (n + 31) / 32 * 2
        Threads.parallelFor(tileColumns, minPerChunk: max(1, 16_384 / (16 * paddedK))) { range in
            nmt_amx_pack_b(Int64(k), Int64(n), b, Int64(ldb), transposeB ? 1 : 0,
                           Int64(range.lowerBound), Int64(range.upperBound), packedB)
        }
        let packedA = transposeA || paddedK != k ? ws.buffer(UInt16.self, count: Int(nmt_amx_packed_a_count(Int64(m), Int64(k)))) : nil
        let blocks = (m + 31) / 32
        let parts = m * n * k >= parallelWorkThreshold ? min(Threads.count, blocks) : 1
        let scratch = packedA == nil ? ws.buffer(UInt16.self, count: parts * 32 * paddedK) : nil
        Threads.run(chunks: parts) { part in
            let share = Threads.chunkRange(part, of: parts, total: blocks)
            let start = share.lowerBound * 32, end = min(share.upperBound * 32, m)
            guard start < end else { return }
            if let packedA {
                nmt_amx_pack_a(Int64(m), Int64(k), a, Int64(lda), transposeA ? 1 : 0, Int64(start), Int64(end), packedA)
                nmt_amx_gemm_packed_a(Int64(end - start), Int64(n), Int64(k), packedA + start * paddedK, packedB,
                                      c + start * ldc, Int64(ldc), accumulate ? 1 : 0, bias)
            } else {
                nmt_amx_gemm(Int64(end - start), Int64(n), Int64(k), a + start * lda, Int64(lda), packedB,
                             c + start * ldc, Int64(ldc), accumulate ? 1 : 0, bias, scratch! + part * 32 * paddedK)
            }
        }
    }
}
