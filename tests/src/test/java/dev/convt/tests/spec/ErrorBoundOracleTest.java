package dev.convt.tests.spec;

import dev.convt.ConvTransposeSpec;
import dev.convt.Problem;
import dev.convt.kernel.ReferenceKernel;
import org.junit.jupiter.api.Test;

import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

/**
 * The inputs of DESIGN.md's error bound, {@link ReferenceKernel#absSumAndTerms}, against sums worked
 * by hand: every other kernel's random-data test trusts this oracle.
 */
class ErrorBoundOracleTest {

    @Test
    void sumsTheAbsoluteProductsLandingOnEachOutput() {
        // 1-D, k 2, stride 1: x[i]·w[t] lands on i + t
        Problem p = ConvTransposeSpec.builder1d(1, 1, 2).build().problem(1, 1, 3);
        double[] x = {1, -2, 3};
        double[] w = {0.5, -4};
        double[] abs = stale(p.outputLength() + 1);
        int[] terms = staleInts(p.outputLength() + 1);
        ReferenceKernel.absSumAndTerms(p, x, w, abs, terms);
        // y0: 1·0.5 | y1: 1·(−4), (−2)·0.5 | y2: (−2)·(−4), 3·0.5 | y3: 3·(−4); the extra element is left alone
        assertArrayEquals(new double[] {0.5, 4 + 1, 8 + 1.5, 12, 99}, abs);
        assertArrayEquals(new int[] {1, 2, 2, 1, 99}, terms);
    }

    @Test
    void productsCroppedByPaddingAreNotCounted() {
        // as above with padding 1: the outputs are the full result's positions 1 and 2
        Problem p = ConvTransposeSpec.builder1d(1, 1, 2).padding(1).build().problem(1, 1, 3);
        double[] abs = stale(p.outputLength());
        int[] terms = staleInts(p.outputLength());
        ReferenceKernel.absSumAndTerms(p, new double[] {1, -2, 3}, new double[] {0.5, -4}, abs, terms);
        assertArrayEquals(new double[] {5, 9.5}, abs);
        assertArrayEquals(new int[] {2, 2}, terms);
    }

    @Test
    void eachGroupSumsItsOwnChannels() {
        // 2 groups of one channel, k 1: y[c][i] = x[c][i]·w[c], one term each
        Problem p = ConvTransposeSpec.builder1d(2, 2, 1).groups(2).build().problem(1, 2, 2);
        double[] abs = stale(p.outputLength());
        int[] terms = staleInts(p.outputLength());
        ReferenceKernel.absSumAndTerms(p, new double[] {1, 2, 3, 4}, new double[] {2, -3}, abs, terms);
        assertArrayEquals(new double[] {2, 4, 9, 12}, abs);
        assertArrayEquals(new int[] {1, 1, 1, 1}, terms);
    }

    private static double[] stale(int n) {
        double[] a = new double[n];
        Arrays.fill(a, 99);
        return a;
    }

    private static int[] staleInts(int n) {
        int[] a = new int[n];
        Arrays.fill(a, 99);
        return a;
    }
}
