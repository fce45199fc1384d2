package dev.convt.bench;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.Arrays;

/**
 * How fast this core runs right now, relative to the fastest this JVM has seen it: a fixed
 * register-tiled multiply (4 × 2 vectors of accumulators, B from L1, broadcast A from L2, the shape
 * of the kernels' GEMM inner loop), its own code, so it neither shares nor pollutes the JIT profiles
 * of the kernels it stands beside.
 *
 * <p>Why (issue 9's "whole JVM 2× slower" state): on this project's 2-core virtual machine the same
 * compiled kernel, in one JVM, with no compilation, no GC and no change in context switches, runs in
 * one of a few discrete states that last from a second to minutes: normal, about 1.7× slower (a plain
 * FMA loop on registers unaffected) and about 2.3× slower (the FMA loop 0.6× too). Every im2col
 * layer flips at the same moment, and so does this loop; L2, L3 and DRAM read loops do not. The host
 * shares the physical core with other virtual machines; the guest cannot see them. A layer timed in
 * such a period is the machine's figure, not the kernel's, so the suite measures this canary right
 * after each row's timed runs, times the row again when the canary says the machine was slow, and
 * marks the rows it could not time in the normal state.
 *
 * <p>Loaded only where {@code jdk.incubator.vector} is (see {@link #orNull}).
 */
final class MachineCanary {
    private static final VectorSpecies<Float> S = dev.convt.vector.VectorConfig.SPECIES;
    private static final int L = S.length();
    /** Depth of one tile, rows of A per tile, row panels and column panels per block. */
    private static final int KC = 256, MR = 4, ROW_PANELS = 8, COL_PANELS = 4;
    private static final int NR = 2 * L;
    /** Blocks per probe: the median of their times counts. */
    private static final int BLOCKS = 15;
    /** A probe below this fraction of the best one is a slow machine state. */
    static final double SLOW = 0.8;
    /** The suite times a row at most this many times in all while the probes after it say the machine was slow. */
    static final int ATTEMPTS = 3;
    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();
    private static final boolean CPU = THREADS.isCurrentThreadCpuTimeSupported() && THREADS.isThreadCpuTimeEnabled();

    private final float[] a = new float[ROW_PANELS * MR * KC];
    private final float[] b = new float[COL_PANELS * KC * NR];
    private final float[] c = new float[ROW_PANELS * MR * COL_PANELS * NR];
    /** The fastest probe so far, in FLOP per nanosecond. */
    private double best;

    private MachineCanary() {
        for (int i = 0; i < a.length; i++) {
            a[i] = (i % 7) * 1e-3f;
        }
        for (int i = 0; i < b.length; i++) {
            b[i] = (i % 5) * 1e-3f;
        }
    }

    /** A warmed canary, or null where the Vector API is not loaded. */
    static MachineCanary orNull() {
        if (MachineInfo.vectorSpeciesLength() == null) {
            return null;
        }
        try {
            MachineCanary m = new MachineCanary();
            Timer.Body body = () -> {
                m.block();
                return m.c[0];
            };
            Timer.measure(body, Timer.first(body), Timer.Settings.QUICK, false);
            m.state();
            return m;
        } catch (LinkageError e) {
            return null;
        }
    }

    /**
     * Probes the core: this probe's speed over the best so far in this JVM (at most 1; the best is
     * updated first).
     */
    double state() {
        double[] rate = new double[BLOCKS];
        for (int i = 0; i < BLOCKS; i++) {
            long t0 = now();
            block();
            rate[i] = 2.0 * ROW_PANELS * MR * COL_PANELS * NR * KC / Math.max(1, now() - t0);
        }
        Arrays.sort(rate);
        double r = rate[BLOCKS / 2];
        best = Math.max(best, r);
        Timer.sink += c[1];
        return r / best;
    }

    /** The fastest probe so far, in GFLOP/s. */
    double bestGflops() {
        return best;
    }

    /** This thread's CPU time where the JVM measures it (time the core ran something else is not the core's speed), else wall time. */
    private static long now() {
        return CPU ? THREADS.getCurrentThreadCpuTime() : System.nanoTime();
    }

    private void block() {
        for (int jp = 0; jp < COL_PANELS; jp++) {
            for (int ip = 0; ip < ROW_PANELS; ip++) {
                tile(ip * MR * KC, jp * KC * NR, ip * MR * COL_PANELS * NR + jp * NR);
            }
        }
    }

    /** One 4 × 2-vector register tile over {@link #KC}: the arithmetic of a GEMM micro-kernel. */
    private void tile(int ai, int bi, int ci) {
        FloatVector c00 = FloatVector.zero(S), c01 = c00, c10 = c00, c11 = c00, c20 = c00, c21 = c00, c30 = c00, c31 = c00;
        for (int k = 0; k < KC; k++) {
            FloatVector b0 = FloatVector.fromArray(S, b, bi + k * NR);
            FloatVector b1 = FloatVector.fromArray(S, b, bi + k * NR + L);
            int p = ai + k * MR;
            FloatVector x = FloatVector.broadcast(S, a[p]);
            c00 = x.fma(b0, c00);
            c01 = x.fma(b1, c01);
            x = FloatVector.broadcast(S, a[p + 1]);
            c10 = x.fma(b0, c10);
            c11 = x.fma(b1, c11);
            x = FloatVector.broadcast(S, a[p + 2]);
            c20 = x.fma(b0, c20);
            c21 = x.fma(b1, c21);
            x = FloatVector.broadcast(S, a[p + 3]);
            c30 = x.fma(b0, c30);
            c31 = x.fma(b1, c31);
        }
        int ld = COL_PANELS * NR;
        storeRow(c00, c01, ci);
        storeRow(c10, c11, ci + ld);
        storeRow(c20, c21, ci + 2 * ld);
        storeRow(c30, c31, ci + 3 * ld);
    }

    private void storeRow(FloatVector left, FloatVector right, int ci) {
        left.intoArray(c, ci);
        right.intoArray(c, ci + L);
    }
}
