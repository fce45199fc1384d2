package dev.convt;

import dev.convt.kernel.KernelPlan;

import java.lang.foreign.MemorySegment;

import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * Runs the tasks of one execute on the calling thread and its helpers, allocating nothing once warm.
 *
 * <p>Each calling thread owns one {@link Job} (a thread can be in one execute at a time), reused by
 * every execute it makes. A job publishes its tasks with one atomic word, {@code (count << 32) |
 * next}: a helper claims a task by incrementing it and keeps the claim only when the index it got
 * is below the count it got in the same read, so a helper that arrives late (after the job ended,
 * or while the caller prepares the next one, when the word says count 0) claims nothing and touches
 * nothing. The caller claims tasks too and, when none are left, waits only for tasks already
 * claimed, never for a helper that has not started.
 */
final class ForkJoin {
    private ForkJoin() {}

    /** Spins before parking, so back-to-back executes do not pay a wake-up each. */
    static final int SPINS = 1 << 12;

    private static final ThreadLocal<Job> JOB = ThreadLocal.withInitial(Job::new);

    /**
     * Runs every task, on the caller and up to {@code threads − 1} helpers; rethrows a task's failure.
     * The caller's tasks use {@code scratch}'s workspace and job when given (helpers use their own).
     */
    static void run(KernelPlan.Tasks tasks, Parallelism parallelism, float[] x, int xOffset, float[] y, int yOffset,
                    Scratchpad scratch) {
        run(tasks, parallelism, x, null, xOffset, y, null, yOffset, scratch);
    }

    /** {@link #run(KernelPlan.Tasks, Parallelism, float[], int, float[], int, Scratchpad)} on native segments (offsets in floats). */
    static void run(KernelPlan.Tasks tasks, Parallelism parallelism, MemorySegment x, int xIndex, MemorySegment y, int yIndex,
                    Scratchpad scratch) {
        run(tasks, parallelism, null, x, xIndex, null, y, yIndex, scratch);
    }

    /** Runs the tasks on arrays, or on segments where the arrays are null. */
    private static void run(KernelPlan.Tasks tasks, Parallelism parallelism, float[] x, MemorySegment xs, int xOffset,
                            float[] y, MemorySegment ys, int yOffset, Scratchpad scratch) {
        Job job = scratch == null ? JOB.get() : scratch.job();
        job.start(tasks, x, xs, xOffset, y, ys, yOffset, scratch == null ? null : scratch.workspace());
        int helpers = Math.min(parallelism.threads(), tasks.count()) - 1;
        Executor executor = parallelism.executor();
        if (executor == null) {
            WorkerPool.INSTANCE.lend(job, helpers);
        } else {
            job.submitHelpers(executor, helpers);
        }
        job.help();
        job.awaitAndClose();
    }

    /** One calling thread's execute in progress (reused by its next one). */
    static final class Job {
        /** The thread in the execute (a scratchpad's job moves with it from thread to thread). */
        private volatile Thread owner = Thread.currentThread();
        /** {@code (count << 32) | next}; count 0 while no execute is open. */
        private final AtomicLong claims = new AtomicLong();
        private final AtomicInteger done = new AtomicInteger();
        /** Set while the owner may be parked waiting for {@link #done}. */
        private volatile boolean ownerParked;
        // the execute's arguments: written before claims is published, read after a valid claim
        private KernelPlan.Tasks tasks;
        private float[] x, y;
        /** The segments of a segment execute (then x and y are null), else null. */
        private MemorySegment xs, ys;
        private int xOffset, yOffset, count;
        /** The owner's workspace (a scratchpad's), or null for its thread's own; helpers always use their own. */
        private Object ownerWorkspace;
        /** The failure of the lowest failing task index (what one thread would have thrown first). */
        private volatile Throwable failure;
        private int failedTask;
        private Runnable[] helpers = new Runnable[0];

        void start(KernelPlan.Tasks tasks, float[] x, int xOffset, float[] y, int yOffset, Object workspace) {
            start(tasks, x, null, xOffset, y, null, yOffset, workspace);
        }

        /** Opens an execute on arrays, or on segments ({@code xs}, {@code ys}) where the arrays are null. */
        void start(KernelPlan.Tasks tasks, float[] x, MemorySegment xs, int xOffset, float[] y, MemorySegment ys, int yOffset,
                   Object workspace) {
            this.owner = Thread.currentThread();
            this.ownerWorkspace = workspace;
            this.tasks = tasks;
            this.x = x;
            this.xs = xs;
            this.ys = ys;
            this.xOffset = xOffset;
            this.y = y;
            this.yOffset = yOffset;
            this.count = tasks.count();
            this.failure = null;
            this.failedTask = Integer.MAX_VALUE;
            done.set(0);
            claims.set((long) count << 32); // publishes the fields above to every valid claim
        }

        /** Claims and runs tasks until none is left. Called by the owner and by helpers. */
        void help() {
            while (true) {
                long c = claims.getAndIncrement();
                int n = (int) (c >>> 32);
                long claimed = c & 0xFFFF_FFFFL;
                if (claimed >= n) {
                    return;
                }
                int i = (int) claimed;
                try {
                    if (failure == null) {
                        Object ws = Thread.currentThread() == owner ? ownerWorkspace : null;
                        if (xs == null) {
                            tasks.run(i, x, xOffset, y, yOffset, ws);
                        } else {
                            tasks.run(i, xs, xOffset, ys, yOffset, ws);
                        }
                    }
                } catch (Throwable t) {
                    fail(i, t);
                }
                if (done.incrementAndGet() == n && ownerParked) {
                    LockSupport.unpark(owner);
                }
            }
        }

        private synchronized void fail(int task, Throwable t) {
            if (task < failedTask) {
                failedTask = task;
                failure = t;
            }
        }

        /** Waits for the claimed tasks, closes the job and rethrows the failure, if any. */
        void awaitAndClose() {
            int n = count;
            for (int spin = 0; done.get() < n; spin++) {
                if (spin < SPINS) {
                    Thread.onSpinWait();
                } else {
                    ownerParked = true;
                    if (done.get() < n) {
                        LockSupport.park(this);
                    }
                    ownerParked = false;
                }
            }
            claims.set(0);
            tasks = null;
            x = null;
            y = null;
            xs = null;
            ys = null;
            ownerWorkspace = null;
            Throwable t;
            synchronized (this) {
                t = failure;
                failure = null;
            }
            if (t instanceof RuntimeException e) {
                throw e;
            }
            if (t instanceof Error e) {
                throw e;
            }
            if (t != null) {
                throw new IllegalStateException(t);
            }
        }

        /** Submits up to {@code n} reusable helpers to the engine's executor; a rejected one is skipped. */
        void submitHelpers(Executor executor, int n) {
            if (helpers.length < n) {
                Runnable[] more = java.util.Arrays.copyOf(helpers, n);
                for (int i = helpers.length; i < n; i++) {
                    more[i] = this::help;
                }
                helpers = more;
            }
            for (int i = 0; i < n; i++) {
                try {
                    executor.execute(helpers[i]);
                } catch (RejectedExecutionException e) {
                    return; // the caller takes the work
                }
            }
        }
    }
}
