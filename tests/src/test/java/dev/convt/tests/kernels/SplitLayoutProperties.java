package dev.convt.tests.kernels;

import dev.convt.ConvTransposeSpec;
import dev.convt.Problem;
import dev.convt.kernel.KernelChoice;
import dev.convt.kernel.KernelPlan;
import dev.convt.Planner;
import dev.convt.testkit.Problems;
import dev.convt.testkit.TestData;
import dev.convt.vector.gemm.Blocking;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;

import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The tasks a kernel cuts an execute into ({@link KernelPlan#tasks}), run one at a time into an
 * output filled with a value no small-integer result can take, so each task's written elements show:
 * <ul>
 * <li>the tasks partition the output (the contract: no element written by two tasks, none by none),
 *     and together write {@link KernelPlan#execute}'s bits;</li>
 * <li>every task writes something (a task with nothing to do is a hand-off for nothing);</li>
 * <li>im2col's and scatter's part of an output plane starts at the plane's start or on a 64-byte
 *     boundary of the plane (16 floats: im2col's bands and scatter's row ranges, "so two threads
 *     rarely share a cache line of output"), or, for a rank-3 output with several depth slices, on a
 *     whole depth slice (the sub-pixel kernel's tasks are ranges of super-pixels, not of the plane);</li>
 * <li>im2col's channel blocks start on an A panel: a block's first output channel {@code c} within
 *     its group has {@code c · Πk} a multiple of the GEMM's {@link Blocking#MR} rows.</li>
 * </ul>
 * The least work per task is 1 multiply-add so these small problems split as far as they can.
 */
class SplitLayoutProperties {
    /** Not an integer: no small-integer output equals it, so an element still holding it was not written. */
    private static final float UNWRITTEN = 0.4375f;

    @Provide
    Arbitrary<Problem> problems() {
        return Arbitraries.oneOf(Problems.problems(1, 2, 4, 12), ParallelDeterminismTest.fewChannels(), Problems.rank3(),
                Problems.singlePosition(), new LayoutAgreementTest().strideIsKernelProblems());
    }

    @Property
    void tasksPartitionTheOutputOnAlignedBoundaries(@ForAll("problems") Problem p, @ForAll @IntRange(min = 2, max = 8) int threads) {
        for (KernelChoice k : FastKernels.all()) {
            if (FastKernels.accepts(k, p)) {
                checkSplit(k, p, threads);
            }
        }
    }

    /**
     * The sub-pixel split leaves out the parts that write nothing: here the padding crops the first
     * output row, and the last band of super-pixels has no phase among the last columns (found by the
     * property above, shrunk; that task used to compute a GEMM tile and write none of it).
     */
    @Example
    void theSubpixelSplitGivesNoTaskThatWritesNothing() {
        Problem p = ConvTransposeSpec.builder2d(1, 3, 3, 4).stride(3, 4).padding(1, 0).outputPadding(0, 1).build()
                .problem(1, new int[] {4, 4});
        for (int threads = 2; threads <= 4; threads++) {
            checkSplit(KernelChoice.SUBPIXEL, p, threads);
        }
    }

    /**
     * Bands stay long beside their halo (FSRCNN's last layer: kernel 9, stride 3, so each band also
     * computes about two input rows beyond each edge): as many bands as threads on two and four
     * threads, where eight bands of 45 output rows computed about a fifth of the GEMM twice; still a
     * partition on aligned boundaries.
     */
    @Example
    void bandsStayLongBesideTheirHalo() {
        Problem p = ConvTransposeSpec.builder2d(56, 1, 9).stride(3).padding(4).outputPadding(2).build()
                .problem(1, new int[] {120, 120});
        float[] w = TestData.smallInts(p.weightLength(), 4);
        KernelPlan plan = Planner.kernel(KernelChoice.IM2COL).prepare(p, w, 0, null, 0);
        for (int threads : new int[] {2, 4}) {
            assertEquals(threads, plan.tasks(threads, dev.convt.Parallelism.DEFAULT_MIN_TASK_WORK).count(), threads + " threads");
            checkSplit(KernelChoice.IM2COL, p, threads);
        }
    }

    /**
     * Each way of splitting (groups, channel blocks, images, row, column and depth bands, scatter rows, a
     * single-position GEMM), and more groups than tasks (ranges of several whole groups).
     */
    @Example
    void eachWayOfSplittingPartitionsOnAlignedBoundaries() {
        List<Problem> shapes = new java.util.ArrayList<>(ParallelDeterminismTest.splitShapes());
        shapes.add(ConvTransposeSpec.builder2d(12, 6, 3).stride(2).groups(6).build().problem(1, new int[] {10, 10}));
        for (Problem p : shapes) {
            for (int threads : new int[] {2}) {
                for (KernelChoice k : FastKernels.all()) {
                    if (FastKernels.accepts(k, p)) {
                        checkSplit(k, p, threads);
                    }
                }
            }
        }
    }

    /**
     * im2col's bands of output rows (and of output columns, and depth slices) under a dilated kernel:
     * each band narrows every tap's input range to the inputs whose output {@code i·s − p + t·d} falls
     * in the band, which with dilation 3 differs from tap 1 on between {@code t·d} and anything else.
     * One image and few channels, so the split is into bands (the 3-D case has output depth 32, at
     * least two bands of twice its depth reach of 7: its two channels are one block for an 8-row tile).
     */
    @Example
    void im2colBandsOfADilatedKernel() {
        List<Problem> shapes = List.of(
                ConvTransposeSpec.builder2d(2, 2, 3).dilation(3).padding(2).build().problem(1, new int[] {40, 33}),
                ConvTransposeSpec.builder1d(2, 2, 3).dilation(3).stride(2).padding(1).build().problem(1, new int[] {700}),
                ConvTransposeSpec.builder(3, 2, 2, new int[] {3, 2, 2}).dilation(3, 1, 1).padding(2, 0, 0)
                        .build().problem(1, new int[] {30, 5, 6}));
        for (Problem p : shapes) {
            KernelPlan plan = Planner.kernel(KernelChoice.IM2COL).prepare(p, TestData.smallInts(p.weightLength(), 1), 0,
                    TestData.smallInts(p.biasLength(), 2), 0);
            KernelPlan.Tasks tasks = plan.tasks(3, 1);
            assertNotNull(tasks, () -> "im2col did not split " + p);
            checkSplit(KernelChoice.IM2COL, p, 3);
        }
    }

    /**
     * The sub-pixel kernel's GEMM column ranges (few super-pixels, many output channels) with phases
     * that have no tap (kernel 3 < stride 5): each channel's bias-only outputs belong to the one range
     * holding the channel's first column, so no two tasks write them.
     */
    @Example
    void subpixelColumnRangesWithBiasOnlyPhases() {
        Problem p = ConvTransposeSpec.builder2d(4, 100, 3).stride(5).padding(1).build().problem(1, new int[] {2, 3});
        for (int threads = 2; threads <= 5; threads++) {
            KernelPlan plan = Planner.kernel(KernelChoice.SUBPIXEL).prepare(p, TestData.smallInts(p.weightLength(), 1), 0,
                    TestData.smallInts(p.biasLength(), 2), 0);
            KernelPlan.Tasks tasks = plan.tasks(threads, 1);
            assertNotNull(tasks, () -> "the sub-pixel kernel did not split " + p);
            checkSplit(KernelChoice.SUBPIXEL, p, threads);
        }
    }

    /**
     * The least work per task decides whether to split: far above a problem's multiply-adds (every
     * tap of every input counted, 2^40 here) no kernel splits it; at 1 multiply-add, two images are
     * enough for two tasks on two threads, and so are two output rows of 16 floats for scatter (the
     * second starts on a 64-byte boundary).
     */
    @Example
    void theLeastWorkPerTaskDecidesWhetherToSplit() {
        for (Problem p : ParallelDeterminismTest.splitShapes()) {
            for (KernelChoice k : FastKernels.all()) {
                if (FastKernels.accepts(k, p)) {
                    KernelPlan plan = Planner.kernel(k).prepare(p, TestData.smallInts(p.weightLength(), 1), 0,
                            p.spec().hasBias() ? TestData.smallInts(p.biasLength(), 2) : null, 0);
                    assertNull(plan.tasks(8, 1L << 40), k.kernelName() + " split a problem of far less work than one task: " + p);
                }
            }
        }
        Problem twoImages = ConvTransposeSpec.builder1d(1, 1, 2).build().problem(2, new int[] {8});
        Problem twoRows = ConvTransposeSpec.builder2d(1, 1, 1).build().problem(1, new int[] {2, 16});
        for (Problem p : List.of(twoImages, twoRows)) {
            for (KernelChoice k : FastKernels.all()) {
                // im2col keeps two rows together (a band narrower than twice the kernel's reach is mostly halo)
                boolean splits = p == twoImages ? k != KernelChoice.SUBPIXEL : k == KernelChoice.SCATTER;
                if (FastKernels.accepts(k, p) && splits) {
                    KernelPlan plan = Planner.kernel(k).prepare(p, TestData.smallInts(p.weightLength(), 1), 0,
                            TestData.smallInts(p.biasLength(), 2), 0);
                    KernelPlan.Tasks tasks = plan.tasks(2, 1);
                    assertNotNull(tasks, k.kernelName() + " did not split " + p);
                    assertEquals(2, tasks.count(), k.kernelName() + " " + p);
                    checkSplit(k, p, 2);
                }
            }
        }
    }

    /**
     * im2col problems whose GEMM has more rows than columns (the weights' side first: channel blocks) but
     * fewer output channels per group than one panel-aligned channel step (2 channels × 9 taps: a block
     * must start on a multiple of MR / gcd(9, MR) channels): they cannot be cut by channel, so every task
     * still writes something and the tasks partition the output, at 2 to 8 threads.
     */
    @Example
    void im2colRowsFirstWithFewerChannelsThanOneStep() {
        List<Problem> shapes = List.of(
                ConvTransposeSpec.builder2d(4, 2, 3).stride(2).build().problem(1, new int[] {3, 3}),
                ConvTransposeSpec.builder2d(4, 2, 3).groups(2).build().problem(1, new int[] {2, 3}),
                ConvTransposeSpec.builder1d(4, 3, 9).stride(4).build().problem(2, new int[] {5}));
        for (Problem p : shapes) {
            for (int threads = 2; threads <= 8; threads *= 2) {
                if (FastKernels.accepts(KernelChoice.IM2COL, p)) {
                    checkSplit(KernelChoice.IM2COL, p, threads);
                }
            }
        }
    }

    /**
     * Channels last on the kernels that read and write it themselves (im2col's sliding window of a
     * channels-last output, the sub-pixel kernel's columns in pixel order, whose bias-only outputs
     * belong to the task holding their channel's first column): the tasks still partition the output
     * and together write {@link KernelPlan#execute}'s bits. Tall inputs make im2col's window slide.
     * A task may write nothing here: a sub-pixel column range in (phase, channel) order can hold only
     * phases that padding crops from every output pixel (seen with the 128-bit tile's narrow panels).
     */
    @Property(tries = 40)
    void channelsLastTasksPartitionTheOutput(@ForAll("problems") Problem p, @ForAll @IntRange(min = 2, max = 8) int threads,
                                             @ForAll boolean tall) {
        Problem q = tall && p.rank() < 3 ? p.spec().problem(p.batch(), tallInput(p.inputSpatial())) : p;
        if (q.outputLength() > 300_000) {
            q = p; // a tall output this large makes a slow test, not a different path
        }
        Problem last = q.withLayout(dev.convt.Layout.CHANNELS_LAST);
        for (KernelChoice k : FastKernels.all()) {
            if (FastKernels.accepts(k, last) && Planner.kernel(k).readsLayout(last) && Planner.kernel(k).writesLayout(last)) {
                checkPartition(k, last, threads, false, (t, i, y, what) -> { });
            }
        }
    }

    /** The input's first spatial size made tall enough (300) that a column tile of 1,024 covers part of it. */
    private static int[] tallInput(int[] spatial) {
        int[] s = spatial.clone();
        s[0] = Math.max(s[0], spatial.length == 1 ? 2500 : 300);
        return s;
    }

    /**
     * im2col's one-GEMM path channels last, kernel 3 = stride 3 over 200 positions on one image: its
     * tasks are bands of the output whose edges (multiples of 16 positions) fall inside an input
     * position's three outputs, so two bands compute that position and each must write only its own
     * outputs of it.
     */
    @Example
    void tapMajorBandsSplitAnInputPositionsOutputs() {
        Problem p = ConvTransposeSpec.builder1d(4, 16, 3).stride(3).build().problem(1, new int[] {200})
                .withLayout(dev.convt.Layout.CHANNELS_LAST);
        assertTrue(Planner.kernel(KernelChoice.IM2COL).packLayout(p).equals("projection-b-tap-major"), p::toString);
        for (int threads = 2; threads <= 4; threads++) {
            checkPartition(KernelChoice.IM2COL, p, threads, true, (t, i, y, what) -> { });
        }
    }

    /**
     * im2col's tasks come longest first: threads claim tasks in index order, and bands cut on steps
     * that do not divide evenly (here 25 steps of 2 output rows into 8 bands, as U-Net's last layer cuts
     * 196 into 8) must not leave the longer ones at every other index, all for the same thread. With
     * kernel = stride there is no halo, so a band's work is its outputs: each task writes no more than
     * the one before it, and the tasks are not all alike (else this would prove nothing).
     */
    @Example
    void im2colTasksComeLongestFirst() {
        Problem p = ConvTransposeSpec.builder2d(8, 4, 2).stride(2).build().problem(1, new int[] {25, 12});
        KernelPlan plan = Planner.kernel(KernelChoice.IM2COL).prepare(p, TestData.smallInts(p.weightLength(), 1), 0,
                TestData.smallInts(p.biasLength(), 2), 0);
        KernelPlan.Tasks tasks = plan.tasks(2, 1);
        assertNotNull(tasks, () -> "im2col did not split " + p);
        float[] x = TestData.smallInts(p.inputLength(), 3);
        int[] written = new int[tasks.count()];
        for (int t = 0; t < tasks.count(); t++) {
            float[] y = new float[p.outputLength()];
            Arrays.fill(y, UNWRITTEN);
            tasks.run(t, x, 0, y, 0, null);
            for (float v : y) {
                written[t] += Float.floatToRawIntBits(v) == Float.floatToRawIntBits(UNWRITTEN) ? 0 : 1;
            }
        }
        String what = "outputs written per task " + Arrays.toString(written) + " (" + p + ")";
        for (int t = 1; t < written.length; t++) {
            assertTrue(written[t] <= written[t - 1], what);
        }
        assertTrue(written[0] > written[written.length - 1], what);
        checkSplit(KernelChoice.IM2COL, p, 2);
    }

    /** A check of one element a task wrote: task {@code t} wrote {@code y[i]} (the rest of y unwritten). */
    interface WrittenElement {
        void check(int t, int i, float[] y, String what);
    }

    /**
     * The tasks write disjoint elements that together are {@link KernelPlan#execute}'s output, each
     * task something where {@code everyTaskWrites}, and {@code each} checks every written element.
     */
    static void checkPartition(KernelChoice k, Problem p, int threads, boolean everyTaskWrites, WrittenElement each) {
        float[] x = TestData.smallInts(p.inputLength(), 3);
        float[] w = TestData.smallInts(p.weightLength(), 4);
        float[] b = p.spec().hasBias() ? TestData.smallInts(p.biasLength(), 5) : null;
        KernelPlan plan = Planner.kernel(k).prepare(p, w, 0, b, 0);
        KernelPlan.Tasks tasks = plan.tasks(threads, 1);
        if (tasks == null) {
            return;
        }
        String what = k.kernelName() + " on " + threads + " threads, " + tasks.count() + " tasks: " + p;
        int length = p.outputLength();
        float[] whole = new float[length];
        plan.execute(x, 0, whole, 0);
        int[] owner = new int[length];
        Arrays.fill(owner, -1);
        float[] union = new float[length];
        for (int t = 0; t < tasks.count(); t++) {
            float[] y = new float[length];
            Arrays.fill(y, UNWRITTEN);
            tasks.run(t, x, 0, y, 0, null);
            int written = 0;
            for (int i = 0; i < length; i++) {
                if (Float.floatToRawIntBits(y[i]) == Float.floatToRawIntBits(UNWRITTEN)) {
                    continue;
                }
                written++;
                if (owner[i] >= 0) {
                    fail("element " + i + " written by tasks " + owner[i] + " and " + t + " (" + what + ")");
                }
                owner[i] = t;
                union[i] = y[i];
                each.check(t, i, y, what);
            }
            if (written == 0 && everyTaskWrites) {
                fail("task " + t + " writes nothing (" + what + ")");
            }
        }
        for (int i = 0; i < length; i++) {
            if (owner[i] < 0) {
                fail("element " + i + " written by no task (" + what + ")");
            }
        }
        assertEquals(-1, FastKernels.firstBitDifference(whole, union), what);
    }

    /** {@link #checkPartition}, and each task's part of a plane and its first channel on the boundaries the class comment gives. */
    static void checkSplit(KernelChoice k, Problem p, int threads) {
        int plane = p.outputPlane();
        int[] out = p.outputShape();
        int depthSlice = p.rank() == 3 && out[out.length - 3] > 1 ? out[out.length - 2] * out[out.length - 1] : 0;
        int taps = p.spec().kernelVolume();
        int coPerG = p.spec().outChannelsPerGroup();
        checkPartition(k, p, threads, true, (t, i, y, what) -> {
            int pos = i % plane;
            boolean firstInPlane = pos == 0 || Float.floatToRawIntBits(y[i - 1]) == Float.floatToRawIntBits(UNWRITTEN);
            if (firstInPlane && pos != 0 && k != KernelChoice.SUBPIXEL) {
                int align = depthSlice > 0 ? depthSlice : 16;
                if (pos % align != 0) {
                    fail("task " + t + " starts plane " + i / plane + " at position " + pos + ", not a multiple of " + align + " (" + what + ")");
                }
            }
            int channel = i / plane % p.spec().outChannels();
            boolean firstChannel = channel == 0 || Float.floatToRawIntBits(y[i - plane]) == Float.floatToRawIntBits(UNWRITTEN);
            if (k == KernelChoice.IM2COL && firstChannel && (channel % coPerG) * taps % Blocking.MR != 0) {
                fail("task " + t + " starts at output channel " + channel + " (" + channel % coPerG + " of its group, "
                        + taps + " taps): not on an A panel of " + Blocking.MR + " rows (" + what + ")");
            }
        });
    }
}
