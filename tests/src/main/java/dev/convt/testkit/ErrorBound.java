package dev.convt.testkit;

import dev.convt.Problem;
import dev.convt.kernel.ReferenceKernel;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * DESIGN.md's rigorous float32 error bound against a float64 result:
 * {@code |y − y64| ≤ c·n·u·Σ|x·w| + |bias|·u}, u = 2^-24, c = 2, n the number of terms of that output.
 *
 * <p>The bias is one more term of the sum (n counts it and Σ includes |bias|): a kernel may add the bias
 * first, and then its rounding error is carried through every later addition like any product's.
 * This is the one bound of the project: the tests, the conformance suites and the bench runner all
 * judge with it.
 */
public final class ErrorBound {
    private ErrorBound() {}

    /** The unit roundoff of float32. */
    public static final double U = 0x1p-24;
    /** The constant c of the bound. */
    public static final double C = 2;

    /**
     * The bound for one output element.
     *
     * @param absSum Σ|x·w| over its products (bias excluded)
     * @param products how many products land on it
     * @param absBias |bias| of its channel, 0 without bias
     * @param hasBias whether the layer has a bias (then it is one more term)
     * @return the largest |y − y64| allowed
     */
    public static double bound(double absSum, long products, double absBias, boolean hasBias) {
        long n = products + (hasBias ? 1 : 0);
        return C * n * U * (absSum + absBias) + absBias * U;
    }

    /**
     * Checks every element of {@code y} (from index 0) against the scalar reference's float64 result.
     *
     * @param p    the problem
     * @param x    the input
     * @param w    the weight
     * @param bias the bias, or null
     * @param y    the float32 output to judge
     * @return null if every element is within the bound, else a message naming the first element outside it and the problem
     */
    public static String check(Problem p, float[] x, float[] w, float[] bias, float[] y) {
        double[] y64 = new double[p.outputLength()];
        ReferenceKernel.compute64(p, TestData.toDouble(x), TestData.toDouble(w),
                bias == null ? null : TestData.toDouble(bias), y64);
        return check(p, x, w, bias, y, y64);
    }

    /**
     * As {@link #check(Problem, float[], float[], float[], float[])}, against a given float64 result
     * {@code y64} (for example one computed by PyTorch) instead of the reference's.
     *
     * @param p    the problem
     * @param x    the input
     * @param w    the weight
     * @param bias the bias, or null
     * @param y    the float32 output to judge
     * @param y64  the float64 result to judge it against
     * @return null if within the bound, else a message naming the first element outside it
     */
    public static String check(Problem p, float[] x, float[] w, float[] bias, float[] y, double[] y64) {
        if (y64.length != p.outputLength() || y.length < p.outputLength()) {
            return "y has " + y.length + " and y64 " + y64.length + " values, but the output has " + p.outputLength() + " for " + p;
        }
        double[] abs = new double[p.outputLength()];
        int[] terms = new int[p.outputLength()];
        ReferenceKernel.absSumAndTerms(p, TestData.toDouble(x), TestData.toDouble(w), abs, terms);
        for (int i = 0; i < y64.length; i++) {
            double b = bias == null ? 0 : Math.abs((double) bias[channel(p, i)]);
            String why = judge(p, i, y[i], y64[i], bound(abs[i], terms[i], b, bias != null), terms[i], abs[i]);
            if (why != null) {
                return why;
            }
        }
        return null;
    }

    /**
     * Checks {@code samples} output elements (the first and the last included, the rest drawn from
     * {@code seed}), each recomputed in float64 by an independent gather over the taps that land on
     * it: cheap enough for layers where the scalar reference takes seconds.
     *
     * @param p    the problem
     * @param x    the input
     * @param w    the weight
     * @param bias the bias, or null
     * @param y       the float32 output to judge
     * @param samples how many elements to check
     * @param seed    which elements (beyond the first and the last)
     * @return null if every sampled element is within the bound, else a message naming the first outside it
     */
    public static String checkSampled(Problem p, float[] x, float[] w, float[] bias, float[] y, int samples, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        int len = p.outputLength();
        for (int s = 0; s < samples; s++) {
            int idx = s == 0 ? 0 : s == 1 ? len - 1 : r.nextInt(len);
            Element e = element(p, x, w, bias, idx);
            double b = bias == null ? 0 : Math.abs((double) bias[channel(p, idx)]);
            String why = judge(p, idx, y[idx], e.value(), bound(e.absSum(), e.products(), b, bias != null), e.products(), e.absSum());
            if (why != null) {
                return why;
            }
        }
        return null;
    }

    private static String judge(Problem p, int i, float y, double y64, double bound, long products, double absSum) {
        double err = Math.abs(y - y64);
        if (err <= bound || (Double.isNaN(y64) && Float.isNaN(y)) || (Double.isInfinite(y64) && y == y64)) {
            return null;
        }
        return "output element " + i + " is " + y + ", but the float64 result is " + y64 + ": |error| " + err
                + " > bound " + bound + " (" + products + " products, Σ|x·w| = " + absSum + ") for " + p;
    }

    private static int channel(Problem p, int idx) {
        return idx / p.outputPlane() % p.spec().outChannels();
    }

    /**
     * One output element recomputed in float64.
     *
     * @param value    bias + Σ x·w in float64
     * @param absSum   Σ|x·w| (bias excluded)
     * @param products the number of products
     */
    public record Element(double value, double absSum, long products) {}

    /**
     * One output element by a gather over the (input, tap) pairs that land on it, in float64.
     *
     * @param p    the problem
     * @param x    the input
     * @param w    the weight
     * @param bias the bias, or null
     * @param idx  the element's index in the output
     * @return its value, Σ|x·w| and number of products
     */
    public static Element element(Problem p, float[] x, float[] w, float[] bias, int idx) {
        int[] out = p.out3();
        int[] in = p.in3();
        int[] k = p.kernel3();
        int[] st = p.stride3();
        int[] pb = p.padBegin3();
        int[] dl = p.dilation3();
        int plane = p.outputPlane();
        int cout = p.spec().outChannels();
        int n = idx / plane / cout;
        int co = idx / plane % cout;
        int pos = idx % plane;
        int[] o = {pos / (out[1] * out[2]), pos / out[2] % out[1], pos % out[2]};
        // per dimension, the (input index, tap) pairs that land on o
        int[][] inIdx = new int[3][];
        int[][] tapIdx = new int[3][];
        for (int a = 0; a < 3; a++) {
            int[] ii = new int[k[a]];
            int[] tt = new int[k[a]];
            int c = 0;
            for (int t = 0; t < k[a]; t++) {
                long num = (long) o[a] + pb[a] - (long) t * dl[a];
                if (num >= 0 && num % st[a] == 0 && num / st[a] < in[a]) {
                    ii[c] = (int) (num / st[a]);
                    tt[c++] = t;
                }
            }
            inIdx[a] = Arrays.copyOf(ii, c);
            tapIdx[a] = Arrays.copyOf(tt, c);
        }
        int cinG = p.spec().inChannelsPerGroup();
        int coutG = p.spec().outChannelsPerGroup();
        int g = co / coutG;
        int cog = co % coutG;
        int inPlane = p.inputPlane();
        int kVol = k[0] * k[1] * k[2];
        double sum = bias == null ? 0 : bias[co];
        double abs = 0;
        long products = 0;
        for (int cig = 0; cig < cinG; cig++) {
            int ci = g * cinG + cig;
            int xBase = (n * p.spec().inChannels() + ci) * inPlane;
            int wBase = (ci * coutG + cog) * kVol;
            for (int a = 0; a < inIdx[0].length; a++) {
                for (int b = 0; b < inIdx[1].length; b++) {
                    for (int c = 0; c < inIdx[2].length; c++) {
                        double xv = x[xBase + (inIdx[0][a] * in[1] + inIdx[1][b]) * in[2] + inIdx[2][c]];
                        double wv = w[wBase + (tapIdx[0][a] * k[1] + tapIdx[1][b]) * k[2] + tapIdx[2][c]];
                        sum += xv * wv;
                        abs += Math.abs(xv * wv);
                        products++;
                    }
                }
            }
        }
        return new Element(sum, abs, products);
    }
}
