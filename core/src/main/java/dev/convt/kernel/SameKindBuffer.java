package dev.convt.kernel;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * A scratch buffer of floats that a kernel reads and writes through the same code as a caller's
 * tensors (a layout stage's staging, an accumulator the output is moved out of), made of the same
 * kind of memory as the caller's segment: a heap segment over a {@code float[]} for a heap caller, a
 * native segment for a native one. The JDK's segment accesses dispatch on the segment's class with a
 * type profile that every caller in the JVM shares; a buffer of the other kind would make those
 * accesses polymorphic, and every kernel slower, in a JVM whose callers use one kind only.
 *
 * <p>Grown on need and kept, one of each kind; not thread-safe (one per thread or scratchpad).
 */
public final class SameKindBuffer {
    private MemorySegment heap = MemorySegment.ofArray(new float[0]);
    private MemorySegment offHeap = MemorySegment.NULL;

    /** An empty buffer; the first {@link #like} call sizes it. */
    public SameKindBuffer() {}

    /**
     * The buffer for a caller's segment: native when {@code caller} is, else heap.
     *
     * @param caller the caller's segment whose kind the buffer takes
     * @param floats the floats needed, ≥ 0
     * @return a segment of at least {@code floats} floats, the same one on every call of the same
     *         kind and a length it already holds (its contents are whatever was last written)
     */
    public MemorySegment like(MemorySegment caller, int floats) {
        long bytes = 4L * floats;
        if (caller.isNative()) {
            if (offHeap.byteSize() < bytes) {
                offHeap = Arena.ofAuto().allocate(Math.max(4, bytes), 64);
            }
            return offHeap;
        }
        if (heap.byteSize() < bytes) {
            heap = MemorySegment.ofArray(new float[floats]);
        }
        return heap;
    }
}
