package dev.convt;

import java.util.Objects;
import java.util.concurrent.Executor;

/**
 * How many threads one {@link Plan#execute} may use, and whose threads they are (ONNX Runtime's
 * {@code intra_op_num_threads}, XNNPACK's {@code pthreadpool}).
 *
 * <ul>
 * <li>{@link #serial()} — the default of every plan: the calling thread only. Predictable inside an
 * engine that already runs many requests in parallel; convt starts no thread.</li>
 * <li>{@link #threads(int) threads(n)} — the calling thread plus up to {@code n − 1} workers of a pool
 * convt owns: daemon threads named {@code convt-worker-1}, {@code convt-worker-2}, …, created on
 * first need, shared by every plan of the JVM, never more than the largest {@code n − 1} asked for
 * (at most {@value #MAX_THREADS} − 1), parked when idle.</li>
 * <li>{@link #executor(Executor, int) executor(e, n)} — the calling thread plus up to {@code n − 1}
 * helpers submitted to the engine's own executor (a {@link java.util.concurrent.ForkJoinPool}, a
 * virtual- or platform-thread executor). convt never waits for a helper that has not started: the
 * calling thread takes every task no helper has claimed, so a saturated executor, or a caller that
 * is itself one of the executor's threads, cannot deadlock. Helper objects are reused, but the
 * executor may allocate per {@code execute(Runnable)} (a ForkJoinPool wraps the runnable, a
 * ThreadPoolExecutor makes a queue node); {@link #threads(int)} allocates nothing once warm.</li>
 * </ul>
 *
 * <p>Whatever the thread count and whoever runs which task, the output is bit-identical to the
 * serial output: the work is split so that no two tasks write the same output element and each
 * element is accumulated in the same order as on one thread. A problem too small to gain from
 * more threads ({@link #minTaskWork()} multiply-adds per task) runs on the calling thread alone.
 * Several threads may execute one plan at once, each with its own parallelism.
 *
 * <p>Instances are immutable and may be shared.
 */
public final class Parallelism {
    /** The most threads one execute may use. */
    public static final int MAX_THREADS = 256;

    /**
     * The default least work per task, in multiply-adds that land in the output: below about twice
     * this a problem is not split. Chosen so that handing a task to another core (waking a parked
     * worker costs tens of microseconds on a VM) never makes a small layer slower than on one thread.
     */
    public static final long DEFAULT_MIN_TASK_WORK = 2_000_000;

    private static final Parallelism SERIAL = new Parallelism(1, null, DEFAULT_MIN_TASK_WORK);

    private final int threads;
    private final Executor executor;
    private final long minTaskWork;

    private Parallelism(int threads, Executor executor, long minTaskWork) {
        this.threads = threads;
        this.executor = executor;
        this.minTaskWork = minTaskWork;
    }

    /**
     * The calling thread only: the default of every plan.
     *
     * @return the shared serial instance
     */
    public static Parallelism serial() {
        return SERIAL;
    }

    /**
     * The calling thread plus up to {@code threads − 1} workers of convt's own pool.
     *
     * @param threads the most threads one execute uses, the calling thread included; 1 is {@link #serial()}
     * @return a parallelism over convt's pool, with {@link #DEFAULT_MIN_TASK_WORK}
     * @throws IllegalArgumentException if threads is not in [1, {@value #MAX_THREADS}]
     */
    public static Parallelism threads(int threads) {
        check(threads);
        return threads == 1 ? SERIAL : new Parallelism(threads, null, DEFAULT_MIN_TASK_WORK);
    }

    /**
     * The calling thread plus up to {@code threads − 1} helpers run by the engine's executor.
     *
     * @param executor runs the helpers; convt never waits for one that has not started, so any executor works
     * @param threads  the most threads one execute uses, the calling thread included
     * @return a parallelism over {@code executor}, with {@link #DEFAULT_MIN_TASK_WORK}
     * @throws NullPointerException     if executor is null
     * @throws IllegalArgumentException if threads is not in [1, {@value #MAX_THREADS}]
     */
    public static Parallelism executor(Executor executor, int threads) {
        Objects.requireNonNull(executor, "executor");
        check(threads);
        return new Parallelism(threads, executor, DEFAULT_MIN_TASK_WORK);
    }

    private static void check(int threads) {
        if (threads < 1 || threads > MAX_THREADS) {
            throw new IllegalArgumentException("threads must be in [1, " + MAX_THREADS + "], but got " + threads);
        }
    }

    /**
     * The same parallelism with another least work per task (multiply-adds). Lower values split
     * smaller problems (tests use 1 to exercise every split); the result stays bit-identical.
     *
     * @param multiplyAdds the least multiply-adds per task, at least 1
     * @return a new parallelism with the same threads and executor
     * @throws IllegalArgumentException if multiplyAdds is below 1
     */
    public Parallelism withMinTaskWork(long multiplyAdds) {
        if (multiplyAdds < 1) {
            throw new IllegalArgumentException("minTaskWork must be at least 1, but got " + multiplyAdds);
        }
        return new Parallelism(threads, executor, multiplyAdds);
    }

    /** {@return the most threads one execute uses, the calling thread included, in [1, {@value #MAX_THREADS}]} */
    public int threads() {
        return threads;
    }

    /** {@return the engine's executor, or null for convt's own pool (or none, when serial)} */
    public Executor executor() {
        return executor;
    }

    /** {@return the least work per task, in multiply-adds} */
    public long minTaskWork() {
        return minTaskWork;
    }

    @Override
    public String toString() {
        if (threads == 1 && executor == null) {
            return "Parallelism[serial]";
        }
        return "Parallelism[" + threads + " threads, " + (executor == null ? "convt pool" : executor.getClass().getSimpleName())
                + ", minTaskWork " + minTaskWork + "]";
    }
}
