package dev.convt.vector;

import jdk.incubator.vector.FloatVector;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

/**
 * How every vector kernel reads and writes the caller's input and output (and only those, with
 * scratch of the caller's kind: {@link dev.convt.kernel.SameKindBuffer}; the kernels' own buffers are
 * {@code float[]}s, see the package overview): float-indexed access to a {@link MemorySegment} (heap or native), the Vector API loading and storing the segment directly
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

    private static final jdk.incubator.vector.VectorSpecies<Float> S = VectorConfig.SPECIES;
    private static final int L = S.length();

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

    /** {@return the floats of a transpose tile: {@code L × L}, L the lanes of the configured species} */
    public static int tileLength() {
        return L * L;
    }

    /** {@return the gather map down one column of a transpose tile: lane i at {@code i · L}} */
    public static int[] tileColumn() {
        int[] map = new int[L];
        for (int i = 0; i < L; i++) {
            map[i] = i * L;
        }
        return map;
    }

    /**
     * Loads {@code L} rows of {@code L} floats of a caller's segment into a transpose tile in L1: row
     * {@code i} from float index {@code s + i·stride} into {@code tile[i·L ..)}. The tile's columns
     * are then gathered with {@link #tileColumn()}: the one way the kernels transpose between a
     * caller's segment and their own arrays a vector at a time (a gather straight from a segment
     * does not exist).
     *
     * @param src    the caller's segment
     * @param s      the float index of row 0
     * @param stride floats from one row to the next
     * @param tile   receives the rows, {@link #tileLength()} floats
     */
    public static void loadTile(MemorySegment src, int s, int stride, float[] tile) {
        for (int i = 0; i < L; i++) {
            FloatVector.fromMemorySegment(S, src, 4L * (s + i * stride), ORDER).intoArray(tile, i * L);
        }
    }
}
