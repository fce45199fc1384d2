package dev.convt.vector;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorSpecies;

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
 * <p>The kernels' hot loops call {@link FloatVector#fromMemorySegment} and the segment accessors
 * themselves, with {@link #ORDER} and {@link #FLOAT}, rather than {@link #load} and {@link #get}: a small
 * helper that C2 has already compiled on its own into a big method (the whole Vector API chain
 * inlined) is not inlined again, and a vector returned from an out-of-line call is boxed, allocating
 * on every call. These helpers serve cold paths and tests.
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
     * {@return the vector of {@code s.length()} floats from float index {@code i}}
     *
     * @param s   the species
     * @param seg the segment
     * @param i   the float index of the first lane
     */
    public static FloatVector load(VectorSpecies<Float> s, MemorySegment seg, int i) {
        return FloatVector.fromMemorySegment(s, seg, (long) i << 2, ORDER);
    }

    /**
     * {@return the lanes of {@code m} from float index {@code i} (the others zero)}
     *
     * @param s   the species
     * @param seg the segment
     * @param i   the float index of the first lane
     * @param m   the lanes to load
     */
    public static FloatVector load(VectorSpecies<Float> s, MemorySegment seg, int i, VectorMask<Float> m) {
        return FloatVector.fromMemorySegment(s, seg, (long) i << 2, ORDER, m);
    }

    /**
     * Stores {@code v} at float index {@code i}.
     *
     * @param v   the vector
     * @param seg the segment
     * @param i   the float index of the first lane
     */
    public static void store(FloatVector v, MemorySegment seg, int i) {
        v.intoMemorySegment(seg, (long) i << 2, ORDER);
    }

    /**
     * Stores the lanes of {@code m} of {@code v} at float index {@code i}.
     *
     * @param v   the vector
     * @param seg the segment
     * @param i   the float index of the first lane
     * @param m   the lanes to store
     */
    public static void store(FloatVector v, MemorySegment seg, int i, VectorMask<Float> m) {
        v.intoMemorySegment(seg, (long) i << 2, ORDER, m);
    }

    /**
     * {@return the float at index {@code i}}
     *
     * @param seg the segment
     * @param i   the float index
     */
    public static float get(MemorySegment seg, int i) {
        return seg.getAtIndex(FLOAT, i);
    }

    /**
     * Writes {@code v} at float index {@code i}.
     *
     * @param seg the segment
     * @param i   the float index
     * @param v   the value
     */
    public static void set(MemorySegment seg, int i, float v) {
        seg.setAtIndex(FLOAT, i, v);
    }

    /**
     * Fills float indices {@code [from, to)} with {@code v}.
     *
     * @param seg  the segment
     * @param from the first float index
     * @param to   one past the last
     * @param v    the value
     */
    public static void fill(MemorySegment seg, int from, int to, float v) {
        VectorSpecies<Float> s = VectorConfig.SPECIES;
        int i = from;
        if (to - from >= s.length()) {
            FloatVector b = FloatVector.broadcast(s, v);
            for (int upper = to - s.length(); i <= upper; i += s.length()) {
                store(b, seg, i);
            }
        }
        for (; i < to; i++) {
            seg.setAtIndex(FLOAT, i, v);
        }
    }
}
