package dev.convt.bench;

import java.util.Arrays;

/**
 * Times one computation the way the runner reports it: one first run (cold, it also produces the
 * output that is checked), warm-up runs until the JIT has had {@code warmupSeconds}, then a number of
 * timed runs chosen so they take about {@code targetSeconds} (clamped to {@code [minRuns, maxRuns]}),
 * each timed alone with {@link System#nanoTime}. A computation whose first run is slower than
 * {@code singleLimitSeconds} is reported from that single run (the scalar reference on the bigger layers
 * takes seconds a run; the suite JIT-compiles every kernel on small layers first, so that run is
 * compiled code).
 *
 * <p>Every run's output is folded into {@link #sink} through {@link Body#run}'s return value, so no
 * run is dead code.
 */
final class Timer {
    /** One computation to time; returns a value derived from its output (a checksum). */
    @FunctionalInterface
    interface Body {
        double run();
    }

    /** How long to warm up and to time. */
    record Settings(double warmupSeconds, double targetSeconds, int minRuns, int maxRuns, double singleLimitSeconds) {
        /** The default suite: about a minute for the 17 layers on two or three kernels. */
        static final Settings DEFAULT = new Settings(0.2, 0.4, 3, 200, 0.5);
        /** {@code --quick}: a smoke run for CI. */
        static final Settings QUICK = new Settings(0.05, 0.1, 3, 20, 0.5);
    }

    /**
     * The timed runs of one computation, in milliseconds.
     *
     * @param single whether the figure is the first run alone (no warm-up on this computation)
     */
    record Measurement(int runs, boolean single, double medianMs, double minMs, double maxMs, double q1Ms, double q3Ms) {
        static Measurement of(double[] ms, boolean single) {
            double[] s = ms.clone();
            Arrays.sort(s);
            return new Measurement(s.length, single, quantile(s, 0.5), s[0], s[s.length - 1], quantile(s, 0.25), quantile(s, 0.75));
        }

        /** Half the min–max range as a fraction of the median. */
        double halfRangeFraction() {
            return medianMs > 0 ? (maxMs - minMs) / 2 / medianMs : 0;
        }
    }

    /** Folded outputs of every run; volatile so the folding cannot be dropped. */
    static volatile double sink;

    private Timer() {}

    /** Linear-interpolated quantile of sorted values. */
    static double quantile(double[] sorted, double q) {
        double pos = q * (sorted.length - 1);
        int lo = (int) Math.floor(pos);
        int hi = Math.min(lo + 1, sorted.length - 1);
        return sorted[lo] + (pos - lo) * (sorted[hi] - sorted[lo]);
    }

    /**
     * Runs the first (cold) run. Separate from {@link #measure} so the caller can keep its output
     * before more runs overwrite it.
     *
     * @return its time in seconds
     */
    static double first(Body body) {
        long t0 = System.nanoTime();
        double c = body.run();
        double s = (System.nanoTime() - t0) * 1e-9;
        sink += c;
        return s;
    }

    /** Warms up and times {@code body}, whose first run took {@code firstSeconds}. */
    static Measurement measure(Body body, double firstSeconds, Settings settings) {
        if (firstSeconds >= settings.singleLimitSeconds()) {
            return Measurement.of(new double[] {firstSeconds * 1e3}, true);
        }
        double warmed = firstSeconds;
        double last = firstSeconds;
        double acc = 0;
        // at least one warm-up run: the first run of a short computation is mostly interpreter and JIT
        for (int warmRuns = 0; warmRuns == 0 || warmed < settings.warmupSeconds(); warmRuns++) {
            long t0 = System.nanoTime();
            acc += body.run();
            last = (System.nanoTime() - t0) * 1e-9;
            warmed += last;
        }
        int runs = (int) Math.round(settings.targetSeconds() / Math.max(last, 1e-9));
        runs = Math.max(settings.minRuns(), Math.min(settings.maxRuns(), runs));
        double[] ms = new double[runs];
        for (int i = 0; i < runs; i++) {
            long t0 = System.nanoTime();
            acc += body.run();
            ms[i] = (System.nanoTime() - t0) * 1e-6;
        }
        sink += acc;
        return Measurement.of(ms, false);
    }
}
