import Foundation
import Testing
import TestSupport
@testable import Tensor

/// bf16 products: bfloat16 inputs rounded to nearest even, fp32 accumulation.
///
/// The references multiply the rounded inputs in Double. A product of two bf16 values is
/// exact in fp32, so the only differences are fp32 accumulation: |error| ≤ k·2⁻²⁴·Σ|a·b|
/// per element (a generous bound for any summation order); the tolerance below is twice it.
// Serialized: the tests set the process's thread count (1, 2 and 3), and the repeatability
// checks need it to hold between their two products (oneDNN's blocks follow the threads).
@Suite(.serialized, .timeLimit(.minutes(10)), .enabled(if: CPUFeatures.current.multipliesBF16Natively,
                                      "this CPU lacks AVX512-BF16: bf16 products are never used here"))
struct BF16ProductTests {
    /// bf16(x) by the definition: round to nearest, ties to even, on the float's bits;
    /// subnormals become zero (as VCVTNEPS2BF16 does).
    static func rounded(_ x: Float) -> Float {
        if x.isNaN { return x }
        if x.isSubnormal { return x.sign == .minus ? -0.0 : 0.0 }
        let bits = x.bitPattern
        let rounded = (bits &+ 0x7fff &+ ((bits >> 16) & 1)) & 0xffff_0000
        return Float(bitPattern: rounded)
    }

    /// op(A)·op(B) of the rounded inputs in Double, and the accumulation bound per element.
    static func reference(_ a: [Float], _ b: [Float], _ ta: Bool, _ tb: Bool, m: Int, n: Int, k: Int)
        -> (value: [Double], bound: [Double]) {
        var c = [Double](repeating: 0, count: m * n), bound = c
        for i in 0..<m { for j in 0..<n { for p in 0..<k {
            let av = Double(rounded(ta ? a[p * m + i] : a[i * k + p]))
            let bv = Double(rounded(tb ? b[j * k + p] : b[p * n + j]))
            c[i * n + j] += av * bv
            bound[i * n + j] += abs(av * bv) * Double(k) * 0x1p-24 * 2
        } } }
        return (c, bound)
    }

    static func check(_ got: [Float], _ want: (value: [Double], bound: [Double]), _ what: String) {
        var worst = 0, excess = 0.0
        for i in got.indices {
            let e = abs(Double(got[i]) - want.value[i]) - want.bound[i]
            if e > excess { excess = e; worst = i }
        }
        #expect(excess <= 0, "\(what): element \(worst) is \(got[worst]), expected \(want.value[worst]) ± \(want.bound[worst])")
    }

    @Test func roundingIsToNearestEven() {
        let cases: [Float] = [.nan, 1, 1 + 0x1p-8, 1 + 3 * 0x1p-8, 1 + 0x1p-8 + 0x1p-20, -2.75, 3.0e38, .greatestFiniteMagnitude,
                              .infinity, -.infinity, 0x1p-130, -0x1p-140, 0, -0.0, 1e-38, 0.1, 65504.5, 123456.789]
        let source = UnsafeMutablePointer<Float>.allocate(capacity: cases.count)
        defer { source.deallocate() }
        source.initialize(from: cases, count: cases.count)
        let mirror = BF16Mirror(of: source, count: cases.count)
        mirror.refresh()
        for (i, x) in cases.enumerated() {
            let bits = UInt32(mirror.rounded(source + i)!.pointee) << 16
            #expect(Float(bitPattern: bits).bitPattern == Self.rounded(x).bitPattern, "bf16(\(x))")
        }
        // The ties: 1 + 2⁻⁸ lies halfway between 1 and 1 + 2⁻⁷ and goes to the even 1;
        // 1 + 3·2⁻⁸ lies halfway between 1 + 2⁻⁷ and 1 + 2⁻⁶ and goes to the even 1 + 2⁻⁶.
        #expect(Self.rounded(1 + 0x1p-8) == 1)
        #expect(Self.rounded(1 + 3 * 0x1p-8) == 1 + 0x1p-6)
    }

    /// The per-head kernel (VDPBF16PS), on shapes that are not multiples of its 4 × 32 tile
    /// or of the pair size, with every transpose and with accumulation.
    @Test(arguments: [(false, false), (true, false), (false, true), (true, true)])
    func smallProductMatchesReference(ta: Bool, tb: Bool) {
        var rng = TestRandom(seed: 11)
        for (m, n, k) in [(1, 1, 1), (5, 37, 13), (4, 32, 2), (9, 70, 64), (31, 3, 33)] {
            let a = rng.tensor(ta ? Shape(k, m) : Shape(m, k)), b = rng.tensor(tb ? Shape(n, k) : Shape(k, n))
            let c = rng.tensor(Shape(m, n))
            let before = c.tensor.toArray()
            MatMul.gemmOnThisThread(m: m, n: n, k: k, a: a.tensor.data, lda: ta ? m : k, transposeA: ta,
                                    b: b.tensor.data, ldb: tb ? k : n, transposeB: tb, c: c.tensor.data, ldc: n, beta: 1,
                                    precision: .bf16)
            var want = Self.reference(a.tensor.toArray(), b.tensor.toArray(), ta, tb, m: m, n: n, k: k)
            for i in want.value.indices { want.value[i] += Double(before[i]); want.bound[i] += abs(Double(before[i])) * 0x1p-23 }
            Self.check(c.tensor.toArray(), want, "small bf16 \(m)x\(k)x\(n) ta=\(ta) tb=\(tb) beta=1")
        }
    }

    /// The engines this machine can run layer products on: oneDNN, and AMX tiles where
    /// this process may use them.
    static let engines: [BF16Engine] = [.oneDNN] + (BF16Engine.tilesAvailable ? [.amxTiles] : [])

    /// The layer products on every engine here (oneDNN; AMX tiles where present), at one
    /// and two threads (blocks split over rows or columns), with beta 0 and 1; repeatable
    /// bit for bit at a thread count.
    @Test(arguments: [(false, false), (true, false), (false, true), (true, true)])
    func layerProductMatchesReferenceAndRepeats(ta: Bool, tb: Bool) {
        var rng = TestRandom(seed: 5)
        let ws = Workspace()
        ws.products = .bf16(weights: nil)
        defer { Threads.set(1) }
        for engine in Self.engines { for threads in [1, 2] {
            ws.bf16Engine = engine
            ws.tilesForEveryProduct = engine == .amxTiles
            Threads.set(threads)
            // (600, 45, 300): at either thread count, whole 256-row blocks and 64-row tail
            // blocks in oneDNN's exact-shape primitives and the rest in the run-time one (A
            // not transposed; at 2 threads, 256 + 64 rows and 256 + 24).
            for (m, n, k) in [(3, 5, 7), (129, 131, 127), (300, 90, 81), (70, 333, 96), (600, 45, 300)] {
                let a = rng.tensor(ta ? Shape(k, m) : Shape(m, k)), b = rng.tensor(tb ? Shape(n, k) : Shape(k, n))
                for beta: Float in [0, 1] {
                    let c = rng.tensor(Shape(m, n)), again = TensorStorage(Shape(m, n))
                    let before = c.tensor.toArray()
                    again.tensor.copy(from: c.tensor)
                    MatMul.multiply(a.tensor, b.tensor, into: c.tensor, transposeA: ta, transposeB: tb, beta: beta, in: ws)
                    MatMul.multiply(a.tensor, b.tensor, into: again.tensor, transposeA: ta, transposeB: tb, beta: beta, in: ws)
                    var want = Self.reference(a.tensor.toArray(), b.tensor.toArray(), ta, tb, m: m, n: n, k: k)
                    if beta == 1 {
                        for i in want.value.indices { want.value[i] += Double(before[i]); want.bound[i] += abs(Double(before[i])) * 0x1p-23 }
                    }
                    Self.check(c.tensor.toArray(), want, "bf16 \(engine) \(m)x\(k)x\(n) ta=\(ta) tb=\(tb) beta=\(beta) threads \(threads)")
                    #expect(c.tensor.toArray() == again.tensor.toArray(), "\(engine) repeatable at \(threads) threads")
                }
            }
        } }
    }

    /// AMX tiles on shapes around their 32 × 32 blocks and 32-deep k steps (edges of one
    /// row or column, odd k, k below one step), every transpose, beta 0 and 1, with a bias:
    /// within the accumulation bound of the reference, and equal bit for bit at one, two
    /// and three threads (each value is one chain over k in order, whichever thread's rows
    /// hold it).
    @Test(.enabled(if: engines.contains(.amxTiles), "this CPU or OS offers no AMX tiles: oneDNN multiplies here"),
          arguments: [(false, false), (true, false), (false, true), (true, true)])
    func tilesMatchReferenceAtEveryThreadCount(ta: Bool, tb: Bool) {
        var rng = TestRandom(seed: 21)
        let ws = Workspace()
        ws.products = .bf16(weights: nil)
        ws.bf16Engine = .amxTiles
        ws.tilesForEveryProduct = true
        defer { Threads.set(1) }
        for (m, n, k) in [(1, 1, 1), (33, 31, 5), (32, 32, 32), (97, 65, 63), (160, 17, 129), (257, 300, 64), (64, 48, 1000)] {
            let a = rng.tensor(ta ? Shape(k, m) : Shape(m, k)), b = rng.tensor(tb ? Shape(n, k) : Shape(k, n))
            let bias = rng.tensor(Shape(n)), start = rng.tensor(Shape(m, n))
            for beta: Float in [0, 1] {
                var results: [[Float]] = []
                for threads in [1, 2, 3] {
                    Threads.set(threads)
                    let c = TensorStorage(Shape(m, n))
                    c.tensor.copy(from: start.tensor)
                    MatMul.multiply(a.tensor, b.tensor, into: c.tensor, transposeA: ta, transposeB: tb, beta: beta,
                                    bias: beta == 0 ? bias.tensor : nil, in: ws)
                    results.append(c.tensor.toArray())
                }
                var want = Self.reference(a.tensor.toArray(), b.tensor.toArray(), ta, tb, m: m, n: n, k: k)
                let before = start.tensor.toArray(), offsets = bias.tensor.toArray()
                for i in want.value.indices {
                    let added = beta == 1 ? Double(before[i]) : Double(offsets[i % n])
                    want.value[i] += added
                    // C starts each chain (beta 1): every addition may round it too.
                    want.bound[i] += abs(added) * Double(k + 1) * 0x1p-24 * 2
                }
                Self.check(results[0], want, "tiles \(m)x\(k)x\(n) ta=\(ta) tb=\(tb) beta=\(beta)")
                #expect(results[1] == results[0] && results[2] == results[0], "tiles \(m)x\(k)x\(n): 2 or 3 threads differ from 1")
            }
        }
    }

    /// The engine choice: AMX tiles exactly where available, unless oneDNN is asked for; and
    /// within it, tiles only for the products they were measured faster at.
    @Test func engineIsTilesWhereAvailableUnlessOneDNNIsAsked() {
        #expect(MatMul.tilesAreFaster(k: 512, transposeA: false))
        #expect(MatMul.tilesAreFaster(k: 1024, transposeA: false))
        #expect(!MatMul.tilesAreFaster(k: 1025, transposeA: false))
        #expect(!MatMul.tilesAreFaster(k: 300, transposeA: true))
        #expect(BF16Engine.choose(requested: nil, amxAvailable: true) == .amxTiles)
        #expect(BF16Engine.choose(requested: "amx", amxAvailable: true) == .amxTiles)
        #expect(BF16Engine.choose(requested: "onednn", amxAvailable: true) == .oneDNN)
        #expect(BF16Engine.choose(requested: nil, amxAvailable: false) == .oneDNN)
        #expect(BF16Engine.choose(requested: "amx", amxAvailable: false) == .oneDNN)
        #expect(BF16Engine.warning(requested: nil, chosen: .amxTiles) == nil)
        #expect(BF16Engine.warning(requested: "onednn", chosen: .oneDNN) == nil)
        #expect(BF16Engine.warning(requested: "AMX", chosen: .amxTiles)?.contains("is not an engine (amx, onednn)") == true)
        #expect(BF16Engine.warning(requested: "amx", chosen: .oneDNN)?.contains("no AMX tiles") == true)
    }

    /// A bias given to the product (added by oneDNN as it writes C in whole row blocks, after
    /// the product for the rest) equals the product followed by `addBias`, to fp32 rounding.
    @Test func biasOfTheProductEqualsAddingItAfter() {
        var rng = TestRandom(seed: 12)
        let ws = Workspace()
        ws.products = .bf16(weights: nil)
        defer { Threads.set(1) }
        for threads in [1, 2] {
            Threads.set(threads)
            for (m, n, k) in [(600, 45, 300), (70, 333, 96), (520, 40, 2000)] {
                let x = rng.tensor(Shape(m, k)), w = rng.tensor(Shape(n, k)), bias = rng.tensor(Shape(n))
                let fused = TensorStorage(Shape(m, n)), after = TensorStorage(Shape(m, n))
                MatMul.multiply(x.tensor, w.tensor, into: fused.tensor, transposeB: true, bias: bias.tensor, in: ws)
                MatMul.multiply(x.tensor, w.tensor, into: after.tensor, transposeB: true, in: ws)
                Elementwise.addBias(after.tensor, bias.tensor)
                let pairs = Array(zip(fused.tensor.toArray(), after.tensor.toArray()))
                let outside = pairs.firstIndex { abs($0 - $1) > 0x1p-22 * max(abs($1), 1) }
                #expect(outside == nil, "\(m)x\(k)x\(n), \(threads) threads, element \(outside ?? -1): \(outside.map { pairs[$0] }.debugDescription)")
            }
        }
    }

    /// Inside `sharingRounded`, products read the one rounded copy of a shared operand: the
    /// results equal those of products rounding it themselves, bit for bit, and the scope
    /// leaves no copy and no workspace memory behind.
    @Test func sharedRoundedOperandsGiveTheSameProducts() {
        var rng = TestRandom(seed: 10)
        let dy = rng.tensor(Shape(70, 33)), x = rng.tensor(Shape(70, 20)), w = rng.tensor(Shape(33, 20))
        let ws = Workspace()
        ws.products = .bf16(weights: nil)
        let dw1 = TensorStorage(Shape(33, 20)), dx1 = TensorStorage(Shape(70, 20))
        let dw2 = TensorStorage(Shape(33, 20)), dx2 = TensorStorage(Shape(70, 20))
        MatMul.multiply(dy.tensor, x.tensor, into: dw1.tensor, transposeA: true, in: ws)
        MatMul.multiply(dy.tensor, w.tensor, into: dx1.tensor, in: ws)
        let before = ws.mark(), next = ws.buffer(UInt8.self, count: 1)
        ws.release(to: before)
        MatMul.sharingRounded(dy.tensor, in: ws) {
            MatMul.keepRounded(x.tensor, in: ws)
            MatMul.keepRounded(dy.tensor, in: ws)
            #expect(ws.sharedRounded.count == 2, "one copy of each operand")
            MatMul.multiply(dy.tensor, x.tensor, into: dw2.tensor, transposeA: true, in: ws)
            MatMul.multiply(dy.tensor, w.tensor, into: dx2.tensor, in: ws)
        }
        #expect(dw1.tensor.toArray() == dw2.tensor.toArray())
        #expect(dx1.tensor.toArray() == dx2.tensor.toArray())
        #expect(ws.sharedRounded.isEmpty)
        #expect(ws.buffer(UInt8.self, count: 1) == next, "the scope released its copies")
    }

    /// The fused pass (a layer's output gradient rounded and its bias gradient summed in one
    /// read) gives bitwise the copy `rounded` makes and the sums `biasBackward` adds, at
    /// widths below, at and past the 64-column blocks and their 16-column tails, at 1, 2 and
    /// 3 threads; and it serves the products in its scope as `sharingRounded` does.
    @Test func roundingAndColumnSumsInOnePassEqualTheTwoPasses() {
        var rng = TestRandom(seed: 17)
        defer { Threads.set(1) }
        for threads in [1, 2, 3] {
            Threads.set(threads)
            for (rows, cols) in [(1, 1), (5, 15), (70, 64), (33, 100), (129, 257), (2, 1024)] {
                let dy = rng.tensor(Shape(rows, cols)), start = rng.tensor(Shape(cols))
                let fused = TensorStorage(Shape(cols)), separate = TensorStorage(Shape(cols))
                fused.tensor.data.update(from: start.tensor.data, count: cols)
                separate.tensor.data.update(from: start.tensor.data, count: cols)
                Elementwise.biasBackward(dy.tensor, into: separate.tensor)
                let ws = Workspace()
                ws.products = .bf16(weights: nil)
                let mark = ws.mark()
                let expected = Array(UnsafeBufferPointer(start: MatMul.rounded(dy.tensor, mirror: nil, ws), count: rows * cols))
                ws.release(to: mark)
                MatMul.sharingRounded(dy.tensor, in: ws, addingColumnSumsTo: fused.tensor) {
                    let copy = ws.sharedRoundedCopy(of: dy.tensor)
                    #expect(copy != nil, "the fused pass keeps its copy for the scope")
                    if let copy {
                        #expect(Array(UnsafeBufferPointer(start: copy, count: rows * cols)) == expected,
                                "rounded copy, \(rows) × \(cols), \(threads) threads")
                    }
                }
                #expect(fused.tensor.toArray().map(\.bitPattern) == separate.tensor.toArray().map(\.bitPattern),
                        "column sums, \(rows) × \(cols), \(threads) threads")
                #expect(ws.sharedRounded.isEmpty, "the scope released its copy")
            }
        }
        // In fp32 the sums still come (from biasBackward, after the body).
        let dy = rng.tensor(Shape(9, 40)), fp32 = TensorStorage(Shape(40)), reference = TensorStorage(Shape(40))
        let ws = Workspace()
        MatMul.sharingRounded(dy.tensor, in: ws, addingColumnSumsTo: fp32.tensor) {}
        Elementwise.biasBackward(dy.tensor, into: reference.tensor)
        #expect(fp32.tensor.toArray() == reference.tensor.toArray())
    }

    /// A kept copy lives as long as its memory: a release past it, or the step's reset,
    /// forgets it, so a later tensor at the same address is rounded afresh.
    @Test func keptCopiesAreForgottenWithTheirMemory() {
        var rng = TestRandom(seed: 13)
        let ws = Workspace()
        ws.products = .bf16(weights: nil)
        let w = rng.tensor(Shape(7, 16))
        let outer = rng.tensor(Shape(9, 16))
        MatMul.keepRounded(outer.tensor, in: ws)
        let mark = ws.mark()
        let x = ws.tensor(Shape(9, 16))
        x.copy(from: rng.tensor(Shape(9, 16)).tensor)
        MatMul.keepRounded(x, in: ws)
        MatMul.keepRounded(x, in: ws)
        #expect(ws.sharedRounded.count == 2)
        ws.release(to: mark)
        #expect(ws.sharedRounded.count == 1, "the release forgets the copy made after the mark")
        // The same address now holds other values: the product must round them, not reuse.
        let y = ws.tensor(Shape(9, 16))
        #expect(y.data == x.data)
        y.copy(from: rng.tensor(Shape(9, 16)).tensor)
        let got = TensorStorage(Shape(9, 7)), want = TensorStorage(Shape(9, 7))
        MatMul.multiply(y, w.tensor, into: got.tensor, transposeB: true, in: ws)
        let fresh = Workspace()
        fresh.products = .bf16(weights: nil)
        MatMul.multiply(y, w.tensor, into: want.tensor, transposeB: true, in: fresh)
        #expect(got.tensor.toArray() == want.tensor.toArray())
        ws.reset()
        #expect(ws.sharedRounded.isEmpty)
    }

    /// A weight found in the pass's mirror is read as its rounded copy: the result equals
    /// the product that rounds it on the fly, bit for bit.
    @Test func mirroredWeightsGiveTheSameProduct() {
        var rng = TestRandom(seed: 9)
        let x = rng.tensor(Shape(40, 24)), w = rng.tensor(Shape(17, 24))
        let mirror = BF16Mirror(of: w.tensor.data, count: w.tensor.shape.count)
        mirror.refresh()
        let ws = Workspace(), y1 = TensorStorage(Shape(40, 17)), y2 = TensorStorage(Shape(40, 17))
        ws.products = .bf16(weights: mirror)
        MatMul.multiply(x.tensor, w.tensor, into: y1.tensor, transposeB: true, in: ws)
        ws.products = .bf16(weights: nil)
        MatMul.multiply(x.tensor, w.tensor, into: y2.tensor, transposeB: true, in: ws)
        #expect(y1.tensor.toArray() == y2.tensor.toArray())
    }
}

/// Which precision each CPU gets: the choice over a matrix of feature sets, as the
/// OpenBLAS core choice is tested (runs on every CPU).
@Suite(.timeLimit(.minutes(10))) struct PrecisionChoiceTests {
    static let avx2: Set<String> = ["avx2", "fma"]
    static let avx512 = avx2.union(["avx512f", "avx512cd", "avx512bw", "avx512dq", "avx512vl"])
    static let zen4 = avx512.union(["avx512_bf16", "avx512_vnni"])
    static let sapphireRapids = zen4.union(["amx_bf16", "amx_tile", "amx_int8"])

    @Test func autoPicksBF16ExactlyWhereTheCPUMultipliesItNatively() throws {
        let expected: [(Set<String>, ProductPrecision)] = [([], .fp32), (Self.avx2, .fp32), (Self.avx512, .fp32),
                                                            (Self.avx512.union(["amx_bf16"]), .fp32),
                                                            (Self.zen4, .bf16), (Self.sapphireRapids, .bf16)]
        for (flags, precision) in expected {
            let choice = try ProductPrecision.choose(.auto, features: CPUFeatures(flags: flags))
            #expect(choice.precision == precision, "auto on \(flags.sorted())")
            #expect(choice.reason.hasPrefix("auto: "))
        }
        #expect(try ProductPrecision.choose(.auto, features: CPUFeatures(flags: Self.sapphireRapids)).reason.contains("amx_bf16"))
        #expect(try ProductPrecision.choose(.auto, features: CPUFeatures(flags: Self.avx512)).reason.contains("lacks avx512_bf16"))
    }

    @Test func explicitBF16WithoutTheFeatureIsAnErrorNamingIt() throws {
        for flags in [Set<String>(), Self.avx2, Self.avx512] {
            #expect(throws: PrecisionUnavailable.self) { try ProductPrecision.choose(.bf16, features: CPUFeatures(flags: flags)) }
        }
        do {
            _ = try ProductPrecision.choose(.bf16, features: CPUFeatures(flags: Self.avx512))
            Issue.record("bf16 accepted on a CPU without avx512_bf16")
        } catch let error as PrecisionUnavailable {
            #expect(error.missing == ["avx512_bf16"])
            #expect(error.description.contains("lacks avx512_bf16"))
        }
        #expect(try ProductPrecision.choose(.bf16, features: CPUFeatures(flags: Self.zen4)).precision == .bf16)
        #expect(try ProductPrecision.choose(.fp32, features: CPUFeatures(flags: Self.sapphireRapids)).precision == .fp32)
    }
}
