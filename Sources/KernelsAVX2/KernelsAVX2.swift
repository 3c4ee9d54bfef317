import Kernels

/// The kernels at 8 lanes, compiled for Haswell (AVX2, FMA): the portable default path.
public let kernelsAVX2 = KernelTable(Lanes8.self)
