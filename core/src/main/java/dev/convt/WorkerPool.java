package dev.convt;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * convt's own threads for {@link Parallelism#threads(int)}: daemon threads named
 * {@code convt-worker-N}, created when an execute first asks for more helpers than exist (never
 * more than {@link Parallelism#MAX_THREADS} − 1), shared by every plan and caller of the JVM.
 *
 * <p>A caller lends its {@link ForkJoin.Job} to idle workers only: a worker busy with another
 * caller's execute is skipped, and the caller does the work nobody claimed. After a job a worker
 * spins briefly for the next one, then parks until a caller hands it work.
 */
final class WorkerPool {
    static final WorkerPool INSTANCE = new WorkerPool();

    private static final int IDLE = 0, TAKEN = 1;

    private volatile Worker[] workers = new Worker[0];

    private WorkerPool() {}

    /** Hands the job to up to {@code n} idle workers, creating workers while fewer than n exist. */
    void lend(ForkJoin.Job job, int n) {
        if (n <= 0) {
            return;
        }
        Worker[] all = workers;
        if (all.length < n) {
            all = grow(n);
        }
        int lent = 0;
        for (int i = 0; i < all.length && lent < n; i++) {
            Worker w = all[i];
            if (w.state.get() == IDLE && w.state.compareAndSet(IDLE, TAKEN)) {
                w.job = job;
                LockSupport.unpark(w);
                lent++;
            }
        }
    }

    private synchronized Worker[] grow(int n) {
        Worker[] all = workers;
        if (all.length >= n) {
            return all;
        }
        Worker[] more = java.util.Arrays.copyOf(all, Math.min(n, Parallelism.MAX_THREADS - 1));
        for (int i = all.length; i < more.length; i++) {
            more[i] = new Worker(i + 1);
            more[i].start();
        }
        workers = more;
        return more;
    }

    /** One pool thread: waits for a job, helps it, goes back to idle. */
    private static final class Worker extends Thread {
        final AtomicInteger state = new AtomicInteger(IDLE);
        volatile ForkJoin.Job job;

        Worker(int index) {
            super("convt-worker-" + index);
            setDaemon(true);
        }

        @Override
        public void run() {
            while (true) {
                ForkJoin.Job j = awaitJob();
                job = null;
                try {
                    j.help(); // a task's failure is recorded in the job, never thrown here
                } finally {
                    state.set(IDLE);
                }
            }
        }

        private ForkJoin.Job awaitJob() {
            for (int spin = 0; ; spin++) {
                ForkJoin.Job j = job;
                if (j != null) {
                    return j;
                }
                if (spin < ForkJoin.SPINS) {
                    Thread.onSpinWait();
                } else {
                    LockSupport.park(this);
                }
            }
        }
    }
}
