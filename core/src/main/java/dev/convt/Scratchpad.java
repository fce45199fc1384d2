package dev.convt;

import java.lang.foreign.MemorySegment;

/**
 * Scratch memory a caller keeps and passes to {@link Plan#execute(MemorySegment, long, MemorySegment, long,
 * Parallelism, Scratchpad)} or {@link Plan#execute(float[], int, float[], int, Parallelism, Scratchpad)}
 * (oneDNN's {@code scratchpad_mode::user}): everything an execute would otherwise keep per thread (the
 * kernel's workspace, a layout stage's staging buffers, the staging of native segments, the parallel
 * job's state), so that a call on a fresh thread, e.g. a new virtual thread per request, makes nothing
 * and allocates nothing once the code is compiled (a native segment's staging is made on the first
 * call that needs it).
 *
 * <p>Made by {@link Plan#newScratchpad()}, for that plan and every plan sharing its prepacked weights
 * ({@link Plan#withParallelism}); {@link Plan#scratchpadBytes()} is its size without native staging. A
 * typed object rather than a bare {@code MemorySegment}, because the workspace is the library's own
 * {@code float[]}s (packed input tiles, the column block, gather tables), which the micro-kernels read
 * as arrays, and because the plan can then check that a scratchpad was made for it.
 *
 * <p>A scratchpad serves <b>one call at a time</b> (not thread-safe for concurrent calls), from any
 * thread: keep one per concurrent caller, e.g. in a pool of them. With a {@link Parallelism} of more
 * than one thread, the caller's part of the work uses the scratchpad; convt's pool workers (or the
 * engine's executor threads) use the per-thread workspace each keeps for the plan, made on their first
 * task of it and kept while the plan is reachable, since those threads are long-lived.
 */
public final class Scratchpad {
    /** The kernel plan it was made for. */
    final Object owner;
    /** The kernel's workspace, or null when the kernel needs none. */
    private final Object workspace;
    private final long bytes;
    /** The layout stage's staging buffers, or null when the plan has no stage. */
    private final LayoutStage.Staging layoutStaging;
    /** How segments reach the kernels as arrays; its staging is made on the first call that needs it. */
    private final SegmentArrays segmentArrays = new SegmentArrays();
    /** The parallel job state, made on the first parallel call. */
    private ForkJoin.Job job;

    Scratchpad(Object owner, Object workspace, LayoutStage.Staging layoutStaging, long bytes) {
        this.owner = owner;
        this.workspace = workspace;
        this.layoutStaging = layoutStaging;
        this.bytes = bytes;
    }

    /** {@return the bytes of workspace this scratchpad holds (as {@link Plan#scratchpadBytes()})} */
    public long byteSize() { return bytes; }

    Object workspace() { return workspace; }

    LayoutStage.Staging layoutStaging() { return layoutStaging; }

    SegmentArrays segmentArrays() { return segmentArrays; }

    ForkJoin.Job job() {
        ForkJoin.Job j = job;
        if (j == null) {
            job = j = new ForkJoin.Job();
        }
        return j;
    }

    @Override
    public String toString() {
        return "Scratchpad[" + bytes + " bytes]";
    }
}
