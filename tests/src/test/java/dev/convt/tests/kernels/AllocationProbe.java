package dev.convt.tests.kernels;

import dev.convt.ConvTransposeSpec;
import dev.convt.Parallelism;
import dev.convt.Plan;
import dev.convt.Planner;
import dev.convt.Problem;
import dev.convt.Scratchpad;
import dev.convt.kernel.KernelChoice;
import dev.convt.testkit.TestData;
import dev.convt.vector.scatter.ScatterTuning;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;

/**
 * Run in a fresh JVM by {@link ZeroAllocationTest}: for every fast kernel and problem of
 * {@link #cases()}, warms the plan, then prints the bytes its thread (and convt's worker threads, at
 * 2 threads) allocated over
 * {@value #WINDOW} executions ({@code bytes<TAB>kernel<TAB>problem}): the first zero within 300 rounds
 * or {@link #PATIENCE_NANOS} ns, else the last count.
 *
 * <p>A fresh JVM, because in the test JVM the JIT state left by hundreds of other problem shapes can
 * keep a Vector API path out of C2 for a while (seen for both kernels: interpreted Vector API code
 * allocates its vectors), which is not what this measures.
 */
public final class AllocationProbe {
    private AllocationProbe() {}

    /** How long a case may take to reach a zero window once its 300 rounds are done. */
    static final long PATIENCE_NANOS = 60_000_000_000L;

    /** Executions measured per round. */
    static final int WINDOW = 50;

    /** A kernel, a problem, a thread count and the buffers' memory to measure. */
    record Case(KernelChoice kernel, Problem problem, int threads, Memory memory) {}

    /**
     * The buffers of a case: {@code float[]}; heap or native segments; or native segments with a
     * scratchpad, each call on a fresh virtual thread (measured with the JVM's total allocation counter
     * from inside that thread, since a virtual thread has no counter of its own).
     */
    enum Memory {
        ARRAY, HEAP, NATIVE, FRESH_VIRTUAL_THREAD_WITH_SCRATCHPAD;

        /** {@return whether the buffers are native segments (else heap memory: arrays or heap segments)} */
        boolean isNative() {
            return this == NATIVE || this == FRESH_VIRTUAL_THREAD_WITH_SCRATCHPAD;
        }
    }

    /**
     * The cases of one kind of memory: native, or heap (arrays and heap segments), for running one
     * kind alone while looking into an allocation.
     */
    static List<Case> cases(boolean nativeMemory) {
        return cases().stream().filter(c -> c.memory().isNative() == nativeMemory).toList();
    }

    /** Thread counts measured: one, and two (caller plus one convt worker, every problem split). */
    static final int[] THREADS = {1, 2};

    /**
     * Problems for every fast kernel that takes them: a padded 2-D layer with output_padding, the same
     * with a fused tanh (the epilogue's longest vector code, and its masked row tails), a grouped 1-D
     * one without bias, a padded 3-D one, and a single input position (im2col's one-GEMM path).
     */
    static List<Problem> general() {
        return List.of(
                ConvTransposeSpec.builder2d(19, 10, 3, 3).stride(2).padding(1).outputPadding(1).build().problem(2, new int[] {7, 9}),
                ConvTransposeSpec.builder2d(19, 10, 3, 3).stride(2).padding(1).outputPadding(1).activation(dev.convt.Activation.tanh())
                        .build().problem(2, new int[] {7, 9}),
                ConvTransposeSpec.builder1d(12, 8, 4).stride(2).padding(1).groups(2).bias(false).build().problem(2, new int[] {33}),
                ConvTransposeSpec.builder(3, 9, 5, new int[] {3, 2, 3}).stride(2).padding(1, 0, 1).build().problem(2, new int[] {5, 4, 6}),
                ConvTransposeSpec.builder2d(20, 24, 4, 4).bias(false).build().problem(9, new int[] {1, 1}));
    }

    /**
     * The im2col kernel's col2im pair tails beyond {@link #general()}, so that at 512, 256 and 128
     * bits some tail fills less than one output vector and some more: stride = kernel = 2 (single
     * cover: the tail stores bias + columns) with input rows of 3 and 13 columns, and kernel 4,
     * stride 2, padding 1 (the tail adds to the output) with 4 and 6 columns (pairs of 3 and 5); and
     * channels last on 200 input rows of 8, whose column tiles slide the channels-first window
     * through an output taller than it (filled with the bias as it goes, and, with one output channel,
     * single cover), and the same stride = kernel = 2 layer with 5 output channels, which
     * {@code Im2colProjection} computes as one GEMM whose rows are the input positions (tap-major);
     * and Conv-TasNet's decoder's shape at depth 300, whose GEMM reads a float[] input in place.
     */
    static List<Problem> im2colPaths() {
        return List.of(
                ConvTransposeSpec.builder2d(6, 5, 2, 2).stride(2).build().problem(2, new int[] {3, 3}),
                ConvTransposeSpec.builder2d(6, 5, 2, 2).stride(2).bias(false).build().problem(2, new int[] {4, 13}),
                ConvTransposeSpec.builder2d(6, 5, 4, 4).stride(2).padding(1).build().problem(2, new int[] {3, 4}),
                ConvTransposeSpec.builder2d(6, 5, 4, 4).stride(2).padding(1).bias(false).build().problem(2, new int[] {3, 6}),
                ConvTransposeSpec.builder2d(3, 5, 4, 4).stride(2).padding(1).build().problem(1, new int[] {200, 8})
                        .withLayout(dev.convt.Layout.CHANNELS_LAST),
                ConvTransposeSpec.builder2d(3, 1, 2, 2).stride(2).build().problem(1, new int[] {200, 8})
                        .withLayout(dev.convt.Layout.CHANNELS_LAST),
                ConvTransposeSpec.builder2d(3, 5, 2, 2).stride(2).build().problem(1, new int[] {200, 8})
                        .withLayout(dev.convt.Layout.CHANNELS_LAST),
                // a short, deep GEMM whose float[] input is read in place, past one K block
                ConvTransposeSpec.builder1d(300, 1, 16).stride(8).bias(false).build().problem(1, new int[] {100}));
    }

    /**
     * One problem per code path of the scatter kernel: stride 1 with 4-channel blocks, strided phases,
     * tap vectors (both block sizes, strides V and V/2), rank-1 paired rows (kernel 4, stride 2), rank-2
     * paired tiles in passes, and dense stride-1 tiles (kernel 3, a row of several tiles).
     */
    static List<Problem> scatterPaths() {
        int v = ScatterTuning.TAP_V;
        return List.of(
                ConvTransposeSpec.builder1d(8, 8, 3).dilation(2).padding(2).groups(2).build().problem(1, new int[] {50}),
                ConvTransposeSpec.builder1d(3, 1, 5).stride(3).padding(1).outputPadding(1).build().problem(1, new int[] {90}),
                ConvTransposeSpec.builder1d(4, 4, 3).stride(2).padding(1).build().problem(1, new int[] {70}),
                ConvTransposeSpec.builder2d(3, 3, 2 * v).stride(v).padding(2).groups(3).bias(false).build().problem(1, new int[] {3, 20}),
                ConvTransposeSpec.builder1d(2, 5, 2 * v).stride(v).build().problem(1, new int[] {30}),
                ConvTransposeSpec.builder2d(2, 2, 4, v).stride(2, v / 2).padding(1, v / 4).groups(2).build().problem(1, new int[] {4, 40}),
                ConvTransposeSpec.builder1d(8, 9, 4).stride(2).padding(1).build().problem(1, new int[] {100}),
                ConvTransposeSpec.builder1d(8, 8, 3).dilation(2).padding(2).groups(2).build().problem(1, new int[] {150}),
                ConvTransposeSpec.builder2d(20, 4, 3, 4).stride(1, 2).padding(1, 2).build().problem(1, new int[] {3, 90}));
    }

    /**
     * The sub-pixel kernel's 2-D paths: FCN's k 16 s 8 (gathered runs), and a kernel below the stride
     * (bias-only phases), each also with a fused tanh (the epilogue on the runs and on the gaps); and
     * its channels-last write-out: both geometries, and groups (one pixel's channels of a group per run).
     */
    static List<Problem> subpixelPaths() {
        return List.of(
                ConvTransposeSpec.builder2d(5, 6, 16).stride(8).padding(4).build().problem(1, new int[] {9, 10}),
                ConvTransposeSpec.builder2d(4, 3, 3).stride(5).padding(1).outputPadding(2).build().problem(1, new int[] {6, 7}),
                ConvTransposeSpec.builder2d(5, 6, 16).stride(8).padding(4).activation(dev.convt.Activation.tanh()).build()
                        .problem(1, new int[] {9, 10}),
                ConvTransposeSpec.builder2d(4, 3, 3).stride(5).padding(1).outputPadding(2).activation(dev.convt.Activation.tanh()).build()
                        .problem(1, new int[] {6, 7}),
                ConvTransposeSpec.builder2d(5, 6, 16).stride(8).padding(4).build().problem(1, new int[] {9, 10})
                        .withLayout(dev.convt.Layout.CHANNELS_LAST),
                ConvTransposeSpec.builder2d(4, 3, 3).stride(5).padding(1).outputPadding(2).build().problem(1, new int[] {6, 7})
                        .withLayout(dev.convt.Layout.CHANNELS_LAST),
                ConvTransposeSpec.builder2d(6, 4, 8).stride(4).padding(2).groups(2).build().problem(1, new int[] {5, 6})
                        .withLayout(dev.convt.Layout.CHANNELS_LAST));
    }

    /**
     * Channels-last problems, split at 2 threads (on scatter through the layout stage's transposes and
     * staging buffers; im2col and subpixel read and write channels last themselves): the padded 2-D
     * layer, the grouped 1-D one, the 3-D one, the single input position, and the sub-pixel kernel's FCN
     * geometry.
     */
    static List<Problem> channelsLast() {
        List<Problem> g = general();
        return java.util.stream.Stream.of(g.get(0), g.get(2), g.get(3), g.get(4), subpixelPaths().get(0))
                .map(p -> p.withLayout(dev.convt.Layout.CHANNELS_LAST)).toList();
    }

    /**
     * Every fast kernel on the general and channels-last problems it accepts, on every kind of {@link Memory}, plus the
     * scatter, sub-pixel and im2col kernels on each of their paths on arrays and on native segments
     * (their generated segment twins).
     */
    static List<Case> cases() {
        List<Case> cases = new ArrayList<>();
        for (Memory m : Memory.values()) {
            for (KernelChoice k : FastKernels.all()) {
                List<Problem> problems = m == Memory.FRESH_VIRTUAL_THREAD_WITH_SCRATCHPAD ? general()
                        : java.util.stream.Stream.concat(general().stream(), channelsLast().stream()).toList();
                if (m == Memory.FRESH_VIRTUAL_THREAD_WITH_SCRATCHPAD) {
                    // the per-thread state is the same for every problem of a kernel: the padded 2-D layer and the one-GEMM one
                    problems = List.of(problems.getFirst(), problems.getLast(), channelsLast().getFirst());
                }
                for (Problem p : problems) {
                    if (FastKernels.accepts(k, p)) {
                        for (int t : THREADS) {
                            cases.add(new Case(k, p, t, m));
                        }
                    }
                }
                // every path on arrays and on native segments (the generated segment twins are other
                // methods, so C2 compiles and inlines them apart); heap segments run the array code, and
                // the fresh-thread cases walk the native code on the general problems
                if ((m == Memory.ARRAY || m == Memory.NATIVE)
                        && (k == KernelChoice.SCATTER || k == KernelChoice.SUBPIXEL || k == KernelChoice.IM2COL)) {
                    for (Problem p : k == KernelChoice.SCATTER ? scatterPaths() : k == KernelChoice.SUBPIXEL ? subpixelPaths() : im2colPaths()) {
                        for (int t : THREADS) {
                            cases.add(new Case(k, p, t, m));
                        }
                    }
                }
            }
        }
        return cases;
    }

    /** The probe's argument that runs only {@link #subpixelCases()}. */
    static final String SUBPIXEL = "subpixel";

    /**
     * The sub-pixel kernel's own code: every channels-first problem of {@link #cases()} it takes
     * without a fused activation (its paths and the general problems it accepts), at 1 and 2 threads,
     * on arrays and on native segments (the generated segment twins). Not channels last: its
     * write-out is other methods of the same plan, and a JVM that has run both layouts compiles the
     * plan's part loop with both write-outs, past the parse-time inlining budget at 128 bits (the
     * channels-first gap fill then allocated without delayed inlining); both layouts in one JVM are
     * held to zero by {@link #cases()} with the JVM's default inlining. Nor the fused tanh: the
     * epilogue's loops, which C2 compiles on their own (see
     * {@code ZeroAllocationTest#subpixelAllocatesNothingWithoutDelayedInlining}).
     */
    static List<Case> subpixelCases() {
        return cases().stream().filter(c -> c.kernel() == KernelChoice.SUBPIXEL
                && (c.memory() == Memory.ARRAY || c.memory() == Memory.NATIVE)
                && c.problem().layout() == dev.convt.Layout.CHANNELS_FIRST && c.problem().spec().activation().isNone()).toList();
    }

    /**
     * The control of the fresh-thread cases: the same calls without a scratchpad, whose per-thread
     * workspace each fresh thread must make (so these must allocate: the measurement can see it).
     */
    static List<Case> controls() {
        List<Case> controls = new ArrayList<>();
        for (KernelChoice k : FastKernels.all()) {
            Problem p = general().getFirst();
            if (FastKernels.accepts(k, p)) {
                controls.add(new Case(k, p, 1, Memory.FRESH_VIRTUAL_THREAD_WITH_SCRATCHPAD));
            }
        }
        return controls;
    }

    /** One case's plan and buffers, and how one execution runs. */
    private static final class Runner {
        final Plan plan;
        final float[] x, y;
        final MemorySegment xs, ys;
        final Scratchpad scratchpad;
        final boolean freshThread;

        Runner(Case c, boolean withScratchpad, Arena arena) {
            Problem p = c.problem();
            x = TestData.uniform(p.inputLength(), 1);
            float[] w = TestData.uniform(p.weightLength(), 2);
            float[] b = p.spec().hasBias() ? TestData.uniform(p.spec().outChannels(), 3) : null;
            plan = Planner.plan(p, w, 0, b, 0, c.kernel())
                    .withParallelism(Parallelism.threads(c.threads()).withMinTaskWork(1));
            y = new float[p.outputLength()];
            freshThread = c.memory() == Memory.FRESH_VIRTUAL_THREAD_WITH_SCRATCHPAD;
            if (c.memory() == Memory.HEAP) {
                xs = MemorySegment.ofArray(x.clone());
                ys = MemorySegment.ofArray(new float[y.length]);
            } else if (c.memory() != Memory.ARRAY) {
                xs = arena.allocate(4L * x.length, 64).copyFrom(MemorySegment.ofArray(x));
                ys = arena.allocate(4L * y.length, 64);
            } else {
                xs = ys = null;
            }
            scratchpad = withScratchpad && freshThread ? plan.newScratchpad() : null;
        }

        /** Runs {@code n} executions; returns the bytes allocated inside the fresh threads (0 on the caller's thread). */
        long run(int n, com.sun.management.ThreadMXBean bean) throws InterruptedException {
            long inside = 0;
            for (int i = 0; i < n; i++) {
                if (freshThread) {
                    long[] bytes = new long[1];
                    Thread t = Thread.ofVirtual().start(() -> {
                        long before = bean.getTotalThreadAllocatedBytes();
                        if (scratchpad != null) {
                            plan.execute(xs, 0, ys, 0, plan.parallelism(), scratchpad);
                        } else {
                            plan.execute(xs, 0, ys, 0);
                        }
                        bytes[0] = bean.getTotalThreadAllocatedBytes() - before;
                    });
                    t.join();
                    inside += bytes[0];
                } else if (xs != null) {
                    plan.execute(xs, 0, ys, 0);
                } else {
                    plan.execute(x, 0, y, 0);
                }
            }
            return inside;
        }
    }

    public static void main(String[] args) throws InterruptedException {
        var bean = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        // the cases of the kind of memory given ("native" or "heap", one JVM each in ZeroAllocationTest; "subpixel": subpixelCases()), else all
        List<Case> run = args.length == 0 ? cases()
                : SUBPIXEL.equals(args[0]) ? subpixelCases() : cases("native".equals(args[0]));
        try (Arena arena = Arena.ofShared()) {
            for (Case c : run) {
                Runner r = new Runner(c, true, arena);
                long allocated = -1;
                // bounded by time, not by rounds: on a loaded machine C2's queue can hold a kernel's
                // methods for many rounds, and until then C1's code allocates its vectors
                long deadline = System.nanoTime() + PATIENCE_NANOS;
                int warmCalls = r.freshThread ? 50 : 500;
                for (int round = 0; allocated != 0 && (round < 300 || System.nanoTime() < deadline); round++) {
                    r.run(warmCalls, bean);
                    long[] workers = workerIds();
                    // the workers' counts come back in a new array: read them outside the caller's window
                    long workersBefore = sum(bean.getThreadAllocatedBytes(workers));
                    long before = bean.getCurrentThreadAllocatedBytes();
                    long inside = r.run(WINDOW, bean);
                    long callerBytes = r.freshThread ? inside : bean.getCurrentThreadAllocatedBytes() - before;
                    allocated = callerBytes + (r.freshThread ? 0 : sum(bean.getThreadAllocatedBytes(workers)) - workersBefore);
                    if (allocated != 0) {
                        Thread.sleep(20); // let a busy JIT finish compiling
                    }
                }
                System.out.println(allocated + "\t" + c.kernel().kernelName() + "\t" + c.threads() + " threads\t" + c.memory() + "\t" + c.problem());
            }
            // the controls: warm (the cases above ran the same code), then one window without the scratchpad
            for (Case c : args.length == 0 || "native".equals(args[0]) ? controls() : List.<Case>of()) {
                Runner r = new Runner(c, false, arena);
                r.run(WINDOW, bean);
                System.out.println("control\t" + r.run(WINDOW, bean) + "\t" + c.kernel().kernelName() + "\t" + c.problem());
            }
        }
    }

    /** The ids of convt's pool threads (the caller's helpers at 2 threads). */
    private static long[] workerIds() {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.getName().startsWith("convt-worker-"))
                .mapToLong(Thread::threadId).toArray();
    }

    private static long sum(long[] bytes) {
        long s = 0;
        for (long b : bytes) {
            s += Math.max(0, b);
        }
        return s;
    }
}
