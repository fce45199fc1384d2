package dev.convt.tests.kernels;

import dev.convt.Activation;
import dev.convt.ConvTransposeSpec;
import dev.convt.Layout;
import dev.convt.Plan;
import dev.convt.Planner;
import dev.convt.Problem;
import dev.convt.kernel.KernelChoice;
import dev.convt.testkit.ErrorBound;
import dev.convt.testkit.TestData;
import dev.convt.vector.gemm.Blocking;
import dev.convt.vector.subpixel.SubpixelKernel;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.LongRange;

import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The sub-pixel kernel against the scalar reference on the problems it takes (kernel a multiple of the
 * stride, or smaller than it; dilation 1): bitwise on small integers with signed zeros (in the data and
 * in the bias), within DESIGN.md's bound on uniform data, every output element written (checked
 * against a NaN fill) and nothing outside the output; plus worked examples of its geometry: phases
 * without taps, padding past a stride, output_padding, groups, and rows that end in every kind of
 * vector and register-tile tail at the configured width.
 */
class SubpixelKernelTest {
    private static final KernelChoice K = KernelChoice.SUBPIXEL;
    private static final int LANES = Blocking.LANES;
    private static final int GUARD = 19;

    // ---- generators -----------------------------------------------------------------------

    /**
     * Rank 1 or 2; per dimension a stride 1–9 and a kernel of 1–3 times it or smaller than it; pads
     * up to twice the kernel (both ends), output_padding below the stride; groups 1–3; channels per
     * group around the register tiles; batch 1–2.
     */
    @Provide
    Arbitrary<Problem> accepted() {
        return acceptedProblems();
    }

    /** The problems of {@link #accepted()}, for other properties. */
    static Arbitrary<Problem> acceptedProblems() {
        Arbitrary<Integer> rank = Arbitraries.integers().between(1, 2);
        Arbitrary<List<Integer>> genes = Arbitraries.integers().between(0, 1 << 20).list().ofSize(20);
        Arbitrary<Boolean> bias = Arbitraries.of(true, false);
        return Combinators.combine(rank, genes, bias).as(SubpixelKernelTest::problem);
    }

    private static final int[] CHANNELS = {1, 2, 3, 5, 7, 13};

    private static Problem problem(int rank, List<Integer> g, boolean bias) {
        int groups = 1 + g.get(0) % 3;
        int ci = CHANNELS[g.get(1) % CHANNELS.length], co = CHANNELS[g.get(2) % CHANNELS.length];
        int[] k = new int[rank], s = new int[rank], in = new int[rank], pb = new int[rank], pe = new int[rank], op = new int[rank];
        for (int i = 0; i < rank; i++) {
            int base = 3 + 6 * i;
            s[i] = 1 + g.get(base) % 9;
            int taps = g.get(base + 1) % 4; // 0: a kernel smaller than the stride
            k[i] = taps == 0 ? 1 + g.get(base + 2) % s[i] : taps * s[i];
            in[i] = 1 + g.get(base + 3) % (rank == 1 ? 40 : 9);
            op[i] = g.get(base + 4) % s[i];
            int full = (in[i] - 1) * s[i] + k[i] + op[i];
            pb[i] = g.get(base + 5) % (Math.min(full - 1, 2 * k[i]) + 1);
            pe[i] = g.get(15 + i) % (Math.min(full - 1 - pb[i], 2 * k[i]) + 1);
        }
        ConvTransposeSpec spec = ConvTransposeSpec.builder(rank, ci * groups, co * groups, k)
                .stride(s).pads(pb, pe).outputPadding(op).groups(groups).bias(bias).build();
        return spec.problem(1 + g.get(19) % 2, in);
    }

    // ---- properties -----------------------------------------------------------------------

    @Property(tries = 300)
    void bitwiseEqualToTheReferenceOnSmallIntegersWithSignedZeros(@ForAll("accepted") Problem p, @ForAll Layout layout,
                                                                   @ForAll @LongRange(min = 0, max = 1000) long seed) {
        assertNull(new SubpixelKernel().declineReason(p), () -> "the generator makes only problems it takes: " + p);
        assertBitwise(p, layout, seed);
    }

    @Property(tries = 100)
    void withinTheErrorBoundOnUniformData(@ForAll("accepted") Problem p, @ForAll @LongRange(min = 0, max = 1000) long seed) {
        float[] x = TestData.uniform(p.inputLength(), seed);
        float[] w = TestData.uniform(p.weightLength(), seed + 1);
        float[] b = p.spec().hasBias() ? TestData.uniform(p.biasLength(), seed + 2) : null;
        float[] y = Planner.plan(p, w, 0, b, 0, K).execute(x);
        String err = ErrorBound.check(p, x, w, b, y);
        assertNull(err, err);
    }

    /**
     * The fused activation on the kernel's paths (vector runs, cropped runs, bias-only phases, the
     * sign fix-up of a −0 bias, which must come before the activation): bitwise the reference's for
     * the exact kinds.
     */
    @Property(tries = 200)
    void exactActivationsEqualTheReferenceBitwise(@ForAll("accepted") Problem plain, @ForAll("exactActivations") Activation act,
                                                  @ForAll Layout layout, @ForAll @LongRange(min = 0, max = 1000) long seed) {
        assertBitwise(ActivationAgreementTest.with(plain, act), layout, seed);
    }

    @Property(tries = 60)
    void tanhAndSigmoidAreWithinTheDerivedBound(@ForAll("accepted") Problem plain, @ForAll("smoothActivations") Activation act,
                                                @ForAll @LongRange(min = 0, max = 1000) long seed) {
        ActivationAgreementTest.checkBound(ActivationAgreementTest.with(plain, act), seed);
    }

    @Provide
    Arbitrary<Activation> exactActivations() {
        return new ActivationAgreementTest().exact();
    }

    @Provide
    Arbitrary<Activation> smoothActivations() {
        return new ActivationAgreementTest().smooth();
    }

    // ---- worked examples ------------------------------------------------------------------

    /** Kernel smaller than the stride: phases r ≥ k have no tap, their outputs are the bias alone. */
    @Example
    void phasesWithoutTapsHoldTheBias() {
        assertBitwise(ConvTransposeSpec.builder2d(3, 5, 2, 3).stride(5, 4).build().problem(2, new int[] {3, 7}), 1);
        assertBitwise(ConvTransposeSpec.builder1d(4, 3, 3).stride(8).padding(2).outputPadding(5).build().problem(1, new int[] {9}), 2);
        // a stride far past the kernel, no bias: the gaps are +0
        assertBitwise(ConvTransposeSpec.builder2d(2, 2, 1, 2).stride(7, 9).bias(false).build().problem(1, new int[] {2, 3}), 3);
    }

    /**
     * Phase runs of two vectors and more: stride = kernel = 32 (or 40) along the width, so each
     * super-pixel's row is one run of that many outputs, written through the bias-add loop (no
     * gathering store: the run is wider than a vector) past its first vector, with a partial last
     * vector at 40 and runs cropped by padding.
     */
    @Example
    void phaseRunsOfSeveralVectors() {
        assertBitwise(ConvTransposeSpec.builder1d(3, 2, 32).stride(32).build().problem(1, new int[] {5}), 31);
        assertBitwise(ConvTransposeSpec.builder2d(3, 2, 2, 40).stride(2, 40).padding(0, 3).build().problem(1, new int[] {3, 4}), 32);
    }

    /** Pads larger than the stride crop whole super-pixels and leave the first one partial; asymmetric. */
    @Example
    void paddingPastTheStride() {
        assertBitwise(ConvTransposeSpec.builder2d(5, 4, 16).stride(8).padding(4).build().problem(1, new int[] {5, 6}), 4);
        assertBitwise(ConvTransposeSpec.builder2d(3, 2, 12, 8).stride(4, 2).pads(new int[] {9, 7}, new int[] {2, 0}).build()
                .problem(1, new int[] {4, 9}), 5);
        assertBitwise(ConvTransposeSpec.builder1d(6, 5, 9).stride(3).pads(new int[] {8}, new int[] {8}).build().problem(2, new int[] {7}), 6);
    }

    /** output_padding extends the output past the input's reach: the last super-pixels gather only zeros. */
    @Example
    void outputPaddingBeyondTheInputsReach() {
        assertBitwise(ConvTransposeSpec.builder2d(4, 3, 8).stride(8).outputPadding(7, 3).build().problem(1, new int[] {3, 2}), 7);
        assertBitwise(ConvTransposeSpec.builder1d(2, 2, 4).stride(2).outputPadding(1).padding(3).build().problem(1, new int[] {5}), 8);
    }

    /** Groups: each group's GEMM reads only its input channels and writes only its output channels. */
    @Example
    void groups() {
        assertBitwise(ConvTransposeSpec.builder2d(12, 9, 8).stride(4).padding(2).groups(3).build().problem(2, new int[] {5, 5}), 9);
        assertBitwise(ConvTransposeSpec.builder1d(4, 6, 16).stride(8).padding(4).groups(2).bias(false).build().problem(1, new int[] {30}), 10);
        // depthwise
        assertBitwise(ConvTransposeSpec.builder2d(5, 5, 4).stride(2).padding(1).groups(5).build().problem(1, new int[] {6, 7}), 11);
    }

    /**
     * Rows that end in every tail at this JVM's width: output rows whose super-pixels fill a whole
     * number of vectors, one more and one fewer (the write-out's gathered vectors and its
     * run-by-run rest), and GEMM sizes around the register tile (MR rows of super-pixels, NR columns)
     * and past one block (MC rows, the NC column tile, the KC depth).
     */
    @Example
    void tailsAtTheConfiguredWidth() {
        for (int s : new int[] {2, 4, 8, LANES, LANES / 2}) {
            int perVector = Math.max(1, LANES / s);
            for (int in : new int[] {perVector, perVector + 1, 2 * perVector - 1, 3 * perVector + 2}) {
                assertBitwise(ConvTransposeSpec.builder2d(3, 2, 2 * s).stride(s).padding(s / 2).build().problem(1, new int[] {2, in}), s + in);
                assertBitwise(ConvTransposeSpec.builder1d(2, 3, s).stride(s).build().problem(1, new int[] {in}), s * in);
            }
        }
        int mr = Blocking.MR, nr = Blocking.NR;
        // super-pixels = MR, MR + 1, several MC blocks; columns = NR − 1, NR + 1, past NC_MAX
        assertBitwise(ConvTransposeSpec.builder1d(3, nr - 1, 2).stride(2).build().problem(1, new int[] {mr - 1}), 21);
        assertBitwise(ConvTransposeSpec.builder1d(3, nr + 1, 1).stride(1).build().problem(1, new int[] {mr + 1}), 22);
        assertBitwise(ConvTransposeSpec.builder2d(2, 2, 4).stride(2).padding(1).build().problem(3, new int[] {9, Blocking.MC / 3}), 23);
        assertBitwise(ConvTransposeSpec.builder2d(2, Blocking.NC_MAX / 16 + 5, 4).stride(4).build().problem(1, new int[] {3, 5}), 24);
        assertBitwise(ConvTransposeSpec.builder1d(Blocking.KC / 2 + 3, 4, 4).stride(2).padding(1).build().problem(2, new int[] {11}), 25);
    }

    /** fcn8s_up's geometry (k 16, s 8, pad 4) with few channels. */
    @Example
    void fcnGeometry() {
        assertBitwise(ConvTransposeSpec.builder2d(5, 6, 16).stride(8).padding(4).bias(false).build().problem(1, new int[] {7, 9}), 26);
    }

    /**
     * A bias of −0 whose outputs receive only −0 products (0 × negative) next to products of the
     * gathered zeros outside the input (+0 × positive = +0): the reference gives −0, and so must this.
     */
    @Example
    void negativeZeroBiasBesideGatheredZeros() {
        Problem p = ConvTransposeSpec.builder2d(1, 1, 4).stride(2).padding(1).build().problem(1, new int[] {3, 3});
        float[] x = new float[p.inputLength()];
        float[] w = new float[p.weightLength()];
        Arrays.fill(w, 3f);
        // x = 0 (+0) everywhere: products with w = 3 are +0; make one column -0 · 3 = -0
        float[] xNeg = x.clone();
        Arrays.fill(xNeg, -0f);
        for (float[] data : new float[][] {x, xNeg}) {
            float[] b = {-0f};
            float[] expected = FastKernels.reference(p, data, w, b);
            float[] got = FastKernels.run(K, p, data, w, b);
            assertEquals(-1, FastKernels.firstBitDifference(expected, got), () -> Arrays.toString(got) + " vs " + Arrays.toString(expected));
        }
        // every output of the all -0 input is -0 in the reference (bias -0 plus -0 products): check the test sees that case
        float[] expected = FastKernels.reference(p, xNeg, w, new float[] {-0f});
        assertTrue(Float.floatToRawIntBits(expected[0]) == Float.floatToRawIntBits(-0f), "the case must exercise −0");
    }

    /** Weights with NaN or ±Inf: the plan must not multiply gathered zeros by them (0·Inf = NaN where the reference has none). */
    @Example
    void nonFiniteWeightsGiveTheReferencesNaNs() {
        Problem p = ConvTransposeSpec.builder2d(2, 2, 4).stride(2).padding(1).build().problem(1, new int[] {3, 4});
        float[] x = TestData.smallInts(p.inputLength(), 3);
        float[] b = TestData.smallInts(p.biasLength(), 4);
        for (float bad : new float[] {Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY}) {
            float[] w = TestData.smallInts(p.weightLength(), 5);
            w[7] = bad;
            float[] expected = FastKernels.reference(p, x, w, b);
            float[] got = FastKernels.run(K, p, x, w, b);
            // channels last: the im2col fallback reads and writes it as the sub-pixel plan would have
            float[] lastExpected = LayoutAgreementTest.channelsLast(expected, 1, 2, p.outputPlane());
            float[] lastGot = Planner.plan(p.withLayout(Layout.CHANNELS_LAST), w, 0, b, 0, K)
                    .execute(LayoutAgreementTest.channelsLast(x, 1, 2, p.inputPlane()));
            for (int i = 0; i < expected.length; i++) {
                assertEquals(Float.isNaN(expected[i]), Float.isNaN(got[i]), "NaN at " + i + " for weight " + bad);
                assertEquals(Float.isNaN(lastExpected[i]), Float.isNaN(lastGot[i]), "channels last: NaN at " + i + " for weight " + bad);
                if (!Float.isNaN(expected[i])) {
                    assertEquals(expected[i], got[i], "at " + i + " for weight " + bad);
                }
                if (!Float.isNaN(lastExpected[i])) {
                    assertEquals(lastExpected[i], lastGot[i], "channels last: at " + i + " for weight " + bad);
                }
            }
        }
    }

    @Example
    void declinesWhatItDoesNotCoverWithAReason() {
        SubpixelKernel k = new SubpixelKernel();
        assertNotNull(k.declineReason(ConvTransposeSpec.builder(3, 2, 2, 2, 2, 2).stride(2, 2, 2).build().problem(1, new int[] {2, 2, 2})));
        assertNotNull(k.declineReason(ConvTransposeSpec.builder1d(2, 2, 3).stride(2).dilation(2).build().problem(1, new int[] {5})));
        // kernel 5, stride 2: phases of 3 and 2 taps
        String uneven = k.declineReason(ConvTransposeSpec.builder2d(2, 2, 4, 5).stride(2).build().problem(1, new int[] {5, 5}));
        assertNotNull(uneven);
        assertTrue(uneven.contains("dimension 1"), uneven);
        // a kernel far past a one-element input at stride 1: the dense phase GEMM would do ~kernel times the landing products
        assertNotNull(k.declineReason(ConvTransposeSpec.builder1d(1, 1, 20_000).stride(1).build().problem(1, new int[] {1})));
        assertNull(k.declineReason(ConvTransposeSpec.builder1d(1, 1, 16).stride(8).build().problem(1, new int[] {1})));
    }

    /**
     * The packed-weights rule names its cause: Cin 2^29, Cout 1, kernel = stride = 2 has 2^30 weights, but each
     * GEMM column panel is padded to {@link Blocking#NR} columns (2 phase columns here, NR at least 4), so the
     * packed B would hold at least 2^31 floats, past a Java array. Only the spec is needed: nothing is allocated.
     */
    @Example
    void packedWeightsPastAJavaArrayAreDeclinedWithTheirCause() {
        Problem p = ConvTransposeSpec.builder1d(1 << 29, 1, 2).stride(2).bias(false).build().problem(1, 1 << 29, 2);
        String why = new SubpixelKernel().declineReason(p);
        assertTrue(why != null && why.contains("its packed weights"), "NR " + Blocking.NR + ": " + why);
    }

    /**
     * The other size rules name their cause too, on specs only (nothing is allocated):
     * <ul>
     * <li>a gather past the int range: 2<sup>31</sup> − 20 inputs at stride 1 with a kernel of 32 reach
     *     2<sup>31</sup> + 12 positions, padded down to an output of 10;</li>
     * <li>GEMM rows: 2 images of 2<sup>30</sup> − 1 positions at kernel = stride = 1 give
     *     2<sup>31</sup> − 2 super-pixels (one per output), within 4 per input position;</li>
     * <li>the workspace: depth Cin·taps = 2<sup>20</sup>·32 = 2<sup>25</sup> rows of one panel of
     *     {@link Blocking#NR} packed columns fit an array, but an A block of {@link Blocking#MC} rows of
     *     that depth (1,055 super-pixels fill it) does not;</li>
     * <li>the im2col fallback: 2 images of 2<sup>30</sup> − 1 positions, kernel = stride = 2, padded down
     *     to an output of 4 (so few super-pixels), leave no room to pad im2col's 2<sup>31</sup> − 2 GEMM columns.</li>
     * </ul>
     */
    @Example
    void theOtherSizeRulesDeclineWithTheirCause() {
        SubpixelKernel k = new SubpixelKernel();
        int inputs = Integer.MAX_VALUE - 20;
        Problem reach = ConvTransposeSpec.builder1d(1, 1, 32).stride(1).pads(new int[] {inputs}, new int[] {21})
                .bias(false).build().problem(1, new int[] {inputs});
        assertEquals(10, reach.outputSpatial()[0]);
        assertReason(k.declineReason(reach), "input size + taps = " + (inputs + 32L));

        Problem rows = ConvTransposeSpec.builder1d(1, 1, 1).stride(1).bias(false).build().problem(2, new int[] {(1 << 30) - 1});
        assertReason(k.declineReason(rows), "N*super-pixels = " + ((1L << 31) - 2));

        assertTrue(Blocking.MC > Blocking.NR, "the example needs an A block of more rows than a B panel has columns");
        Problem workspace = ConvTransposeSpec.builder1d(1 << 20, 1, 32).stride(1).bias(false).build().problem(1, new int[] {1024});
        assertReason(k.declineReason(workspace), "its workspace (");
        assertReason(k.declineReason(workspace), "Cin/groups = " + (1 << 20));

        int half = (1 << 30) - 1;
        Problem fallback = ConvTransposeSpec.builder1d(1, 1, 2).stride(2).pads(new int[] {half}, new int[] {half - 4})
                .bias(false).build().problem(2, new int[] {half});
        assertEquals(4, fallback.outputSpatial()[0]);
        assertReason(k.declineReason(fallback), "its fallback for non-finite weights, im2col, declines: the GEMM's column count");
    }

    /**
     * The pack layouts have their documented names whatever the shape: {@code "phases"} for a
     * channels-first output, {@code "phases-channels-last"} for a channels-last one the plan reads and
     * writes itself (a single input position whose output is the kernel too: its im2col fallback's
     * one-GEMM path writes channels last itself), and {@code "phases"} again, behind the layout stage,
     * for groups of fewer output channels than a vector.
     */
    @Example
    void packLayoutsAreNamedByTheirColumnOrder() {
        ConvTransposeSpec spec = ConvTransposeSpec.builder2d(4, 3, 4).stride(4).build();
        SubpixelKernel k = new SubpixelKernel();
        assertEquals("phases", k.packLayout(spec.problem(1, 4, 3, 3)));
        assertEquals("phases", k.packLayout(spec.problem(2, 4, 1, 7)));
        Problem last = spec.problem(2, 4, 1, 7).withLayout(Layout.CHANNELS_LAST);
        assertEquals("phases-channels-last", k.packLayout(last));
        assertTrue(k.readsLayout(last) && k.writesLayout(last));
        Problem onePosition = spec.problem(2, 4, 1, 1).withLayout(Layout.CHANNELS_LAST);
        assertEquals("phases-channels-last", k.packLayout(onePosition));
        assertTrue(k.readsLayout(onePosition) && k.writesLayout(onePosition));
        Problem depthwise = ConvTransposeSpec.builder2d(4, 4, 4).stride(4).groups(4).build().problem(1, 4, 3, 5)
                .withLayout(Layout.CHANNELS_LAST);
        assertEquals("phases", k.packLayout(depthwise));
        assertFalse(k.readsLayout(depthwise) || k.writesLayout(depthwise));
        assertBitwise(depthwise.withLayout(Layout.CHANNELS_FIRST), Layout.CHANNELS_LAST, 6);
        assertBitwise(spec.problem(2, 4, 1, 1), Layout.CHANNELS_LAST, 5);
    }

    /**
     * The automatic rule at its documented bounds (a stride of at least {@link SubpixelKernel#AUTO_MIN_STRIDE}
     * in some dimension, {@link SubpixelKernel#AUTO_MIN_CHANNELS_PER_GROUP} to
     * {@link SubpixelKernel#AUTO_MAX_CHANNELS_PER_GROUP} input channels per group: inclusive), a dilation
     * on a kernel of size 1 (no effect, so no reason to decline), and every reason, forced or
     * automatic, naming what it declines for (the planner's explanation shows it).
     */
    @Example
    void automaticRuleAtItsBoundsAndReasonsThatNameTheirCause() {
        SubpixelKernel k = new SubpixelKernel();
        int s = SubpixelKernel.AUTO_MIN_STRIDE, lo = SubpixelKernel.AUTO_MIN_CHANNELS_PER_GROUP;
        int hi = SubpixelKernel.AUTO_MAX_CHANNELS_PER_GROUP;
        java.util.function.BiFunction<Integer, Integer, Problem> widthStride = (cin, stride) ->
                ConvTransposeSpec.builder2d(cin, 8, 1, 2 * stride).stride(1, stride).build().problem(1, new int[] {4, 9});
        assertNull(k.autoDeclineReason(widthStride.apply(lo, s)));
        assertNull(k.autoDeclineReason(widthStride.apply(hi, s)));
        assertReason(k.autoDeclineReason(widthStride.apply(lo - 1, s)), "Cin/groups = " + (lo - 1));
        assertReason(k.autoDeclineReason(widthStride.apply(hi + 1, s)), "Cin/groups = " + (hi + 1));
        assertReason(k.autoDeclineReason(widthStride.apply(lo, s - 1)), "strides below " + s);
        assertNull(k.declineReason(ConvTransposeSpec.builder2d(4, 8, 1, 8).stride(1, 4).dilation(2, 1).build().problem(1, new int[] {4, 9})));
        Problem rank3 = ConvTransposeSpec.builder(3, 2, 2, 2, 2, 2).stride(2, 2, 2).build().problem(1, new int[] {2, 2, 2});
        assertReason(k.declineReason(rank3), "rank 1 and 2");
        assertReason(k.autoDeclineReason(rank3), "rank 1 and 2");
        assertReason(k.declineReason(ConvTransposeSpec.builder1d(2, 2, 3).stride(2).dilation(2).build().problem(1, new int[] {5})),
                "dilation 2");
        assertReason(k.declineReason(ConvTransposeSpec.builder1d(1, 1, 20_000).stride(1).build().problem(1, new int[] {1})),
                "disproportionate");
    }

    /**
     * Warm-up proxies: a GEMM deeper than one K block ({@link Blocking#KC}) first gets a proxy of one
     * output channel just past one block deep (the micro-kernel's accumulating path), then the
     * plan's geometry with two input channels per group and its own output channels per group, then
     * the same with one output channel (a single column tile); a shallow GEMM only the latter two,
     * and one output channel only the first of them. Kernel 8 at stride 4 gives 2 × 2 taps per phase,
     * so 80 input channels make a depth of 320 > 256 and 8 make 32.
     */
    @Example
    void warmUpProxiesOfADeepAndAShallowGemm() {
        SubpixelKernel k = new SubpixelKernel();
        int taps = 4;
        Problem deep = ConvTransposeSpec.builder2d(80, 6, 8).stride(4).build().problem(1, new int[] {5, 5});
        List<Problem> proxies = k.warmUpProblems(deep);
        assertEquals(3, proxies.size(), proxies::toString);
        int depth = proxies.get(0).spec().inChannelsPerGroup() * taps;
        assertTrue(depth > Blocking.KC && depth <= Blocking.KC + taps, () -> "first proxy's depth " + depth);
        assertEquals(1, proxies.get(0).spec().outChannelsPerGroup());
        assertEquals(2, proxies.get(1).spec().inChannelsPerGroup());
        assertEquals(6, proxies.get(1).spec().outChannelsPerGroup());
        assertEquals(2, proxies.get(2).spec().inChannelsPerGroup());
        assertEquals(1, proxies.get(2).spec().outChannelsPerGroup());
        Problem shallow = ConvTransposeSpec.builder2d(8, 6, 8).stride(4).build().problem(1, new int[] {5, 5});
        assertEquals(2, k.warmUpProblems(shallow).size());
        Problem oneOut = ConvTransposeSpec.builder2d(8, 1, 8).stride(4).build().problem(1, new int[] {5, 5});
        assertEquals(1, k.warmUpProblems(oneOut).size());
        for (Problem q : proxies) {
            assertNull(k.declineReason(q), q::toString);
        }
    }

    private static void assertReason(String reason, String cause) {
        assertNotNull(reason, () -> "no reason, expected one about '" + cause + "'");
        assertTrue(reason.contains(cause), () -> "'" + reason + "' does not name '" + cause + "'");
    }

    @Example
    void automaticChoiceFollowsTheDocumentedRule() {
        SubpixelKernel k = new SubpixelKernel();
        Problem fcn = ConvTransposeSpec.builder2d(21, 21, 16).stride(8).padding(4).bias(false).build().problem(1, new int[] {28, 28});
        Problem fcnDepthwise = ConvTransposeSpec.builder2d(21, 21, 16).stride(8).padding(4).groups(21).bias(false).build().problem(1, new int[] {28, 28});
        Problem dcgan = ConvTransposeSpec.builder2d(64, 32, 4).stride(2).padding(1).build().problem(1, new int[] {8, 8});
        assertNull(k.autoDeclineReason(fcn));
        assertNotNull(k.autoDeclineReason(fcnDepthwise));
        assertNotNull(k.autoDeclineReason(dcgan));
        Problem hifigan = ConvTransposeSpec.builder1d(512, 256, 16).stride(8).padding(4).build().problem(1, new int[] {86});
        assertNotNull(k.autoDeclineReason(hifigan));
        assertEquals(SubpixelKernel.NAME, Planner.choose(fcn).name());
    }

    /**
     * Every way the kernel splits (groups; super-pixel ranges with bias-only phases; GEMM column
     * ranges, where few super-pixels meet many output channels) gives the one-thread bits at 2–8
     * threads, writing nothing outside the output; with and without a fused tanh.
     */
    @Example
    void everySplitKeepsTheOneThreadBits() {
        Problem[] shapes = {
                ConvTransposeSpec.builder2d(8, 12, 8).stride(4).padding(2).groups(4).build().problem(1, new int[] {6, 6}),
                ConvTransposeSpec.builder2d(5, 3, 3).stride(5).padding(1).outputPadding(2).build().problem(2, new int[] {9, 11}),
                ConvTransposeSpec.builder2d(6, 200, 4).stride(2).padding(1).build().problem(1, new int[] {2, 2}),
                // column ranges and bias-only phases: each channel's gaps written by the range holding its first column
                ConvTransposeSpec.builder2d(4, 100, 3).stride(5).padding(1).build().problem(1, new int[] {2, 3}),
                ConvTransposeSpec.builder1d(7, 5, 16).stride(8).padding(4).build().problem(1, new int[] {301}),
        };
        for (Problem p : Arrays.stream(shapes).flatMap(s -> java.util.stream.Stream.of(s, ActivationAgreementTest.with(s, Activation.tanh()),
                s.withLayout(Layout.CHANNELS_LAST), ActivationAgreementTest.with(s, Activation.tanh()).withLayout(Layout.CHANNELS_LAST))).toList()) {
            float[] x = TestData.uniform(p.inputLength(), 1);
            float[] w = TestData.uniform(p.weightLength(), 2);
            float[] b = p.spec().hasBias() ? TestData.uniform(p.biasLength(), 3) : null;
            Plan plan = Planner.plan(p, w, 0, b, 0, K);
            float[] one = plan.execute(x);
            for (int threads = 2; threads <= 8; threads++) {
                float[] many = new float[GUARD + p.outputLength() + GUARD];
                Arrays.fill(many, Float.NaN);
                plan.execute(x, 0, many, GUARD, dev.convt.Parallelism.threads(threads).withMinTaskWork(1));
                for (int i = 0; i < GUARD; i++) {
                    assertTrue(Float.isNaN(many[i]) && Float.isNaN(many[many.length - 1 - i]), "wrote outside its output");
                }
                int at = FastKernels.firstBitDifference(one, Arrays.copyOfRange(many, GUARD, GUARD + p.outputLength()));
                assertEquals(-1, at, threads + " threads differ from one at " + at + " for " + p);
            }
        }
    }

    // ---- helpers --------------------------------------------------------------------------

    /**
     * Small integers in [-4, 4] with about a quarter of the zeros negative (in the input, the weights
     * and the bias): the kernel's output, written into a NaN-filled output inside guard cells, must
     * equal the reference bitwise and leave the guards alone.
     */
    private static void assertBitwise(Problem p, long seed) {
        assertBitwise(p, Layout.CHANNELS_FIRST, seed);
    }

    /** {@link #assertBitwise(Problem, long)} in a layout: channels last takes the data and gives the reference's transposed. */
    private static void assertBitwise(Problem p, Layout layout, long seed) {
        float[] x = signedZeros(TestData.smallInts(p.inputLength(), seed), seed);
        float[] w = signedZeros(TestData.smallInts(p.weightLength(), seed + 1), seed + 1);
        float[] b = p.spec().hasBias() ? signedZeros(TestData.smallInts(p.biasLength(), seed + 2), seed + 2) : null;
        float[] expected = FastKernels.reference(p, x, w, b);
        if (layout == Layout.CHANNELS_LAST) {
            x = LayoutAgreementTest.channelsLast(x, p.batch(), p.spec().inChannels(), p.inputPlane());
            expected = LayoutAgreementTest.channelsLast(expected, p.batch(), p.spec().outChannels(), p.outputPlane());
            p = p.withLayout(layout);
        }
        Plan plan = Planner.plan(p, w, 0, b, 0, K);
        float[] y = new float[GUARD + p.outputLength() + GUARD];
        Arrays.fill(y, Float.NaN);
        plan.execute(x, 0, y, GUARD);
        for (int i = 0; i < GUARD; i++) {
            if (!Float.isNaN(y[i]) || !Float.isNaN(y[y.length - 1 - i])) {
                fail("wrote outside its output for " + p);
            }
        }
        float[] got = Arrays.copyOfRange(y, GUARD, GUARD + p.outputLength());
        int at = FastKernels.firstBitDifference(expected, got);
        if (at >= 0) {
            fail("differs from the reference at " + at + ": " + got[at] + " vs " + expected[at] + " for " + p + " (seed " + seed + ")");
        }
    }

    /** The values with each zero made −0 with probability 1/2 (and, for a bias, every zero −0 on odd seeds). */
    private static float[] signedZeros(float[] a, long seed) {
        SplittableRandom r = new SplittableRandom(seed * 31 + 7);
        for (int i = 0; i < a.length; i++) {
            if (a[i] == 0f && (r.nextBoolean() || (seed & 1) == 1)) {
                a[i] = -0f;
            }
        }
        return a;
    }
}
