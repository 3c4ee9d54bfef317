#if canImport(Glibc)
import Glibc
#endif

/// Memory for buffers of megabytes (a step's workspace, the parameter, gradient and moment
/// arenas, the weights' bf16 copies), backed by 2 MiB pages where Linux's transparent huge
/// pages allow it.
///
/// Why: a product that writes a wide output touches a new 4 KiB page every few rows. One
/// 256-row block of logits, (256 × 8,000) fp32, spans 2,000 pages, and an AMX tile store
/// writes 16 rows at once, each in another page, so the bf16 output projection waited on
/// TLB misses: oneDNN's exact-shape blocks of 1,792 × 8,000 × 256 on one thread ran at 134
/// GFLOP/s on 4 KiB pages and 225 on 2 MiB pages, and 359 against 397 another time, with
/// the host faster (Intel Xeon family 6 model 207; docs/BENCHMARKS.md, section 9, and
/// `LARGE_PAGES=1` in scripts/compare-bf16-engines.sh). Elementwise passes over the same
/// buffers miss less but still walk thousands of pages per step.
///
/// Linux backs a range with huge pages only where it is aligned to 2 MiB and, in THP's
/// `madvise` mode (Debian's default), where `madvise(MADV_HUGEPAGE)` asked for it. So a
/// buffer of at least 2 MiB is aligned to 2 MiB, its size rounded up to whole pages, and
/// advised; a smaller one is a plain 64-byte-aligned allocation. Where THP is `never` the
/// advice is ignored and the same memory comes in 4 KiB pages: results never depend on it.
/// `NMT_LARGE_PAGES=off` in the environment turns the advice off (to measure what it is
/// worth).
public enum LargePageMemory {
    /// The huge page size of x86-64 Linux.
    public static let pageBytes = 2 << 20

    /// Whether large buffers are aligned and advised (read once, from `NMT_LARGE_PAGES`).
    public static let enabled: Bool = {
        guard let value = getenv("NMT_LARGE_PAGES") else { return true }
        return String(cString: value) != "off"
    }()

    /// An uninitialised buffer of at least `byteCount` bytes (at least one), 64-byte aligned;
    /// 2 MiB aligned and advised for huge pages when `byteCount` ≥ 2 MiB. Release it with
    /// `deallocate`, never with `UnsafeMutableRawPointer.deallocate`.
    public static func allocate(byteCount: Int) -> UnsafeMutableRawPointer {
        let large = enabled && byteCount >= pageBytes
        let alignment = large ? pageBytes : 64
        let bytes = large ? (byteCount + pageBytes - 1) / pageBytes * pageBytes : max(byteCount, 1)
        var pointer: UnsafeMutableRawPointer?
        guard posix_memalign(&pointer, alignment, bytes) == 0, let memory = pointer else {
            fatalError("out of memory: \(bytes) bytes requested")
        }
        // Advice only: a kernel without THP returns EINVAL and the memory stays usable.
        if large { _ = madvise(memory, bytes, MADV_HUGEPAGE) }
        return memory
    }

    /// Releases a buffer from `allocate`.
    public static func deallocate(_ pointer: UnsafeMutableRawPointer) {
        free(pointer)
    }
}
