/**
 * Single-precision GEMM on the Vector API in the BLIS shape, the arithmetic core of the im2col kernel:
 * operand packing ({@link dev.convt.vector.gemm.Packing}), the cache blocks and register tile
 * ({@link dev.convt.vector.gemm.Blocking}), one generated register-tile micro-kernel
 * ({@link dev.convt.vector.gemm.SgemmMicroKernel}), and the blocked driver
 * ({@link dev.convt.vector.gemm.Sgemm}). Every C element is one chain of fused multiply-adds over k in
 * increasing order. Not exported from the module (the kernels' insides): reached through
 * {@link dev.convt.vector.Im2colKernel}; the benchmarks and tests use it from the class path.
 */
package dev.convt.vector.gemm;
