package dev.convt.tests.cost;

import dev.convt.Problem;
import dev.convt.cost.CostModels;
import dev.convt.kernel.OpCounter;
import dev.convt.kernel.ReferenceKernel;
import dev.convt.testkit.TestData;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.EdgeCasesMode;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The counting reference (the reference kernel doing the work and ticking a counter) against the
 * closed forms, and the closed per-dimension coverage against a brute-force tally.
 */
class CountingReferencePropertiesTest {

    @Provide
    Arbitrary<Problem> problems() {
        return Arbitraries.oneOf(CostProblems.general(), CostProblems.corners());
    }

    @Property(edgeCases = EdgeCasesMode.NONE) // the generators draw the corners themselves
    void counterEqualsExactClosedForm(@ForAll("problems") Problem p) {
        float[] x = TestData.smallInts(p.inputLength(), 1);
        float[] w = TestData.smallInts(p.weightLength(), 2);
        float[] b = p.spec().hasBias() ? TestData.smallInts(p.spec().outChannels(), 3) : null;
        float[] counted = new float[p.outputLength()];
        float[] plain = new float[p.outputLength()];
        OpCounter.Tally tally = new OpCounter.Tally();

        ReferenceKernel.compute(p, x, 0, w, 0, b, 0, counted, 0, tally);
        ReferenceKernel.compute(p, x, 0, w, 0, b, 0, plain, 0);

        CostModels.OpCount exact = CostModels.exact(p);
        assertEquals(exact.multiplications(), tally.multiplications(), () -> "multiplications of " + p);
        assertEquals(exact.additions(), tally.additions(), () -> "additions of " + p);
        // counting must not change the computation
        assertArrayEquals(plain, counted, () -> "counted and plain results differ for " + p);
    }

    /** The seeds' experiment, run on the reference kernel: ones in, ones as weights, Σ(y − 1). */
    @Property(edgeCases = EdgeCasesMode.NONE) // the generators draw the corners themselves
    void onesExperimentEqualsAdditionsPerFilter(@ForAll("problems") Problem p) {
        Problem ones = CostProblems.onesLayer(p);
        float[] x = filled(ones.inputLength());
        float[] w = filled(ones.weightLength());
        float[] y = new float[ones.outputLength()];
        ReferenceKernel.compute(ones, x, 0, w, 0, null, 0, y, 0);
        long additions = 0;
        for (float v : y) {
            additions += (long) v - 1;
        }
        assertEquals(additions, CostModels.additionsPerFilter(p), () -> "additions_per_filter of " + p);
        assertEquals(additions, CostModels.published(p).additionsPerFilter(), () -> "published apf of " + p);
    }

    /** Closed-form coverage of one dimension against the (i, t) tally, over wider parameters than a kernel run allows. */
    @Property
    void dimensionCoverageEqualsTally(@ForAll @IntRange(min = 1, max = 40) int in,
                                      @ForAll @IntRange(min = 1, max = 9) int k,
                                      @ForAll @IntRange(min = 1, max = 12) int s,
                                      @ForAll @IntRange(min = 1, max = 7) int d,
                                      @ForAll @IntRange(min = 0, max = 1 << 20) int opGene,
                                      @ForAll @IntRange(min = 0, max = 1 << 20) int padGene,
                                      @ForAll @IntRange(min = 0, max = 1 << 20) int splitGene) {
        int op = opGene % Math.max(s, d);
        int full = (in - 1) * s + d * (k - 1) + 1 + op;
        int total = padGene % full;
        int pb = splitGene % (total + 1);
        Problem p = dev.convt.ConvTransposeSpec.builder1d(1, 1, k).stride(s).dilation(d)
                .pads(new int[] {pb}, new int[] {total - pb}).outputPadding(op).bias(false).build().problem(1, new int[] {in});
        int[] c = BruteCoverage.line(in, p.outputSpatial()[0], k, s, d, pb);
        CostModels.DimCoverage cov = CostModels.coverage(p, 0);
        assertEquals(c.length, cov.outSize());
        assertEquals(BruteCoverage.sum(c), cov.products(), () -> "products of " + p);
        assertEquals(c.length - BruteCoverage.zeros(c), cov.covered(), () -> "covered outputs of " + p);
    }

    /**
     * The same tally over every small case: dilations larger than the input (gaps between one tap
     * class's intervals), every split of the padding and every output_padding. Exhaustive, so it does
     * not depend on what a random sample happens to draw.
     */
    @Example
    void dimensionCoverageEqualsTallyOnEverySmallCase() {
        for (int in = 1; in <= 4; in++) {
            for (int k = 1; k <= 4; k++) {
                for (int s = 1; s <= 4; s++) {
                    for (int d = 1; d <= 6; d++) {
                        int full = (in - 1) * s + d * (k - 1) + 1;
                        for (int op = 0; op < Math.max(s, d); op++) {
                            for (int pb = 0; pb < full + op; pb++) {
                                for (int pe = 0; pb + pe < full + op; pe++) {
                                    int[] c = BruteCoverage.line(in, full + op - pb - pe, k, s, d, pb);
                                    Problem p = dev.convt.ConvTransposeSpec.builder1d(1, 1, k).stride(s).dilation(d)
                                            .pads(new int[] {pb}, new int[] {pe}).outputPadding(op).bias(false).build()
                                            .problem(1, new int[] {in});
                                    CostModels.DimCoverage cov = CostModels.coverage(p, 0);
                                    assertEquals(c.length, cov.outSize(), () -> "output size of " + p);
                                    assertEquals(BruteCoverage.sum(c), cov.products(), () -> "products of " + p);
                                    assertEquals(c.length - BruteCoverage.zeros(c), cov.covered(), () -> "covered outputs of " + p);
                                }
                            }
                        }
                    }
                }
            }
        }
    }

    private static float[] filled(int n) {
        float[] a = new float[n];
        java.util.Arrays.fill(a, 1f);
        return a;
    }
}
