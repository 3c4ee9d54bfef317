import Basics
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Splits `0..<count` into contiguous chunks, one per thread, and returns each chunk's
/// result in chunk order (so the combined result is the same for any thread count).
/// Uses one thread per online CPU, capped at 8 and at `count`; counts under `serialBelow`
/// (4,096 segments by default) use one thread, where starting threads costs more than it saves.
func mapChunks<Result>(count: Int, serialBelow: Int = 4096, _ body: (Range<Int>) -> Result) -> [Result] {
    let cpus = max(1, Int(sysconf(Int32(_SC_NPROCESSORS_ONLN))))
    let threads = count < serialBelow ? 1 : min(cpus, 8, count)
    // `body` does not throw, so neither does the map.
    return try! Chunks.map(count, threads: threads) { body($0) }
}
