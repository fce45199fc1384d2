package dev.convt;

import dev.convt.kernel.KernelPlan;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicIntegerArray;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The parallel machinery on its own: every task once, failures, thread names, concurrent callers, executors. */
class ForkJoinTest {
    /** A one-float buffer: these tasks never touch it. */
    private static final float[] ONE = new float[1];

    /** Tasks that count their runs and record the threads that ran them; task {@code failAt} throws. */
    private static final class Counting implements KernelPlan.Tasks {
        final AtomicIntegerArray runs;
        final Set<String> threads = ConcurrentHashMap.newKeySet();
        final Set<Integer> failAt;
        /**
         * When set, a worker holds its first task until this thread (the caller) has run one, or 2 s
         * pass: on 2 cores the caller can lose its core to two spinning workers for a whole time
         * slice, long enough for them to take every task before it claims one.
         */
        volatile Thread caller;
        private volatile boolean callerRan;
        private final Set<Thread> held = ConcurrentHashMap.newKeySet();

        Counting(int n, Set<Integer> failAt) {
            runs = new AtomicIntegerArray(n);
            this.failAt = failAt;
        }

        @Override public int count() { return runs.length(); }

        @Override public void run(int task, float[] x, int xOffset, float[] y, int yOffset, Object ws) {
            runs.incrementAndGet(task);
            threads.add(Thread.currentThread().getName());
            Thread me = Thread.currentThread();
            if (caller != null && me == caller) {
                callerRan = true;
            } else if (caller != null && held.add(me)) {
                for (long end = System.nanoTime() + 2_000_000_000L; !callerRan && System.nanoTime() < end; ) {
                    Thread.onSpinWait();
                }
            }
            if (failAt.contains(task)) {
                throw new IllegalStateException("task " + task);
            }
            long until = System.nanoTime() + 200_000;
            while (System.nanoTime() < until) {
                Thread.onSpinWait(); // long enough for a worker to wake and take some
            }
        }
    }

    @Test
    void everyTaskRunsExactlyOnceOnTheCallerAndNamedWorkers() {
        Counting t = new Counting(64, Set.of());
        t.caller = Thread.currentThread();
        ForkJoin.run(t, Parallelism.threads(3), ONE, 0, ONE, 0, null);
        for (int i = 0; i < t.count(); i++) {
            assertEquals(1, t.runs.get(i), "runs of task " + i);
        }
        assertTrue(t.threads.contains(Thread.currentThread().getName()), "the caller works too: " + t.threads);
        for (String name : t.threads) {
            assertTrue(name.equals(Thread.currentThread().getName()) || name.matches("convt-worker-\\d+"), name);
        }
        assertTrue(t.threads.size() >= 2, "a worker took part: " + t.threads);
    }

    @Test
    void poolThreadsAreDaemonsWithRecognisableNames() {
        ForkJoin.run(new Counting(8, Set.of()), Parallelism.threads(2), ONE, 0, ONE, 0, null);
        List<Thread> workers = Thread.getAllStackTraces().keySet().stream()
                .filter(th -> th.getName().startsWith("convt-worker-")).toList();
        assertTrue(!workers.isEmpty(), "no convt worker");
        for (Thread th : workers) {
            assertTrue(th.isDaemon(), th.getName() + " is not a daemon");
        }
    }

    @Test
    void theLowestFailingTasksExceptionReachesTheCaller() {
        for (int round = 0; round < 20; round++) {
            Counting t = new Counting(32, Set.of(5, 9, 20));
            IllegalStateException e = assertThrows(IllegalStateException.class,
                    () -> ForkJoin.run(t, Parallelism.threads(4), ONE, 0, ONE, 0, null));
            assertEquals("task 5", e.getMessage(), "what one thread would have thrown first");
        }
        // the job is reusable after a failure
        Counting ok = new Counting(16, Set.of());
        ForkJoin.run(ok, Parallelism.threads(4), ONE, 0, ONE, 0, null);
        for (int i = 0; i < ok.count(); i++) {
            assertEquals(1, ok.runs.get(i));
        }
    }

    @Test
    void anErrorIsRethrownAsItself() {
        OutOfMemoryError oom = new OutOfMemoryError("workspace");
        KernelPlan.Tasks t = new KernelPlan.Tasks() {
            @Override public int count() { return 4; }
            @Override public void run(int task, float[] x, int xo, float[] y, int yo, Object ws) {
                if (task == 2) {
                    throw oom;
                }
            }
        };
        assertSame(oom, assertThrows(OutOfMemoryError.class,
                () -> ForkJoin.run(t, Parallelism.threads(2), ONE, 0, ONE, 0, null)));
    }

    @Test
    void severalCallersAtOnceEachGetEveryTask() throws Exception {
        ExecutorService callers = Executors.newFixedThreadPool(4);
        try {
            List<Future<Counting>> futures = new ArrayList<>();
            for (int c = 0; c < 16; c++) {
                futures.add(callers.submit(() -> {
                    Counting t = new Counting(24, Set.of());
                    ForkJoin.run(t, Parallelism.threads(3), ONE, 0, ONE, 0, null);
                    return t;
                }));
            }
            for (Future<Counting> f : futures) {
                Counting t = f.get();
                for (int i = 0; i < t.count(); i++) {
                    assertEquals(1, t.runs.get(i));
                }
            }
        } finally {
            callers.shutdownNow();
        }
    }

    @Test
    void theEnginesExecutorRunsHelpersAndAFullOrDeadPoolCannotDeadlock() throws Exception {
        ForkJoinPool pool = new ForkJoinPool(2);
        try {
            Counting t = new Counting(32, Set.of());
            ForkJoin.run(t, Parallelism.executor(pool, 2), ONE, 0, ONE, 0, null);
            for (int i = 0; i < t.count(); i++) {
                assertEquals(1, t.runs.get(i));
            }
            // a helper submitted above may still be queued (the caller can finish every task before it
            // starts); it would then join this thread's next job, so let it run out before the last case
            assertTrue(pool.awaitQuiescence(30, TimeUnit.SECONDS));
            // a caller that is the pool's only thread: its helper cannot start until it returns
            ForkJoinPool one = new ForkJoinPool(1);
            Counting inside = one.submit(() -> {
                Counting c = new Counting(8, Set.of());
                ForkJoin.run(c, Parallelism.executor(one, 4), ONE, 0, ONE, 0, null);
                return c;
            }).get();
            for (int i = 0; i < inside.count(); i++) {
                assertEquals(1, inside.runs.get(i));
            }
            one.shutdown();
            // a shut-down executor rejects the helpers: the caller does everything
            Counting alone = new Counting(8, Set.of());
            ForkJoin.run(alone, Parallelism.executor(one, 4), ONE, 0, ONE, 0, null);
            assertEquals(Set.of(Thread.currentThread().getName()), alone.threads);
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void parallelismChecksItsArguments() {
        assertEquals("threads must be in [1, 256], but got 0",
                assertThrows(IllegalArgumentException.class, () -> Parallelism.threads(0)).getMessage());
        assertThrows(IllegalArgumentException.class, () -> Parallelism.executor(Runnable::run, 257));
        assertThrows(NullPointerException.class, () -> Parallelism.executor(null, 2));
        assertThrows(IllegalArgumentException.class, () -> Parallelism.threads(2).withMinTaskWork(0));
        assertSame(Parallelism.serial(), Parallelism.threads(1));
        assertEquals(1, Parallelism.serial().threads());
    }
}
