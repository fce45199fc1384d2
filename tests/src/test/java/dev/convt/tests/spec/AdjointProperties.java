package dev.convt.tests.spec;

import dev.convt.ConvTransposeSpec;
import dev.convt.Problem;
import dev.convt.kernel.ReferenceKernel;
import dev.convt.testkit.Problems;
import dev.convt.testkit.TestData;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * "Transposed convolution is multiplication by Wᵀ" (the seeds): for the reference's float64 path and
 * the convolution written in the tests, {@code ⟨conv(z), x⟩ = ⟨z, convT(x)⟩} for every x and z.
 */
class AdjointProperties {
    private static final double U64 = 0x1p-53;

    /**
     * Both sides are sums of the same T products {@code x·w·z} (every (input, tap, output) triple
     * landing inside the output), each formed with two multiplications and summed in some order, so
     * each side is within {@code γ(T+2)·S} of the exact value, {@code S = Σ|x·w·z|},
     * {@code γ(n) = n·u/(1 − n·u)}, u = 2^-53. The two sides may differ by twice that.
     */
    @Property(tries = 60)
    void convolutionIsTheAdjointOfTransposedConvolution(@ForAll("problems") Problem withBias, @ForAll long seed) {
        ConvTransposeSpec spec = withBias.spec().toBuilder().bias(false).build();
        Problem p = spec.problem(withBias.batch(), withBias.inputSpatial());
        double[] x = TestData.toDouble(TestData.uniform(p.inputLength(), seed));
        double[] w = TestData.toDouble(TestData.uniform(p.weightLength(), seed + 1));
        double[] z = TestData.toDouble(TestData.uniform(p.outputLength(), seed + 2));

        double[] convT = new double[p.outputLength()];
        ReferenceKernel.compute64(p, x, w, null, convT);
        double[] conv = ScalarConv.conv(spec, p.batch(), z, p.outputSpatial(), w, p.inputSpatial());

        double lhs = dot(conv, x);
        double rhs = dot(z, convT);

        double[] absSum = new double[p.outputLength()];
        int[] terms = new int[p.outputLength()];
        ReferenceKernel.absSumAndTerms(p, x, w, absSum, terms);
        double s = 0;
        long t = 0;
        for (int o = 0; o < z.length; o++) {
            s += absSum[o] * Math.abs(z[o]);
            t += terms[o];
        }
        double n = t + 2;
        double gamma = n * U64 / (1 - n * U64);
        // S itself is computed in float64: allow for its own relative rounding (≤ γ(T+2) as well)
        double bound = 2 * gamma * s * (1 + gamma);
        assertTrue(Math.abs(lhs - rhs) <= bound,
                "⟨conv(z), x⟩ = " + lhs + " but ⟨z, convT(x)⟩ = " + rhs + ", |diff| " + Math.abs(lhs - rhs) + " > " + bound + " for " + p);
    }

    private static double dot(double[] a, double[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            s += a[i] * b[i];
        }
        return s;
    }

    @Provide
    Arbitrary<Problem> problems() {
        return Problems.problems(3);
    }
}
