import Basics

/// A bump allocator for the activations of one training or decoding step.
///
/// Buffers handed out during a step stay valid until `reset()`, which starts the next
/// step. When a step needs more than the current block, extra blocks are allocated; the
/// next `reset()` replaces them with one block as large as the whole step needed. From
/// then on, steps of the same or smaller size allocate nothing (`allocationCount` stays
/// the same, which the tests check).
public final class Workspace {
    private struct Block {
        let base: UnsafeMutableRawPointer
        let capacity: Int
    }

    private static let alignment = 64
    private var blocks: [Block] = []
    private var offset = 0            // bytes used in the last block
    private var usedThisStep = 0      // bytes handed out since the last reset, less released ones
    private var peakThisStep = 0

    /// How the products of the pass using this workspace compute (fp32, or bf16 with the
    /// rounded weights); set by the model at the start of each forward pass.
    public var products: ProductEngine = .fp32

    /// Which engine multiplies this workspace's bf16 layer products: the process's choice
    /// unless a benchmark or test sets another (`.amxTiles` only where it is available).
    public var bf16Engine: BF16Engine = .current

    /// With `.amxTiles`: every bf16 product on the tiles, not only those they run faster
    /// (`MatMul.tilesAreFaster`); for tests of the kernels on every shape and transpose.
    var tilesForEveryProduct = false

    /// bf16 copies of activations that several products read, each rounded once
    /// (`MatMul.keepRounded`, `MatMul.sharingRounded`): the fp32 data and element count it
    /// copies, the copy, and the stack position it was allocated at. A release past that
    /// position (or `reset`) forgets it with its memory.
    var sharedRounded: [(source: UnsafeMutablePointer<Float>, count: Int, copy: UnsafePointer<UInt16>, position: Int)] = []

    /// How many times memory was requested from the system (for allocation tests).
    public private(set) var allocationCount = 0
    /// The largest number of bytes any step has used.
    public private(set) var highWaterBytes = 0

    public init(initialBytes: Int = 0) {
        if initialBytes > 0 { addBlock(initialBytes) }
        blocks.reserveCapacity(16)
    }

    deinit { for block in blocks { LargePageMemory.deallocate(block.base) } }

    /// Starts a new step: every buffer handed out before becomes invalid.
    public func reset() {
        highWaterBytes = max(highWaterBytes, peakThisStep)
        if blocks.count > 1 {
            for block in blocks { LargePageMemory.deallocate(block.base) }
            blocks.removeAll(keepingCapacity: true)
            addBlock(highWaterBytes + highWaterBytes / 8)
        }
        offset = 0
        usedThisStep = 0
        peakThisStep = 0
        sharedRounded.removeAll(keepingCapacity: true)
    }

    /// A point in this step's allocations, to `release(to:)` later.
    public struct Mark {
        fileprivate let block: Int
        fileprivate let offset: Int
        fileprivate let used: Int
    }

    public func mark() -> Mark { Mark(block: blocks.count - 1, offset: offset, used: usedThisStep) }

    /// The kept bf16 copy of `x`'s data, if `sharedRounded` holds one.
    func sharedRoundedCopy(of x: Tensor) -> UnsafePointer<UInt16>? {
        sharedRounded.last { $0.source == x.data && $0.count == x.shape.count }?.copy
    }

    /// The stack position of the next buffer handed out (bytes in use).
    var position: Int { usedThisStep }

    /// Makes the memory of every buffer handed out after `mark` available again within this
    /// step (stack order: those buffers must no longer be used). Backward passes release
    /// each layer's temporaries this way, so a step needs the forward activations plus one
    /// layer's scratch rather than every layer's.
    public func release(to mark: Mark) {
        guard !blocks.isEmpty else { return }
        // If blocks were added after the mark, everything in the newest block came later;
        // the rest of the mark's block stays unused until `reset`.
        offset = mark.block == blocks.count - 1 ? mark.offset : 0
        usedThisStep = mark.used
        while let last = sharedRounded.last, last.position >= mark.used { sharedRounded.removeLast() }
    }

    /// Bytes of capacity held now.
    public var capacityBytes: Int { blocks.reduce(0) { $0 + $1.capacity } }

    /// An uninitialised, 64-byte-aligned buffer of `count` elements of `T`.
    public func buffer<T>(_ type: T.Type, count: Int) -> UnsafeMutablePointer<T> {
        let bytes = max(count * MemoryLayout<T>.stride, 1)
        let rounded = (bytes + Self.alignment - 1) / Self.alignment * Self.alignment
        if blocks.isEmpty || offset + rounded > blocks[blocks.count - 1].capacity {
            addBlock(max(rounded, (blocks.last?.capacity ?? 0)))
            offset = 0
        }
        let pointer = blocks[blocks.count - 1].base + offset
        offset += rounded
        usedThisStep += rounded
        peakThisStep = max(peakThisStep, usedThisStep)
        return pointer.bindMemory(to: T.self, capacity: max(count, 1))
    }

    /// A tensor of `shape` whose contents are undefined unless `zeroed`.
    public func tensor(_ shape: Shape, zeroed: Bool = false) -> Tensor {
        let data = buffer(Float.self, count: shape.count)
        if zeroed { data.initialize(repeating: 0, count: shape.count) }
        return Tensor(data: data, shape: shape)
    }

    public func tensor(_ a: Int, zeroed: Bool = false) -> Tensor { tensor(Shape(a), zeroed: zeroed) }
    public func tensor(_ a: Int, _ b: Int, zeroed: Bool = false) -> Tensor { tensor(Shape(a, b), zeroed: zeroed) }
    public func tensor(_ a: Int, _ b: Int, _ c: Int, zeroed: Bool = false) -> Tensor { tensor(Shape(a, b, c), zeroed: zeroed) }
    public func tensor(_ a: Int, _ b: Int, _ c: Int, _ d: Int, zeroed: Bool = false) -> Tensor {
        tensor(Shape(a, b, c, d), zeroed: zeroed)
    }

    private func addBlock(_ bytes: Int) {
        let capacity = max(bytes, 1 << 16)
        // Huge pages where the system has them: products writing wide outputs into a step's
        // buffers otherwise stall on TLB misses (LargePageMemory).
        blocks.append(Block(base: LargePageMemory.allocate(byteCount: capacity), capacity: capacity))
        allocationCount += 1
    }
}
