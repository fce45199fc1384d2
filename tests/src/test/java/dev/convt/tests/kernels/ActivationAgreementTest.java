package dev.convt.tests.kernels;

import dev.convt.Activation;
import dev.convt.ConvTransposeSpec;
import dev.convt.Plan;
import dev.convt.Planner;
import dev.convt.Problem;
import dev.convt.kernel.KernelChoice;
import dev.convt.kernel.ReferenceKernel;
import dev.convt.testkit.Agreement;
import dev.convt.testkit.Engine;
import dev.convt.testkit.ErrorBound;
import dev.convt.testkit.Problems;
import dev.convt.testkit.TestData;
import dev.convt.vector.Epilogue;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The fused activation ({@code y = act(conv + bias)}, {@link Activation}) on every fast kernel against
 * the reference, which applies it as the definition.
 *
 * <ul>
 * <li><b>Exact kinds, bitwise.</b> ReLU, LeakyReLU with {@code alpha = 0.25} or {@code −0.5} and clamp to
 *     integer bounds map the small-integer outputs (exact in float32) to exact values, so every kernel
 *     must give the reference's bits, the sign of zero included.</li>
 * <li><b>Tanh and sigmoid, bounded.</b> On uniform data each kernel's float32 convolution {@code c} is
 *     within DESIGN.md's bound {@code B} of the float64 result {@code c64} ({@link ErrorBound}). The
 *     activation has slope at most {@code Lip} (1 for tanh, 1/4 for sigmoid), so
 *     {@code |act(c) − act(c64)| ≤ Lip·B}; the kernel evaluates {@code act(c)} within {@code k} ulp of
 *     its exact value ({@code k} = {@link Epilogue#TANH_ULPS} / {@link Epilogue#SIGMOID_ULPS} for the
 *     vector kernels, 1 for the reference: float64 rounded once to float32 is within half an ulp plus
 *     float64's own error), an ulp no larger than that of {@code |act(c64)| + Lip·B}. So
 *     {@code |y − act(c64)| ≤ Lip·B + k·ulp(|act(c64)| + Lip·B) + 2^-149} (the last term for
 *     subnormal results), with {@code act(c64)} evaluated in float64 (its error, below 2^-50
 *     relative, is covered by a further {@code 2^-40·|act(c64)|}).</li>
 * <li><b>Threads.</b> With an activation, every thread count gives the one-thread bits (the activation
 *     is applied inside each task, once per element).</li>
 * </ul>
 */
class ActivationAgreementTest {

    /** Ranks 1–2 and their tails, rank 3 (im2col's depth bands), and single input positions (im2col's one-GEMM path). */
    @Provide
    Arbitrary<Problem> problems() {
        return Arbitraries.oneOf(Problems.problems(1, 2, 3, 6), Problems.tails(), Problems.rank3(), Problems.singlePosition());
    }

    /** Activations whose result on small integers is exact. */
    @Provide
    Arbitrary<Activation> exact() {
        return Arbitraries.of(Activation.relu(), Activation.leakyRelu(0.25f), Activation.leakyRelu(-0.5f),
                Activation.clamp(-3, 5), Activation.clamp(0, 0), Activation.clamp(Float.NEGATIVE_INFINITY, 2));
    }

    @Provide
    Arbitrary<Activation> smooth() {
        return Arbitraries.of(Activation.tanh(), Activation.sigmoid());
    }

    @Provide
    Arbitrary<Activation> any() {
        return Arbitraries.oneOf(exact(), smooth());
    }

    /** The problem with the activation in its spec (the same input shape, batched or not). */
    static Problem with(Problem p, Activation act) {
        return p.spec().toBuilder().activation(act).build().problem(p.inputShape());
    }

    @Property
    void exactActivationsEqualTheReferenceBitwise(@ForAll("problems") Problem plain, @ForAll("exact") Activation act,
                                                  @ForAll @LongRange(min = 0, max = 1000) long seed) {
        Problem p = with(plain, act);
        for (KernelChoice k : FastKernels.all()) {
            if (FastKernels.accepts(k, p)) {
                Agreement.assertBitwiseOnSmallIntegers(Engine.of(k), p, seed);
            }
        }
    }

    @Property
    void tanhAndSigmoidAreWithinTheDerivedBound(@ForAll("problems") Problem plain, @ForAll("smooth") Activation act,
                                                @ForAll @LongRange(min = 0, max = 1000) long seed) {
        checkBound(with(plain, act), seed);
    }

    /** Larger sums (|conv| up to ~10) so tanh and sigmoid reach their flat parts and both of tanh's formulas. */
    @Example
    void tanhAndSigmoidOnWideSums() {
        for (Activation act : List.of(Activation.tanh(), Activation.sigmoid())) {
            checkBound(with(ConvTransposeSpec.builder2d(64, 9, 4).stride(2).padding(1).build().problem(2, new int[] {5, 7}), act), 3);
            checkBound(with(ConvTransposeSpec.builder1d(35, 17, 5).stride(3).padding(2).bias(false).build().problem(1, new int[] {41}), act), 4);
        }
    }

    @Property
    void everyThreadCountGivesTheOneThreadBitsWithAnActivation(@ForAll("problems") Problem plain, @ForAll("any") Activation act,
                                                                @ForAll @IntRange(min = 2, max = 8) int threads,
                                                                @ForAll @LongRange(min = 0, max = 1000) long seed) {
        new ParallelDeterminismTest().everyThreadCountGivesTheOneThreadBits(with(plain, act), threads, seed);
    }

    /** Each way a kernel splits its work (groups, channel blocks, images, row and column bands, scatter rows), with tanh. */
    @Example
    void eachWayOfSplittingKeepsTheBitsWithAnActivation() {
        for (Problem p : ParallelDeterminismTest.splitShapes()) {
            for (Activation act : List.of(Activation.tanh(), Activation.leakyRelu(0.1f))) {
                new ParallelDeterminismTest().everyThreadCountGivesTheOneThreadBits(with(p, act), 2, 5);
                new ParallelDeterminismTest().everyThreadCountGivesTheOneThreadBits(with(p, act), 3, 6);
            }
        }
    }

    /**
     * Row bands that no input row reaches (stride 40 along the rows leaves 39 rows between two input
     * rows with the bias alone): such a band's GEMM has no columns (a tile of width 0), and the band
     * still gets its activation.
     */
    @Example
    void bandsWithoutProductsGetTheActivationToo() {
        Problem p = ConvTransposeSpec.builder2d(2, 1, 1).stride(40, 1).activation(Activation.sigmoid()).build()
                .problem(1, new int[] {2, 16});
        for (int threads = 2; threads <= 8; threads++) {
            new ParallelDeterminismTest().everyThreadCountGivesTheOneThreadBits(p, threads, 3);
        }
    }

    /**
     * Rank 3 with a fused activation: in depth bands, where the input has many depth slices (the
     * output frontier advances along depth, as the bands); and an input of a single depth slice whose
     * output has several (the frontier advances along the rows of the first output depth slice only,
     * the rest is finished with the image; the split cuts channels).
     */
    @Example
    void depthBandsOfRank3KeepTheBitsWithAnActivation() {
        Problem deep = ConvTransposeSpec.builder(3, 5, 2, new int[] {3, 2, 3}).stride(2, 2, 1).padding(1, 0, 1).dilation(1, 1, 2)
                .activation(Activation.tanh()).build().problem(1, new int[] {16, 3, 6});
        Problem flat = ConvTransposeSpec.builder(3, 4, 3, new int[] {5, 3, 2}).stride(1, 2, 2).padding(0, 1, 0)
                .activation(Activation.sigmoid()).build().problem(1, new int[] {1, 9, 5});
        for (Problem p : List.of(deep, flat)) {
            for (int threads = 2; threads <= 8; threads++) {
                new ParallelDeterminismTest().everyThreadCountGivesTheOneThreadBits(p, threads, threads);
            }
            checkBound(p, 7);
        }
    }

    /**
     * Images whose input plane spans several of im2col's column tiles (over 1,024 input positions, or
     * a deep GEMM whose tile is narrower), so the activation runs on part of an image while later
     * columns are still to come: each output must get it exactly once and only once final. A
     * LeakyReLU with slope 1/4 shows both faults on small integers, bitwise: applied twice a negative
     * value is scaled by 1/16, applied to a partial sum the later products are not scaled. Batches of
     * two (the frontier crosses into a second image), padding and strides (the final region is
     * {@code o < s·stride − pad} after {@code s} input slices), ranks 1 to 3, one thread and several.
     */
    @Example
    void imagesSpanningSeveralColumnTilesGetTheActivationOnceFinal() {
        Activation leaky = Activation.leakyRelu(0.25f);
        List<Problem> problems = List.of(
                ConvTransposeSpec.builder2d(8, 3, 3).stride(2).padding(1).activation(leaky).build().problem(2, new int[] {34, 32}),
                ConvTransposeSpec.builder1d(4, 2, 5).stride(3).padding(2).activation(leaky).build().problem(2, new int[] {1300}),
                ConvTransposeSpec.builder(3, 5, 2, new int[] {3, 3, 2}).stride(2, 1, 2).padding(1, 1, 0).activation(leaky).build()
                        .problem(2, new int[] {6, 12, 16}));
        for (Problem p : problems) {
            Agreement.assertBitwiseOnSmallIntegers(Engine.of(KernelChoice.IM2COL), p, 11);
            new ParallelDeterminismTest().everyThreadCountGivesTheOneThreadBits(p, 3, 12);
        }
        // 768 input channels: a column tile of 128 positions, under the 144 of one image
        Problem deep = ConvTransposeSpec.builder2d(768, 2, 3).stride(2).padding(1).activation(leaky).build().problem(2, new int[] {12, 12});
        Agreement.assertBitwiseOnSmallIntegers(Engine.of(KernelChoice.IM2COL), deep, 13);
    }

    /** The reference and every fast kernel that takes the problem. */
    private static List<String> engines(Problem p) {
        List<String> names = new ArrayList<>();
        names.add(ReferenceKernel.NAME);
        for (KernelChoice k : FastKernels.all()) {
            if (FastKernels.accepts(k, p)) {
                names.add(k.kernelName());
            }
        }
        return names;
    }

    /** Every engine that takes the problem (its spec's activation tanh or sigmoid) within the bound of the class comment. */
    static void checkBound(Problem p, long seed) {
        Activation act = p.spec().activation();
        Problem conv = p.spec().toBuilder().activation(Activation.none()).build().problem(p.inputShape());
        float[] x = TestData.uniform(p.inputLength(), seed);
        float[] w = TestData.uniform(p.weightLength(), seed + 1);
        float[] b = p.spec().hasBias() ? TestData.uniform(p.biasLength(), seed + 2) : null;
        double[] c64 = new double[p.outputLength()];
        ReferenceKernel.compute64(conv, TestData.toDouble(x), TestData.toDouble(w), b == null ? null : TestData.toDouble(b), c64);
        double[] absSum = new double[p.outputLength()];
        int[] terms = new int[p.outputLength()];
        ReferenceKernel.absSumAndTerms(conv, TestData.toDouble(x), TestData.toDouble(w), absSum, terms);
        double lip = act.lipschitz();
        double ulps = act.kind() == Activation.Kind.TANH ? Epilogue.TANH_ULPS : Epilogue.SIGMOID_ULPS;
        int plane = p.outputPlane();
        int cout = p.spec().outChannels();
        for (String name : engines(p)) {
            Plan plan = Planner.plan(p, w, 0, b, 0, KernelChoice.parse(name));
            float[] y = plan.execute(x);
            double k = name.equals(ReferenceKernel.NAME) ? 1 : ulps;
            for (int i = 0; i < y.length; i++) {
                double bias = b == null ? 0 : Math.abs(b[i / plane % cout]);
                double convBound = ErrorBound.bound(absSum[i], terms[i], bias, b != null);
                double expected = act.apply(c64[i]);
                double spread = lip * convBound;
                double bound = spread + k * Math.ulp((float) (Math.abs(expected) + spread)) + 0x1p-149 + 0x1p-40 * Math.abs(expected);
                if (!(Math.abs(y[i] - expected) <= bound)) {
                    fail(name + " with " + act + ": y[" + i + "] = " + y[i] + ", float64 " + expected + ", |error| "
                            + Math.abs(y[i] - expected) + " > bound " + bound + " (" + p + ", seed " + seed + ")");
                }
            }
        }
    }

    /**
     * The activation is applied once per element: a second execute into the same output gives the same
     * bits (kernel 3 for im2col and scatter; kernel 4, a multiple of the stride, for the sub-pixel kernel too).
     */
    @Example
    void executingTwiceIntoTheSameOutputGivesTheSameBits() {
        for (int kernel : new int[] {3, 4}) {
            Problem p = with(ConvTransposeSpec.builder2d(8, 5, kernel).stride(2).padding(1).build().problem(2, new int[] {6, 9}), Activation.tanh());
            float[] x = TestData.uniform(p.inputLength(), 1);
            float[] w = TestData.uniform(p.weightLength(), 2);
            float[] b = TestData.uniform(p.biasLength(), 3);
            for (KernelChoice k : FastKernels.all()) {
                if (!FastKernels.accepts(k, p)) {
                    continue;
                }
                Plan plan = Planner.plan(p, w, 0, b, 0, k);
                float[] y = plan.execute(x);
                float[] again = y.clone();
                plan.execute(x, 0, again, 0);
                assertEquals(-1, FastKernels.firstBitDifference(y, again), k.kernelName());
            }
        }
    }
}
