/**
 * The Vector API kernels ({@code jdk.incubator.vector}), provided to {@link dev.convt.Planner} through
 * {@link dev.convt.vector.VectorKernelProvider} and found with {@link java.util.ServiceLoader}: engines
 * add this module and run with {@code --add-modules jdk.incubator.vector}, and never call these classes
 * directly.
 *
 * <ul>
 * <li>{@link dev.convt.vector.Im2colKernel} ({@code "im2col"}): packed SGEMM of the weights against the
 *     input into a column block, then a col2im scatter-add into the output; the general kernel.</li>
 * <li>{@link dev.convt.vector.ScatterKernel} ({@code "scatter"}): products accumulated in registers
 *     straight into the output, without a column buffer; taken automatically where it is the faster
 *     one (see its class comment).</li>
 * <li>{@code dev.convt.vector.subpixel.SubpixelKernel} ({@code "subpixel"}): for a kernel that is a
 *     multiple of the stride (or smaller than it), all output phases of a group as one packed SGEMM
 *     over a gathered input panel, each output written once; taken automatically for large strides
 *     (see its class comment).</li>
 * </ul>
 *
 * <p>Every kernel here fuses the spec's activation ({@link dev.convt.Activation}) into its output
 * stage through {@link dev.convt.vector.Epilogue}, which applies it to each output once, right after
 * its final value is written.
 *
 * <p>{@link dev.convt.vector.VectorConfig} fixes, once per JVM, the float species and register tiles
 * every kernel uses; {@code -Ddev.convt.vector.bits} and {@code -Ddev.convt.vector.registers} override
 * them (to run another width's code in tests). The provider reports itself unavailable where the Vector API
 * cannot be fast (no {@code jdk.incubator.vector}, no C2, vectors under 128 bits); the planner then
 * runs the scalar reference.
 */
package dev.convt.vector;
