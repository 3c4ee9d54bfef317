import Foundation
import Testing
import TestSupport
import Kernels
import Basics
@testable import Tensor

@Suite(.timeLimit(.minutes(10))) struct WorkspaceTests {
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

/// Large buffers are aligned so that Linux can back them with 2 MiB pages; small ones stay
/// plain allocations. (Whether the kernel grants huge pages is its choice; what the code
/// guarantees is the alignment, the advice and that the memory holds what is written.)
@Suite(.timeLimit(.minutes(10))) struct LargePageMemoryTests {
    @Test func buffersOfTwoMegabytesOrMoreStartOnAHugePage() {
        for bytes in [2 << 20, (5 << 20) + 12, 64 << 20] {
            let memory = LargePageMemory.allocate(byteCount: bytes)
            defer { LargePageMemory.deallocate(memory) }
            let alignment = LargePageMemory.enabled ? LargePageMemory.pageBytes : 64
            #expect(Int(bitPattern: memory) % alignment == 0, "\(bytes) bytes at \(memory)")
            let words = memory.bindMemory(to: UInt32.self, capacity: bytes / 4)
            for i in stride(from: 0, to: bytes / 4, by: 1021) { words[i] = UInt32(i) }
            words[bytes / 4 - 1] = 7
            #expect(stride(from: 0, to: bytes / 4 - 1, by: 1021).allSatisfy { words[$0] == UInt32($0) })
            #expect(words[bytes / 4 - 1] == 7)
        }
    }

    @Test func smallBuffersAreOrdinaryAlignedAllocations() {
        for bytes in [0, 1, 4_000, (2 << 20) - 64] {
            let memory = LargePageMemory.allocate(byteCount: bytes)
            defer { LargePageMemory.deallocate(memory) }
            #expect(Int(bitPattern: memory) % 64 == 0)
            memory.initializeMemory(as: UInt8.self, repeating: 3, count: max(bytes, 1))
            #expect(memory.load(fromByteOffset: max(bytes, 1) - 1, as: UInt8.self) == 3)
        }
    }

    @Test func aWorkspaceOfMegabytesStartsOnAHugePage() {
        let workspace = Workspace(initialBytes: 3 << 20)
        let first = workspace.tensor(Shape(1000))
        #expect(Int(bitPattern: first.data) % (LargePageMemory.enabled ? LargePageMemory.pageBytes : 64) == 0)
    }
}

@Suite(.timeLimit(.minutes(10))) struct SIMDMathTests {
    /// Lane 0 of f applied to x broadcast into a vector of V's width.
    func lane0<V: FloatVector>(_: V.Type, _ x: Float, _ f: (V) -> V) -> Float {
        var out = [Float](repeating: 0, count: V.laneCount)
        out.withUnsafeMutableBufferPointer { f(V(repeating: x)).store(to: $0.baseAddress!) }
        return out[0]
    }

    @Test(arguments: [8, 16]) func expMatchesLibm(width: Int) {
        func check<V: FloatVector & SendableMetatype>(_: V.Type) {
            var worst: Float = 0
            var x: Float = -80
            while x < 80 {
                let v = lane0(V.self, x, VectorMath.exp), e = Foundation.exp(x)
                worst = max(worst, abs(v - e) / e)
                x += 0.0371
            }
            #expect(worst < 3e-7, "largest relative error of exp at \(V.laneCount) lanes: \(worst)")
            #expect(lane0(V.self, -1e4, VectorMath.exp) < 1e-37)
            #expect(lane0(V.self, 1e4, VectorMath.exp).isFinite)
        }
        width == 8 ? check(Lanes8.self) : check(Lanes16.self)
    }

    @Test(arguments: [8, 16]) func erfMatchesLibm(width: Int) {
        func check<V: FloatVector & SendableMetatype>(_: V.Type) {
            var worst: Float = 0
            var x: Float = -6
            while x < 6 {
                worst = max(worst, abs(lane0(V.self, x, VectorMath.erf) - Foundation.erf(x)))
                x += 0.0113
            }
            #expect(worst < 3e-7, "largest absolute error of erf at \(V.laneCount) lanes: \(worst)")
        }
        width == 8 ? check(Lanes8.self) : check(Lanes16.self)
    }
}

@Suite(.timeLimit(.minutes(10))) struct CPUFeaturesTests {
    @Test func reportsMissingAVX2AndFMA() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("cpuinfo-\(getpid())")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let old = dir.appendingPathComponent("old"), new = dir.appendingPathComponent("new")
        try "processor\t: 0\nflags\t\t: fpu sse sse2 avx\n".write(to: old, atomically: true, encoding: .utf8)
        try "processor\t: 0\nflags\t\t: fpu sse avx avx2 fma\n".write(to: new, atomically: true, encoding: .utf8)
        #expect(CPUFeatures.read(cpuinfo: old.path).missingKernelFeatures == ["avx2", "fma"])
        #expect(CPUFeatures.read(cpuinfo: new.path).missingKernelFeatures == [])
        #expect(CPUFeatures.read(cpuinfo: dir.appendingPathComponent("absent").path).missingKernelFeatures == [])
    }

    @Test func readsTheFirstProcessorsVendorModelAndFlags() {
        let text = """
            processor\t: 0
            vendor_id\t: GenuineIntel
            model name\t: Intel(R) Xeon(R) Platinum
            flags\t\t: fpu avx2 fma avx512f avx512cd avx512bw avx512dq avx512vl avx512_bf16

            processor\t: 1
            vendor_id\t: Other
            flags\t\t: fpu
            """
        let features = CPUFeatures(cpuinfo: text)
        #expect(features.vendor == "GenuineIntel")
        #expect(features.modelName == "Intel(R) Xeon(R) Platinum")
        #expect(features.hasAVX2FMA && features.hasAVX512 && features.hasAVX512BF16)
        #expect(!CPUFeatures(flags: ["avx2", "fma", "avx512f"]).hasAVX512, "AVX-512 needs F, CD, BW, DQ and VL")
    }
}
