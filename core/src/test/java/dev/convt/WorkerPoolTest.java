package dev.convt;

import dev.convt.kernel.KernelPlan;
import org.junit.jupiter.api.Test;

import java.lang.reflect.Constructor;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.BrokenBarrierException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * What the pool and the job do with threads, observed from the tasks: how many workers take part,
 * their names, that idle workers and a waiting caller park (rather than spin), and how many helpers
 * an engine's executor receives. {@link ForkJoinTest} checks the results; these properties change
 * no result, only which threads work and how they wait, so only threads can show them.
 *
 * <p>Each test that needs workers builds a fresh {@link WorkerPool} (its constructor is private: the
 * JVM shares one instance, whose workers another test may already have created), so it sees the
 * pool grow from nothing.
 */
class WorkerPoolTest {
    /** A one-float buffer for tasks that ignore their buffers. */
    private static final float[] ONE = new float[1];

    /** Long enough for any thread of a loaded machine to be scheduled; only a failing run waits it out. */
    private static final long PATIENCE_MS = 20_000;

    private static WorkerPool freshPool() throws ReflectiveOperationException {
        Constructor<WorkerPool> c = WorkerPool.class.getDeclaredConstructor();
        c.setAccessible(true);
        return c.newInstance();
    }

    /** Tasks that record the thread of each run; task {@code i < gated} first waits for {@code gate}. */
    private static final class Recording implements KernelPlan.Tasks {
        final int count;
        final Set<Thread> threads = ConcurrentHashMap.newKeySet();
        final CyclicBarrier gate;
        final int gated;
        final long sleepMs;

        Recording(int count, int gated, long sleepMs) {
            this.count = count;
            this.gated = gated;
            this.gate = gated > 0 ? new CyclicBarrier(gated) : null;
            this.sleepMs = sleepMs;
        }

        @Override public int count() { return count; }

        @Override public void run(int task, float[] x, int xOffset, float[] y, int yOffset, Object workspace) {
            threads.add(Thread.currentThread());
            try {
                if (task < gated) {
                    gate.await(PATIENCE_MS, TimeUnit.MILLISECONDS);
                } else if (sleepMs > 0) {
                    Thread.sleep(sleepMs);
                }
            } catch (InterruptedException | BrokenBarrierException | TimeoutException e) {
                throw new IllegalStateException("task " + task + ": fewer threads took part than were lent (" + threads + ")", e);
            }
        }
    }

    /** One execute on {@code pool} as {@link ForkJoin#run} makes it: start, lend, help, wait. */
    private static void execute(WorkerPool pool, KernelPlan.Tasks tasks, int helpers) {
        ForkJoin.Job job = new ForkJoin.Job();
        job.start(tasks, ONE, 0, ONE, 0, null);
        pool.lend(job, helpers);
        job.help();
        job.awaitAndClose();
    }

    private static Set<String> names(Set<Thread> threads) {
        Set<String> names = ConcurrentHashMap.newKeySet();
        threads.forEach(t -> names.add(t.getName()));
        return names;
    }

    /** Waits until each thread is parked (WAITING); fails naming the ones still running. */
    private static void assertAllPark(Iterable<Thread> threads, String who) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(PATIENCE_MS);
        for (Thread t : threads) {
            while (t.getState() != Thread.State.WAITING) {
                if (System.nanoTime() > deadline) {
                    fail(who + " " + t.getName() + " never parked: " + t.getState());
                }
                Thread.sleep(1);
            }
        }
    }

    /**
     * Lends {@code n} workers to tasks that need them all at once (a barrier of caller + n), then waits
     * for each to park; returns the workers.
     */
    private static Set<Thread> lendAllAndWaitIdle(WorkerPool pool, int n) throws InterruptedException {
        Recording r = new Recording(n + 1, n + 1, 0);
        execute(pool, r, n);
        Set<Thread> workers = ConcurrentHashMap.newKeySet();
        workers.addAll(r.threads);
        workers.remove(Thread.currentThread());
        assertEquals(n, workers.size(), "workers that took part: " + names(workers));
        assertAllPark(workers, "idle worker");
        return workers;
    }

    /**
     * Three tasks that can only finish together (a barrier of three) need the caller and both workers
     * lent at once: a pool that creates, starts or lends fewer deadlocks them (they fail after the
     * patience). The workers are new daemon threads named {@code convt-worker-1} and {@code -2}.
     */
    @Test
    void anEmptyPoolStartsAndLendsAsManyDaemonWorkersAsAsked() throws Exception {
        WorkerPool pool = freshPool();
        Recording t = new Recording(3, 3, 0);
        execute(pool, t, 2);
        Thread caller = Thread.currentThread();
        assertTrue(t.threads.contains(caller), "the caller works too");
        List<Thread> workers = new ArrayList<>(t.threads);
        workers.remove(caller);
        assertEquals(Set.of("convt-worker-1", "convt-worker-2"), names(Set.copyOf(workers)));
        for (Thread w : workers) {
            assertTrue(w.isDaemon(), w.getName() + " must be a daemon (it must not keep the JVM alive)");
        }
    }

    /**
     * After its job a worker goes back to idle and parks (no thread spins while convt is idle); the
     * next execute lends the same workers again, and needs them all (a barrier of caller + 3).
     */
    @Test
    void workersParkWhenIdleAndAreLentAgain() throws Exception {
        WorkerPool pool = freshPool();
        Set<Thread> workers = lendAllAndWaitIdle(pool, 3);
        for (int round = 0; round < 3; round++) {
            assertEquals(workers, lendAllAndWaitIdle(pool, 3), "round " + round + ": the pool's own workers, no new ones");
        }
    }

    /**
     * A pool of four workers lends two when asked for two: the three gated tasks need caller + 2, and
     * the twelve sleeping tasks after them would be taken by any further worker that was handed the job.
     */
    @Test
    void aLargerPoolLendsOnlyAsManyWorkersAsAsked() throws Exception {
        WorkerPool pool = freshPool();
        Set<Thread> all = lendAllAndWaitIdle(pool, 4);
        Recording two = new Recording(3 + 12, 3, 5);
        execute(pool, two, 2);
        assertEquals(3, two.threads.size(), "caller + 2 workers: " + names(two.threads));
        assertAllPark(all, "idle worker");
    }

    /**
     * While a helper still runs a task, the caller, with nothing left to claim, parks until the helper
     * finishes (it does not spin through the helper's whole task). The helper's task runs until it
     * sees the caller parked.
     */
    @Test
    void theCallerParksWhileAHelperFinishes() throws Exception {
        ExecutorService one = Executors.newSingleThreadExecutor();
        try {
            Thread caller = Thread.currentThread();
            CountDownLatch helperStarted = new CountDownLatch(1);
            AtomicInteger callerStateSeen = new AtomicInteger(-1);
            KernelPlan.Tasks tasks = new KernelPlan.Tasks() {
                @Override public int count() { return 2; }
                @Override public void run(int task, float[] x, int xo, float[] y, int yo, Object workspace) {
                    try {
                        if (Thread.currentThread() == caller) {
                            // hold the caller's task until the helper has its own, so each runs one
                            if (!helperStarted.await(PATIENCE_MS, TimeUnit.MILLISECONDS)) {
                                throw new IllegalStateException("the helper never started");
                            }
                            return;
                        }
                        helperStarted.countDown();
                        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(PATIENCE_MS);
                        while (caller.getState() != Thread.State.WAITING && System.nanoTime() < deadline) {
                            Thread.sleep(1);
                        }
                        callerStateSeen.set(caller.getState().ordinal());
                    } catch (InterruptedException e) {
                        throw new IllegalStateException(e);
                    }
                }
            };
            ForkJoin.run(tasks, Parallelism.executor(one, 2), ONE, 0, ONE, 0, null);
            assertEquals(Thread.State.WAITING.ordinal(), callerStateSeen.get(),
                    "the caller's state while the helper finished: " + Thread.State.values()[Math.max(0, callerStateSeen.get())]);
        } finally {
            one.shutdownNow();
        }
    }

    /** An engine's executor receives min(threads, tasks) − 1 helpers: one per thread beyond the caller. */
    @Test
    void theExecutorReceivesOneHelperPerThreadBeyondTheCaller() {
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            AtomicInteger submitted = new AtomicInteger();
            Executor counting = r -> {
                submitted.incrementAndGet();
                pool.execute(r);
            };
            int[][] threadsTasksHelpers = {{4, 10, 3}, {4, 2, 1}, {3, 3, 2}, {8, 1, 0}, {2, 64, 1}, {4, 10, 3}};
            for (int[] c : threadsTasksHelpers) {
                submitted.set(0);
                ForkJoin.run(new Recording(c[1], 0, 0), Parallelism.executor(counting, c[0]), ONE, 0, ONE, 0, null);
                assertEquals(c[2], submitted.get(), c[0] + " threads, " + c[1] + " tasks");
            }
        } finally {
            pool.shutdownNow();
        }
    }
}
