package dev.convt.tests.kernels;

import dev.convt.Activation;
import dev.convt.ConvTransposeSpec;
import dev.convt.Layout;
import dev.convt.Parallelism;
import dev.convt.Plan;
import dev.convt.Planner;
import dev.convt.Problem;
import dev.convt.kernel.KernelChoice;
import dev.convt.testkit.Problems;
import dev.convt.testkit.TestData;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Channels-last problems ({@link Layout#CHANNELS_LAST}: NLC, NHWC, NDHWC) on every kernel, the
 * reference included: executing on the channels-last input (the channels-first input transposed by
 * this test's own loops) writes exactly the channels-first output transposed, bit for bit on
 * small-integer data, at one thread and at two (every problem split as far as its kernel splits),
 * with nothing written outside the output. Ranks 1–3, groups, padding, dilation, output_padding,
 * single input positions (im2col's one-GEMM path), the sub-pixel kernel's geometries, and the
 * activations whose result on integers is exact.
 */
public class LayoutAgreementTest {

    private static final int GUARD = 13;
    private static final float SENTINEL = -3.25f;

    @Provide
    Arbitrary<Problem> problems() {
        Arbitrary<Problem> shapes = Arbitraries.oneOf(Problems.problems(1, 2, 3, 9), Problems.tails(), Problems.rank3(),
                Problems.singlePosition(), ParallelDeterminismTest.fewChannels(), new SubpixelKernelTest().accepted());
        Arbitrary<Activation> acts = Arbitraries.of(Activation.none(), Activation.relu(), Activation.leakyRelu(0.25f),
                Activation.clamp(-3, 5));
        return net.jqwik.api.Combinators.combine(shapes, acts).as(ActivationAgreementTest::with);
    }

    /**
     * im2col on a channels-last input whose GEMM column tiles ({@link dev.convt.vector.gemm.Blocking#ncFor})
     * start inside an image: 2 images of 1,500 positions with 3 input channels make 3,000 columns in
     * tiles of 1,024, so the second and third tiles begin at positions 1,024 and 548 of their image, and
     * the packing of a channels-last column run must start at that position. Checked against the
     * reference's channels-first output transposed, at one thread and split at two.
     */
    @Example
    void im2colColumnTilesStartingInsideAChannelsLastImage() {
        Problem p = ConvTransposeSpec.builder1d(3, 2, 3).stride(2).build().problem(2, new int[] {1500});
        assertTrue(dev.convt.vector.gemm.Blocking.ncFor(3) < 1500, "a tile must end inside the first image");
        float[] x = TestData.smallInts(p.inputLength(), 51), w = TestData.smallInts(p.weightLength(), 52);
        float[] b = TestData.smallInts(2, 53);
        float[] expected = channelsLast(FastKernels.reference(p, x, w, b), p.batch(), 2, p.outputPlane());
        float[] xLast = channelsLast(x, p.batch(), 3, p.inputPlane());
        Problem last = p.withLayout(Layout.CHANNELS_LAST);
        for (int threads = 1; threads <= 2; threads++) {
            float[] got = new float[p.outputLength()];
            Planner.plan(last, w, 0, b, 0, KernelChoice.IM2COL).execute(xLast, 0, got, 0,
                    Parallelism.threads(threads).withMinTaskWork(1));
            int at = FastKernels.firstBitDifference(expected, got);
            assertEquals(-1, at, "im2col at " + threads + " threads differs at " + at);
        }
    }

    /**
     * The layout stage's transposes split into tasks whose row ranges cross an image boundary: 3 images
     * of 11 input positions (the input transpose's rows) and 11 output channels (the output transpose's
     * rows) make 33 rows in each, cut into 16 tasks of rows [⌊33t/16⌋, ⌊33(t+1)/16⌋), so task 5 holds
     * rows 10 and 11: the last row of the first image and the first of the second. At two threads every
     * kernel, the reference included, must give the reference's channels-first output transposed.
     */
    @Example
    void layoutTransposeTasksCrossingAnImageBoundary() {
        Problem p = ConvTransposeSpec.builder1d(2, 11, 3).stride(2).build().problem(3, new int[] {11});
        float[] x = TestData.smallInts(p.inputLength(), 61), w = TestData.smallInts(p.weightLength(), 62);
        float[] b = TestData.smallInts(11, 63);
        float[] expected = channelsLast(FastKernels.reference(p, x, w, b), 3, 11, p.outputPlane());
        float[] xLast = channelsLast(x, 3, 2, 11);
        Problem last = p.withLayout(Layout.CHANNELS_LAST);
        List<KernelChoice> kernels = new ArrayList<>(FastKernels.all());
        kernels.add(KernelChoice.REFERENCE);
        for (KernelChoice k : kernels) {
            if (Planner.kernel(k).declineReason(last) != null) {
                continue;
            }
            float[] got = new float[p.outputLength()];
            Planner.plan(last, w, 0, b, 0, k).execute(xLast, 0, got, 0, Parallelism.threads(2).withMinTaskWork(1));
            int at = FastKernels.firstBitDifference(expected, got);
            assertEquals(-1, at, k + " at two threads differs at " + at);
        }
    }

    /**
     * Outputs tall enough that im2col's channels-first window of a channels-last output is smaller than
     * the output, so it slides: 1-D inputs of 2,200 to 3,000 positions, 2-D inputs of 180 to 300 rows
     * of 8 to 14 (column tiles of up to 1,024 columns then span some hundred rows and several tiles
     * pass through the window), and 2-D inputs of one row with a kernel taller than one (an output
     * row is then reached by every column, so the window holds whole images) over 8 images; kernels
     * with and without overlap (single cover), padding, dilation, groups, and the exact activations.
     */
    @Provide
    Arbitrary<Problem> tallProblems() {
        Arbitrary<List<Integer>> genes = Arbitraries.integers().between(0, 1 << 20).list().ofSize(9);
        Arbitrary<Activation> acts = Arbitraries.of(Activation.none(), Activation.relu(), Activation.clamp(-3, 5));
        return net.jqwik.api.Combinators.combine(genes, acts).as((g, act) -> {
            int shape = g.get(0) % 3;
            int rank = shape == 0 ? 1 : 2;
            int k = 1 + g.get(1) % 4, s = 1 + g.get(2) % 3, d = 1 + g.get(3) % 2;
            int pad = Math.min(g.get(4) % k, ((k - 1) * d) / 2);
            int groups = g.get(5) % 3 == 0 ? 2 : 1;
            int cin = groups * (1 + g.get(6) % 3), cout = groups * (1 + g.get(7) % 3);
            int[] ks = new int[rank], ss = new int[rank], ps = new int[rank], ds = new int[rank], in;
            Arrays.fill(ks, k);
            Arrays.fill(ss, s);
            Arrays.fill(ps, pad);
            Arrays.fill(ds, d);
            int batch = 1 + g.get(8) % 2;
            if (shape == 0) {
                in = new int[] {2200 + g.get(8) % 800};
            } else if (shape == 1) {
                in = new int[] {180 + g.get(8) % 120, 8 + g.get(6) % 7};
            } else {
                in = new int[] {1, 220 + g.get(8) % 80};
                ks[0] = 2 + g.get(1) % 2;
                ps[0] = 0;
                batch = 8;
            }
            ConvTransposeSpec spec = ConvTransposeSpec.builder(rank, cin, cout, ks).stride(ss).padding(ps).dilation(ds)
                    .groups(groups).bias(g.get(5) % 2 == 0).activation(act).build();
            return spec.problem(batch, in);
        });
    }

    @Property(tries = 40)
    void im2colWindowSlidesAlongTallChannelsLastOutputs(@ForAll("tallProblems") Problem p,
                                                       @ForAll @IntRange(min = 1, max = 2) int threads,
                                                       @ForAll @LongRange(min = 0, max = 1000) long seed) {
        assertTrue(FastKernels.all().contains(KernelChoice.IM2COL), "the im2col kernel is not available: " + FastKernels.all());
        float[] x = TestData.smallInts(p.inputLength(), seed);
        float[] w = TestData.smallInts(p.weightLength(), seed + 1);
        float[] b = p.spec().hasBias() ? TestData.smallInts(p.biasLength(), seed + 2) : null;
        Problem last = p.withLayout(Layout.CHANNELS_LAST);
        Parallelism par = Parallelism.threads(threads).withMinTaskWork(1);
        Plan firstPlan = Planner.plan(p, w, 0, b, 0, KernelChoice.IM2COL), lastPlan = Planner.plan(last, w, 0, b, 0, KernelChoice.IM2COL);
        assertTrue(lastPlan.workspaceBytes() < firstPlan.workspaceBytes() + 4L * p.outputLength(),
                "the window must be smaller than the output, or it does not slide: " + last);
        float[] first = new float[p.outputLength()];
        firstPlan.execute(x, 0, first, 0, par);
        float[] expected = channelsLast(first, p.batch(), p.spec().outChannels(), p.outputPlane());
        float[] got = guarded(p.outputLength());
        lastPlan.execute(channelsLast(x, p.batch(), p.spec().inChannels(), p.inputPlane()), 0, got, GUARD, par);
        checkGuards(got, p.outputLength(), "im2col at " + threads + " threads on " + last);
        int at = FastKernels.firstBitDifference(expected, Arrays.copyOfRange(got, GUARD, GUARD + p.outputLength()));
        assertEquals(-1, at, "im2col at " + threads + " threads: channels-last output differs from the channels-first one "
                + "transposed at " + at + " (" + last + ")");
    }

    /**
     * Channels-last layers whose stride equals the kernel along every axis with more than one input
     * position (no padding, dilation 1; an axis of one position may have any stride), which im2col
     * computes as one GEMM with the input positions as its rows and stores each tap's channels straight
     * into the output ({@code Im2colProjection}, tap-major): ranks 1–3, axes of one position, kernels
     * of 1–3 per axis, groups, bias or none, the exact activations, more rows than one GEMM block
     * ({@code MC}) and fewer than one panel, over 1–3 images; now and then (rank 1) more input channels
     * per group than one K block ({@link dev.convt.vector.gemm.Blocking#KC}).
     */
    @Provide
    Arbitrary<Problem> strideIsKernelProblems() {
        return strideIsKernelProblems(Arbitraries.of(Activation.none(), Activation.relu(), Activation.clamp(-3, 5)));
    }

    static Arbitrary<Problem> strideIsKernelProblems(Arbitrary<Activation> acts) {
        Arbitrary<List<Integer>> genes = Arbitraries.integers().between(0, 1 << 20).list().ofSize(9);
        return net.jqwik.api.Combinators.combine(genes, acts).as((g, act) -> {
            int rank = 1 + g.get(0) % 3;
            int[] ks = new int[rank], ss = new int[rank], in = new int[rank];
            for (int a = 0; a < rank; a++) {
                ks[a] = 1 + (g.get(1) >> (2 * a)) % 3;
                int most = rank == 1 ? 300 : rank == 2 ? 20 : 6;
                in[a] = (g.get(2) >> (3 * a)) % 5 == 0 ? 1 : 1 + (g.get(3) >> (4 * a)) % most;
                ss[a] = in[a] == 1 ? 1 + (g.get(8) >> (2 * a)) % 3 : ks[a];
            }
            int groups = 1 + g.get(4) % 3;
            boolean deep = rank == 1 && g.get(8) % 7 == 0;
            int cin = groups * ((deep ? 257 : 1) + g.get(5) % 40), cout = groups * (16 + g.get(6) % 24);
            ConvTransposeSpec spec = ConvTransposeSpec.builder(rank, cin, cout, ks).stride(ss)
                    .groups(groups).bias(g.get(7) % 2 == 0).activation(act).build();
            return spec.problem(1 + g.get(7) % 3, in);
        });
    }

    /**
     * The same layers on random data with tanh, sigmoid and LeakyReLU fused: the channels-last output is
     * the channels-first im2col output (one thread) transposed, bit for bit, at 1–4 threads. The one-GEMM
     * path sums in im2col's order, and tanh and sigmoid are applied exactly once per element (applied
     * twice, or to a partial sum, they change the bits).
     */
    @Property(tries = 40)
    void im2colStrideIsKernelChannelsLastMatchesChannelsFirstOnRandomData(
            @ForAll("strideIsKernelInexact") Problem p, @ForAll @IntRange(min = 1, max = 4) int threads,
            @ForAll @LongRange(min = 0, max = 1000) long seed) {
        assertTrue(FastKernels.all().contains(KernelChoice.IM2COL), "the im2col kernel is not available: " + FastKernels.all());
        Problem last = p.withLayout(Layout.CHANNELS_LAST);
        assertEquals("projection-b-tap-major", Planner.kernel(KernelChoice.IM2COL).packLayout(last), last.toString());
        float[] x = TestData.uniform(p.inputLength(), seed);
        float[] w = TestData.uniform(p.weightLength(), seed + 1);
        float[] b = p.spec().hasBias() ? TestData.uniform(p.biasLength(), seed + 2) : null;
        float[] first = new float[p.outputLength()];
        Planner.plan(p, w, 0, b, 0, KernelChoice.IM2COL).execute(x, 0, first, 0, Parallelism.threads(1));
        float[] expected = channelsLast(first, p.batch(), p.spec().outChannels(), p.outputPlane());
        float[] got = new float[p.outputLength()];
        Planner.plan(last, w, 0, b, 0, KernelChoice.IM2COL).execute(channelsLast(x, p.batch(), p.spec().inChannels(), p.inputPlane()),
                0, got, 0, Parallelism.threads(threads).withMinTaskWork(1));
        int at = FastKernels.firstBitDifference(expected, got);
        assertEquals(-1, at, "im2col at " + threads + " threads: channels-last output differs from the channels-first one "
                + "transposed at " + at + " (" + last + ")");
    }

    @Provide
    Arbitrary<Problem> strideIsKernelInexact() {
        return strideIsKernelProblems(Arbitraries.of(Activation.tanh(), Activation.sigmoid(), Activation.leakyRelu(0.25f)));
    }

    @Property(tries = 60)
    void im2colStoresStrideIsKernelChannelsLastRowsItself(@ForAll("strideIsKernelProblems") Problem p,
                                                          @ForAll @IntRange(min = 1, max = 4) int threads,
                                                          @ForAll @LongRange(min = 0, max = 1000) long seed) {
        assertTrue(FastKernels.all().contains(KernelChoice.IM2COL), "the im2col kernel is not available: " + FastKernels.all());
        Problem last = p.withLayout(Layout.CHANNELS_LAST);
        assertEquals("projection-b-tap-major", Planner.kernel(KernelChoice.IM2COL).packLayout(last),
                "a channels-last layer whose stride is its kernel is im2col's one GEMM: " + last);
        float[] x = TestData.smallInts(p.inputLength(), seed);
        float[] w = TestData.smallInts(p.weightLength(), seed + 1);
        float[] b = p.spec().hasBias() ? TestData.smallInts(p.biasLength(), seed + 2) : null;
        float[] expected = channelsLast(FastKernels.reference(p, x, w, b), p.batch(), p.spec().outChannels(), p.outputPlane());
        float[] got = guarded(p.outputLength());
        Planner.plan(last, w, 0, b, 0, KernelChoice.IM2COL).execute(channelsLast(x, p.batch(), p.spec().inChannels(), p.inputPlane()),
                0, got, GUARD, Parallelism.threads(threads).withMinTaskWork(1));
        checkGuards(got, p.outputLength(), "im2col at " + threads + " threads on " + last);
        int at = FastKernels.firstBitDifference(expected, Arrays.copyOfRange(got, GUARD, GUARD + p.outputLength()));
        assertEquals(-1, at, "im2col at " + threads + " threads: channels-last output differs from the reference's "
                + "channels-first one transposed at " + at + " (" + last + ")");
    }

    @Property
    void channelsLastIsChannelsFirstTransposedOnEveryKernel(@ForAll("problems") Problem p,
                                                             @ForAll @IntRange(min = 1, max = 2) int threads,
                                                             @ForAll @LongRange(min = 0, max = 1000) long seed) {
        float[] x = TestData.smallInts(p.inputLength(), seed);
        float[] w = TestData.smallInts(p.weightLength(), seed + 1);
        float[] b = p.spec().hasBias() ? TestData.smallInts(p.biasLength(), seed + 2) : null;
        Problem last = p.withLayout(Layout.CHANNELS_LAST);
        float[] xLast = channelsLast(x, p.batch(), p.spec().inChannels(), p.inputPlane());
        List<KernelChoice> kernels = new ArrayList<>(FastKernels.all());
        kernels.add(KernelChoice.REFERENCE);
        for (KernelChoice k : kernels) {
            if (Planner.kernel(k).declineReason(p) != null) {
                continue;
            }
            Parallelism par = Parallelism.threads(threads).withMinTaskWork(1);
            float[] first = new float[p.outputLength()];
            Planner.plan(p, w, 0, b, 0, k).execute(x, 0, first, 0, par);
            float[] expected = channelsLast(first, p.batch(), p.spec().outChannels(), p.outputPlane());
            float[] got = guarded(p.outputLength());
            Planner.plan(last, w, 0, b, 0, k).execute(xLast, 0, got, GUARD, par);
            checkGuards(got, p.outputLength(), k + " at " + threads + " threads on " + last);
            float[] inner = Arrays.copyOfRange(got, GUARD, GUARD + p.outputLength());
            int at = FastKernels.firstBitDifference(expected, inner);
            if (at >= 0) {
                fail(k.kernelName() + " at " + threads + " threads: channels-last output differs from the channels-first "
                        + "one transposed at " + at + ": " + inner[at] + " vs " + expected[at] + " (" + last + ")");
            }
        }
    }

    /**
     * A 1-D layer worked by hand, NLC in and out: Cin = Cout = 2, kernel 1, stride 2, no bias. Input
     * channels c0 = [1, 2], c1 = [3, 4], stored position by position as [1, 3, 2, 4]; weights
     * w[ci][co] = [[1, 2], [10, 20]]. Position 0: co0 = 1·1 + 3·10 = 31, co1 = 1·2 + 3·20 = 62;
     * position 1 is a stride gap (0, 0); position 2: co0 = 2·1 + 4·10 = 42, co1 = 2·2 + 4·20 = 84.
     */
    @Example
    void workedNlcExampleOnEveryKernel() {
        Problem p = ConvTransposeSpec.builder1d(2, 2, 1).stride(2).bias(false).build().problem(1, new int[] {2})
                .withLayout(Layout.parse("nlc", 1));
        float[] x = {1, 3, 2, 4};
        float[] w = {1, 2, 10, 20};
        float[] expected = {31, 62, 0, 0, 42, 84};
        List<KernelChoice> kernels = new ArrayList<>(FastKernels.all());
        kernels.add(KernelChoice.REFERENCE);
        int ran = 0;
        for (KernelChoice k : kernels) {
            if (Planner.kernel(k).declineReason(p) != null) {
                continue;
            }
            for (int threads = 1; threads <= 2; threads++) {
                float[] y = new float[6];
                Planner.plan(p, w, 0, null, 0, k).execute(x, 0, y, 0, Parallelism.threads(threads).withMinTaskWork(1));
                assertArrayEquals(expected, y, k + " at " + threads + " threads");
            }
            ran++;
        }
        assertTrue(ran >= 2, "the example ran on " + ran + " kernels");
        assertArrayEquals(new int[] {1, 2, 3}, p.outputShape(), "shapes stay logical");
    }

    /**
     * An NHWC layer worked by hand: one input position of 2 channels [1, 2], 3 output channels, kernel
     * 2 × 1 (a column), weights w[ci][co][kh] = ci=0: [[1, 0], [0, 1], [1, 1]], ci=1: [[1, 1], [2, 0], [0, 3]],
     * bias [10, 20, 30]. Row 0 holds every co's tap 0: co0 = 10 + 1·1 + 2·1 = 13, co1 = 20 + 0 + 2·2 = 24,
     * co2 = 30 + 1 + 0 = 31; row 1 their tap 1: co0 = 10 + 0 + 2 = 12, co1 = 20 + 1 + 0 = 21,
     * co2 = 30 + 1 + 6 = 37; stored row by row, channels innermost.
     */
    @Example
    void workedNhwcExampleOnEveryKernel() {
        Problem p = ConvTransposeSpec.builder2d(2, 3, 2, 1).build().problem(1, new int[] {1, 1}).withLayout(Layout.parse("NHWC"));
        float[] x = {1, 2};
        float[] w = {1, 0, 0, 1, 1, 1, 1, 1, 2, 0, 0, 3};
        float[] b = {10, 20, 30};
        float[] expected = {13, 24, 31, 12, 21, 37};
        for (KernelChoice k : FastKernels.all()) {
            if (Planner.kernel(k).declineReason(p) == null) {
                assertArrayEquals(expected, Planner.plan(p, w, 0, b, 0, k).execute(x), k.kernelName());
            }
        }
        assertArrayEquals(expected, Planner.plan(p, w, 0, b, 0, KernelChoice.REFERENCE).execute(x), "reference");
    }

    @Example
    void aStagedPlanCountsItsStagingAndANativeOneOnlyItsOwn() {
        Problem p = ConvTransposeSpec.builder2d(8, 6, 3).stride(2).build().problem(2, new int[] {5, 7});
        float[] w = new float[p.weightLength()];
        float[] b = new float[p.biasLength()];
        Plan first = Planner.plan(p, w, 0, b, 0, KernelChoice.REFERENCE);
        Plan last = Planner.plan(p.withLayout(Layout.CHANNELS_LAST), w, 0, b, 0, KernelChoice.REFERENCE);
        assertEquals(first.workspaceBytes() + 4L * (p.inputLength() + p.outputLength()), last.workspaceBytes(),
                "the reference reads and writes channels first: both staging buffers");
        assertEquals(p.inputLength(), last.problem().inputLength());
        assertEquals(p.outputLength(), last.problem().outputLength());
        assertArrayEquals(p.outputShape(), last.problem().outputShape());
        assertFalse(last.toString().isEmpty());
        if (FastKernels.all().contains(KernelChoice.IM2COL)) {
            Plan nchw = Planner.plan(p, w, 0, b, 0, KernelChoice.IM2COL);
            Plan nhwc = Planner.plan(p.withLayout(Layout.CHANNELS_LAST), w, 0, b, 0, KernelChoice.IM2COL);
            assertEquals(nchw.workspaceBytes() + 4L * (p.outputLength() + dev.convt.vector.VectorConfig.LANES), nhwc.workspaceBytes(),
                    "im2col reads channels last itself and keeps only its channels-first window of the output, "
                    + "here the whole output (a column tile reaches all of it), and a vector past it");
        }
    }

    /** {@code (N, C, P)} to {@code (N, P, C)}, by the definition. */
    public static float[] channelsLast(float[] a, int n, int c, int plane) {
        float[] t = new float[a.length];
        for (int i = 0; i < n; i++) {
            for (int ch = 0; ch < c; ch++) {
                for (int s = 0; s < plane; s++) {
                    t[(i * plane + s) * c + ch] = a[(i * c + ch) * plane + s];
                }
            }
        }
        return t;
    }

    private static float[] guarded(int length) {
        float[] y = new float[GUARD + length + GUARD];
        Arrays.fill(y, SENTINEL);
        return y;
    }

    private static void checkGuards(float[] y, int length, String what) {
        for (int i = 0; i < GUARD; i++) {
            assertEquals(SENTINEL, y[i], what + " wrote before its output");
            assertEquals(SENTINEL, y[GUARD + length + i], what + " wrote after its output");
        }
    }
}
