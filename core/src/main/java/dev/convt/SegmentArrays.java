package dev.convt;

import java.lang.foreign.MemorySegment;

/**
 * How a caller's segments reach a kernel's array code (all of it but the native segments a kernel
 * executes directly, {@link dev.convt.kernel.KernelPlan#executesSegments}): the array behind a writable
 * heap segment over a {@code float[]} (computed in place), or staging arrays that any other segment is
 * copied into and out of. One per thread, or per {@link Scratchpad}; not thread-safe.
 *
 * <p>Remembers the last input and output segment it looked into, so a caller that passes the same
 * segments again finds their arrays without {@link MemorySegment#heapBase()}, whose {@code Optional}
 * the JIT did not always remove (32 bytes a call). A segment is immutable, so the same object always
 * has the same array.
 */
final class SegmentArrays {
    /** The arrays standing for segments that are not views of a {@code float[]}, grown on need. */
    final LayoutStage.Staging staging = new LayoutStage.Staging();
    private MemorySegment lastX, lastY;
    private float[] xArray, yArray;

    /** {@return the {@code float[]} the input segment is a writable view of, or null when it must be copied} */
    float[] input(MemorySegment x) {
        if (x != lastX) {
            xArray = array(x);
            lastX = x;
        }
        return xArray;
    }

    /** {@return the {@code float[]} the output segment is a writable view of, or null when it must be copied} */
    float[] output(MemorySegment y) {
        if (y != lastY) {
            yArray = array(y);
            lastY = y;
        }
        return yArray;
    }

    /**
     * The {@code float[]} a segment is a writable view of, or null for any other segment (native, a
     * read-only view, another array type), which is copied.
     */
    private static float[] array(MemorySegment s) {
        return !s.isNative() && s.heapBase().orElse(null) instanceof float[] a ? a : null;
    }

    /** The index in its array of the float at {@code byteOffset} of a heap segment over a {@code float[]}. */
    static int index(MemorySegment s, long byteOffset) {
        // a heap segment's address is its byte offset in the array
        return (int) ((s.address() + byteOffset) / Float.BYTES);
    }
}
