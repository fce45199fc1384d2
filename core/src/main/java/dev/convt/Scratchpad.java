package dev.convt;

import java.lang.foreign.MemorySegment;

/**
 * Scratch memory a caller keeps and passes to {@link Plan#execute(MemorySegment, long, MemorySegment, long,
 * Parallelism, Scratchpad)} (oneDNN's {@code scratchpad_mode::user}): everything an execute would
 * otherwise keep per thread (the kernel's workspace, a layout stage's staging buffers, the heap views
 * of {@code float[]} buffers, the parallel job's state), so that a call on a fresh thread, e.g. a new virtual thread per request,
 * makes nothing and allocates nothing once the code is compiled.
 *
 * <p>Made by {@link Plan#newScratchpad()}, for that plan and every plan sharing its prepacked weights
 * ({@link Plan#withParallelism}); {@link Plan#scratchpadBytes()} is its size. A typed object rather
 * than a bare {@code MemorySegment}, because the workspace is the library's own {@code float[]}s
 * (packed input tiles, the column block, gather tables), which the micro-kernels read as arrays so
 * that their loads never share the JDK's segment-access profile with the caller's tensors, plus
 * staging of the caller's kind of memory (heap or native, made on the first call of that kind), and
 * holds views built once (so no call slices or wraps anything), and because the plan can then check
 * that a scratchpad was made for it.
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
    private final Object staging;
    /** Heap views of the last float[] buffers passed with this scratchpad. */
    final ArrayViews views = new ArrayViews();
    /** The parallel job state, made on the first parallel call. */
    private ForkJoin.Job job;

    Scratchpad(Object owner, Object workspace, Object staging, long bytes) {
        this.owner = owner;
        this.workspace = workspace;
        this.staging = staging;
        this.bytes = bytes;
    }

    /** {@return the bytes of workspace this scratchpad holds (as {@link Plan#scratchpadBytes()})} */
    public long byteSize() { return bytes; }

    Object workspace() { return workspace; }

    Object staging() { return staging; }

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

    /**
     * Heap segments over the last input and output arrays, so that a {@code float[]} execute wraps
     * each array once, not on every call. Keeps those two arrays reachable until the next call with
     * other arrays (or until the owner, a thread or a scratchpad, is gone).
     */
    static final class ArrayViews {
        private float[] xArray, yArray;
        private MemorySegment xSegment, ySegment;

        MemorySegment x(float[] x) {
            if (x != xArray) {
                xSegment = MemorySegment.ofArray(x);
                xArray = x;
            }
            return xSegment;
        }

        MemorySegment y(float[] y) {
            if (y != yArray) {
                ySegment = MemorySegment.ofArray(y);
                yArray = y;
            }
            return ySegment;
        }
    }
}
