import Basics
import CBF16Kernels

/// A bfloat16 copy of an fp32 buffer (the parameter arena), laid out like it: the rounded
/// copy of the fp32 value at offset i is at offset i.
///
/// This is where the bf16 copies of the weights live. The owner refreshes it before every
/// forward pass in bf16 (`TransformerModel.forward`), after the optimizer may have moved
/// the weights, so a product never reads a stale copy; one rounding pass over the
/// parameters costs far less than one product.
public final class BF16Mirror: @unchecked Sendable {
    // Unchecked Sendable: the storage is written only by `refresh`, which the owner calls
    // between passes, never while products read it.
    public let source: UnsafePointer<Float>
    public let count: Int
    private let storage: UnsafeMutablePointer<UInt16>

    public init(of source: UnsafePointer<Float>, count: Int) {
        self.source = source
        self.count = count
        storage = LargePageMemory.allocate(byteCount: max(count, 1) * 2).bindMemory(to: UInt16.self, capacity: max(count, 1))
        storage.initialize(repeating: 0, count: max(count, 1))
    }

    deinit { LargePageMemory.deallocate(storage) }

    /// Rounds every source value again (threads split the buffer in vector-sized chunks).
    public func refresh() {
        Threads.parallelForVectors(count, minPerChunk: 1 << 16) { range in
            nmt_bf16_round_rows(source + range.lowerBound, 0, 1, Int64(range.count), storage + range.lowerBound, 0)
        }
    }

    /// The rounded copy of `pointer` if it points into the source buffer, else nil.
    @inline(__always)
    public func rounded(_ pointer: UnsafePointer<Float>) -> UnsafePointer<UInt16>? {
        let offset = pointer - source
        return offset >= 0 && offset < count ? UnsafePointer(storage + offset) : nil
    }
}
