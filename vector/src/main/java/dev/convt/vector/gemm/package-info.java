/**
 * Single-precision GEMM on the Vector API in the BLIS shape, the arithmetic core of the im2col kernel:
 * operand packing ({@link dev.convt.vector.gemm.Packing}), the cache blocks and register tile
 * ({@link dev.convt.vector.gemm.Blocking}), one generated register-tile micro-kernel
 * ({@link dev.convt.vector.gemm.SgemmMicroKernel}), and the blocked driver
 * ({@link dev.convt.vector.gemm.Sgemm}). Every C element is one chain of fused multiply-adds over k in
 * increasing order.
 */
package dev.convt.vector.gemm;
