package dev.convt.bench;

import java.lang.management.CompilationMXBean;
import java.lang.management.ManagementFactory;
import java.util.Arrays;

/**
 * Times one computation the way the runner reports it: one first run (cold; it also produces the
 * output that is checked), warm-up batches until the times stop falling, then timed runs.
 *
 * <p><b>Warm-up</b> works as JMH's warm-up iterations, but adaptive: batches of runs of about
 * {@code batchSeconds} each (at least one run), until a batch is <em>settled</em>: its median no more
 * than {@code tolerance} better than the batch before, no JIT compilation finished during it, the
 * compiler threads not busy during it (a compilation still going on, {@link #jitBusy}), and at
 * most {@link #SETTLED_BYTES_PER_RUN} bytes allocated per run; after at least
 * {@code minWarmupBatches} batches and within {@code maxWarmupSeconds}. Vector API code is about a
 * hundred times slower before C2 has compiled it, and on a busy machine C2's threads may take
 * seconds to get to it, so a fixed warm-up time reported cold figures as steady. The allocation
 * test sees what the compilation counter cannot (it counts compilations when they finish): until
 * C2 has compiled a kernel's Vector API code, the interpreter and C1 box every vector, megabytes a
 * run, while compiled kernels allocate nothing. A warm-up that reaches the cap unsettled is
 * reported as not steady ({@link Warmup#steady()}).
 *
 * <p><b>Timed runs</b>: as many as take about {@code targetSeconds} at the last warm-up median,
 * clamped to {@code [minRuns, maxRuns]}, each timed alone with {@link System#nanoTime}. If a JIT
 * compilation finished during them and they got faster (the later half's median better than the
 * earlier half's by more than {@code tolerance}), they were not steady after all: a compilation
 * still queued behind others when the warm-up looked flat (one C2 thread on a 2-core machine) had
 * landed under them, and their median would be a cold figure (a fork once reported 92 ms for a
 * layer whose steady run was 25 ms that way). They then count as warm-up, warm-up goes on, and
 * the runs are timed again, within the same warm-up cap; still falling at the cap, the result is
 * not steady. The same happens when the compiler threads were busy during the timed runs, falling or
 * not: a compilation still going on takes a core (the second worker's, at two threads) and may yet
 * land.
 *
 * <p><b>Single runs</b>: a computation whose steady run is slower than {@code singleLimitSeconds}
 * (the scalar reference on the bigger layers, seconds a run) is reported from one run, and only when
 * the caller knows its code is already compiled ({@code warm}); if the JIT compiled anything during
 * that run (a deoptimisation on a new shape), it runs once more and reports the second.
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

    /**
     * How long to warm up and to time.
     *
     * @param batchSeconds       length of one warm-up batch
     * @param minWarmupBatches   warm-up batches before the times may count as steady
     * @param maxWarmupSeconds   cap on warm-up (the result then says whether it was still falling)
     * @param tolerance          a batch median better than the previous one by more than this fraction means still falling
     * @param targetSeconds      time the timed runs aim to take
     * @param minRuns            fewest timed runs
     * @param maxRuns            most timed runs
     * @param singleLimitSeconds runs slower than this (once warm) are reported alone
     */
    record Settings(double batchSeconds, int minWarmupBatches, double maxWarmupSeconds, double tolerance,
                    double targetSeconds, int minRuns, int maxRuns, double singleLimitSeconds) {
        /** The default suite: about half a second per kernel and layer once warm. */
        static final Settings DEFAULT = new Settings(0.05, 2, 5.0, 0.03, 0.25, 3, 200, 0.5);
        /** {@code --quick}: a smoke run for CI. */
        static final Settings QUICK = new Settings(0.02, 2, 1.0, 0.05, 0.1, 3, 20, 0.5);
    }

    /**
     * What warming up took.
     *
     * @param runs    warm-up runs (the first run not counted)
     * @param batches warm-up batches
     * @param seconds time spent in them
     * @param steady  whether the times had stopped falling (false: the cap was reached first)
     */
    record Warmup(int runs, int batches, double seconds, boolean steady) {
        static final Warmup NONE = new Warmup(0, 0, 0, true);
    }

    /**
     * The timed runs of one computation, in milliseconds.
     *
     * @param single              whether the figure is one run alone (a warm kernel slower than the single-run limit)
     * @param warmup              the warm-up before the timed runs
     * @param allocatedBytesPerRun heap bytes the thread allocated per timed run (0 once the Vector API
     *                             code is compiled; more means boxed vectors, i.e. the API's fallback),
     *                             or NaN where the JVM cannot count them
     * @param cpuMedianMs          median of the timed runs' CPU time on the calling thread, or NaN: on a
     *                             shared machine it leaves out the time other processes had the core
     *                             (it counts one thread only, so it is not the figure for --threads N)
     * @param machineState         the speed of {@link MachineCanary} right after the timed runs over the best
     *                             it reached in that JVM (1 = normal; below {@link MachineCanary#SLOW}: the
     *                             machine was in a slow state), or NaN where it was not probed
     */
    record Measurement(int runs, boolean single, double medianMs, double minMs, double maxMs, double q1Ms, double q3Ms,
                       Warmup warmup, double allocatedBytesPerRun, double cpuMedianMs, double machineState) {
        Measurement(int runs, boolean single, double medianMs, double minMs, double maxMs, double q1Ms, double q3Ms,
                    Warmup warmup, double allocatedBytesPerRun, double cpuMedianMs) {
            this(runs, single, medianMs, minMs, maxMs, q1Ms, q3Ms, warmup, allocatedBytesPerRun, cpuMedianMs, Double.NaN);
        }

        /** This measurement with the machine state probed after it. */
        Measurement withMachineState(double state) {
            return new Measurement(runs, single, medianMs, minMs, maxMs, q1Ms, q3Ms, warmup, allocatedBytesPerRun, cpuMedianMs, state);
        }

        /** Whether the machine was probed in a slow state after the timed runs. */
        boolean slowMachine() {
            return machineState < MachineCanary.SLOW;
        }

        static Measurement of(double[] ms, double[] cpuMs, boolean single, Warmup warmup, double allocatedBytesPerRun) {
            double[] s = ms.clone();
            Arrays.sort(s);
            double cpu = Double.NaN;
            if (cpuMs != null) {
                double[] c = cpuMs.clone();
                Arrays.sort(c);
                cpu = quantile(c, 0.5);
            }
            return new Measurement(s.length, single, quantile(s, 0.5), s[0], s[s.length - 1], quantile(s, 0.25),
                    quantile(s, 0.75), warmup, allocatedBytesPerRun, cpu);
        }

        /** Half the min–max range as a fraction of the median. */
        double halfRangeFraction() {
            return medianMs > 0 ? (maxMs - minMs) / 2 / medianMs : 0;
        }
    }

    /** Where the timer reads the time and the JIT's activity: {@link #SYSTEM}, or a fake one in tests. */
    interface Clock {
        long nanoTime();

        /** Total JIT compilation time so far in milliseconds, or −1 where the JVM does not count it. */
        long compilationMillis();

        /** Bytes this thread has allocated so far, or −1 where the JVM does not count them. */
        long allocatedBytes();

        /** CPU time of this thread so far in nanoseconds, or −1 where the JVM does not measure it. */
        long threadCpuNanos();

        /**
         * CPU milliseconds the JVM's compiler threads (C1 and C2) have used so far, or −1 where the
         * system does not show them: unlike {@link #compilationMillis}, it moves while a compilation
         * is still going on.
         */
        long compilerCpuMillis();

        /** {@link System#nanoTime} and the JVM's compilation bean. */
        Clock SYSTEM = new Clock() {
            @Override
            public long nanoTime() {
                return System.nanoTime();
            }

            @Override
            public long compilationMillis() {
                return JIT != null && JIT.isCompilationTimeMonitoringSupported() ? JIT.getTotalCompilationTime() : -1;
            }

            @Override
            public long allocatedBytes() {
                return THREADS == null ? -1 : THREADS.getCurrentThreadAllocatedBytes();
            }

            @Override
            public long threadCpuNanos() {
                return CPU ? THREADS.getCurrentThreadCpuTime() : -1;
            }

            @Override
            public long compilerCpuMillis() {
                var cpu = JitLog.compilerCpuMillis();
                return cpu.isEmpty() ? -1 : Math.round(cpu.getOrDefault("c1", 0.0) + cpu.getOrDefault("c2", 0.0));
            }
        };
    }

    /**
     * A warm-up batch allocating more than this per run is not settled: compiled kernels allocate
     * nothing, and Vector API code before C2 allocates megabytes a run on the workload's layers.
     */
    static final long SETTLED_BYTES_PER_RUN = 64 * 1024;

    /**
     * Runs during which the compiler threads used at least this fraction of their wall time (and at
     * least {@link #JIT_BUSY_MIN_MILLIS}) shared the machine with a compilation still going on: on two
     * cores a compiler thread takes the core a second worker needs, and the code may change under
     * them when it lands, so they are not steady. (A two-thread row was once reported flat at one
     * thread's speed in one fork and twice as fast in the other; a compilation under way is the one
     * cause of that the runner can see.)
     */
    static final double JIT_BUSY_FRACTION = 0.25;

    /** The least compiler CPU that counts as busy: {@code /proc} counts in ticks of 10 ms. */
    static final long JIT_BUSY_MIN_MILLIS = 20;

    /** Folded outputs of every run; volatile so the folding cannot be dropped. */
    static volatile double sink;

    private static final CompilationMXBean JIT = ManagementFactory.getCompilationMXBean();
    private static final com.sun.management.ThreadMXBean THREADS = threads();
    private static final boolean CPU = THREADS != null && THREADS.isCurrentThreadCpuTimeSupported() && THREADS.isThreadCpuTimeEnabled();

    private Timer() {}

    private static com.sun.management.ThreadMXBean threads() {
        try {
            if (ManagementFactory.getThreadMXBean() instanceof com.sun.management.ThreadMXBean t
                    && t.isThreadAllocatedMemorySupported()) {
                t.setThreadAllocatedMemoryEnabled(true);
                return t;
            }
        } catch (RuntimeException | LinkageError e) {
            // not HotSpot: no allocation counts
        }
        return null;
    }

    /** Linear-interpolated quantile of sorted values. */
    static double quantile(double[] sorted, double q) {
        double pos = q * (sorted.length - 1);
        int lo = (int) Math.floor(pos);
        int hi = Math.min(lo + 1, sorted.length - 1);
        return sorted[lo] + (pos - lo) * (sorted[hi] - sorted[lo]);
    }

    /**
     * One run on its own.
     *
     * @param seconds its time
     * @param jitBusy whether the JIT compiled anything while it ran (its code may have changed under it)
     */
    record Run(double seconds, boolean jitBusy) {}

    /**
     * Runs the first (cold) run. Separate from {@link #measure} so the caller can keep its output
     * before more runs overwrite it.
     */
    static Run first(Body body) {
        return first(body, Clock.SYSTEM);
    }

    static Run first(Body body, Clock clock) {
        long jit0 = clock.compilationMillis();
        long t0 = clock.nanoTime();
        double c = body.run();
        double s = (clock.nanoTime() - t0) * 1e-9;
        sink += c;
        return new Run(s, clock.compilationMillis() != jit0);
    }

    /**
     * Warms up and times {@code body}, whose first run was {@code first}.
     *
     * @param warm whether the computation's code is known to be compiled already (it reached steady
     *             times on other data), so that a run over the single-run limit may be reported alone
     */
    static Measurement measure(Body body, Run first, Settings settings, boolean warm) {
        return measure(body, first, settings, warm, Clock.SYSTEM);
    }

    static Measurement measure(Body body, Run first, Settings settings, boolean warm, Clock clock) {
        if (warm && first.seconds() >= settings.singleLimitSeconds()) {
            if (!first.jitBusy()) {
                return Measurement.of(new double[] {first.seconds() * 1e3}, null, true, Warmup.NONE, Double.NaN);
            }
            // code changed during the run (a deoptimisation on a new shape): the second run counts
            Run again = first(body, clock);
            return Measurement.of(new double[] {again.seconds() * 1e3}, null, true, new Warmup(1, 0, again.seconds(), true), Double.NaN);
        }
        Warming w = warmUp(body, first.seconds(), settings, clock, Warmup.NONE, SETTLED_BYTES_PER_RUN);
        while (true) {
            if (w.lastMedian >= settings.singleLimitSeconds() && w.warmup.steady()) {
                // steady and slow: the last warm-up run stands for the rest
                return Measurement.of(new double[] {w.lastRun * 1e3}, null, true, w.warmup, Double.NaN);
            }
            int runs = (int) Math.round(settings.targetSeconds() / Math.max(w.lastMedian, 1e-9));
            runs = Math.max(settings.minRuns(), Math.min(settings.maxRuns(), runs));
            double[] ms = new double[runs];
            double[] cpu = clock.threadCpuNanos() < 0 ? null : new double[runs];
            double acc = 0;
            long jitCpu0 = clock.compilerCpuMillis(); // read outside the allocation window: it allocates
            long jit0 = clock.compilationMillis();
            long bytes0 = clock.allocatedBytes();
            for (int i = 0; i < runs; i++) {
                long c0 = cpu == null ? 0 : clock.threadCpuNanos();
                long t0 = clock.nanoTime();
                acc += body.run();
                ms[i] = (clock.nanoTime() - t0) * 1e-6;
                if (cpu != null) {
                    cpu[i] = (clock.threadCpuNanos() - c0) * 1e-6;
                }
            }
            long bytes1 = clock.allocatedBytes();
            sink += acc;
            double seconds = 0;
            for (double t : ms) {
                seconds += t * 1e-3;
            }
            boolean changedUnder = clock.compilationMillis() != jit0 && fell(ms, settings.tolerance())
                    || jitBusy(jitCpuSince(clock, jitCpu0), seconds);
            if (!changedUnder) {
                return Measurement.of(ms, cpu, false, w.warmup, bytes0 < 0 ? Double.NaN : (double) (bytes1 - bytes0) / runs);
            }
            Warmup sofar = new Warmup(w.warmup.runs() + runs, w.warmup.batches(), w.warmup.seconds() + seconds, false);
            if (sofar.seconds() >= settings.maxWarmupSeconds()) {
                // the cap came while the runs still got faster: report them, not steady
                return Measurement.of(ms, cpu, false, sofar, bytes0 < 0 ? Double.NaN : (double) (bytes1 - bytes0) / runs);
            }
            w = warmUp(body, ms[runs - 1] * 1e-3, settings, clock, sofar, SETTLED_BYTES_PER_RUN);
        }
    }

    /**
     * Warms {@code body} up as {@link #measure} does before its timed runs (a first run, then batches
     * until one is settled, or the cap), for a caller that times runs of its own afterwards.
     *
     * @param settledBytesPerRun the most a settled batch may allocate per run ({@link #SETTLED_BYTES_PER_RUN}
     *                           for a kernel; more for a body that allocates by design, e.g. planning)
     * @return what warming up took, and whether the times had stopped falling
     */
    static Warmup warmUp(Body body, Settings settings, long settledBytesPerRun) {
        return warmUp(body, settings, settledBytesPerRun, Clock.SYSTEM);
    }

    static Warmup warmUp(Body body, Settings settings, long settledBytesPerRun, Clock clock) {
        Run first = first(body, clock);
        return warmUp(body, first.seconds(), settings, clock, Warmup.NONE, settledBytesPerRun).warmup();
    }

    /**
     * Whether the compiler threads were busy during a stretch of runs: {@code jitCpuMillis} of their CPU
     * (−1: unknown, never busy) over {@code seconds} of wall time.
     */
    static boolean jitBusy(long jitCpuMillis, double seconds) {
        return jitCpuMillis >= JIT_BUSY_MIN_MILLIS && jitCpuMillis >= JIT_BUSY_FRACTION * seconds * 1e3;
    }

    /** The compiler CPU used since {@code before} (a {@link Clock#compilerCpuMillis} reading), or −1. */
    private static long jitCpuSince(Clock clock, long before) {
        return before < 0 ? -1 : clock.compilerCpuMillis() - before;
    }

    /**
     * Whether runs (in the order they ran) got faster: the median of the later half better than that of
     * the earlier half by more than {@code tolerance}.
     */
    static boolean fell(double[] ms, double tolerance) {
        int half = ms.length / 2;
        if (half == 0) {
            return false;
        }
        double[] early = Arrays.copyOfRange(ms, 0, half);
        double[] late = Arrays.copyOfRange(ms, half, ms.length);
        Arrays.sort(early);
        Arrays.sort(late);
        return quantile(late, 0.5) < quantile(early, 0.5) * (1 - tolerance);
    }

    /** The outcome of warming up: the warm-up summary, the last batch's median and its last run, in seconds. */
    private record Warming(Warmup warmup, double lastMedian, double lastRun) {}

    /**
     * Warm-up batches until the times stop falling (see the class comment), continuing {@code before}
     * (the warm-up so far: its runs, batches and time count, and the cap is on the whole); a batch
     * allocating more than {@code settledBytesPerRun} per run is not settled.
     */
    private static Warming warmUp(Body body, double firstSeconds, Settings settings, Clock clock, Warmup before,
                                  long settledBytesPerRun) {
        double previous = firstSeconds;
        double spent = before.seconds();
        int runs = before.runs();
        double acc = 0;
        double[] times = new double[16];
        for (int batch = before.batches() + 1; ; batch++) {
            long jitCpu0 = clock.compilerCpuMillis();
            long jit0 = clock.compilationMillis();
            long bytes0 = clock.allocatedBytes();
            double batchSpent = 0;
            int n = 0;
            double last;
            do {
                long t0 = clock.nanoTime();
                acc += body.run();
                last = (clock.nanoTime() - t0) * 1e-9;
                if (n == times.length) {
                    times = Arrays.copyOf(times, 2 * n);
                }
                times[n++] = last;
                batchSpent += last;
            } while (batchSpent < settings.batchSeconds());
            boolean allocating = bytes0 >= 0 && (clock.allocatedBytes() - bytes0) / n > settledBytesPerRun;
            boolean compiled = clock.compilationMillis() != jit0 || jitBusy(jitCpuSince(clock, jitCpu0), batchSpent);
            runs += n;
            spent += batchSpent;
            Arrays.sort(times, 0, n);
            double median = quantile(Arrays.copyOf(times, n), 0.5);
            boolean settled = median >= previous * (1 - settings.tolerance()) && !compiled && !allocating;
            if (batch >= settings.minWarmupBatches() && settled) {
                sink += acc;
                return new Warming(new Warmup(runs, batch, spent, true), median, last);
            }
            if (spent >= settings.maxWarmupSeconds()) {
                sink += acc;
                return new Warming(new Warmup(runs, batch, spent, settled), median, last);
            }
            previous = median;
        }
    }
}
