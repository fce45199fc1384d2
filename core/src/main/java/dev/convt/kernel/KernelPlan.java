package dev.convt.kernel;

/**
 * A kernel's prepared computation for one problem. Callers use {@link dev.convt.Plan}, which checks
 * buffers before delegating here (sizes, offsets, and that input and output do not overlap) and
 * never calls it for an empty batch; implementations may assume valid, large-enough, disjoint buffers.
 */
public interface KernelPlan {
    /**
     * Computes {@code y = convT(x)} for the whole batch, overwriting the output region (and nothing else).
     * Must allocate nothing on the Java heap once warm: after the calling thread's first call (which may
     * make its workspace) and the JIT's compilation of the kernel.
     */
    void execute(float[] x, int xOffset, float[] y, int yOffset);

    /** Bytes of workspace the plan keeps per executing thread (not counting prepacked weights). */
    default long workspaceBytes() { return 0; }

    /** Bytes of prepacked weights the plan holds. */
    default long packedWeightBytes() { return 0; }

    /**
     * The work of one {@link #execute} cut into independent tasks for up to {@code threads} threads,
     * or {@code null} to run it whole on the calling thread (the default, and the right answer when
     * the problem is too small for the split to pay: below about {@code 2 · minTaskWork}).
     *
     * <p>The contract every kernel that splits must keep: running every task once, in any order
     * and on any threads, writes exactly what {@link #execute} writes, bit for bit. So no two tasks
     * write the same output element, and each element is accumulated in the same order as in
     * {@link #execute}.
     *
     * @param threads     the most threads that will run the tasks, ≥ 2
     * @param minTaskWork the least work per task, in multiply-adds
     */
    default Tasks tasks(int threads, long minTaskWork) { return null; }

    /**
     * Independent pieces of one execute (see {@link KernelPlan#tasks}). Immutable; {@link #run} may
     * be called from any thread, allocates nothing once warm, and writes only its part of the output.
     */
    interface Tasks {
        /** How many tasks there are, ≥ 1. */
        int count();

        /** Runs task {@code task} (0 ≤ task &lt; count) of the execute with these buffers. */
        void run(int task, float[] x, int xOffset, float[] y, int yOffset);
    }
}
