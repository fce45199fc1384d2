package dev.convt.tests.kernels;

import dev.convt.ConvTransposeSpec;
import dev.convt.Plan;
import dev.convt.Planner;
import dev.convt.Problem;
import dev.convt.kernel.KernelChoice;
import dev.convt.kernel.ReferenceKernel;
import dev.convt.testkit.ErrorBound;
import dev.convt.testkit.Problems;
import dev.convt.testkit.TestData;
import dev.convt.vector.ScatterKernel;
import dev.convt.vector.scatter.ScatterPlan;
import dev.convt.vector.scatter.ScatterTuning;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Example;

import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The direct scatter kernel against the scalar reference: bitwise on small-integer data (where
 * float32 is exact), within DESIGN.md's error bound on uniform data, only the output region
 * written, and no allocation once warm.
 */
class ScatterKernelTest {
    /** The stride of the tap-vector path. */
    private static final int V = ScatterTuning.TAP_V;
    private static final int GUARD = 37;
    private static final float SENTINEL = -12345.5f;

    // ---- generators -----------------------------------------------------------------------

    @Provide
    Arbitrary<Problem> small() {
        return Problems.problems(2);
    }

    /**
     * Problems long enough along the width for every register tile, one per code path:
     * 0 stride 1 (direct stores), 1 stride = V or V/2 with kernel width a multiple of it (tap vectors),
     * 2 stride 2–3 with dilation (phase tiles, strided stores), 3 depthwise, 4 stride 2 with an even
     * kernel width and dilation 1 along the width (paired-phase tiles: rows of several tiles and a
     * residue, blocks of 4 channels and tails, up to 50 input channels for several passes), 5 stride 1
     * with a kernel of 3 (the dense phase tiles of rank 1: rows of several tiles, passes).
     */
    @Provide
    Arbitrary<Problem> wide() {
        return widePaths();
    }

    /** The problems of {@link #wide()}, for other properties. */
    static Arbitrary<Problem> widePaths() {
        Arbitrary<Integer> path = Arbitraries.integers().between(0, 5);
        Arbitrary<Integer> rank = Arbitraries.integers().between(1, 2);
        Arbitrary<List<Integer>> genes = Arbitraries.integers().between(0, 1 << 20).list().ofSize(17);
        Arbitrary<Boolean> bias = Arbitraries.of(true, false);
        return Combinators.combine(path, rank, genes, bias).as(ScatterKernelTest::widePath);
    }

    /** The paired-phase problems of {@link #widePaths} alone (path 4), for other properties. */
    static Arbitrary<Problem> pairedPaths() {
        return path(4);
    }

    /** The dense stride-1 problems of {@link #widePaths} alone (path 5), for other properties. */
    static Arbitrary<Problem> densePaths() {
        return path(5);
    }

    /** The problems of one path of {@link #widePaths}. */
    private static Arbitrary<Problem> path(int path) {
        Arbitrary<Integer> rank = Arbitraries.integers().between(1, 2);
        Arbitrary<List<Integer>> genes = Arbitraries.integers().between(0, 1 << 20).list().ofSize(17);
        Arbitrary<Boolean> bias = Arbitraries.of(true, false);
        return Combinators.combine(rank, genes, bias).as((r, g, b) -> widePath(path, r, g, b));
    }

    @Provide
    Arbitrary<Problem> paired() {
        return pairedPaths();
    }

    @Provide
    Arbitrary<Problem> dense() {
        return densePaths();
    }

    /** Input channels per group; 40 forces several passes of input channels (more than 96 taps). */
    private static final int[] CI = {1, 2, 3, 5, 40};
    private static final int[] CO = {1, 2, 3, 4, 5, 8, 9};
    /** The paired-phase path's input channels per group: 50 takes two passes with a kernel of 4 (96 taps a pass). */
    private static final int[] CI_PAIRED = {1, 3, 8, 50};
    /** The paired-phase path's output channels per group: whole blocks of 4, and tails. */
    private static final int[] CO_PAIRED = {4, 5, 8, 11};
    /** Outputs of q per paired-phase tile. */
    private static final int PAIRED_SPAN = ScatterTuning.TILE_PAIRED * ScatterTuning.PHASE_V;
    /** Outputs per 4-channel phase tile. */
    private static final int PHASE_SPAN = ScatterTuning.TILE_WIDE_CO * ScatterTuning.PHASE_V;

    private static Problem widePath(int path, int rank, List<Integer> g, boolean bias) {
        int groups = path == 3 ? 1 + g.get(0) % 5 : 1 + g.get(0) % 2;
        // the tap-vector path takes few taps per channel: half its problems get 40 channels, for several passes
        int ciPerG = path == 3 ? 1 : path == 1 && g.get(16) % 2 == 0 ? 40 : path >= 4 ? CI_PAIRED[g.get(1) % CI_PAIRED.length]
                : CI[g.get(1) % CI.length];
        int coPerG = path == 3 ? 1 + g.get(2) % 2 : path >= 4 ? CO_PAIRED[g.get(2) % CO_PAIRED.length] : CO[g.get(2) % CO.length];
        int[] k = new int[rank], s = new int[rank], d = new int[rank], in = new int[rank];
        int[] pb = new int[rank], pe = new int[rank], op = new int[rank];
        for (int i = 0; i < rank; i++) {
            boolean width = i == rank - 1;
            int base = 3 + 6 * i;
            switch (path) {
                case 0 -> { s[i] = 1; k[i] = 1 + g.get(base) % 5; d[i] = 1 + g.get(base + 1) % 3; }
                case 1 -> {
                    // stride V (one input column per vector) or V/2 (two, with pair entries)
                    int tv = g.get(base + 1) % 2 == 0 ? V : V / 2;
                    s[i] = width ? tv : 1 + g.get(base) % 2;
                    k[i] = width ? tv * (1 + g.get(base) % 3) : 1 + g.get(base) % 3;
                    d[i] = 1;
                }
                case 2 -> { s[i] = 2 + g.get(base) % 2; k[i] = 1 + g.get(base + 1) % 5; d[i] = 1 + g.get(base + 1) % 3; }
                case 5 -> { s[i] = 1; k[i] = width ? 3 : 1 + g.get(base) % 3; d[i] = 1 + g.get(base + 1) % 3; }
                case 4 -> {
                    s[i] = width ? 2 : 1 + g.get(base) % 2;
                    k[i] = width ? 2 * (1 + g.get(base + 1) % 3) : 1 + g.get(base + 1) % 3;
                    d[i] = width ? 1 : 1 + g.get(base) % 2;
                }
                default -> { s[i] = 1 + g.get(base) % (width ? 8 : 2); k[i] = 1 + g.get(base + 1) % (width ? 16 : 3); d[i] = 1; }
            }
            int maxIn = width ? (path == 4 ? 3 * PAIRED_SPAN + 8 : path == 5 ? 3 * PHASE_SPAN + 8 : rank == 1 ? 90 : 40) : 3;
            in[i] = 1 + g.get(base + 2) % maxIn;
            op[i] = g.get(base + 3) % Math.max(s[i], d[i]);
            int maxPad = (in[i] - 1) * s[i] + d[i] * (k[i] - 1) + op[i];
            pb[i] = g.get(base + 4) % (Math.min(maxPad, 2 * k[i] * d[i]) + 1);
            pe[i] = g.get(base + 5) % (Math.min(maxPad - pb[i], 2 * k[i] * d[i]) + 1);
        }
        ConvTransposeSpec spec = ConvTransposeSpec.builder(rank, ciPerG * groups, coPerG * groups, k)
                .stride(s).dilation(d).pads(pb, pe).outputPadding(op).groups(groups).bias(bias).build();
        return spec.problem(1 + g.get(15) % 2, in);
    }

    // ---- properties -----------------------------------------------------------------------

    @Property
    void bitwiseEqualToReferenceOnSmallIntegers(@ForAll("small") Problem p) {
        assertBitwise(p, 1);
    }

    @Property
    void bitwiseEqualOnWideProblemsOfEveryPath(@ForAll("wide") Problem p) {
        assertBitwise(p, 2);
    }

    @Property(tries = 300)
    void bitwiseEqualOnPairedPhaseProblems(@ForAll("paired") Problem p) {
        assertBitwise(p, 4);
    }

    @Property(tries = 300)
    void bitwiseEqualOnDenseStrideOneProblems(@ForAll("dense") Problem p) {
        assertBitwise(p, 5);
    }

    @Property
    void withinErrorBoundOnUniformData(@ForAll("wide") Problem p) {
        float[] x = TestData.uniform(p.inputLength(), 11);
        float[] w = TestData.uniform(p.weightLength(), 12);
        float[] b = p.spec().hasBias() ? TestData.uniform(p.spec().outChannels(), 13) : null;
        float[] y = Planner.plan(p, w, 0, b, 0, KernelChoice.SCATTER).execute(x);
        String err = ErrorBound.check(p, x, w, b, y);
        assertNull(err, err);
    }

    @Property
    void acceptsEveryRank1And2Problem(@ForAll("small") Problem p) {
        assertNull(new ScatterKernel().declineReason(p));
    }

    @Example
    void declinesRank3WithAReason() {
        Problem p = ConvTransposeSpec.builder(3, 2, 2, 2).build().problem(1, new int[] {2, 2, 2});
        assertNotNull(new ScatterKernel().declineReason(p));
    }

    /**
     * The automatic rule at its documented bounds, both inclusive: grouped layers with at most
     * {@link ScatterTuning#AUTO_MAX_IN_PER_GROUP} input channels per group, and any layer with fewer than
     * {@link dev.convt.vector.Im2colKernel#AUTO_MIN_CHANNELS_PER_GROUP}; one group is not grouped. Reasons,
     * forced or automatic, name their cause.
     */
    @Example
    void automaticRuleAtItsBoundsAndReasonsThatNameTheirCause() {
        ScatterKernel k = new ScatterKernel();
        int most = ScatterTuning.AUTO_MAX_IN_PER_GROUP, least = dev.convt.vector.Im2colKernel.AUTO_MIN_CHANNELS_PER_GROUP;
        java.util.function.BiFunction<Integer, Integer, Problem> layer = (perGroup, groups) ->
                ConvTransposeSpec.builder2d(perGroup * groups, 2 * groups, 4).stride(2).groups(groups).build().problem(1, new int[] {6, 6});
        assertNull(k.autoDeclineReason(layer.apply(most, 2)));
        assertNull(k.autoDeclineReason(layer.apply(least - 1, 1)));
        String faster = "the im2col GEMM is expected to be faster";
        for (Problem p : List.of(layer.apply(most + 1, 2), layer.apply(least, 1), layer.apply(most, 1))) {
            String why = k.autoDeclineReason(p);
            assertTrue(why != null && why.contains(faster), () -> why + " for " + p);
        }
        Problem rank3 = ConvTransposeSpec.builder(3, 2, 2, 2).build().problem(1, new int[] {2, 2, 2});
        for (String why : java.util.Arrays.asList(k.declineReason(rank3), k.autoDeclineReason(rank3))) {
            assertTrue(why != null && why.contains("rank 1 and 2"), () -> why);
        }
    }

    /**
     * The three plan-size rules decline with a reason naming their cause: phase arithmetic past the int
     * range (the 1-D example: pad_begin near Integer.MAX_VALUE), a plan disproportionate to the
     * data (stride 2^29 on a 2-element input, 3 outputs), and packed weights past a Java array. The last counts the
     * tap-vector mode's copies of each tap, V / stride: one copy at stride V (2^30 + 2^27 weights fit),
     * two at stride V / 2 (the same weights twice do not fit). Only the spec is needed: no weights are made.
     */
    @Example
    void sizeRulesDeclineWithTheirCause() {
        ScatterKernel k = new ScatterKernel();
        Problem intRange = ConvTransposeSpec.builder1d(1, 1, 1).stride(65536)
                .pads(new int[] {Integer.MAX_VALUE - 4}, new int[] {65532}).build().problem(1, 1, 32770);
        String why = k.declineReason(intRange);
        assertTrue(why != null && why.contains("would leave the int range"), why);
        // stride 2^29 on 2 inputs, padded down to 3 outputs: within the int range, but its phase table would not be
        Problem farStride = ConvTransposeSpec.builder1d(1, 1, 1).stride(1 << 29)
                .pads(new int[] {1 << 28}, new int[] {(1 << 28) - 2}).build().problem(1, 1, 2);
        assertEquals(3, farStride.outputLength());
        String far = k.declineReason(farStride);
        assertTrue(far != null && far.contains("disproportionate"), far);
        int weights = 9 << 27; // 2^30 + 2^27: Cin = weights / V, Cout 1, kernel V
        Problem oneCopy = ConvTransposeSpec.builder1d(weights / V, 1, V).stride(V).bias(false).build().problem(1, weights / V, 1);
        Problem twoCopies = ConvTransposeSpec.builder1d(weights / V, 1, V).stride(V / 2).bias(false).build().problem(1, weights / V, 1);
        assertTrue(dev.convt.vector.scatter.ScatterPlan.tapVectorApplies(oneCopy));
        assertEquals(weights, oneCopy.weightLength());
        assertNull(k.declineReason(oneCopy), "one copy of 2^30 + 2^27 weights fits a Java array");
        String two = k.declineReason(twoCopies);
        if (V / 2 > 2) {
            assertTrue(dev.convt.vector.scatter.ScatterPlan.tapVectorApplies(twoCopies));
            assertTrue(two != null && two.contains("would not fit a Java array"), two);
        } else { // at 128 bits V/2 is 2, the phase mode's (paired) stride: one copy, which fits
            assertFalse(dev.convt.vector.scatter.ScatterPlan.tapVectorApplies(twoCopies));
            assertNull(two, "one copy of the weights in phase mode fits a Java array");
        }
    }

    @Example
    void automaticChoiceFollowsTheDocumentedRule() {
        ScatterKernel k = new ScatterKernel();
        Problem depthwise = ConvTransposeSpec.builder2d(21, 21, 16).stride(8).padding(4).groups(21).bias(false).build().problem(1, new int[] {7, 7});
        Problem longRank1 = ConvTransposeSpec.builder1d(64, 32, 4).stride(2).padding(1).build().problem(1, new int[] {300});
        Problem tapShaped = ConvTransposeSpec.builder2d(21, 21, 2 * V).stride(V).build().problem(1, new int[] {5, 5});
        Problem fewChannels = ConvTransposeSpec.builder2d(3, 8, 4).stride(2).build().problem(1, new int[] {8, 8});
        Problem dense2d = ConvTransposeSpec.builder2d(64, 32, 4).stride(2).padding(1).build().problem(1, new int[] {8, 8});
        Problem wideGroups2d = ConvTransposeSpec.builder2d(64, 64, 3).groups(2).build().problem(1, new int[] {8, 8});
        assertNull(k.autoDeclineReason(depthwise));
        assertNull(k.autoDeclineReason(fewChannels), "the GEMM declines Cin/groups < 4 for the automatic choice");
        assertNull(k.autoDeclineReason(longRank1), "1-D, kernel 4, stride 2: the paired tiles");
        assertNotNull(k.autoDeclineReason(tapShaped));
        assertNotNull(k.autoDeclineReason(dense2d));
        assertNotNull(k.autoDeclineReason(wideGroups2d));
        assertNull(k.declineReason(dense2d), "the automatic choice may skip it, but the kernel computes it");
    }

    /**
     * The paired rule at its bounds: 1-D, kernel 4, stride 2, dilation 1, at least
     * {@link ScatterTuning#CO_BLOCK} output and at most {@link ScatterTuning#AUTO_MAX_IN_PAIRED} input
     * channels per group (both inclusive); a wider kernel or stride, a dilation, fewer output channels,
     * more input channels, or rank 2 go to the GEMM.
     */
    @Example
    void pairedRuleAtItsBounds() {
        ScatterKernel k = new ScatterKernel();
        int most = ScatterTuning.AUTO_MAX_IN_PAIRED, co = ScatterTuning.CO_BLOCK;
        java.util.function.Function<ConvTransposeSpec.Builder, Problem> at = b -> b.build().problem(2, new int[] {200});
        assertNull(k.autoDeclineReason(at.apply(ConvTransposeSpec.builder1d(most, co, 4).stride(2).padding(1))));
        assertNull(k.autoDeclineReason(at.apply(ConvTransposeSpec.builder1d(2 * most, 2 * co, 4).stride(2).groups(2))));
        String faster = "the im2col GEMM is expected to be faster";
        for (Problem p : List.of(
                at.apply(ConvTransposeSpec.builder1d(most + 1, co, 4).stride(2).padding(1)),
                at.apply(ConvTransposeSpec.builder1d(most, co - 1, 4).stride(2).padding(1)),
                at.apply(ConvTransposeSpec.builder1d(most, co, 6).stride(2).padding(1)),
                at.apply(ConvTransposeSpec.builder1d(most, co, 4).stride(3).padding(1)),
                at.apply(ConvTransposeSpec.builder1d(most, co, 4).stride(2).dilation(3)),
                ConvTransposeSpec.builder2d(most, co, 4).stride(2).padding(1).build().problem(1, new int[] {3, 200}))) {
            String why = k.autoDeclineReason(p);
            assertTrue(why != null && why.contains(faster), () -> why + " for " + p);
        }
    }

    /** Two threads executing one plan at once on distinct buffers get the single-thread results (workspace is per thread). */
    @Example
    void onePlanServesTwoThreadsAtOnce() throws Exception {
        for (Problem p : AllocationProbe.scatterPaths()) {
            float[] w = TestData.smallInts(p.weightLength(), 5);
            float[] b = p.spec().hasBias() ? TestData.smallInts(p.spec().outChannels(), 6) : null;
            Plan plan = Planner.plan(p, w, 0, b, 0, KernelChoice.SCATTER);
            float[][] xs = {TestData.smallInts(p.inputLength(), 7), TestData.smallInts(p.inputLength(), 8)};
            float[][] expected = {plan.execute(xs[0]), plan.execute(xs[1])};
            java.util.concurrent.CountDownLatch go = new java.util.concurrent.CountDownLatch(1);
            List<java.util.concurrent.FutureTask<Boolean>> tasks = new java.util.ArrayList<>();
            for (int t = 0; t < 2; t++) {
                int id = t;
                java.util.concurrent.FutureTask<Boolean> task = new java.util.concurrent.FutureTask<>(() -> {
                    float[] y = new float[p.outputLength()];
                    go.await();
                    for (int i = 0; i < 200; i++) {
                        plan.execute(xs[id], 0, y, 0);
                        if (!Arrays.equals(y, expected[id])) {
                            return false;
                        }
                    }
                    return true;
                });
                new Thread(task).start();
                tasks.add(task);
            }
            go.countDown();
            for (var task : tasks) {
                assertTrue(task.get(), "a thread got a result different from the single-thread one for " + p);
            }
        }
    }

    /**
     * The tap-vector mode takes strides of V and V/2 lanes with a kernel width a multiple of the stride,
     * nothing else; but never stride 2 (V/2 at 128 bits), which stays in phase mode for its paired tiles.
     */
    @Example
    void tapVectorModeTakesStridesOfOneAndHalfAVector() {
        Problem full = ConvTransposeSpec.builder1d(2, 2, 2 * V).stride(V).build().problem(1, new int[] {9});
        Problem half = ConvTransposeSpec.builder2d(2, 2, 3, V).stride(2, V / 2).build().problem(1, new int[] {3, 9});
        Problem oddKernel = ConvTransposeSpec.builder1d(2, 2, V + 1).stride(V).build().problem(1, new int[] {9});
        Problem dilated = ConvTransposeSpec.builder1d(2, 2, V).stride(V).dilation(2).build().problem(1, new int[] {9});
        Problem quarter = ConvTransposeSpec.builder1d(2, 2, V).stride(Math.max(1, V / 4)).build().problem(1, new int[] {9});
        assertTrue(dev.convt.vector.scatter.ScatterPlan.tapVectorApplies(full));
        assertEquals(V / 2 > 2, dev.convt.vector.scatter.ScatterPlan.tapVectorApplies(half));
        assertFalse(dev.convt.vector.scatter.ScatterPlan.tapVectorApplies(oddKernel));
        assertFalse(dev.convt.vector.scatter.ScatterPlan.tapVectorApplies(dilated));
        assertFalse(dev.convt.vector.scatter.ScatterPlan.tapVectorApplies(quarter));
        // the pack's layout names the mode (its documented values), so the two orders never share a pack
        dev.convt.kernel.Kernel scatter = Planner.kernel(KernelChoice.SCATTER);
        assertEquals("tap-vector", scatter.packLayout(full));
        assertEquals(V / 2 > 2 ? "tap-vector" : "phase", scatter.packLayout(half));
        assertEquals("phase", scatter.packLayout(oddKernel));
        assertEquals("phase", scatter.packLayout(dilated));
        // a plan reports the mode it packed for
        for (Problem p : List.of(full, half, oddKernel, dilated, quarter)) {
            var plan = new dev.convt.vector.scatter.ScatterPlan(p, new float[p.weightLength()], 0, new float[p.spec().outChannels()], 0);
            assertEquals(dev.convt.vector.scatter.ScatterPlan.tapVectorApplies(p), plan.usesTapVector(), p::toString);
            assertTrue(plan.workspaceBytes() > 0, "a scatter plan keeps per-thread tap tables");
        }
    }

    /**
     * The tap-vector lists are made per class of output rows, not per row: a taller input (rows of the
     * same classes, shifted) adds only the per-row tables (rowStart, the (kh, ih) pairs, each row's
     * class and shift), not lists. With lists per row each extra row would add its interior and edge
     * lists (3 ints per entry).
     */
    @Example
    void tapVectorListsAreMadePerClassOfRowsNotPerRow() {
        ConvTransposeSpec spec = ConvTransposeSpec.builder2d(3, 3, 2 * V).stride(V / 2).padding(V / 4).groups(3).bias(false).build();
        var weights = new dev.convt.vector.scatter.ScatterWeights(spec.problem(1, 3, 8, 8), new float[spec.problem(1, 3, 8, 8).weightLength()], 0, null, 0);
        long shorter = new dev.convt.vector.scatter.ScatterPlan.Geometry(spec.problem(1, 3, 8, 8), weights).tableBytes();
        long taller = new dev.convt.vector.scatter.ScatterPlan.Geometry(spec.problem(1, 3, 40, 8), weights).tableBytes();
        int moreRows = 32 * (V / 2); // output rows added by 32 more input rows at height stride V/2
        int rowsPerOutputRow = 4; // kernel height 2V at stride V/2: 4 (kh, ih) pairs per interior row
        long perRowTables = 4L * moreRows * (1 + 2 * rowsPerOutputRow + 2);
        assertTrue(taller > shorter, "a taller input adds its row tables");
        assertTrue(taller - shorter <= perRowTables,
                "the taller input added " + (taller - shorter) + " bytes, more than its " + perRowTables + " bytes of row tables");
    }

    /**
     * The warm-up proxy of a wide phase-mode row (the dilated 1-D layer's: width 2048, stride 1) keeps
     * an interior of at least the widest phase tile, so that tile is warmed (the default shrunk width,
     * 64 plus the residue, left 60 columns: C2 compiled the full tile as a trap its first execute
     * sprang); a row narrower than the widened proxy keeps the default proxy.
     */
    @Example
    void warmUpProxyOfAWideRowHoldsTheWidestPhaseTile() {
        dev.convt.kernel.Kernel scatter = Planner.kernel(KernelChoice.SCATTER);
        ConvTransposeSpec spec = ConvTransposeSpec.builder1d(64, 64, 3).padding(2).dilation(2).groups(4).build();
        Problem wide = spec.problem(4, 64, 2048);
        List<Problem> proxies = scatter.warmUpProblems(wide);
        assertEquals(1, proxies.size());
        int width = proxies.get(0).inputSpatial()[0];
        int reach = (spec.kernelSize(0) - 1) * spec.dilation(0);
        int widest = ScatterTuning.TILE_WIDE_CO * ScatterTuning.PHASE_V;
        assertTrue(width - reach >= widest, "the proxy's row interior " + (width - reach) + " is narrower than the widest tile " + widest);
        assertTrue(width <= 2048);
        Problem narrow = spec.problem(1, 64, 100);
        Problem shrunk = dev.convt.kernel.WarmUpProblem.shrink(narrow, dev.convt.kernel.Kernel.WARM_UP_CHANNELS);
        assertEquals(shrunk.spec().problem(2, shrunk.inputSpatial()).toString(), scatter.warmUpProblems(narrow).get(0).toString());
    }

    /**
     * A problem whose input channels take several passes gets a proxy that takes two: the later
     * passes add to the partial sums the first stored (their own branches in the row and tile
     * methods), and a proxy of one pass left those as traps that HiFi-GAN's last upsampling (64
     * channels, 48 per pass) sprang at its first execute in some fresh JVMs. A problem of one pass
     * keeps the default few channels.
     */
    @Example
    void warmUpProxyOfSeveralChannelPassesTakesTwo() {
        dev.convt.kernel.Kernel scatter = Planner.kernel(KernelChoice.SCATTER);
        Problem hifigan = ConvTransposeSpec.builder1d(64, 32, 4).stride(2).padding(1).build().problem(1, 64, 11008);
        int pass = ScatterPlan.channelsPerPass(hifigan);
        assertTrue(pass < 64, "the layer itself takes " + pass + " channels per pass");
        Problem proxy = scatter.warmUpProblems(hifigan).get(0);
        int channels = proxy.spec().inChannelsPerGroup();
        assertTrue(channels > pass, proxy + ": " + channels + " channels in passes of " + ScatterPlan.channelsPerPass(proxy));
        assertTrue(channels < 64, proxy + " is no smaller than the layer");
        Problem dilated = ConvTransposeSpec.builder1d(64, 64, 3).padding(2).dilation(2).groups(4).build().problem(4, 64, 2048);
        assertEquals(dilated.spec().inChannelsPerGroup(), ScatterPlan.channelsPerPass(dilated));
        assertEquals(dev.convt.kernel.Kernel.WARM_UP_CHANNELS, scatter.warmUpProblems(dilated).get(0).spec().inChannelsPerGroup());
    }

    /**
     * A scatter proxy holds two images, also for a problem of one: the tiles test their reads
     * against the ends of the input array, and a layer whose input channels span several channel
     * blocks takes both ways of those tests (HiFi-GAN's last upsampling: its first block's edge tiles
     * read inside the array, its last block's would not). A one-image proxy of one block took only
     * the array-end way, C2 compiled the other as a trap, and the layer's first execute threw the
     * compiled tile away in a third of fresh JVMs. Two images take both ways: the first image's
     * right edges read on into the second, the second's left edges back into the first.
     */
    @Example
    void warmUpProxyHoldsTwoImagesSoTheArrayEndTestsGoBothWays() {
        dev.convt.kernel.Kernel scatter = Planner.kernel(KernelChoice.SCATTER);
        Problem hifigan = ConvTransposeSpec.builder1d(64, 32, 4).stride(2).padding(1).build().problem(1, 64, 11008);
        Problem dilated = ConvTransposeSpec.builder1d(64, 64, 3).padding(2).dilation(2).groups(4).build().problem(4, 64, 2048);
        for (Problem p : List.of(hifigan, dilated)) {
            List<Problem> proxies = scatter.warmUpProblems(p);
            assertEquals(1, proxies.size());
            assertEquals(2, proxies.get(0).batch(), proxies.get(0).toString());
        }
    }

    /**
     * The profile census of a scatter plan is a problem of the other width mode that the kernel takes,
     * and, for a problem without them, one of the rank-1 paired rows, so the row loop all share is
     * profiled with every branch before C2 compiles it.
     */
    @Example
    void profileCensusIsAProblemOfTheOtherWidthMode() {
        dev.convt.kernel.Kernel scatter = Planner.kernel(KernelChoice.SCATTER);
        Problem phase = ConvTransposeSpec.builder1d(64, 64, 3).padding(2).dilation(2).groups(4).build().problem(4, 64, 2048);
        Problem tap = ConvTransposeSpec.builder2d(21, 21, 2 * V).stride(V / 2).padding(V / 4).groups(21).bias(false).build()
                .problem(1, 21, 28, 28);
        Problem paired = ConvTransposeSpec.builder1d(64, 32, 4).stride(2).padding(1).build().problem(1, 64, 11008);
        for (Problem p : List.of(phase, tap, paired)) {
            List<Problem> census = scatter.profileProblems(p);
            boolean pairs = dev.convt.vector.scatter.ScatterPlan.pairsDensely(p);
            assertEquals(pairs ? 1 : 2, census.size(), p::toString);
            Problem c = census.get(0);
            assertNull(scatter.declineReason(c), c::toString);
            assertEquals(!dev.convt.vector.scatter.ScatterPlan.tapVectorApplies(p), dev.convt.vector.scatter.ScatterPlan.tapVectorApplies(c),
                    () -> "the census of " + p + " is of the same width mode: " + c);
            if (!pairs) {
                Problem q = census.get(1);
                assertNull(scatter.declineReason(q), q::toString);
                assertTrue(dev.convt.vector.scatter.ScatterPlan.pairsDensely(q), () -> "the census of " + p + " has no paired proxy: " + q);
            }
        }
    }

    @Example
    void isRegisteredWithThePlanner() {
        assertTrue(Planner.kernelNames().contains(ScatterKernel.NAME), Planner.kernelNames().toString());
    }

    // ---- helpers --------------------------------------------------------------------------

    /** Runs the scatter plan on small-integer data at offsets, with guard zones, and compares bits. */
    private static void assertBitwise(Problem p, long seed) {
        float[] x = TestData.smallInts(p.inputLength(), seed);
        float[] w = TestData.smallInts(p.weightLength(), seed + 1);
        float[] b = p.spec().hasBias() ? TestData.smallInts(p.spec().outChannels(), seed + 2) : null;
        float[] expected = new float[p.outputLength()];
        ReferenceKernel.compute(p, x, 0, w, 0, b, 0, expected, 0);

        // the input at an offset too, ending where the array ends: the kernel must not read past it
        float[] xs = new float[x.length + GUARD];
        System.arraycopy(x, 0, xs, GUARD, x.length);
        float[] y = new float[p.outputLength() + 2 * GUARD];
        Arrays.fill(y, SENTINEL);
        Plan plan = Planner.plan(p, w, 0, b, 0, KernelChoice.SCATTER);
        assertEquals(ScatterKernel.NAME, plan.kernelName());
        plan.execute(xs, GUARD, y, GUARD);
        for (int i = 0; i < GUARD; i++) {
            if (y[i] != SENTINEL || y[GUARD + p.outputLength() + i] != SENTINEL) {
                fail("wrote outside the output region (guard index " + i + ") for " + p);
            }
        }
        for (int i = 0; i < expected.length; i++) {
            if (Float.floatToRawIntBits(y[GUARD + i]) != Float.floatToRawIntBits(expected[i])) {
                fail("element " + i + ": scatter " + y[GUARD + i] + " != reference " + expected[i] + " for " + p);
            }
        }
    }

    /**
     * A layer with few taps per output (FCN's depthwise 16/8 upsampling: 4.2 M multiply-adds, 1.05 M
     * outputs) is cut into as many tasks as two threads may take, not just two: its output, which
     * takes most of its time, counts as work, so a late or busy second thread leaves the caller a
     * share to balance with rather than half the layer to wait for.
     */
    @Example
    void fewTapLayerSplitsIntoTasksForEveryThread() {
        Problem p = ConvTransposeSpec.builder2d(21, 21, 16, 16).stride(8).padding(4).groups(21).bias(false).build()
                .problem(1, new int[] {28, 28});
        var plan = new dev.convt.vector.scatter.ScatterPlan(p, new float[p.weightLength()], 0, null, 0);
        var tasks = plan.tasks(2, dev.convt.Parallelism.DEFAULT_MIN_TASK_WORK);
        assertNotNull(tasks, "not split at all");
        assertEquals(2 * dev.convt.kernel.KernelPlan.Tasks.PER_THREAD, tasks.count());
    }
}
