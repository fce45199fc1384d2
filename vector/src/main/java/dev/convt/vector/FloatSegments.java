package dev.convt.vector;

import jdk.incubator.vector.FloatVector;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

/**
 * How every vector kernel reads and writes its input and output: float-indexed access to a
 * {@link MemorySegment} (heap or native), the Vector API loading and storing the segment directly
 * ({@link FloatVector#fromMemorySegment}, {@link FloatVector#intoMemorySegment}) and scalars through
 * {@link ValueLayout#JAVA_FLOAT}. One code path for {@code float[]} callers (their arrays wrapped with
 * {@link MemorySegment#ofArray(float[])}) and off-heap tensors. Indices count floats from the segment's
 * start; byte offsets are {@code 4 · index} in {@code long}, so no index product overflows.
 *
 * <p>The kernels call {@link FloatVector#fromMemorySegment}, {@link FloatVector#intoMemorySegment} and
 * the segment accessors themselves, with {@link #ORDER} and {@link #FLOAT}, rather than through
 * helpers of their own: a small helper that C2 has already compiled on its own into a big method (the
 * whole Vector API chain inlined) is not inlined again, and a vector returned from an out-of-line
 * call is boxed, allocating on every call.
 *
 * <p>For the kernels of this module; public only because they live in several packages.
 */
public final class FloatSegments {
    private FloatSegments() {}

    /** The byte order of every float: the platform's, as {@link ValueLayout#JAVA_FLOAT}. */
    public static final ByteOrder ORDER = ByteOrder.nativeOrder();
    /** Every float's layout: {@link ValueLayout#JAVA_FLOAT}. */
    public static final ValueLayout.OfFloat FLOAT = ValueLayout.JAVA_FLOAT;

    /**
     * Fills float indices {@code [from, to)} with {@code v}.
     *
     * @param seg  the segment
     * @param from the first float index
     * @param to   one past the last
     * @param v    the value
     */
    public static void fill(MemorySegment seg, int from, int to, float v) {
        // scalar, for C2's auto-vectorizer: a method with Vector API code of its own runs boxed
        // (allocating) whenever the JIT leaves it in C1, which it did when a C2 compile was skipped
        for (int i = from; i < to; i++) {
            seg.setAtIndex(FLOAT, i, v);
        }
    }
}
