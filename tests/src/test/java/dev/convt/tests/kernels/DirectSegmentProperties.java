package dev.convt.tests.kernels;

import dev.convt.Activation;
import dev.convt.ConvTransposeSpec;
import dev.convt.Layout;
import dev.convt.Parallelism;
import dev.convt.Plan;
import dev.convt.Planner;
import dev.convt.Problem;
import dev.convt.kernel.Kernel;
import dev.convt.kernel.KernelChoice;
import dev.convt.kernel.KernelPlan;
import dev.convt.testkit.Problems;
import dev.convt.testkit.TestData;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The direct paths on native segments of the kernels that have them (im2col, scatter, subpixel: their
 * Vector API code loading the input and storing the output in the caller's segments, no staging copy),
 * against their {@code float[]} paths: the same bits, on both layouts, with every activation, at one
 * and two threads, at float offsets, and nothing written outside the output region (guards on both
 * sides); on small-integer data also the reference's bits. Checked through the kernel plan itself
 * ({@link KernelPlan#execute(MemorySegment, int, MemorySegment, int, Object)} and every task of a split),
 * so a fault in a direct path cannot hide behind the planner's staging; and through {@link Plan}'s
 * segment execute, on native memory of every kind (shared, confined and automatic arenas, a direct
 * buffer), where a confined arena at two threads goes the staged way instead, as does a channels-last
 * problem of a kernel that reads or writes channels first (scatter, subpixel: the plan's layout stage
 * transposes through its staging buffers).
 *
 * <p>Besides the generic generated problems and single input positions (im2col's one-GEMM projection,
 * tap-major when channels last, as is stride 2 with kernel 2 below), the col2im families' geometries (stride 2 with kernel 2
 * and 4, stride 3 with kernel 9, 1-D stride 8 with kernel 16, stride 4 with kernel 8, stride 1) with
 * rows long enough for whole vectors at 512 bits, so every run kind of col2im (pairs, triples, lane
 * groups, plain runs, their masked and scalar tails) writes into a segment; the scatter kernel's wide
 * problems of every width path ({@link ScatterKernelTest#wide}: direct and strided phase tiles, tap
 * vectors with and without pair entries, depthwise, several passes of input channels); and the
 * subpixel kernel's problems ({@link SubpixelKernelTest#accepted}: kernels smaller than the stride,
 * whose gaps get the bias, groups, output_padding).
 */
class DirectSegmentProperties {

    /** Written around the output region: a NaN payload no kernel produces. */
    private static final float GUARD = SegmentExecuteProperties.GUARD;

    /** Native memory a caller may bring. */
    enum NativeMemory { SHARED, CONFINED, AUTO, DIRECT_BUFFER }

    @Provide
    Arbitrary<Problem> problems() {
        return Arbitraries.oneOf(Problems.problems(1, 2, 3, 10), Problems.tails(), Problems.rank3(),
                ParallelDeterminismTest.fewChannels(), Problems.singlePosition(), families(),
                ScatterKernelTest.widePaths(), ScatterKernelTest.pairedPaths(), ScatterKernelTest.densePaths(),
                SubpixelKernelTest.acceptedProblems());
    }

    /** The kernels whose plans execute native segments themselves. */
    static final List<KernelChoice> DIRECT = List.of(KernelChoice.IM2COL, KernelChoice.SCATTER, KernelChoice.SUBPIXEL);

    @Provide
    Arbitrary<Activation> exactActivations() {
        return Arbitraries.of(Activation.none(), Activation.relu(), Activation.leakyRelu(0.25f), Activation.clamp(-3, 5));
    }

    /**
     * The problem a kernel's plan computes for {@code p}: {@code p} itself where the kernel reads and
     * writes its layout; else (channels last on scatter, or on subpixel for groups of fewer output
     * channels than a vector, whose plans compute channels first behind the plan's layout stage) the
     * same problem channels first.
     */
    static Problem kernelProblem(Kernel kernel, Problem p) {
        return kernel.readsLayout(p) && kernel.writesLayout(p) ? p : p.withLayout(Layout.CHANNELS_FIRST);
    }

    /** The col2im families' geometries (as {@code Im2colKernel}'s path proxies), with rows of 17 to 70 inputs. */
    static Arbitrary<Problem> families() {
        Arbitrary<Integer> family = Arbitraries.integers().between(0, 5);
        Arbitrary<Integer> cin = Arbitraries.integers().between(4, 9);
        Arbitrary<Integer> cout = Arbitraries.integers().between(1, 5);
        Arbitrary<Integer> batch = Arbitraries.integers().between(1, 2);
        Arbitrary<Integer> width = Arbitraries.integers().between(17, 70);
        Arbitrary<Boolean> bias = Arbitraries.of(true, false);
        return Combinators.combine(family, cin, cout, batch, width, bias).as((f, ci, co, n, w, b) -> {
            ConvTransposeSpec spec = switch (f) {
                case 0 -> ConvTransposeSpec.builder2d(ci, co, 4, 4).stride(2).padding(1).bias(b).build();
                case 1 -> ConvTransposeSpec.builder2d(ci, co, 2, 2).stride(2).bias(b).build();
                case 2 -> ConvTransposeSpec.builder2d(ci, co, 9, 9).stride(3).padding(4).outputPadding(2).bias(b).build();
                case 3 -> ConvTransposeSpec.builder1d(ci, co, 16).stride(8).padding(4).bias(b).build();
                case 4 -> ConvTransposeSpec.builder1d(ci, co, 8).stride(4).padding(2).bias(b).build();
                default -> ConvTransposeSpec.builder2d(ci, co, 3, 3).padding(1).bias(b).build();
            };
            return spec.problem(n, spec.rank() == 1 ? new int[] {w} : new int[] {3, w});
        });
    }

    @Provide
    Arbitrary<Activation> activations() {
        return Arbitraries.of(Activation.none(), Activation.relu(), Activation.leakyRelu(0.25f), Activation.clamp(-0.5f, 0.75f),
                Activation.tanh(), Activation.sigmoid());
    }

    @Property
    void theKernelPlanOnNativeSegmentsGivesItsArrayBits(@ForAll("problems") Problem plain, @ForAll("activations") Activation act,
                                                        @ForAll Layout layout, @ForAll @IntRange(min = 0, max = 5) int xOff,
                                                        @ForAll @IntRange(min = 0, max = 5) int yOff,
                                                        @ForAll @LongRange(min = 0, max = 1000) long seed) {
        checkKernelPlans(ActivationAgreementTest.with(plain, act).withLayout(layout), xOff, yOff, seed, false);
    }

    @Property
    void theKernelPlanOnNativeSegmentsGivesTheReferenceBitsOnSmallIntegers(
            @ForAll("problems") Problem plain, @ForAll("exactActivations") Activation act, @ForAll Layout layout,
            @ForAll @IntRange(min = 0, max = 5) int xOff, @ForAll @IntRange(min = 0, max = 5) int yOff,
            @ForAll @LongRange(min = 0, max = 1000) long seed) {
        checkKernelPlans(ActivationAgreementTest.with(plain, act).withLayout(layout), xOff, yOff, seed, true);
    }

    /** Seeded test data of a length: {@link TestData#smallInts} or {@link TestData#uniform}. */
    private interface Data {
        float[] of(int length, long seed);
    }

    /**
     * Each direct kernel that takes the problem, through its kernel plan: on uniform data against its
     * own {@code float[]} execute, or on small integers against the reference plan (which gives a
     * channels-last problem's output in its layout).
     */
    private static void checkKernelPlans(Problem planned, int xOff, int yOff, long seed, boolean againstReference) {
        for (KernelChoice k : DIRECT) {
            Kernel kernel = Planner.kernel(k);
            Problem p = kernelProblem(kernel, planned);
            if (kernel.declineReason(p) != null) {
                continue;
            }
            Data data = againstReference ? TestData::smallInts : TestData::uniform;
            float[] x = data.of(p.inputLength(), seed);
            float[] w = data.of(p.weightLength(), seed + 1);
            float[] b = p.spec().hasBias() ? data.of(p.biasLength(), seed + 2) : null;
            KernelPlan plan = kernel.prepare(p, w, 0, b, 0);
            float[] expected;
            if (againstReference) {
                expected = Planner.plan(p, w, 0, b, 0, KernelChoice.REFERENCE).execute(x);
            } else {
                expected = new float[p.outputLength()];
                plan.execute(x, 0, expected, 0, null);
            }
            assertKernelPlanSegments(k, plan, p, x, xOff, yOff, expected);
        }
    }

    /**
     * The plan's execute on native segments (input at float {@code xOff} after garbage, output at
     * float {@code yOff} between guards), and every task of its split on its own, on segments and on
     * arrays, each give {@code expected} bit for bit and write nothing outside the output.
     */
    private static void assertKernelPlanSegments(KernelChoice k, KernelPlan plan, Problem p, float[] x, int xOff, int yOff,
                                                 float[] expected) {
        // every kernel here has segment twins; the plan says whether Plan routes native segments to them
        assertTrue(plan.executesSegments(), () -> k + " stages native segments through arrays: " + p);
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment xs = input(arena.allocate(4L * (xOff + x.length), 4), x, xOff);
            MemorySegment ys = guarded(arena.allocate(4L * (yOff + p.outputLength() + 3), 4));
            plan.execute(xs, xOff, ys, yOff, null);
            assertEquals(-1, FastKernels.firstBitDifference(expected, output(ys, yOff, p, k + " execute")),
                    () -> k + "'s execute on native segments differs from the expected bits: " + p);

            // every task of a split, each on its own, on segments and on arrays: the same bits
            KernelPlan.Tasks tasks = plan.tasks(2, 1);
            if (tasks != null) {
                float[] byTasks = new float[p.outputLength()];
                MemorySegment ts = guarded(arena.allocate(4L * (yOff + p.outputLength() + 3), 4));
                for (int t = tasks.count() - 1; t >= 0; t--) {
                    tasks.run(t, x, 0, byTasks, 0, null);
                    tasks.run(t, xs, xOff, ts, yOff, null);
                }
                assertEquals(-1, FastKernels.firstBitDifference(expected, byTasks), () -> k + "'s tasks on arrays: " + p);
                assertEquals(-1, FastKernels.firstBitDifference(expected, output(ts, yOff, p, k + " tasks")),
                        () -> k + "'s tasks on native segments differ from the expected bits: " + p);
            }
        }
    }

    @Property
    void planExecutesOnNativeMemoryGiveTheArrayBits(@ForAll("problems") Problem plain, @ForAll("activations") Activation act,
                                                    @ForAll Layout layout, @ForAll NativeMemory memory,
                                                    @ForAll @IntRange(min = 0, max = 5) int xOff,
                                                    @ForAll @IntRange(min = 0, max = 5) int yOff,
                                                    @ForAll @IntRange(min = 1, max = 2) int threads, @ForAll boolean scratchpad,
                                                    @ForAll @LongRange(min = 0, max = 1000) long seed) {
        Problem p = ActivationAgreementTest.with(plain, act).withLayout(layout);
        float[] x = TestData.uniform(p.inputLength(), seed);
        float[] w = TestData.uniform(p.weightLength(), seed + 1);
        float[] b = p.spec().hasBias() ? TestData.uniform(p.biasLength(), seed + 2) : null;
        Parallelism par = Parallelism.threads(threads).withMinTaskWork(1);
        for (KernelChoice k : DIRECT) {
            if (!FastKernels.accepts(k, p)) {
                continue;
            }
            Plan plan = Planner.plan(p, w, 0, b, 0, k).withParallelism(par);
            float[] expected = plan.execute(x);
            try (Arena confined = Arena.ofConfined(); Arena shared = Arena.ofShared()) {
                MemorySegment xs = allocate(memory, confined, shared, xOff + x.length);
                MemorySegment ys = allocate(memory, confined, shared, yOff + p.outputLength() + 3);
                input(xs, x, xOff);
                guarded(ys);
                // twice: the second call finds the plan's and the thread's state made by the first
                for (int call = 0; call < 2; call++) {
                    plan.execute(xs, 4L * xOff, ys, 4L * yOff, par, scratchpad ? plan.newScratchpad() : null);
                    float[] got = output(ys, yOff, p, memory.toString());
                    assertEquals(-1, FastKernels.firstBitDifference(expected, got),
                            () -> k + " on " + memory + " native segments at " + threads + " threads differs from its float[] execute: " + p);
                }
            }
        }
    }

    /** Native memory of the given kind, {@code floats} long (plus a spare byte: a size need not be whole floats). */
    private static MemorySegment allocate(NativeMemory memory, Arena confined, Arena shared, int floats) {
        long bytes = 4L * floats + 1;
        MemorySegment s = switch (memory) {
            case SHARED -> shared.allocate(bytes, 4);
            case CONFINED -> confined.allocate(bytes, 4);
            case AUTO -> Arena.ofAuto().allocate(bytes, 4);
            case DIRECT_BUFFER -> MemorySegment.ofBuffer(ByteBuffer.allocateDirect((int) bytes + 3).order(ByteOrder.nativeOrder())
                    .asFloatBuffer());
        };
        assertTrue(s.isNative(), memory + " is native memory");
        return s;
    }

    /** Writes {@code data} at float {@code off} of the segment, garbage (1e30) before it. */
    private static MemorySegment input(MemorySegment s, float[] data, int off) {
        for (int i = 0; i < off; i++) {
            s.setAtIndex(ValueLayout.JAVA_FLOAT, i, 1e30f);
        }
        MemorySegment.copy(data, 0, s, ValueLayout.JAVA_FLOAT, 4L * off, data.length);
        return s;
    }

    /** Fills the whole segment (its whole floats) with {@link #GUARD}. */
    private static MemorySegment guarded(MemorySegment s) {
        for (long i = 0; i < s.byteSize() / 4; i++) {
            s.setAtIndex(ValueLayout.JAVA_FLOAT, i, GUARD);
        }
        return s;
    }

    /** The output region at float {@code off}, after checking that every float outside it is still a guard. */
    private static float[] output(MemorySegment s, int off, Problem p, String what) {
        float[] all = s.asSlice(0, s.byteSize() / 4 * 4).toArray(ValueLayout.JAVA_FLOAT);
        for (int i = 0; i < all.length; i++) {
            if (i < off || i >= off + p.outputLength()) {
                int at = i;
                assertEquals(Float.floatToRawIntBits(GUARD), Float.floatToRawIntBits(all[i]),
                        () -> what + " wrote outside the output at float " + at + " (output at " + off + ", "
                                + p.outputLength() + " long): " + p);
            }
        }
        return Arrays.copyOfRange(all, off, off + p.outputLength());
    }
}
