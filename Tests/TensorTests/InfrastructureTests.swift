import Foundation
import Testing
import TestSupport
@testable import Tensor

@Suite struct WorkspaceTests {
    @Test func steadyStateStepsAllocateNothing() {
        let workspace = Workspace()
        func step(_ scale: Int) {
            workspace.reset()
            for i in 1...20 {
                let t = workspace.tensor(Shape(scale, 64 + i), zeroed: true)
                t.fill(Float(i))
                #expect(Int(bitPattern: t.data) % 64 == 0, "buffers are 64-byte aligned")
            }
        }
        step(100)
        step(100)            // grows to one block that fits the whole step
        let settled = workspace.allocationCount
        for _ in 0..<5 { step(100); step(50) }
        #expect(workspace.allocationCount == settled, "no allocation once the workspace has grown")
        step(400)            // a larger step grows it once more …
        step(400)
        let regrown = workspace.allocationCount
        step(400)            // … and then it is stable again
        #expect(workspace.allocationCount == regrown)
    }

    /// Memory released to a mark is handed out again, and the high-water mark counts the
    /// peak, not the sum.
    @Test func releaseToAMarkReusesMemory() {
        let workspace = Workspace(initialBytes: 1 << 20)
        workspace.reset()
        let kept = workspace.tensor(Shape(1000))
        kept.fill(5)
        let mark = workspace.mark()
        let first = workspace.tensor(Shape(20_000))
        first.fill(1)
        workspace.release(to: mark)
        let second = workspace.tensor(Shape(20_000))
        #expect(second.data == first.data, "the released bytes are reused")
        #expect(kept.toArray().allSatisfy { $0 == 5 }, "buffers before the mark are untouched")
        workspace.release(to: mark)
        _ = workspace.tensor(Shape(10_000))
        workspace.reset()
        #expect(workspace.highWaterBytes < 4 * (1000 + 20_000 + 20_000), "peak \(workspace.highWaterBytes) bytes counts reuse")
        #expect(workspace.highWaterBytes >= 4 * (1000 + 20_000))
    }

    @Test func buffersOfOneStepDoNotOverlap() {
        let workspace = Workspace(initialBytes: 1024)
        let a = workspace.tensor(Shape(100), zeroed: true)
        let b = workspace.tensor(Shape(1000), zeroed: true)   // forces a second block
        a.fill(1); b.fill(2)
        #expect(a.toArray().allSatisfy { $0 == 1 } && b.toArray().allSatisfy { $0 == 2 })
    }
}

@Suite struct SIMDMathTests {
    @Test func expMatchesLibm() {
        var worst: Float = 0
        var x: Float = -80
        while x < 80 {
            let v = simdExp(Float8(repeating: x))[0], e = Foundation.exp(x)
            worst = max(worst, abs(v - e) / e)
            x += 0.0371
        }
        #expect(worst < 3e-7, "largest relative error of exp: \(worst)")
        #expect(simdExp(Float8(repeating: -1e4))[0] < 1e-37)
        #expect(simdExp(Float8(repeating: 1e4))[0].isFinite)
    }

    @Test func erfMatchesLibm() {
        var worst: Float = 0
        var x: Float = -6
        while x < 6 {
            worst = max(worst, abs(simdErf(Float8(repeating: x))[0] - Foundation.erf(x)))
            x += 0.0113
        }
        #expect(worst < 3e-7, "largest absolute error of erf: \(worst)")
    }
}

@Suite(.serialized) struct ThreadTests {
    /// Every kernel gives bitwise the same result with 1 and 2 threads.
    @Test func kernelsAreDeterministicAcrossThreadCounts() {
        var rng = TestRandom(seed: 61)
        let (rows, cols) = (300, 77)
        let x = rng.tensor(Shape(rows, cols), -3, 3), dy = rng.tensor(Shape(rows, cols))
        let g = rng.tensor(Shape(cols)), b = rng.tensor(Shape(cols))
        func run() -> [Float] {
            let y = TensorStorage(Shape(rows, cols)), mean = TensorStorage(Shape(rows)), rstd = TensorStorage(Shape(rows))
            let dx = TensorStorage(Shape(rows, cols)), dg = TensorStorage(Shape(cols)), db = TensorStorage(Shape(cols))
            LayerNorm.forward(x.tensor, gamma: g.tensor, beta: b.tensor, into: y.tensor, mean: mean.tensor, rstd: rstd.tensor)
            LayerNorm.backward(dy.tensor, input: x.tensor, gamma: g.tensor, mean: mean.tensor, rstd: rstd.tensor,
                               dx: dx.tensor, dGamma: dg.tensor, dBeta: db.tensor, accumulate: false)
            let s = TensorStorage(Shape(rows, cols))
            Softmax.forward(x.tensor, into: s.tensor)
            let gl = TensorStorage(Shape(rows, cols))
            Activation.geluForward(x.tensor, into: gl.tensor)
            let bias = TensorStorage(Shape(cols))
            Elementwise.biasBackward(dy.tensor, into: bias.tensor)
            return y.tensor.toArray() + dx.tensor.toArray() + dg.tensor.toArray() + db.tensor.toArray()
                + s.tensor.toArray() + gl.tensor.toArray() + bias.tensor.toArray()
        }
        let one = withThreads(1, run), two = withThreads(2, run)
        #expect(one == two)
    }

    @Test func chunksCoverTheRangeExactlyOnce() {
        for total in [0, 1, 7, 100, 101] {
            for chunks in 1...5 where chunks <= max(total, 1) {
                let ranges = (0..<chunks).map { Threads.chunkRange($0, of: chunks, total: total) }
                #expect(ranges.flatMap { Array($0) } == Array(0..<total))
            }
        }
    }
}

@Suite struct CPUFeaturesTests {
    @Test func reportsMissingAVX2AndFMA() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("cpuinfo-\(getpid())")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let old = dir.appendingPathComponent("old"), new = dir.appendingPathComponent("new")
        try "processor\t: 0\nflags\t\t: fpu sse sse2 avx\n".write(to: old, atomically: true, encoding: .utf8)
        try "processor\t: 0\nflags\t\t: fpu sse avx avx2 fma\n".write(to: new, atomically: true, encoding: .utf8)
        #expect(CPUFeatures.missingKernelFeatures(cpuinfo: old.path) == ["avx2", "fma"])
        #expect(CPUFeatures.missingKernelFeatures(cpuinfo: new.path) == [])
        #expect(CPUFeatures.missingKernelFeatures(cpuinfo: dir.appendingPathComponent("absent").path) == [])
    }
}
