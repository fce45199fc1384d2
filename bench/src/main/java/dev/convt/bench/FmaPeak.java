package dev.convt.bench;

import java.util.concurrent.BrokenBarrierException;
import java.util.concurrent.CyclicBarrier;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * This machine's single-core float32 FMA peak at the running vector width, measured: the roofline
 * the runner's GFLOP/s figures are a fraction of. Twelve independent FMA chains on the kernels'
 * species ({@code VectorConfig.SPECIES}: the preferred one unless overridden, and never a second
 * vector shape beside the kernels', which would pollute the Vector API's type profiles) keep both
 * FMA units busy through their latency (4 cycles × 2 units needs at least 8 in flight) and fit in 16
 * registers, so the same loop measures AVX2 and AVX-512 machines.
 *
 * <p>Warm-up ends when the run times stop falling and the JIT is idle (at most 2 s, on a machine
 * too busy to compile sooner); the best of about 0.15 s of runs counts, so a run that shared its
 * core counts less.
 *
 * <p>Loaded only where {@code jdk.incubator.vector} is (see {@link #measureOrNaN}).
 */
final class FmaPeak {
    private static final VectorSpecies<Float> S = dev.convt.vector.VectorConfig.SPECIES;
    /** Independent accumulators in {@link #chains}. */
    static final int CHAINS = 12;
    /** Loop trips per timed run: about a millisecond at tens of GFLOP/s. */
    private static final int TRIPS = 4096;
    /**
     * The FMA operands, read inside {@link #chains}: a constant there let C2, once it inlined the
     * loop into a caller's compilation with constant arguments, fold the broadcasts into constant
     * vectors re-made inside the loop, and that copy ran at exactly half the speed (160 → 79 GFLOP/s
     * at 512 bits on this project's machine, from the moment the caller's loop was compiled on).
     */
    private static volatile float operand = 1e-7f;
    /** Warm-up and timing (see the class comment). */
    private static final Timer.Settings SETTINGS = new Timer.Settings(0.02, 3, 2.0, 0.02, 0.15, 20, 400, 10);

    private FmaPeak() {}

    /** The peak in GFLOP/s (2 FLOP per lane per FMA), or NaN where the Vector API is not loaded. */
    static double measureOrNaN() {
        if (MachineInfo.vectorSpeciesLength() == null) {
            return Double.NaN;
        }
        try {
            return measure();
        } catch (LinkageError e) {
            return Double.NaN;
        }
    }

    /** Warms the loop until its times stop falling, then reports the best of its timed runs. */
    static double measure() {
        Timer.Body body = () -> chains(TRIPS);
        Timer.Measurement m = Timer.measure(body, Timer.first(body), SETTINGS, false);
        double flop = 2.0 * CHAINS * S.length() * TRIPS;
        return flop / (m.minMs() * 1e-3) / 1e9;
    }

    /** Rounds of {@link #measureTogetherOrNaN}: each a few milliseconds of every thread's loop. */
    private static final int ROUNDS = 60;
    /** Loop trips per thread per round. */
    private static final int ROUND_TRIPS = 4 * TRIPS;

    /**
     * The FMA peak of {@code threads} cores running the loop at the same time. In each round every thread
     * runs the same loop from a common barrier; the round counts the work of all threads over the time
     * from the first one's start to the last one's end, so a thread that was descheduled or started late
     * can only make the round slower, never faster; the best round counts. It is {@code threads} × the
     * one-core peak only where every core is the run's alone: cores held by other processes, or virtual
     * cores that share a physical core's FMA units, bring it down, and with it what more threads can give
     * a layer that is compute-bound on one. {@code onePeak} is {@link #measureOrNaN}'s result in this JVM,
     * whose warm-up compiled the loop the rounds run; NaN there (no Vector API) gives NaN.
     */
    static double measureTogetherOrNaN(int threads, double onePeak) {
        if (threads <= 1 || Double.isNaN(onePeak)) {
            return onePeak;
        }
        long[][] start = new long[ROUNDS][threads], end = new long[ROUNDS][threads];
        CyclicBarrier barrier = new CyclicBarrier(threads);
        Thread[] workers = new Thread[threads];
        for (int t = 0; t < threads; t++) {
            int i = t;
            workers[t] = Thread.ofPlatform().daemon().name("convt-fma-peak-" + t).start(() -> {
                try {
                    for (int r = 0; r < ROUNDS; r++) {
                        barrier.await();
                        start[r][i] = System.nanoTime();
                        chains(ROUND_TRIPS);
                        end[r][i] = System.nanoTime();
                    }
                } catch (InterruptedException | BrokenBarrierException e) {
                    barrier.reset();
                }
            });
        }
        try {
            for (Thread w : workers) {
                w.join();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Double.NaN;
        }
        long best = Long.MAX_VALUE;
        for (int r = 0; r < ROUNDS; r++) {
            long first = Long.MAX_VALUE, last = Long.MIN_VALUE;
            boolean complete = true;
            for (int t = 0; t < threads; t++) {
                first = Math.min(first, start[r][t]);
                last = Math.max(last, end[r][t]);
                complete &= end[r][t] != 0;
            }
            if (complete && last > first) {
                best = Math.min(best, last - first);
            }
        }
        double flop = 2.0 * CHAINS * S.length() * ROUND_TRIPS * threads;
        return best == Long.MAX_VALUE ? Double.NaN : flop / (best * 1e-9) / 1e9;
    }

    /**
     * {@code trips} steps of {@value #CHAINS} independent {@code c = a·b + c} chains. Written out
     * rather than as an array of vectors, which would live in memory instead of registers.
     */
    static double chains(int trips) {
        FloatVector va = FloatVector.broadcast(S, operand);
        FloatVector vb = FloatVector.broadcast(S, operand);
        // distinct starting values, so the compiler cannot merge identical chains
        FloatVector c0 = start(0), c1 = start(1), c2 = start(2), c3 = start(3), c4 = start(4), c5 = start(5);
        FloatVector c6 = start(6), c7 = start(7), c8 = start(8), c9 = start(9), c10 = start(10), c11 = start(11);
        for (int i = 0; i < trips; i++) {
            c0 = va.fma(vb, c0);
            c1 = va.fma(vb, c1);
            c2 = va.fma(vb, c2);
            c3 = va.fma(vb, c3);
            c4 = va.fma(vb, c4);
            c5 = va.fma(vb, c5);
            c6 = va.fma(vb, c6);
            c7 = va.fma(vb, c7);
            c8 = va.fma(vb, c8);
            c9 = va.fma(vb, c9);
            c10 = va.fma(vb, c10);
            c11 = va.fma(vb, c11);
        }
        FloatVector sum = c0.add(c1).add(c2).add(c3).add(c4).add(c5).add(c6).add(c7).add(c8).add(c9).add(c10).add(c11);
        return sum.reduceLanes(VectorOperators.ADD);
    }

    private static FloatVector start(int chain) {
        return FloatVector.broadcast(S, chain);
    }
}
