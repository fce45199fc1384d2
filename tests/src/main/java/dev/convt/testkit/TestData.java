package dev.convt.testkit;

import java.util.SplittableRandom;

/** Deterministic test data from a seed, so a failing case shrinks and replays. */
public final class TestData {
    private TestData() {}

    /**
     * Integers in [-4, 4] as floats: with them every product and every partial sum of a test-sized
     * problem is exact in float32, so every kernel must agree with the reference bitwise.
     *
     * @param n    how many
     * @param seed the seed
     * @return the values
     */
    public static float[] smallInts(int n, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        float[] a = new float[n];
        for (int i = 0; i < n; i++) {
            a[i] = r.nextInt(9) - 4;
        }
        return a;
    }

    /**
     * Uniform values in [-1, 1): the data of the error-bound checks and of the bench runner.
     *
     * @param n    how many
     * @param seed the seed
     * @return the values
     */
    public static float[] uniform(int n, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        float[] a = new float[n];
        for (int i = 0; i < n; i++) {
            a[i] = (float) (2 * r.nextDouble() - 1);
        }
        return a;
    }

    /**
     * The values widened to double (exactly).
     *
     * @param a the floats
     * @return the doubles
     */
    public static double[] toDouble(float[] a) {
        double[] d = new double[a.length];
        for (int i = 0; i < a.length; i++) {
            d[i] = a[i];
        }
        return d;
    }
}
