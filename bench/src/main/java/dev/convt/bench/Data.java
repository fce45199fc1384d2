package dev.convt.bench;

/**
 * The runner's deterministic data: {@link dev.convt.testkit.TestData#uniform} values in [-1, 1) from a
 * seed derived from the layer name, and folds of outputs.
 */
public final class Data {
    private Data() {}

    /** A stable seed for a name (String.hashCode is specified, so runs on any JVM see the same data). */
    public static long seed(String name, int salt) {
        return name.hashCode() * 0x9E3779B97F4A7C15L + salt;
    }

    /** A cheap fold of an output that touches a spread of elements, so a run's result is used. */
    public static double checksum(float[] y) {
        double s = 0;
        int step = Math.max(1, y.length / 64);
        for (int i = 0; i < y.length; i += step) {
            s += y[i];
        }
        return s;
    }

    /** max |a − b| over two equally long arrays. */
    public static double maxAbsDiff(float[] a, float[] b) {
        double m = 0;
        for (int i = 0; i < a.length; i++) {
            double d = Math.abs((double) a[i] - b[i]);
            if (d > m || Double.isNaN(d)) {
                m = Double.isNaN(d) ? Double.NaN : d;
                if (Double.isNaN(d)) {
                    break;
                }
            }
        }
        return m;
    }
}
