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
 * <p>Memory: the kernels' own buffers (packed weights and bias, packed input tiles, column blocks,
 * transpose tiles, gather tables) are {@code float[]}s loaded and stored with {@code fromArray} and
 * {@code intoArray}. Only the code that touches the caller's input and output goes through
 * {@link java.lang.foreign.MemorySegment}s ({@link dev.convt.vector.FloatSegments}): packing input
 * columns, col2im and the epilogue, the direct kernels' input loads and output stores, the layout
 * moves; scratch that such code also writes is of the caller's kind
 * ({@link dev.convt.kernel.SameKindBuffer}). Why: a segment access's vector intrinsic depends on the
 * type profile of the JDK's own access methods, shared by every segment in the JVM, so an internal
 * buffer of one kind (say, a native packed-weight panel) beside callers of the other (arrays wrapped as
 * heap segments) made that profile polymorphic and left the GEMM micro-kernel on the Vector API's
 * Java fallback; {@code fromArray}'s profile is apart. The price: packed B is not cache-line aligned,
 * as an off-heap panel could be.
 *
 * <p>{@link dev.convt.vector.VectorConfig} fixes, once per JVM, the float species and register tiles
 * every kernel uses; {@code -Ddev.convt.vector.bits} and {@code -Ddev.convt.vector.registers} override
 * them (to run another width's code in tests). The provider reports itself unavailable where the Vector API
 * cannot be fast (no {@code jdk.incubator.vector}, no C2, vectors under 128 bits); the planner then
 * runs the scalar reference.
 */
package dev.convt.vector;
