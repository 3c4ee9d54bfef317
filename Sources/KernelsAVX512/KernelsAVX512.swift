import Kernels

/// The kernels at 16 lanes, compiled for Skylake-AVX512 (AVX-512 F/CD/BW/DQ/VL); called
/// only where the CPU has those (`VectorISA`).
public let kernelsAVX512 = KernelTable(Lanes16.self)
