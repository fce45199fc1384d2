/**
 * The direct-scatter kernel's plan ({@link dev.convt.vector.scatter.ScatterPlan}), its task split, tuning
 * constants and generated micro-kernels. Not exported: reached only through
 * {@link dev.convt.vector.ScatterKernel}.
 */
package dev.convt.vector.scatter;
