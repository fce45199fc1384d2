package dev.convt.bench;

import dev.convt.Problem;

import java.util.SplittableRandom;

/**
 * Checks a computed output against the definition of transposed convolution on a sample of output
 * elements, each recomputed in float64 as a gather (every input element and tap that lands on it),
 * within DESIGN.md's rigorous float32 bound {@code |y − y64| ≤ 2·n·u·Σ|x·w| + |bias|·u}, u = 2^-24.
 * Independent of every kernel, and cheap enough for a benchmark's setup even where the scalar
 * reference takes seconds.
 */
public final class OutputCheck {
    private static final double U = 0x1p-24;

    private OutputCheck() {}

    /**
     * Checks {@code samples} output elements (the first and last included).
     *
     * @param bias null without bias
     * @throws IllegalStateException naming the first element outside the bound
     */
    public static void check(Problem p, float[] x, float[] w, float[] bias, float[] y, int samples, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        int len = p.outputLength();
        for (int s = 0; s < samples; s++) {
            int idx = s == 0 ? 0 : s == 1 ? len - 1 : r.nextInt(len);
            double[] exact = element(p, x, w, bias, idx);
            double bound = 2 * exact[2] * U * exact[1] + (bias == null ? 0 : Math.abs(bias[channel(p, idx)]) * U);
            double err = Math.abs(y[idx] - exact[0]);
            if (!(err <= bound)) {
                throw new IllegalStateException("output element " + idx + " of " + p + " is " + y[idx] + ", but the definition gives "
                        + exact[0] + " (error " + err + " > bound " + bound + ")");
            }
        }
    }

    private static int channel(Problem p, int idx) {
        return idx / p.outputPlane() % p.spec().outChannels();
    }

    /** {value in float64, Σ|x·w|, number of terms (bias counted)} of one output element. */
    static double[] element(Problem p, float[] x, float[] w, float[] bias, int idx) {
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
                int num = o[a] + pb[a] - t * dl[a];
                if (num >= 0 && num % st[a] == 0 && num / st[a] < in[a]) {
                    ii[c] = num / st[a];
                    tt[c++] = t;
                }
            }
            inIdx[a] = java.util.Arrays.copyOf(ii, c);
            tapIdx[a] = java.util.Arrays.copyOf(tt, c);
        }
        int cinG = p.spec().inChannelsPerGroup();
        int coutG = p.spec().outChannelsPerGroup();
        int g = co / coutG;
        int cog = co % coutG;
        int inPlane = p.inputPlane();
        int kVol = k[0] * k[1] * k[2];
        double sum = bias == null ? 0 : bias[co];
        double abs = 0;
        long terms = bias == null ? 0 : 1;
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
                        terms++;
                    }
                }
            }
        }
        return new double[] {sum, abs, terms};
    }
}
