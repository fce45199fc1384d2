/**
 * Transposed convolution for the JVM (PyTorch's {@code ConvTranspose1d/2d/3d}, ONNX's
 * {@code ConvTranspose}): the spec, its validation and output shapes, the planner, plans, and the
 * PyTorch-style layers. This page is the overview for engine authors; every class carries the
 * details.
 *
 * <h2>Two ways in</h2>
 * <ul>
 * <li><b>Layers</b> ({@link dev.convt.ConvTranspose1d}, {@link dev.convt.ConvTranspose2d},
 *     {@link dev.convt.ConvTranspose3d}): PyTorch's constructor defaults and initialisation,
 *     {@code forward(x)} and {@code forward(x, outputSize)} on {@link dev.convt.Tensor}s, and
 *     {@code forward(x, xOffset, inputShape, y, yOffset)} into the caller's array. A layer plans on
 *     its first call, plans a new input shape over the packed weights it keeps, and repacks only
 *     when a weight value changes (see {@link dev.convt.ConvTransposeNd}).</li>
 * <li><b>Spec, problem, plan</b>, the path for engines:
 * <pre>{@code
 * ConvTransposeSpec spec = ConvTransposeSpec.builder2d(16, 8, 3).stride(2).padding(1).outputPadding(1).build();
 * Problem problem = spec.problem(1, 16, 32, 32);          // (N, Cin, H, W); problem.outputShape() = [1, 8, 64, 64]
 * Plan plan = Planner.plan(problem, weight, 0, bias, 0);  // checks the buffers, picks a kernel, prepacks
 * plan.execute(x, 0, y, 0);                               // as often as needed, from any thread
 * }</pre>
 *     A {@link dev.convt.ConvTransposeSpec} holds the hyper-parameters and validates them with
 *     PyTorch's rules; a {@link dev.convt.Problem} is a spec applied to one input shape (batched
 *     {@code (N, Cin, *spatial)} or unbatched {@code (Cin, *spatial)}), with every size checked to
 *     fit Java arrays; ONNX nodes map to problems through {@link dev.convt.onnx.OnnxConvTranspose}.</li>
 * </ul>
 * A spec may carry an {@link dev.convt.Activation} (ReLU, LeakyReLU, clamp, tanh, sigmoid):
 * {@code y = act(conv(x) + bias)}, applied by the vector kernels in their output stage while the
 * output is in cache, and by the planner in a separate pass after a kernel that does not fuse it
 * ({@link dev.convt.kernel.Kernel#fusesActivation()}).
 *
 * <p>Bad input of any kind (a hyper-parameter, a shape, a buffer, an offset) is an
 * {@link java.lang.IllegalArgumentException} naming the parameter, its value and the rule, thrown
 * before anything is allocated or written.
 *
 * <h2>Plans and the planner</h2>
 * {@link dev.convt.Planner#plan} validates the weight and bias buffers, chooses a kernel, and has it
 * prepare a {@link dev.convt.Plan}: the weights are copied into the layout that kernel wants (later
 * writes to the caller's weight array do not affect the plan), and the per-thread workspace is
 * sized. A plan is fixed to its problem: a new batch size or spatial size is a new problem, and
 * planning it from the weight arrays packs the weights again. To pack once per layer, make
 * {@link dev.convt.PackedWeights} ({@link dev.convt.Planner#pack}) and plan each input shape from them
 * ({@link dev.convt.PackedWeights#plan(int...)}, {@link dev.convt.Planner#plan(Problem, PackedWeights)}):
 * a new batch or spatial size then costs only the plan's tables, as XNNPACK's create / reshape split.
 * <pre>{@code
 * PackedWeights packed = Planner.pack(spec, weight, 0, bias, 0);  // once per layer; shareable, thread-safe
 * Plan b1 = packed.plan(1, 16, 32, 32);                          // cheap per input shape
 * Plan b8 = packed.plan(8, 16, 32, 32);                          // the same packs, not repacked
 * }</pre>
 *
 * <p>The kernels form one ordered list ({@link dev.convt.Planner#kernels()}), as oneDNN's
 * implementation list: the Vector API kernels of the {@code convt-vector} module when it is present
 * and usable (found with {@link java.util.ServiceLoader}), then the scalar
 * {@link dev.convt.kernel.ReferenceKernel}, which accepts every problem and defines the semantics.
 * {@link dev.convt.kernel.KernelChoice#AUTO} takes the first kernel that does not decline;
 * {@link dev.convt.Planner#explain} lists every kernel with the reason it declined, and
 * {@code -Ddev.convt.verbose=true} logs each automatic choice. Any available kernel can be chosen
 * explicitly ({@link dev.convt.Planner#plan(Problem, float[], int, float[], int, dev.convt.kernel.KernelChoice)});
 * one that cannot compute the problem then throws with its reason. Where the Vector API cannot work
 * (no {@code --add-modules jdk.incubator.vector}, no C2, vectors under 128 bits) the planner runs on
 * the scalar kernel and logs once how to enable the fast path; {@code -Ddev.convt.vector=false}
 * switches the vector kernels off.
 *
 * <h2>Threads</h2>
 * A {@link dev.convt.Plan} is safe to share: any number of threads may call
 * {@link dev.convt.Plan#execute(float[], int, float[], int) execute} on one plan at once, each on its
 * own output. By default an execute runs on the calling thread alone
 * ({@link dev.convt.Parallelism#serial()}), so an engine that already runs requests in parallel keeps
 * control of its cores and convt starts no thread. To spread one execute over several cores, give the
 * plan a {@link dev.convt.Parallelism} ({@link dev.convt.Plan#withParallelism}, or per call):
 * convt's own daemon pool ({@link dev.convt.Parallelism#threads(int)}) or the engine's executor
 * ({@link dev.convt.Parallelism#executor(java.util.concurrent.Executor, int)}). Results are
 * bit-identical at every thread count. The layer classes are not safe for concurrent
 * {@code forward} calls while their weights are being written.
 *
 * <h2>Memory</h2>
 * <ul>
 * <li>Buffers are {@code float[]} with offsets (in floats), or {@link java.lang.foreign.MemorySegment}s,
 *     heap or native (a direct {@code FloatBuffer} through {@code MemorySegment.ofBuffer}), with offsets
 *     in bytes as everywhere in {@code java.lang.foreign}
 *     ({@link dev.convt.Plan#execute(java.lang.foreign.MemorySegment, long, java.lang.foreign.MemorySegment, long)};
 *     weights and bias too, {@link dev.convt.Planner#plan(Problem, java.lang.foreign.MemorySegment,
 *     java.lang.foreign.MemorySegment)}). Segments hold {@code JAVA_FLOAT}s: native byte order, 4-byte
 *     aligned. Input, output and weights are row-major in PyTorch's layouts; an execute writes exactly
 *     the output region and nothing else.</li>
 * <li><b>How segments reach the kernels.</b> A writable heap segment over a {@code float[]}
 *     ({@code MemorySegment.ofArray}, a heap {@code FloatBuffer}'s) is computed in place, as that
 *     array: it costs what the array costs. When the input and the output are both native (native
 *     memory, a direct buffer's), the im2col and scatter kernels load the input and store the
 *     output in the segments themselves with the Vector API ({@code fromMemorySegment}/{@code intoMemorySegment}), no
 *     copy: im2col's packing of the input columns, col2im, the bias, the fused activation, the
 *     channels-last write-out and the single-input-position projection, and the scatter kernel's rows,
 *     tiles and micro-kernels, and the subpixel kernel's gather, write-out and gap fill each have a
 *     segment twin generated from their array code (so the sums are accumulated in the same order:
 *     the same bits as on arrays). Everything
 *     else is copied whole into an array of the executing thread (or of the
 *     {@link dev.convt.Scratchpad}) before the kernel, and the output copied back after it (one bulk
 *     {@code MemorySegment.copy} each way, about the time of one pass over each tensor at memory
 *     bandwidth, and the input's and output's floats of staging per thread): the reference kernel, a
 *     layout a kernel does not read or write itself (channels last on scatter and, for groups of
 *     fewer output channels than a vector, on subpixel: they run between the layout stage's transposes,
 *     which read and write its staging arrays), a native segment
 *     paired with a heap one, any other heap segment (read-only, over another array type), and, when
 *     a call may use more than one thread, segments of a confined arena (so only its owner touches
 *     them). Why heap segments never reach the segment code: the JDK's segment accesses choose their
 *     code by the segment's class from a type profile kept per JDK method and shared by every caller
 *     in the JVM, so heap and native segments at those sites (the kernels' own packed tiles are native
 *     too) would slow every kernel of the JVM; one kind there keeps that code monomorphic. Weight and
 *     bias segments are read once, into the packed copy, at planning.</li>
 * <li>Packed weights belong to the plan ({@link dev.convt.Plan#packedWeightBytes()}), are made once
 *     and are read by every thread that executes it; {@link dev.convt.Plan#withParallelism} shares
 *     them. Plans made from the weight arrays do not share packed weights; plans made from one
 *     {@link dev.convt.PackedWeights} do (its {@link dev.convt.PackedWeights#packedWeightBytes()} counts
 *     them once).</li>
 * <li>Workspace is per executing thread by default ({@link dev.convt.Plan#workspaceBytes()} each; none
 *     for the scalar reference), kept by the vector kernels' plans in a {@link java.lang.ThreadLocal}
 *     and made on that thread's first execute of the plan, so a thread that executes once pays for a
 *     new workspace every time. Once a thread's workspace exists and the JIT has compiled the kernel,
 *     {@code execute} allocates nothing on the heap. A caller that runs each call on a fresh thread
 *     (a virtual thread per request) passes a {@link dev.convt.Scratchpad} instead
 *     ({@link dev.convt.Plan#newScratchpad()}, {@link dev.convt.Plan#scratchpadBytes()}; oneDNN's
 *     user scratchpad mode): that call keeps nothing per thread. In a parallel call the caller's
 *     share of the work uses the scratchpad and convt's pool workers (or the executor's threads) use
 *     the workspace each keeps for the plan.</li>
 * </ul>
 *
 * <h2>Warm-up</h2>
 * The Vector API kernels run on the API's slow, allocating Java fallback until the JIT's C2 has
 * compiled them, so the first executes of a plan in a fresh JVM are far slower than the later ones.
 * {@link dev.convt.Plan#warmUp()} runs a small proxy of the plan's problem on scratch buffers until
 * its code is compiled; each set of code paths is warmed once per JVM. The proxies run on arrays;
 * {@link dev.convt.Plan#warmUp(boolean) warmUp(true)} also runs them on native segments, for an engine
 * whose tensors are off-heap (the kernels' segment code is compiled apart from their array code). The
 * planner warms every new plan itself (unless {@code -Ddev.convt.warmup=false}), within a per-JVM
 * budget ({@code -Ddev.convt.warmup.millis}). Warm-up never writes the caller's buffers and never changes a
 * result. See {@link dev.convt.Plan}, "Warm-up", for when it pays.
 *
 * <h2>Aliasing</h2>
 * The input and the output of one execute must not overlap: the kernels write the output while they
 * still read the input. The same array is allowed for both only with disjoint ranges; overlapping
 * ranges are rejected with an {@link java.lang.IllegalArgumentException} before anything is written
 * ({@link dev.convt.Problem#checkExecution}), by every kernel; so are segments that share memory in
 * the ranges used (the same array behind two heap segments, or overlapping native addresses). The weights and bias cannot alias the
 * output at execute time: the plan reads its own copy of them.
 *
 * <h2>Layouts</h2>
 * Tensors are channels first (NCL, NCHW, NCDHW) by default, or channels last (NLC, NHWC, NDHWC) for
 * a problem made with {@link dev.convt.Problem#withLayout}({@link dev.convt.Layout#CHANNELS_LAST}),
 * batched or unbatched; shapes are always reported logically, {@code (N, C, *spatial)}, and buffer
 * lengths are the same in both layouts. Weights stay in PyTorch's {@code (Cin, Cout/groups, *kernel)}
 * layout with an optional bias of {@code Cout} values. Every kernel computes both layouts with the same
 * bits: the im2col kernel reads and writes channels last itself (packing the input's columns straight
 * from it, moving each output region out of its channels-first accumulator once final); the others
 * run between transposes into and out of per-thread staging buffers, counted in
 * {@link dev.convt.Plan#workspaceBytes()} (or drawn from a {@link dev.convt.Scratchpad}).
 *
 * <h2>Numerics</h2>
 * The reference kernel defines every result; the fast kernels agree with it bitwise on exactly
 * representable data and within a stated error bound otherwise. The contract, including NaN,
 * infinities, overflow and underflow, is in {@link dev.convt.Plan}'s class comment, "Numerics".
 * Operation counts and GFLOP/s are defined in {@link dev.convt.cost.CostModels}.
 */
package dev.convt;
