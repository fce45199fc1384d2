package dev.convt.vector.gemm;

import dev.convt.kernel.DryRun;
import dev.convt.vector.VectorConfig;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

/**
 * {@code Arrays.fill} for a range of floats in a native segment (float i at byte 4·i), shared by the
 * segment twins of the im2col and subpixel kernels (their bias-only outputs).
 *
 * <p>Whole vectors, the last one moved back to end at {@code to} (it rewrites values already written,
 * with the same value); a range shorter than a vector is written one float at a time. No masked
 * store: a masked store whose vector leaves the segment takes the Vector API's out-of-range path,
 * which C2 compiled as real calls (a call per fill, its vectors objects on the heap).
 */
public final class SegmentFill {
    private static final VectorSpecies<Float> S = VectorConfig.SPECIES;
    private static final int LANES = S.length();

    private SegmentFill() {}

    /** Sets floats {@code [from, to)} of {@code y} to {@code v}; the range is the caller's to check. */
    public static void fill(MemorySegment y, int from, int to, float v) {
        if (DryRun.active()) {
            return;
        }
        if (to - from < LANES) {
            for (int i = from; i < to; i++) {
                y.set(ValueLayout.JAVA_FLOAT_UNALIGNED, 4L * i, v);
            }
            return;
        }
        FloatVector bv = FloatVector.broadcast(S, v);
        for (int i = from; i < to; i += LANES) {
            bv.intoMemorySegment(y, 4L * Math.min(i, to - LANES), ByteOrder.nativeOrder());
        }
    }
}
