package dev.convt.kernel;

import java.lang.foreign.MemorySegment;

/**
 * A kernel's prepared computation for one problem. Callers use {@link dev.convt.Plan}, which checks
 * buffers before delegating here (sizes, offsets, and that input and output do not overlap) and
 * never calls it for an empty batch; implementations may assume valid, large-enough, disjoint buffers.
 *
 * <p>Buffers are {@code float[]}s, or native {@link MemorySegment}s for a plan that
 * {@link #executesSegments() executes segments}: {@link dev.convt.Plan} passes a heap segment over a
 * {@code float[]} as that array, native segments to such a plan as they are (so its Vector API code
 * loads and stores them directly), and stages any other segment through arrays. A segment never
 * reaches a kernel's array code, and a heap segment never reaches its segment code: each of the JDK's
 * segment access paths the kernels use sees one kind of segment, so the JIT's profile of it stays
 * monomorphic.
 */
public interface KernelPlan {
    /**
     * Computes {@code y = convT(x)} for the whole batch, overwriting the output region (and nothing else).
     * Must allocate nothing on the Java heap once warm: after the first call with this workspace (or,
     * without one, the calling thread's first call, which may make its per-thread workspace) and the
     * JIT's compilation of the kernel.
     *
     * @param x         the input, {@code (N, Cin, *in)} row-major from {@code xOffset}
     * @param xOffset   where the input starts in {@code x}
     * @param y         the output, {@code (N, Cout, *out)} row-major from {@code yOffset}; overwritten
     * @param yOffset   where the output starts in {@code y}
     * @param workspace what {@link #newWorkspace()} made (used by one call at a time), or {@code null} for
     *                  the calling thread's own workspace
     */
    void execute(float[] x, int xOffset, float[] y, int yOffset, Object workspace);

    /**
     * {@link #execute(float[], int, float[], int, Object)} with the calling thread's workspace.
     *
     * @param x       the input, {@code (N, Cin, *in)} row-major from {@code xOffset}
     * @param xOffset where the input starts in {@code x}
     * @param y       the output, {@code (N, Cout, *out)} row-major from {@code yOffset}; overwritten
     * @param yOffset where the output starts in {@code y}
     */
    default void execute(float[] x, int xOffset, float[] y, int yOffset) {
        execute(x, xOffset, y, yOffset, null);
    }

    /**
     * Whether {@link #execute(MemorySegment, int, MemorySegment, int, Object)} (and its tasks'
     * {@link Tasks#run(int, MemorySegment, int, MemorySegment, int, Object)}) read and write native
     * segments directly. When not, {@link dev.convt.Plan} stages native segments through arrays.
     *
     * @return whether this plan executes on native segments; {@code false} by default
     */
    default boolean executesSegments() { return false; }

    /**
     * {@link #execute(float[], int, float[], int, Object)} on native segments, for a plan that
     * {@link #executesSegments()}: the float of index {@code i} is at byte {@code 4·i} of its segment
     * (so offsets count floats, as for arrays), read and written in native byte order. The caller
     * ({@link dev.convt.Plan}) has checked the segments (bounds, liveness, thread access, writability,
     * no overlap) and guarantees {@code index + length} fits an {@code int}.
     *
     * @param x         the input, a native segment, {@code (N, Cin, *in)} row-major from float {@code xIndex}
     * @param xIndex    where the input starts in {@code x}, in floats
     * @param y         the output, a native segment, {@code (N, Cout, *out)} row-major from float {@code yIndex}; overwritten
     * @param yIndex    where the output starts in {@code y}, in floats
     * @param workspace what {@link #newWorkspace()} made, or {@code null} for the calling thread's own
     * @throws UnsupportedOperationException if this plan does not {@link #executesSegments() execute segments}
     */
    default void execute(MemorySegment x, int xIndex, MemorySegment y, int yIndex, Object workspace) {
        throw new UnsupportedOperationException("this kernel plan reads and writes arrays only");
    }

    /**
     * A new workspace for {@link #execute(float[], int, float[], int, Object)}: what the plan otherwise
     * keeps per thread, made once for a caller that brings its own (a scratchpad), so that a fresh
     * thread pays nothing. Used by one call at a time, from any thread.
     *
     * @return the workspace, or {@code null} when the plan needs none
     */
    default Object newWorkspace() { return null; }

    /**
     * Makes the calling thread's workspace now, where the plan keeps one per thread and this thread has
     * none yet (otherwise nothing). The planner calls it at plan time, with warm-up on, so that the
     * first execute on the planning thread does not pay for fresh memory: in a freshly started process
     * the first touch of each new page is a page fault, and a workspace's faults can take longer than a
     * small layer's whole execute.
     */
    default void prepareWorkspace() { }

    /** {@return the bytes of workspace the plan keeps per executing thread (not counting prepacked weights)} */
    default long workspaceBytes() { return 0; }

    /** {@return the bytes of prepacked weights (and bias copy) the plan holds, shared by every thread} */
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
     * @return the tasks, or {@code null} to run {@link #execute} on the calling thread
     */
    default Tasks tasks(int threads, long minTaskWork) { return null; }

    /**
     * Independent pieces of one execute (see {@link KernelPlan#tasks}). Immutable; {@link #run} may
     * be called from any thread, allocates nothing once warm, and writes only its part of the output.
     */
    interface Tasks {
        /**
         * How many tasks a split aims at per thread (fewer when the work is too small, see
         * {@link KernelPlan#tasks}). More than one, because the threads claim tasks as they go: when one
         * thread runs slower than the others (another process on its core, a colder cache), the others
         * take its share, and the most it can hold up the execute is one task. Four per thread keep that
         * loss small, while the work a task repeats (the input columns a channel block packs again, a
         * band's halo) stays a few percent of the whole.
         */
        int PER_THREAD = 4;

        /** {@return how many tasks there are, ≥ 1} */
        int count();

        /**
         * Runs task {@code task} of the execute with these buffers.
         *
         * @param task      which task, {@code 0 ≤ task < count()}
         * @param x         the input, as for {@link KernelPlan#execute(float[], int, float[], int, Object)}
         * @param xOffset   where the input starts in {@code x}
         * @param y         the output, as for {@link KernelPlan#execute(float[], int, float[], int, Object)};
         *                  only this task's part is written
         * @param yOffset   where the output starts in {@code y}
         * @param workspace the caller's workspace ({@link KernelPlan#newWorkspace()}), or {@code null} for the
         *                  running thread's own
         */
        void run(int task, float[] x, int xOffset, float[] y, int yOffset, Object workspace);

        /**
         * Runs task {@code task} on native segments, for the tasks of a plan that
         * {@link KernelPlan#executesSegments() executes segments} (as
         * {@link KernelPlan#execute(MemorySegment, int, MemorySegment, int, Object)}: offsets in floats).
         *
         * @param task      which task, {@code 0 ≤ task < count()}
         * @param x         the input segment
         * @param xIndex    where the input starts in {@code x}, in floats
         * @param y         the output segment; only this task's part is written
         * @param yIndex    where the output starts in {@code y}, in floats
         * @param workspace the caller's workspace ({@link KernelPlan#newWorkspace()}), or {@code null} for the
         *                  running thread's own
         * @throws UnsupportedOperationException if the plan does not execute segments
         */
        default void run(int task, MemorySegment x, int xIndex, MemorySegment y, int yIndex, Object workspace) {
            throw new UnsupportedOperationException("these tasks read and write arrays only");
        }
    }
}
