import Basics

/// A non-owning view of contiguous, row-major Float32 data with a shape.
///
/// Memory is owned elsewhere: by a `Workspace` (activations of one step), a
/// `TensorStorage` (long-lived buffers) or a parameter arena. A view is two words plus an
/// inline shape, so passing one around costs nothing and never allocates.
public struct Tensor {
    public let data: UnsafeMutablePointer<Float>
    public let shape: Shape

    public init(data: UnsafeMutablePointer<Float>, shape: Shape) {
        self.data = data
        self.shape = shape
    }

    public var count: Int { shape.count }

    /// The same data seen with another shape of the same element count.
    public func reshaped(_ newShape: Shape) -> Tensor {
        precondition(newShape.count == shape.count,
                     "cannot reshape \(shape) (\(shape.count) elements) to \(newShape) (\(newShape.count) elements)")
        return Tensor(data: data, shape: newShape)
    }


    /// The `index`-th slice along the first axis, as a tensor of rank − 1.
    public func slice(_ index: Int) -> Tensor {
        precondition(shape.rank >= 1 && index >= 0 && index < shape[0],
                     "slice \(index) out of range for shape \(shape)")
        let inner = shape.droppingFirst
        return Tensor(data: data + index * inner.count, shape: inner)
    }

    public var buffer: UnsafeMutableBufferPointer<Float> {
        UnsafeMutableBufferPointer(start: data, count: count)
    }

    public subscript(i: Int) -> Float {
        get { data[i] }
        nonmutating set { data[i] = newValue }
    }

    public func fill(_ value: Float) {
        data.update(repeating: value, count: count)
    }

    public func copy(from other: Tensor) {
        precondition(other.count == count, "copy: shapes \(other.shape) and \(shape) differ in size")
        data.update(from: other.data, count: count)
    }

    public func toArray() -> [Float] { Array(buffer) }
}

/// An owned, heap-allocated, 64-byte-aligned Float32 buffer with a tensor view.
/// Used for long-lived buffers (parameters, test inputs); step activations come from a
/// `Workspace` instead.
public final class TensorStorage {
    public let tensor: Tensor

    public init(_ shape: Shape, zeroed: Bool = true) {
        let raw = LargePageMemory.allocate(byteCount: max(shape.count, 1) * 4)
        let data = raw.bindMemory(to: Float.self, capacity: max(shape.count, 1))
        if zeroed { data.initialize(repeating: 0, count: max(shape.count, 1)) }
        tensor = Tensor(data: data, shape: shape)
    }

    public convenience init(_ shape: Shape, values: [Float]) {
        precondition(values.count == shape.count, "\(values.count) values for shape \(shape)")
        self.init(shape, zeroed: false)
        values.withUnsafeBufferPointer { tensor.data.update(from: $0.baseAddress!, count: values.count) }
    }

    deinit { LargePageMemory.deallocate(tensor.data) }
}
