package dev.convt;

import dev.convt.kernel.Kernel;
import dev.convt.kernel.KernelPlan;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * A prepared transposed convolution: one {@link Problem}, one chosen kernel, weights prepacked
 * (the plan keeps its own copy, or shares the packs of the {@link PackedWeights} it was made from;
 * later changes to the caller's weight array do not affect it). Made by {@link Planner}.
 *
 * <p>{@link #execute} checks the buffers, then writes only the output region
 * {@code y[yOffset .. yOffset + problem().outputLength())}; on a bad buffer it throws before
 * writing anything. Buffers are {@code float[]}s with offsets in floats, or {@link MemorySegment}s
 * (heap or native, {@link #execute(MemorySegment, long, MemorySegment, long, Parallelism, Scratchpad)})
 * with offsets in bytes. A heap segment over a {@code float[]} runs on that array in place; native
 * segments (native memory, a direct buffer's) are read and written by the im2col kernel's Vector API
 * code directly (see {@link #execute(MemorySegment, long, MemorySegment, long, Parallelism, Scratchpad)}
 * for when); any other segment is copied into an array of the executing thread (or of the scratchpad)
 * before the kernel and the output copied back after it, one bulk copy each way (see "Memory" in the
 * package overview). Once warm on a thread (its
 * workspace made on the first call or by {@link #prepareWorkspace()}, which {@link Planner#plan} calls
 * for the planning thread when plan-time warm-up is on and the workspace is no larger than the data;
 * the Vector API code compiled by C2 after a few calls; before that
 * the Vector API's interpreted code allocates) it allocates nothing on the heap; with a caller's
 * {@link Scratchpad} ({@link #newScratchpad()}) not even a fresh thread's first call makes anything
 * (a native segment's staging excepted, made by the scratchpad's first call that needs it). Distinct
 * threads may execute one plan at once on distinct outputs (workspace is per thread, or per
 * scratchpad). The input and the output must not overlap (the same array is allowed with disjoint
 * ranges, and so are disjoint ranges of one segment); an overlap is rejected before anything is
 * written. An empty batch (N = 0) computes nothing and writes nothing.
 *
 * <h2>Layouts</h2>
 * The input and output are stored in the problem's {@link Layout} ({@link Problem#withLayout}):
 * where the methods below say {@code (N, C, *spatial)} row-major, a channels-last problem's buffers
 * are {@code (N, *spatial, C)} row-major, of the same length. Every kernel computes every layout with
 * the same bits; a kernel that does not read or write the layout itself
 * ({@link Kernel#readsLayout}, {@link Kernel#writesLayout}) runs between transposes into and out of
 * staging buffers of the executing thread (counted in {@link #workspaceBytes()}, allocation-free once
 * warm, split over the threads like the kernel).
 *
 * <h2>Numerics: what every kernel promises against the reference</h2>
 * The {@link dev.convt.kernel.ReferenceKernel reference} defines the result: each output starts at its
 * bias (+0 without bias) and adds each product {@code x·w}, rounded to float32, with a float32
 * addition, in its documented order. The fast kernels sum the same products in other orders, with
 * fused multiply-adds (one rounding per product and addition). So:
 * <ol>
 * <li><b>Exact data</b>: where every product and every partial sum is exactly representable in float32
 *     (for example small integers, including ±0, with sums below 2<sup>24</sup>), every kernel returns
 *     the reference's result <em>bitwise</em>, including the sign of zero (a result is −0 exactly when
 *     the bias and every product landing on it are −0). With the spec's {@link Activation} this holds
 *     for ReLU, LeakyReLU and clamp (exact functions of the float32 sum, where the scaled value is exact);
 *     tanh and sigmoid are evaluated differently by the reference (float64, rounded once) and the
 *     vector kernels ({@code dev.convt.vector.Epilogue}: within 2 and 3 ulp), so there only the
 *     error bound holds.</li>
 * <li><b>Finite data</b> whose products and sums stay in the normal float32 range: within DESIGN.md's
 *     bound {@code |y − y64| ≤ 2·n·u·Σ|x·w| + |bias|·u} of the float64 result ({@code n} products,
 *     {@code u = 2^-24}); the bits may differ from the reference's.</li>
 * <li><b>NaN and infinities in the data</b>: an output is NaN in a fast kernel exactly where it is
 *     NaN in the reference, and ±Inf where the reference has the same infinity, as long as no finite
 *     product or sum overflows (item 4).</li>
 * <li><b>Overflow</b>: where a product or partial sum of finite data passes {@code Float.MAX_VALUE}
 *     the kernels may disagree. The reference rounds each product before adding, so
 *     {@code 0 + (−MAX) + round(2·MAX) = +Inf}; a fused multiply-add keeps the exact product,
 *     {@code fma(2, MAX, −MAX) = MAX}, finite. Either may be ±Inf, NaN or finite where the other is not.</li>
 * <li><b>Underflow</b>: where a product is subnormal or rounds to zero, the absolute error may exceed
 *     the bound by about {@code n·2^-149}, and the sign of a zero result may differ: the reference
 *     gives {@code +0 + round(−tiny) = +0 + −0 = +0}, a fused multiply-add from +0 gives
 *     {@code round(+0 − tiny) = −0}.</li>
 * </ol>
 *
 * <h2>Threads</h2>
 * A plan runs on the calling thread alone unless given a {@link Parallelism}: once for the plan
 * ({@link #withParallelism}, like ONNX Runtime's {@code intra_op_num_threads} at session creation)
 * or per call ({@link #execute(float[], int, float[], int, Parallelism)}, like XNNPACK's threadpool
 * argument). The default, {@link Parallelism#serial()}, starts no thread. With more threads the
 * output is bit-identical to the serial one; every worker has its own workspace; the parallel
 * machinery allocates nothing once warm (with convt's own pool); a failure in a worker is thrown to
 * the caller as the same exception (the output is then unspecified, and nothing else is written);
 * several callers may execute one plan at once, each in parallel. The vector kernels split the work;
 * the scalar reference always runs on the calling thread.
 *
 * <h2>Warm-up</h2>
 * The Vector API kernels run about a hundred times slower until the JIT (C2) has compiled them, so a
 * fresh JVM's first {@link #execute} of a plan is far slower than the next ones. {@link #warmUp()}
 * warms a plan's code paths ahead of its first execute: it runs small proxy problems (the same
 * kernel, stride, padding and dilation, with few channels and a small size, and the first time a
 * family of layers is warmed, proxies of every path the family takes; see
 * {@link Kernel#warmUpProblems}) on scratch buffers of its own until the runs stop allocating and stop
 * getting faster, at most a second per proxy. Proxies are warmed once per JVM: a plan whose proxies
 * were warmed before (by any plan) skips them, so warming many layers pays mostly for the first layer
 * of each kind. {@link #warmUp()} runs the proxies on {@code float[]}s (the code heap segments over
 * arrays run too); {@link #warmUp(boolean) warmUp(true)} also runs them on native segments, warming
 * the code that reads and writes native segments in place (the segment twins of the im2col and scatter
 * kernels, see the Memory section of the package overview), which an engine executing
 * on native memory otherwise pays to compile in its first executes. Warm-up never writes the caller's buffers and never changes results (they are bitwise
 * the same with or without it). {@link Planner#plan} warms every new plan itself (plan-time warm-up;
 * {@code -Ddev.convt.warmup=false} turns it off), within a budget per JVM
 * ({@code -Ddev.convt.warmup.millis}, 5000 ms by default) after which plans stop warming up. Most of
 * the JIT's work in a cold JVM is compiling the Vector API's own fallback, which runs whenever vector
 * code runs before C2 has compiled it; warm-up calls the kernels' methods with their vector work
 * skipped (dry runs) until C2 has compiled them, so far less of the fallback runs. In fresh-JVM
 * measurements of the 17 workload layers planned and executed once each, plans then took longer
 * (the first plan of each family up to about a second) but the whole first pass, plans included, was
 * shorter than without warm-up (by 3–35% in the medians of runs of three JVMs), and first executes
 * were mostly within a few times their steady time instead of up to a few hundred (the README's
 * Warm-up section has the figures and what is left). Engines that make plans ahead of time, with
 * plan-time warm-up off, call {@link #warmUp()} there.
 */
public final class Plan {
    private final Problem problem;
    private final String kernelName;
    private final KernelPlan kernelPlan;
    /** The kernel that made the plan, for warm-up. */
    private final Kernel kernel;
    private final Parallelism parallelism;
    /**
     * Task splits already made, shared by every view of this plan (see {@link #withParallelism}); made
     * by the first parallel execute or view ({@link #splits()}), so a plan that only ever runs on one
     * thread (or a new batch's plan, see {@link PackedWeights}) is one object less to make.
     */
    private volatile SplitCache splits;
    /** The transposes around a kernel that does not read or write the problem's layout itself, or null. */
    private final LayoutStage layoutStage;
    /** {@link #compute}, made once so the staged path allocates nothing; null without a layout stage. */
    private final LayoutStage.Compute compute;

    Plan(Problem problem, Kernel kernel, KernelPlan kernelPlan) {
        this(problem, kernel, kernelPlan, Parallelism.serial(), null);
    }

    private Plan(Problem problem, Kernel kernel, KernelPlan kernelPlan, Parallelism parallelism, SplitCache splits) {
        this.problem = problem;
        this.kernelName = kernel.name();
        this.kernelPlan = kernelPlan;
        this.kernel = kernel;
        this.parallelism = parallelism;
        this.splits = splits;
        this.layoutStage = LayoutStage.of(problem, kernel);
        this.compute = layoutStage == null ? null : this::compute;
    }

    /** {@link #splits}, made first if needed. */
    private SplitCache splits() {
        SplitCache s = splits;
        if (s == null) {
            synchronized (this) {
                if (splits == null) {
                    splits = new SplitCache();
                }
                s = splits;
            }
        }
        return s;
    }

    /**
     * Warms this plan's code paths (see the class comment): runs the kernel's proxy problem on scratch
     * buffers ({@code float[]}s; not the native-segment code, see {@link #warmUp(boolean)}) until the
     * JIT has compiled what it walks, within the time budget. Does nothing when this
     * JVM has warmed the same paths before (plans do so when made, unless {@code -Ddev.convt.warmup=false}),
     * or when the kernel needs no warm-up. Writes no caller buffer; results are unchanged. Thread-safe.
     *
     * @return the proxy runs performed; 0 when the paths were already warm or need no warm-up
     */
    public int warmUp() {
        return warmUp(false);
    }

    /**
     * {@link #warmUp()}, and with {@code nativeSegments} also the code this plan runs on native
     * segments: where its kernel reads and writes native segments in place (and no layout stage sits
     * between, see {@link #execute(MemorySegment, long, MemorySegment, long, Parallelism, Scratchpad)}),
     * each proxy also runs on native scratch segments of its own (freed before this returns), as a
     * proxy of its own: at most a second more per proxy, once per JVM. For an engine whose tensors
     * live off-heap. Writes no caller buffer; results are unchanged. Thread-safe.
     *
     * @param nativeSegments whether to warm the native-segment code too
     * @return the proxy runs performed (both kinds); 0 when the paths were already warm or need no warm-up
     */
    public int warmUp(boolean nativeSegments) {
        return problem.isEmpty() ? 0 : WarmUp.warm(kernel, problem, false, nativeSegments);
    }

    /** The warm-up {@link Planner#plan} does: as {@link #warmUp}, within the JVM's plan-time budget. */
    void warmUpAtPlanTime() {
        if (!problem.isEmpty()) {
            WarmUp.warm(kernel, problem, true);
            // the planning thread's workspace, if no larger than the data it works on: its fresh pages
            // would otherwise be faulted in by that thread's first execute; a larger one (a hostile
            // problem's can pass a gigabyte) is left to the execute that needs it
            if (kernelPlan.workspaceBytes() <= (long) Float.BYTES * ((long) problem.inputLength() + problem.outputLength())) {
                prepareWorkspace();
            }
        }
    }

    /**
     * Makes the calling thread's workspace for this plan now (the kernel's part of
     * {@link #workspaceBytes()}), if the thread has none yet; otherwise does nothing. Its first execute
     * would make it anyway; made ahead, its memory's first touch (in a freshly started process, a page
     * fault per new page, which can take longer than a small layer's whole execute) is not in that
     * execute's time. {@link Planner#plan} does this for the planning thread when plan-time warm-up is
     * on and the workspace is no larger than the problem's input and output together; an engine that plans on one thread and executes on others can call it on each executing
     * thread when it loads the model (or give each call a {@link Scratchpad}). Thread-safe.
     */
    public void prepareWorkspace() {
        kernelPlan.prepareWorkspace();
    }

    /**
     * This plan running with another parallelism by default: the same prepacked weights (nothing is
     * copied), so it is cheap, and both plans may be used at once.
     *
     * @param parallelism what {@link #execute(float[], int, float[], int)} uses from now on
     * @return a plan over the same prepacked weights and kernel
     * @throws NullPointerException if parallelism is null
     */
    public Plan withParallelism(Parallelism parallelism) {
        java.util.Objects.requireNonNull(parallelism, "parallelism");
        return new Plan(problem, kernel, kernelPlan, parallelism, splits());
    }

    /** {@return the parallelism {@link #execute(float[], int, float[], int)} uses ({@link Parallelism#serial()} unless set)} */
    public Parallelism parallelism() { return parallelism; }

    /** {@return the problem this plan computes} */
    public Problem problem() { return problem; }

    /** {@return the name of the kernel that computes this plan ({@code "im2col"}, {@code "scatter"}, {@code "reference"}, ...)} */
    public String kernelName() { return kernelName; }

    /**
     * {@return the workspace bytes each executing thread keeps (made on its first execute or by
     * {@link #prepareWorkspace()}, for the planning thread at plan time when warm-up is on), with the
     * staging buffers of a layout the kernel does not read or write itself (see {@link Problem#withLayout})}
     */
    public long workspaceBytes() {
        return kernelPlan.workspaceBytes() + (layoutStage == null ? 0 : layoutStage.workspaceBytes());
    }

    /** {@return the bytes of prepacked weights, held once and shared by every thread (and by every plan of the same {@link PackedWeights})} */
    public long packedWeightBytes() { return kernelPlan.packedWeightBytes(); }

    /**
     * {@return the bytes of workspace a {@link Scratchpad} for this plan holds ({@link #newScratchpad()}):
     * the same as {@link #workspaceBytes()}, what a thread otherwise keeps for the plan}
     */
    public long scratchpadBytes() { return workspaceBytes(); }

    /**
     * A new caller-kept scratchpad for this plan and every plan sharing its prepacked weights
     * ({@link #withParallelism}): pass it to an execute overload that takes one, and that call keeps
     * nothing per thread (see {@link Scratchpad}). Serves one call at a time.
     *
     * @return a scratchpad of {@link #scratchpadBytes()} bytes of workspace
     */
    public Scratchpad newScratchpad() {
        return new Scratchpad(kernelPlan, problem.isEmpty() ? null : kernelPlan.newWorkspace(),
                layoutStage == null ? null : layoutStage.newStaging(), scratchpadBytes());
    }

    /**
     * Computes {@code y = convT(x)} (plus bias) for the whole batch.
     *
     * @param x       input {@code (N, Cin, *in)} row-major from {@code xOffset}
     * @param xOffset where the input starts in {@code x}
     * @param y       output {@code (N, Cout, *out)} row-major from {@code yOffset}; overwritten
     * @param yOffset where the output starts in {@code y}
     * @throws NullPointerException     if a buffer is null
     * @throws IllegalArgumentException if an offset is negative, a buffer is too small, or {@code x} and
     *                                  {@code y} are the same array with overlapping ranges (nothing is written)
     */
    public void execute(float[] x, int xOffset, float[] y, int yOffset) {
        execute(x, xOffset, y, yOffset, parallelism);
    }

    /**
     * {@link #execute(float[], int, float[], int)} with the given parallelism for this call only.
     *
     * @param x           input {@code (N, Cin, *in)} row-major from {@code xOffset}
     * @param xOffset     where the input starts in {@code x}
     * @param y           output {@code (N, Cout, *out)} row-major from {@code yOffset}; overwritten
     * @param yOffset     where the output starts in {@code y}
     * @param parallelism the threads this call may use
     * @throws NullPointerException     if a buffer or the parallelism is null
     * @throws IllegalArgumentException if an offset is negative, a buffer is too small, or {@code x} and
     *                                  {@code y} are the same array with overlapping ranges (nothing is written)
     */
    public void execute(float[] x, int xOffset, float[] y, int yOffset, Parallelism parallelism) {
        java.util.Objects.requireNonNull(parallelism, "parallelism");
        problem.checkExecution(x, xOffset, y, yOffset);
        run(x, xOffset, y, yOffset, parallelism, null);
    }

    /**
     * {@link #execute(float[], int, float[], int, Parallelism)} with the caller's scratchpad: this call
     * keeps nothing per thread (see {@link Scratchpad}).
     *
     * @param x           input {@code (N, Cin, *in)} row-major from {@code xOffset}
     * @param xOffset     where the input starts in {@code x}
     * @param y           output {@code (N, Cout, *out)} row-major from {@code yOffset}; overwritten
     * @param yOffset     where the output starts in {@code y}
     * @param parallelism the threads this call may use
     * @param scratchpad  from {@link #newScratchpad()} of this plan (or one sharing its weights), used by no other call meanwhile
     * @throws NullPointerException     if a buffer, the parallelism or the scratchpad is null
     * @throws IllegalArgumentException if an offset is negative, a buffer is too small, {@code x} and
     *                                  {@code y} are the same array with overlapping ranges, or the scratchpad
     *                                  was made for another plan (nothing is written)
     */
    public void execute(float[] x, int xOffset, float[] y, int yOffset, Parallelism parallelism, Scratchpad scratchpad) {
        java.util.Objects.requireNonNull(parallelism, "parallelism");
        checkScratchpad(scratchpad);
        problem.checkExecution(x, xOffset, y, yOffset);
        run(x, xOffset, y, yOffset, parallelism, scratchpad);
    }

    /**
     * Computes {@code y = convT(x)} (plus bias) for the whole batch on memory segments, heap or native
     * (a direct {@code FloatBuffer} through {@link MemorySegment#ofBuffer}): the same kernels, the same
     * bits. A writable heap segment over a {@code float[]} is computed in place, as that array. When
     * both segments are native and the kernel is im2col, the kernel reads the input and writes the
     * output in place with the Vector API, no copy; with more than one thread this needs segments
     * that every thread may access (global, automatic or shared arenas, direct buffers). Any other
     * segment (or pair, e.g. a native one with a heap one) is copied into an array of the executing
     * thread (or of {@code scratchpad}), and the output copied back, with one bulk copy each way
     * ({@link MemorySegment#copy}). Floats are read and written as
     * {@link java.lang.foreign.ValueLayout#JAVA_FLOAT}: native byte order, 4-byte aligned (a direct
     * buffer must be made with {@code order(ByteOrder.nativeOrder())} before {@code asFloatBuffer()}).
     * Offsets are in <b>bytes</b>, as everywhere in {@code java.lang.foreign}, and must be multiples of 4.
     *
     * <p>The output must be writable, and the input and output must not share memory (the same array
     * of two heap segments, or overlapping native addresses, in the ranges used). A segment of a closed
     * arena is an {@link IllegalStateException}, one of a confined arena of another thread a
     * {@link WrongThreadException}, as the JDK's accessors throw; both are checked before anything is
     * written. Only the calling thread touches a copied segment, so segments of a confined arena (its
     * owner calling) may run on several threads too (they are copied then).
     *
     * @param x           input {@code (N, Cin, *in)} row-major from byte {@code xByteOffset}
     * @param xByteOffset where the input starts in {@code x}, in bytes (a multiple of 4)
     * @param y           output {@code (N, Cout, *out)} row-major from byte {@code yByteOffset}; overwritten
     * @param yByteOffset where the output starts in {@code y}, in bytes (a multiple of 4)
     * @param parallelism the threads this call may use
     * @param scratchpad  the caller's scratchpad ({@link #newScratchpad()}), or {@code null} for the
     *                    calling thread's own workspace
     * @throws NullPointerException     if a segment or the parallelism is null
     * @throws IllegalArgumentException if an offset is negative or not a multiple of 4, a segment is not
     *                                  4-byte aligned or too small, the output is read-only, the ranges
     *                                  share memory, or the scratchpad was made for another plan (nothing is written)
     * @throws IllegalStateException    if a segment's arena is closed (nothing is written)
     * @throws WrongThreadException     if a segment is confined to another thread (nothing is written)
     */
    public void execute(MemorySegment x, long xByteOffset, MemorySegment y, long yByteOffset, Parallelism parallelism,
                        Scratchpad scratchpad) {
        java.util.Objects.requireNonNull(parallelism, "parallelism");
        if (scratchpad != null) {
            checkScratchpad(scratchpad);
        }
        long in = problem.inputLength(), out = problem.outputLength();
        SegmentChecks.check("input", x, xByteOffset, in, problem, false);
        SegmentChecks.check("output", y, yByteOffset, out, problem, true);
        SegmentChecks.checkDisjoint("input", x, xByteOffset, in, "output", y, yByteOffset, out);
        if (problem.isEmpty()) {
            return;
        }
        if (direct(x, y, parallelism)) {
            // float indices: a segment whose range ends past the int range is sliced to start at the range
            if (xByteOffset / 4 + in > Integer.MAX_VALUE) {
                x = x.asSlice(xByteOffset);
                xByteOffset = 0;
            }
            if (yByteOffset / 4 + out > Integer.MAX_VALUE) {
                y = y.asSlice(yByteOffset);
                yByteOffset = 0;
            }
            computeSegments(x, (int) (xByteOffset / 4), y, (int) (yByteOffset / 4), parallelism, scratchpad);
            return;
        }
        SegmentArrays arrays = scratchpad == null ? SEGMENT_ARRAYS.get() : scratchpad.segmentArrays();
        float[] xa = arrays.input(x), ya = arrays.output(y);
        if (xa != null && ya != null) {
            run(xa, SegmentArrays.index(x, xByteOffset), ya, SegmentArrays.index(y, yByteOffset), parallelism, scratchpad);
            return;
        }
        LayoutStage.Staging staging = arrays.staging;
        float[] kx = xa, ky = ya;
        int kxOffset = 0, kyOffset = 0;
        if (xa == null) {
            kx = staging.input((int) in);
            MemorySegment.copy(x, ValueLayout.JAVA_FLOAT, xByteOffset, kx, 0, (int) in);
        } else {
            kxOffset = SegmentArrays.index(x, xByteOffset);
        }
        if (ya == null) {
            ky = staging.output((int) out);
        } else {
            kyOffset = SegmentArrays.index(y, yByteOffset);
        }
        run(kx, kxOffset, ky, kyOffset, parallelism, scratchpad);
        if (ya == null) {
            MemorySegment.copy(ky, 0, y, ValueLayout.JAVA_FLOAT, yByteOffset, (int) out);
        }
    }

    /**
     * Whether the kernel reads and writes these segments itself ({@link KernelPlan#executesSegments}):
     * both native (a heap segment over a {@code float[]} runs as that array, any other heap segment is
     * staged, so the kernels' segment code sees native segments only), no layout stage between them
     * and the kernel, and, when the call may use more than one thread, both segments accessible from
     * any thread (a confined arena's are staged, so that only its owner touches them).
     */
    private boolean direct(MemorySegment x, MemorySegment y, Parallelism par) {
        return layoutStage == null && kernelPlan.executesSegments() && x.isNative() && y.isNative()
                && (par.threads() == 1 || (x.isAccessibleBy(NO_OWNER) && y.isAccessibleBy(NO_OWNER)));
    }

    /** A thread that owns no arena: a segment accessible by it is accessible by every thread. */
    private static final Thread NO_OWNER = Thread.ofVirtual().unstarted(() -> { });

    /** {@link #compute} on native segments (offsets in floats), for a kernel that executes them directly. */
    private void computeSegments(MemorySegment x, int xIndex, MemorySegment y, int yIndex, Parallelism par, Scratchpad scratchpad) {
        KernelPlan.Tasks tasks = par.threads() == 1 ? null : splits().get(kernelPlan, par.threads(), par.minTaskWork());
        if (tasks == null || tasks.count() == 1) {
            kernelPlan.execute(x, xIndex, y, yIndex, scratchpad == null ? null : scratchpad.workspace());
        } else {
            ForkJoin.run(tasks, par, x, xIndex, y, yIndex, scratchpad);
        }
    }

    /** Per thread, how segments reach the kernels as arrays (see {@link SegmentArrays}). */
    private static final ThreadLocal<SegmentArrays> SEGMENT_ARRAYS = ThreadLocal.withInitial(SegmentArrays::new);

    /**
     * {@link #execute(MemorySegment, long, MemorySegment, long, Parallelism, Scratchpad)} with this plan's
     * parallelism and the calling thread's workspace.
     *
     * @param x           input {@code (N, Cin, *in)} row-major from byte {@code xByteOffset}
     * @param xByteOffset where the input starts in {@code x}, in bytes (a multiple of 4)
     * @param y           output {@code (N, Cout, *out)} row-major from byte {@code yByteOffset}; overwritten
     * @param yByteOffset where the output starts in {@code y}, in bytes (a multiple of 4)
     * @throws NullPointerException     if a segment is null
     * @throws IllegalArgumentException as {@link #execute(MemorySegment, long, MemorySegment, long, Parallelism, Scratchpad)}
     * @throws IllegalStateException    if a segment's arena is closed (nothing is written)
     * @throws WrongThreadException     if a segment is confined to another thread (nothing is written)
     */
    public void execute(MemorySegment x, long xByteOffset, MemorySegment y, long yByteOffset) {
        execute(x, xByteOffset, y, yByteOffset, parallelism, null);
    }

    /**
     * {@link #execute(MemorySegment, long, MemorySegment, long, Parallelism, Scratchpad)} with the given
     * parallelism for this call only and the calling thread's workspace.
     *
     * @param x           input {@code (N, Cin, *in)} row-major from byte {@code xByteOffset}
     * @param xByteOffset where the input starts in {@code x}, in bytes (a multiple of 4)
     * @param y           output {@code (N, Cout, *out)} row-major from byte {@code yByteOffset}; overwritten
     * @param yByteOffset where the output starts in {@code y}, in bytes (a multiple of 4)
     * @param parallelism the threads this call may use
     * @throws NullPointerException     if a segment or the parallelism is null
     * @throws IllegalArgumentException as {@link #execute(MemorySegment, long, MemorySegment, long, Parallelism, Scratchpad)}
     * @throws IllegalStateException    if a segment's arena is closed (nothing is written)
     * @throws WrongThreadException     if a segment is confined to another thread (nothing is written)
     */
    public void execute(MemorySegment x, long xByteOffset, MemorySegment y, long yByteOffset, Parallelism parallelism) {
        execute(x, xByteOffset, y, yByteOffset, parallelism, null);
    }

    /**
     * {@link #execute(MemorySegment, long, MemorySegment, long)} from the start of both segments.
     *
     * @param x input {@code (N, Cin, *in)} row-major from byte 0
     * @param y output {@code (N, Cout, *out)} row-major from byte 0; overwritten
     * @throws NullPointerException     if a segment is null
     * @throws IllegalArgumentException as {@link #execute(MemorySegment, long, MemorySegment, long, Parallelism, Scratchpad)}
     * @throws IllegalStateException    if a segment's arena is closed (nothing is written)
     * @throws WrongThreadException     if a segment is confined to another thread (nothing is written)
     */
    public void execute(MemorySegment x, MemorySegment y) {
        execute(x, 0, y, 0, parallelism, null);
    }

    /**
     * {@link #execute} into a new output array.
     *
     * @param x input {@code (N, Cin, *in)} row-major from index 0
     * @return a new array of {@link Problem#outputLength()} floats, {@code (N, Cout, *out)} row-major
     * @throws NullPointerException     if {@code x} is null
     * @throws IllegalArgumentException if {@code x} is shorter than the problem's input
     */
    public float[] execute(float[] x) {
        problem.checkInput(x, 0);
        float[] y = new float[problem.outputLength()];
        run(x, 0, y, 0, parallelism, null);
        return y;
    }

    private void checkScratchpad(Scratchpad scratchpad) {
        java.util.Objects.requireNonNull(scratchpad, "scratchpad");
        if (scratchpad.owner != kernelPlan) {
            throw new IllegalArgumentException("scratchpad was made for another plan (" + scratchpad
                    + "): use this plan's newScratchpad() (or that of a plan sharing its weights through withParallelism)");
        }
    }

    private void run(float[] x, int xOffset, float[] y, int yOffset, Parallelism par, Scratchpad scratchpad) {
        if (problem.isEmpty()) {
            return;
        }
        if (layoutStage != null) {
            layoutStage.run(compute, x, xOffset, y, yOffset, par, scratchpad);
        } else {
            compute(x, xOffset, y, yOffset, par, scratchpad);
        }
    }

    /** The kernel on buffers in the layouts it reads and writes, serial or split into tasks. */
    private void compute(float[] x, int xOffset, float[] y, int yOffset, Parallelism par, Scratchpad scratchpad) {
        KernelPlan.Tasks tasks = par.threads() == 1 ? null : splits().get(kernelPlan, par.threads(), par.minTaskWork());
        if (tasks == null || tasks.count() == 1) {
            kernelPlan.execute(x, xOffset, y, yOffset, scratchpad == null ? null : scratchpad.workspace());
        } else {
            ForkJoin.run(tasks, par, x, xOffset, y, yOffset, scratchpad);
        }
    }

    /** The last few splits asked for, by (threads, minTaskWork); made once each, then reused without allocation. */
    private static final class SplitCache {
        private record Entry(int threads, long minTaskWork, KernelPlan.Tasks tasks) {}

        private final Entry[] entries = new Entry[4];
        private int nextSlot;

        KernelPlan.Tasks get(KernelPlan plan, int threads, long minTaskWork) {
            Entry[] e = entries;
            synchronized (this) {
                for (Entry entry : e) {
                    if (entry != null && entry.threads == threads && entry.minTaskWork == minTaskWork) {
                        return entry.tasks;
                    }
                }
            }
            KernelPlan.Tasks tasks = plan.tasks(threads, minTaskWork);
            synchronized (this) {
                e[nextSlot] = new Entry(threads, minTaskWork, tasks);
                nextSlot = (nextSlot + 1) % e.length;
            }
            return tasks;
        }
    }

    /**
     * Computes the output tensor for an input tensor of exactly the problem's input shape.
     *
     * @param x the input, of shape {@link Problem#inputShape()}
     * @return a new tensor of shape {@link Problem#outputShape()}
     * @throws IllegalArgumentException if the tensor's shape is not {@link Problem#inputShape()}
     */
    public Tensor forward(Tensor x) {
        if (!java.util.Arrays.equals(x.shape(), problem.inputShape())) {
            throw new IllegalArgumentException("this plan was made for input shape "
                    + java.util.Arrays.toString(problem.inputShape()) + ", but got " + java.util.Arrays.toString(x.shape()));
        }
        return new Tensor(problem.outputShape(), execute(x.data()));
    }

    @Override
    public String toString() {
        return "Plan[" + kernelName + ": " + problem + (parallelism.threads() == 1 ? "" : ", " + parallelism) + "]";
    }
}
