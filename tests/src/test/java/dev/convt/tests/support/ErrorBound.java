package dev.convt.tests.support;

import dev.convt.Problem;
import dev.convt.kernel.ReferenceKernel;

/**
 * DESIGN.md's rigorous float32 error bound against a float64 reference:
 * {@code |y - y64| ≤ c·n·u·Σ|x·w| + |bias|·u}, u = 2^-24, n the number of terms of that output, c = 2.
 */
public final class ErrorBound {
    private ErrorBound() {}

    public static final double U = 0x1p-24;
    public static final double C = 2;

    /**
     * Returns null if every element of {@code y} (length outputLength, from index 0) is within the bound,
     * else a message naming the first element outside it.
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
     */
    public static String check(Problem p, float[] x, float[] w, float[] bias, float[] y, double[] y64) {
        if (y64.length != p.outputLength()) {
            return "y64 has " + y64.length + " values, but the output has " + p.outputLength() + " for " + p;
        }
        double[] x64 = TestData.toDouble(x), w64 = TestData.toDouble(w);
        double[] b64 = bias == null ? null : TestData.toDouble(bias);
        double[] abs = new double[p.outputLength()];
        int[] terms = new int[p.outputLength()];
        ReferenceKernel.absSumAndTerms(p, x64, w64, abs, terms);
        int plane = p.outputPlane();
        int cout = p.spec().outChannels();
        for (int i = 0; i < y64.length; i++) {
            double b = b64 == null ? 0 : Math.abs(b64[(i / plane) % cout]);
            // the bias counts as one more term of the sum
            int n = terms[i] + (b64 == null ? 0 : 1);
            double bound = C * n * U * (abs[i] + b) + b * U;
            double err = Math.abs(y[i] - y64[i]);
            if (!(err <= bound)) {
                return "element " + i + ": y=" + y[i] + " y64=" + y64[i] + " |err|=" + err + " > bound " + bound
                        + " (n=" + n + ", sum|xw|=" + abs[i] + ") for " + p;
            }
        }
        return null;
    }
}
