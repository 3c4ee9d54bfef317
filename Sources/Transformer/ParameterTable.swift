import Tensor

/// Named parameters laid out in one flat Float32 arena (llm.c's layout): the optimizer and
/// gradient clipping are single loops over the arena, and a checkpoint is one write.
///
/// Names follow fairseq's Transformer (`encoder.layers.0.self_attn.q_proj.weight`, …) so
/// that weights load by name in PyTorch. A shared embedding has one entry; its other
/// names are aliases of that entry.
public struct ParameterTable: Sendable {
    public struct Entry: Sendable {
        public let name: String
        public let shape: Shape
        /// Offset in elements from the start of the arena.
        public let offset: Int
    }

    public private(set) var entries: [Entry] = []
    public private(set) var count = 0
    private var indexByName: [String: Int] = [:]
    private var aliasTarget: [String: String] = [:]

    public init() {}

    /// Appends a parameter; returns its entry.
    @discardableResult
    mutating func add(_ name: String, _ shape: Shape) -> Entry {
        precondition(indexByName[name] == nil && aliasTarget[name] == nil, "parameter \(name) defined twice")
        // Keep every parameter 16-float aligned so SIMD loads never straddle two of them.
        let offset = (count + 15) / 16 * 16
        let entry = Entry(name: name, shape: shape, offset: offset)
        indexByName[name] = entries.count
        entries.append(entry)
        count = offset + shape.count
        return entry
    }

    /// Makes `alias` another name of the existing parameter `target`.
    mutating func alias(_ alias: String, to target: String) {
        let canonical = canonicalName(target)
        precondition(indexByName[canonical] != nil, "alias \(alias) of unknown parameter \(target)")
        aliasTarget[alias] = canonical
    }

    /// The entry a name (or alias) refers to.
    public func entry(_ name: String) -> Entry? {
        if let i = indexByName[name] { return entries[i] }
        if let target = aliasTarget[name], let i = indexByName[target] { return entries[i] }
        return nil
    }

    /// The name an alias stands for (the name itself when it is not an alias).
    public func canonicalName(_ name: String) -> String { aliasTarget[name] ?? name }

    /// The view of parameter `name` inside an arena whose first element is `base`.
    public func view(_ name: String, in base: UnsafeMutablePointer<Float>) -> Tensor {
        guard let e = entry(name) else { preconditionFailure("unknown parameter \(name)") }
        return Tensor(data: base + e.offset, shape: e.shape)
    }
}

/// One arena of `table.count` floats: parameters, their gradients, or optimizer moments.
public final class ParameterArena {
    public let table: ParameterTable
    public let storage: TensorStorage

    public init(table: ParameterTable) {
        self.table = table
        storage = TensorStorage(Shape(max(table.count, 1)))
    }

    public var base: UnsafeMutablePointer<Float> { storage.tensor.data }
    public var flat: Tensor { Tensor(data: base, shape: Shape(table.count)) }

    public func view(_ name: String) -> Tensor { table.view(name, in: base) }

    public func zero() { base.update(repeating: 0, count: table.count) }
}
