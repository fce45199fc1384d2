package dev.convt.testkit;

import dev.convt.Problem;
import dev.convt.kernel.ReferenceKernel;

import java.util.Arrays;

/**
 * Judges an {@link Engine} against convt's scalar {@link ReferenceKernel}, which defines the semantics
 * (PyTorch's and ONNX's transposed convolution), the way DESIGN.md prescribes:
 * <ul>
 *   <li>{@link #bitwiseOnSmallIntegers}: with integers in [-4, 4] every product and partial sum of a
 *       test-sized problem is exact in float32, so the output must equal the reference's bit for bit
 *       (the sign of zero included) whatever the summation order;</li>
 *   <li>{@link #withinErrorBound}: with uniform data in [-1, 1) every element must lie within
 *       {@link ErrorBound} of the float64 reference.</li>
 * </ul>
 * Each check returns null or a report naming the engine, the whole spec and input shape, the seed,
 * and the first wrong element with its coordinates; the {@code assert…} forms throw it as an
 * {@link AssertionError}. Used from a jqwik property over {@link Problems}, a failure shrinks to the
 * smallest problem that still fails.
 */
public final class Agreement {
    private Agreement() {}

    /**
     * The engine's output on small-integer data (from {@code seed}) against the reference, bitwise.
     *
     * @param engine the implementation under test
     * @param p      the problem
     * @param seed   the data's seed (input from seed, weight seed + 1, bias seed + 2)
     * @return null if equal, else the report
     */
    public static String bitwiseOnSmallIntegers(Engine engine, Problem p, long seed) {
        float[] x = TestData.smallInts(p.inputLength(), seed);
        float[] w = TestData.smallInts(p.weightLength(), seed + 1);
        float[] b = p.spec().hasBias() ? TestData.smallInts(p.biasLength(), seed + 2) : null;
        float[] expected = reference(p, x, w, b);
        Outcome got = run(engine, p, x, w, b);
        if (got.failure != null) {
            return report(engine, p, seed, "small-integer data", got.failure);
        }
        int i = firstBitDifference(expected, got.y);
        return i < 0 ? null : report(engine, p, seed, "small-integer data",
                at(p, i) + " is " + got.y[i] + ", but the reference gives " + expected[i] + " (bitwise agreement expected)");
    }

    /**
     * The engine's output on uniform data in [-1, 1) (from {@code seed}) against the float64
     * reference, within {@link ErrorBound}.
     *
     * @param engine the implementation under test
     * @param p      the problem
     * @param seed   the data's seed (input from seed, weight seed + 1, bias seed + 2)
     * @return null if within the bound, else the report
     */
    public static String withinErrorBound(Engine engine, Problem p, long seed) {
        float[] x = TestData.uniform(p.inputLength(), seed);
        float[] w = TestData.uniform(p.weightLength(), seed + 1);
        float[] b = p.spec().hasBias() ? TestData.uniform(p.biasLength(), seed + 2) : null;
        Outcome got = run(engine, p, x, w, b);
        if (got.failure != null) {
            return report(engine, p, seed, "uniform data", got.failure);
        }
        String why = ErrorBound.check(p, x, w, b, got.y);
        return why == null ? null : report(engine, p, seed, "uniform data", why);
    }

    /**
     * Both checks.
     *
     * @param engine the implementation under test
     * @param p      the problem
     * @param seed   the data's seed (input from seed, weight seed + 1, bias seed + 2)
     * @throws AssertionError with the report of the first that fails
     */
    public static void assertAgrees(Engine engine, Problem p, long seed) {
        assertBitwiseOnSmallIntegers(engine, p, seed);
        assertWithinErrorBound(engine, p, seed);
    }

    /**
     * {@link #bitwiseOnSmallIntegers} as an assertion.
     *
     * @param engine the implementation under test
     * @param p      the problem
     * @param seed   the data's seed (input from seed, weight seed + 1, bias seed + 2)
     * @throws AssertionError with its report
     */
    public static void assertBitwiseOnSmallIntegers(Engine engine, Problem p, long seed) {
        String why = bitwiseOnSmallIntegers(engine, p, seed);
        if (why != null) {
            throw new AssertionError(why);
        }
    }

    /**
     * {@link #withinErrorBound} as an assertion.
     *
     * @param engine the implementation under test
     * @param p      the problem
     * @param seed   the data's seed (input from seed, weight seed + 1, bias seed + 2)
     * @throws AssertionError with its report
     */
    public static void assertWithinErrorBound(Engine engine, Problem p, long seed) {
        String why = withinErrorBound(engine, p, seed);
        if (why != null) {
            throw new AssertionError(why);
        }
    }

    /**
     * The reference output.
     *
     * @param p the problem
     * @param x the input
     * @param w the weight
     * @param b the bias, or null
     * @return {@link Problem#outputLength()} values, from index 0
     */
    public static float[] reference(Problem p, float[] x, float[] w, float[] b) {
        float[] y = new float[p.outputLength()];
        ReferenceKernel.compute(p, x, 0, w, 0, b, 0, y, 0);
        return y;
    }

    /**
     * The first index where the two arrays differ in their raw bits (+0 differs from −0), or -1.
     *
     * @param a one array
     * @param b the other
     * @return the index, or -1 when equal in length and bits
     */
    public static int firstBitDifference(float[] a, float[] b) {
        for (int i = 0; i < Math.min(a.length, b.length); i++) {
            if (Float.floatToRawIntBits(a[i]) != Float.floatToRawIntBits(b[i])) {
                return i;
            }
        }
        return a.length == b.length ? -1 : Math.min(a.length, b.length);
    }

    private record Outcome(float[] y, String failure) {}

    private static Outcome run(Engine engine, Problem p, float[] x, float[] w, float[] b) {
        float[] xc = x.clone(), wc = w.clone(), bc = b == null ? null : b.clone();
        float[] y;
        try {
            y = engine.compute(p, xc, wc, bc);
        } catch (RuntimeException e) {
            return new Outcome(null, "it threw " + e.getClass().getName() + ": " + e.getMessage());
        }
        if (y == null || y.length != p.outputLength()) {
            return new Outcome(null, "it returned " + (y == null ? "null" : y.length + " values")
                    + ", but the output has " + p.outputLength() + " (shape " + Arrays.toString(p.outputShape()) + ")");
        }
        if (!Arrays.equals(x, xc) || !Arrays.equals(w, wc) || (b != null && !Arrays.equals(b, bc))) {
            return new Outcome(null, "it modified its input, weight or bias");
        }
        return new Outcome(y, null);
    }

    /** "output element i [n, c, spatial…]". */
    private static String at(Problem p, int i) {
        int[] shape = p.outputShape();
        int[] idx = new int[shape.length];
        int r = i;
        for (int d = shape.length - 1; d >= 0; d--) {
            idx[d] = r % shape[d];
            r /= shape[d];
        }
        return "output element " + i + " " + Arrays.toString(idx);
    }

    private static String report(Engine engine, Problem p, long seed, String data, String what) {
        return engine.name() + " disagrees with the reference on " + p + " (" + data + ", seed " + seed + "): " + what;
    }
}
