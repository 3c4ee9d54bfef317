/// A growable scratch buffer written through a raw pointer: tokenizer passes know an upper
/// bound of their output length, reserve it once, and then store without the capacity and
/// uniqueness checks of `Array.append` (the hot loop of `bleu`).
final class UnitBuffer<Unit> {
    private(set) var base: UnsafeMutablePointer<Unit>
    private(set) var capacity: Int
    /// Units written by the last pass.
    var count = 0

    init(capacity: Int = 1024) {
        self.capacity = capacity
        base = .allocate(capacity: capacity)
    }

    deinit { base.deallocate() }

    /// Makes room for `n` units, discarding the contents (every pass rewrites its output).
    @inline(__always)
    func reserve(_ n: Int) {
        if n > capacity {
            base.deallocate()
            capacity = max(n, capacity * 2)
            base = .allocate(capacity: capacity)
        }
        count = 0
    }

    /// The units written so far.
    var view: UnsafeBufferPointer<Unit> { UnsafeBufferPointer(start: base, count: count) }
}
