package dev.convt.bench;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The warm-up rule on computations with known run times, on a fake clock (so the times are exact
 * on a busy machine too): it goes on while the times fall or the JIT compiles, stops when they are
 * flat, and never reports a still-falling computation as steady.
 */
class TimerTest {
    /** A clock that only the bodies move, a JIT that compiles and a heap that allocates when told to. */
    static final class FakeClock implements Timer.Clock {
        long now;
        long jit;
        long bytes;

        @Override
        public long nanoTime() {
            return now;
        }

        @Override
        public long compilationMillis() {
            return jit;
        }

        @Override
        public long allocatedBytes() {
            return bytes;
        }

        @Override
        public long threadCpuNanos() {
            return now / 2; // as if the core were shared half the time
        }

        long compilerCpu;

        @Override
        public long compilerCpuMillis() {
            return compilerCpu;
        }
    }

    /** A body whose n-th run takes {@code ms[min(n, last)]} milliseconds on the fake clock. */
    static final class Fake implements Timer.Body {
        final FakeClock clock = new FakeClock();
        private final double[] ms;
        int runs;
        /** Runs from and before which the JIT compiles something (while the run goes on). */
        int compilingFrom, compilingUntil;
        /** Runs before which each run allocates a megabyte (boxed vectors before C2). */
        int allocatingUntil;
        /**
         * Runs from and before which a compiler thread works through the whole run without
         * finishing, on the core a second worker would use: those runs take {@code busyMs}.
         */
        int busyFrom, busyUntil;
        double busyMs;

        Fake(double... ms) {
            this.ms = ms;
        }

        @Override
        public double run() {
            double d = ms[Math.min(runs, ms.length - 1)];
            if (runs >= busyFrom && runs < busyUntil) {
                d = busyMs;
                clock.compilerCpu += (long) d;
            }
            if (runs >= compilingFrom && runs < compilingUntil) {
                clock.jit++;
            }
            if (runs < allocatingUntil) {
                clock.bytes += 1 << 20;
            }
            runs++;
            clock.now += (long) (d * 1e6);
            return d;
        }

        Timer.Measurement measure(Timer.Settings settings, boolean warm) {
            return Timer.measure(this, Timer.first(this, clock), settings, warm, clock);
        }
    }

    /** Batches of 10 ms; tolerance 3%; a cap of 2 s; 30 ms of timed runs; single-run limit 0.5 s. */
    static final Timer.Settings SETTINGS = new Timer.Settings(0.01, 2, 2.0, 0.03, 0.03, 3, 50, 0.5);

    @Test
    void warmsUpWhileTheTimesFallAndTimesOnlyTheSteadyRuns() {
        // a cold first run, then runs that halve down to a floor of 1 ms
        double[] ms = {40, 20, 10, 5, 2.5, 1.25, 1};
        Fake f = new Fake(ms);
        Timer.Measurement m = f.measure(SETTINGS, false);
        assertTrue(m.warmup().steady(), m.toString());
        assertTrue(m.warmup().runs() >= 6, "the falling runs are warm-up: " + m);
        assertEquals(1.0, m.medianMs(), 1e-9, "the timed runs see only the floor: " + m);
        assertEquals(1.0, m.maxMs(), 1e-9, m.toString());
        assertEquals(30, m.runs(), "about 30 ms of 1 ms runs");
        assertEquals(0.5, m.cpuMedianMs(), 1e-9, "the thread's CPU time per run, measured beside the wall time");
        assertFalse(m.single());
    }

    @Test
    void stopsAfterTheMinimumBatchesOnFlatTimes() {
        Fake f = new Fake(1);
        Timer.Measurement m = f.measure(SETTINGS, false);
        assertTrue(m.warmup().steady(), m.toString());
        assertEquals(2, m.warmup().batches(), m.toString());
        assertEquals(20, m.warmup().runs(), "two batches of 10 ms");
    }

    @Test
    void goesOnWhileTheJitCompiles() {
        Fake f = new Fake(1);
        f.compilingUntil = 60; // flat times, but the code may change under them until run 60
        Timer.Measurement m = f.measure(SETTINGS, false);
        assertTrue(m.warmup().steady(), m.toString());
        assertTrue(m.warmup().runs() >= 59, m.toString());
    }

    @Test
    void goesOnWhileTheRunsAllocate() {
        Fake f = new Fake(1);
        f.allocatingUntil = 45; // flat times, but Vector API code still boxing: C2 has not finished
        Timer.Measurement m = f.measure(SETTINGS, false);
        assertTrue(m.warmup().steady(), m.toString());
        assertTrue(m.warmup().runs() >= 44, m.toString());
        assertEquals(0.0, m.allocatedBytesPerRun(), "the timed runs came after: " + m);
    }

    /**
     * The warm-up alone (for a caller that times its own runs, as {@code reshape} does): the same
     * rule, but a body that allocates by design (planning) is told so and settles on flat times,
     * while a compilation still holds it back.
     */
    @Test
    void aWarmUpAloneIgnoresAllocationWhenToldToButStillWaitsForTheJit() {
        Fake planning = new Fake(1);
        planning.allocatingUntil = Integer.MAX_VALUE; // a megabyte every run, for ever
        Timer.Warmup w = Timer.warmUp(planning, SETTINGS, Long.MAX_VALUE, planning.clock);
        assertTrue(w.steady(), w.toString());
        assertEquals(2, w.batches(), w.toString());

        Fake kernel = new Fake(1);
        kernel.allocatingUntil = Integer.MAX_VALUE;
        Timer.Warmup capped = Timer.warmUp(kernel, SETTINGS, Timer.SETTLED_BYTES_PER_RUN, kernel.clock);
        assertFalse(capped.steady(), "a kernel that never stops boxing never settles: " + capped);
        assertTrue(capped.seconds() >= SETTINGS.maxWarmupSeconds(), capped.toString());

        Fake compiling = new Fake(1);
        compiling.allocatingUntil = Integer.MAX_VALUE;
        compiling.compilingUntil = 60;
        Timer.Warmup waited = Timer.warmUp(compiling, SETTINGS, Long.MAX_VALUE, compiling.clock);
        assertTrue(waited.steady(), waited.toString());
        assertTrue(waited.runs() >= 59, "flat times, but the code may change under them until run 60: " + waited);
    }

    @Test
    void aCompileLandingUnderTheTimedRunsMakesThemWarmUpAndTheyAreTimedAgain() {
        // flat at 93 ms through the warm-up (the compile still queued), then the compile lands during
        // the second timed run and the runs take 38 ms: a fork once reported such a layer at 92 ms
        Fake f = new Fake(93, 93, 93, 93, 38);
        f.compilingFrom = 4;
        f.compilingUntil = 5;
        Timer.Measurement m = f.measure(SETTINGS, false);
        assertEquals(38.0, m.medianMs(), 1e-9, "timed again once steady: " + m);
        assertEquals(38.0, m.maxMs(), 1e-9, m.toString());
        assertTrue(m.warmup().steady(), m.toString());
        assertTrue(m.warmup().runs() >= 5, "the first timed runs count as warm-up: " + m);

        // a compile finishing under flat timed runs changes nothing: they stand
        Fake flat = new Fake(5);
        flat.compilingFrom = 7; // runs 1-4 are the two warm-up batches, 5-10 the timed runs
        flat.compilingUntil = 8;
        Timer.Measurement same = flat.measure(SETTINGS, false);
        assertEquals(4, same.warmup().runs(), same.toString());
        assertEquals(11, flat.runs, "timed once");
        assertEquals(5.0, same.medianMs(), 1e-9);

        // still getting faster under compiles when the cap comes: reported, but not steady
        double[] ms = new double[400];
        for (int i = 0; i < ms.length; i++) {
            ms[i] = i < 4 ? 20 : 20 * Math.pow(0.97, i - 3);
        }
        Fake falling = new Fake(ms);
        falling.compilingFrom = 4;
        falling.compilingUntil = Integer.MAX_VALUE;
        Timer.Measurement capped = falling.measure(new Timer.Settings(0.01, 2, 0.3, 0.03, 0.06, 3, 10, 0.5), false);
        assertFalse(capped.warmup().steady(), capped.toString());
    }

    @Test
    void goesOnWhileACompilationIsUnderWayThoughNoneFinishes() {
        // a two-thread computation at 12 ms, whose runs take 24 ms while a compiler thread holds the
        // second core (runs 1-40); the JIT's compilation counter does not move
        Fake f = new Fake(12);
        f.busyFrom = 1;
        f.busyUntil = 41;
        f.busyMs = 24;
        Timer.Measurement m = f.measure(SETTINGS, false);
        assertTrue(m.warmup().steady(), m.toString());
        assertTrue(m.warmup().runs() >= 40, "the busy runs are warm-up: " + m);
        // each busy run fills a 10 ms batch: the warm-up itself went on through them (had it stopped
        // at the second batch, the timed runs would have been re-timed in fewer, longer cycles)
        assertTrue(m.warmup().batches() >= 40, "one unsettled batch per busy run: " + m);
        assertEquals(12.0, m.maxMs(), 1e-9, "timed only once the compiler is idle: " + m);
    }

    @Test
    void timedRunsDuringABusyCompilerAreTimedAgainFlatOrNot() {
        // the warm-up settles on 8 ms runs (runs 1-4), then a compilation starts with the timed runs and
        // keeps a core for 12 runs: flat at 16 ms, so the rule for falling runs cannot see it
        Fake f = new Fake(8);
        f.busyFrom = 5;
        f.busyUntil = 17;
        f.busyMs = 16;
        Timer.Measurement m = f.measure(SETTINGS, false);
        assertEquals(8.0, m.medianMs(), 1e-9, "timed again once the compiler is idle: " + m);
        assertEquals(8.0, m.maxMs(), 1e-9, m.toString());
        assertTrue(m.warmup().steady(), m.toString());

        // a compiler thread busy for less than the threshold under the timed runs changes nothing
        assertFalse(Timer.jitBusy(Timer.JIT_BUSY_MIN_MILLIS - 1, 0.001), "a tick or so is noise");
        assertFalse(Timer.jitBusy(30, 0.25), "30 ms of compiling under 250 ms of runs");
        assertTrue(Timer.jitBusy(70, 0.25));
        assertFalse(Timer.jitBusy(-1, 0.25), "unknown: never busy");
    }

    @Test
    void fellComparesTheLaterHalfWithTheEarlier() {
        assertTrue(Timer.fell(new double[] {93, 92, 38}, 0.03));
        assertFalse(Timer.fell(new double[] {38, 38, 93}, 0.03));
        assertFalse(Timer.fell(new double[] {10, 9.8, 10.1, 9.9}, 0.03));
        assertFalse(Timer.fell(new double[] {10}, 0.03));
    }

    @Test
    void aComputationStillFallingAtTheCapIsNotSteady() {
        // 10% less every run: batches (one run each) still fall by 10% when the 0.2 s cap comes
        double[] ms = new double[60];
        for (int i = 0; i < ms.length; i++) {
            ms[i] = 30 * Math.pow(0.9, i);
        }
        Fake f = new Fake(ms);
        Timer.Measurement m = f.measure(new Timer.Settings(0.01, 2, 0.2, 0.03, 0.02, 3, 10, 0.5), false);
        assertFalse(m.warmup().steady(), m.toString());

        Fake busy = new Fake(1);
        busy.compilingUntil = Integer.MAX_VALUE;
        assertFalse(busy.measure(new Timer.Settings(0.01, 2, 0.2, 0.03, 0.02, 3, 10, 0.5), false).warmup().steady(),
                "flat but the JIT never idle: not steady");
    }

    @Test
    void aSlowWarmComputationIsOneRunAndAColdOneIsWarmedFirst() {
        Timer.Settings lowLimit = new Timer.Settings(0.01, 2, 2.0, 0.03, 0.03, 3, 50, 0.02);
        Fake warm = new Fake(25);
        Timer.Measurement single = warm.measure(lowLimit, true);
        assertTrue(single.single(), single.toString());
        assertEquals(1, single.runs());
        assertEquals(25.0, single.medianMs(), 1e-9);
        assertEquals(1, warm.runs, "a warm kernel over the limit runs once");

        Fake recompiled = new Fake(60, 25);
        recompiled.compilingUntil = 1; // the JIT compiled during the first run: it does not count
        Timer.Measurement again = recompiled.measure(lowLimit, true);
        assertEquals(2, recompiled.runs);
        assertEquals(25.0, again.medianMs(), 1e-9);

        // not known to be warm: its slow first run is warm-up, whatever its length
        Fake cold = new Fake(25, 5);
        Timer.Measurement m = cold.measure(lowLimit, false);
        assertFalse(m.single(), m.toString());
        assertEquals(5.0, m.medianMs(), 1e-9, m.toString());
    }

    static volatile byte[] kept;

    @Test
    void countsTheAllocationOfTimedRuns() {
        Timer.Body allocating = () -> {
            kept = new byte[4096]; // escapes, so the JIT cannot remove it
            return kept.length;
        };
        Timer.Measurement m = Timer.measure(allocating, Timer.first(allocating), SETTINGS, false);
        if (!Double.isNaN(m.allocatedBytesPerRun())) {
            assertTrue(m.allocatedBytesPerRun() >= 4096, m.toString());
        }
    }
}
