package dev.convt;

import dev.convt.kernel.Kernel;
import dev.convt.kernel.KernelPlan;
import org.junit.jupiter.api.Test;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The segment helpers behind {@link Plan#execute(MemorySegment, long, MemorySegment, long)}, on their
 * own: which segments are computed in place ({@link SegmentArrays}: a writable heap segment over a
 * {@code float[]}, its own array), the disjointness rule of {@link SegmentChecks} against the interval
 * definition of an overlap, the sizes its messages give, and {@link SegmentChecks#shared}.
 */
class SegmentInternalsTest {

    /** 1-D, Cin 1, Cout 1, kernel 2, no bias, on 2 inputs: input (1, 1, 2), output (1, 1, 3). */
    private static final Problem P = ConvTransposeSpec.builder1d(1, 1, 2).bias(false).build().problem(1, new int[] {2});

    @Test
    void aWritableHeapSegmentOverAFloatArrayIsThatArrayAndEveryOtherSegmentIsCopied() {
        float[] a = new float[8], b = new float[8];
        SegmentArrays arrays = new SegmentArrays();
        assertSame(a, arrays.input(MemorySegment.ofArray(a)));
        assertSame(b, arrays.input(MemorySegment.ofArray(b)), "another input segment: its own array, not the last one's");
        assertSame(a, arrays.output(MemorySegment.ofArray(a).asSlice(8)), "a slice is a view of the same array");
        assertSame(b, arrays.output(MemorySegment.ofArray(b)));
        assertNull(arrays.input(MemorySegment.ofArray(a).asReadOnly()), "a read-only view hides its array");
        assertNull(arrays.output(MemorySegment.ofArray(new int[8])), "an int[] is not a float[]");
        try (Arena arena = Arena.ofConfined()) {
            assertNull(arrays.input(arena.allocate(32, 4)));
            assertNull(arrays.output(arena.allocate(32, 4)));
        }
        assertEquals(3, SegmentArrays.index(MemorySegment.ofArray(a).asSlice(4), 8), "byte 4 of the slice + byte 8 = float 3");
    }

    /**
     * One native segment holding the input at float {@code xo} and the output at float {@code yo}:
     * rejected exactly when {@code [xo, xo + 2)} and {@code [yo, yo + 3)} intersect (touching ranges
     * are disjoint), with the byte ranges in the message; the same for two heap segments over one array.
     */
    @Test
    void inputAndOutputOverlapExactlyWhenTheirRangesIntersect() {
        int in = P.inputLength(), out = P.outputLength();
        assertEquals(2, in);
        assertEquals(3, out);
        float[] heap = new float[12];
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment s = arena.allocate(4L * 12, 4);
            for (int xo = 0; xo + in <= 12; xo++) {
                for (int yo = 0; yo + out <= 12; yo++) {
                    boolean overlap = xo < yo + out && yo < xo + in;
                    long xb = 4L * xo, yb = 4L * yo;
                    for (MemorySegment[] xy : new MemorySegment[][] {{s, s}, {MemorySegment.ofArray(heap), MemorySegment.ofArray(heap)}}) {
                        String where = "input at float " + xo + ", output at float " + yo + (xy[0].isNative() ? " (native)" : " (heap)");
                        if (overlap) {
                            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                                    () -> SegmentChecks.checkDisjoint("input", xy[0], xb, in, "output", xy[1], yb, out), where);
                            String m = e.getMessage();
                            assertTrue(m.contains("input bytes [" + xb + ", " + (xb + 4L * in) + ")"), where + ": " + m);
                            assertTrue(m.contains("output bytes [" + yb + ", " + (yb + 4L * out) + ")"), where + ": " + m);
                        } else {
                            SegmentChecks.checkDisjoint("input", xy[0], xb, in, "output", xy[1], yb, out);
                        }
                    }
                }
            }
        }
    }

    @Test
    void aSegmentTooSmallIsReportedWithItsShapeAndTheBytesItNeeds() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> SegmentChecks.check("input", MemorySegment.ofArray(new float[1]), 0, P.inputLength(), P, false));
        assertTrue(e.getMessage().contains("shape [1, 1, 2] needs 2 floats (8 bytes)"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> SegmentChecks.check("output", MemorySegment.ofArray(new float[4]), 8, P.outputLength(), P, true));
        assertTrue(e.getMessage().contains("shape [1, 1, 3] needs 3 floats (12 bytes)"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> SegmentChecks.check("weight", MemorySegment.ofArray(new float[1]), 0, P.weightLength(), P.spec(), false));
        assertTrue(e.getMessage().contains("shape [1, 1, 2] needs 2 floats (8 bytes)"), e.getMessage());
    }

    @Test
    void onlyAConfinedArenasSegmentsAreNotShared() {
        try (Arena confined = Arena.ofConfined(); Arena shared = Arena.ofShared()) {
            assertFalse(SegmentChecks.shared(confined.allocate(4)));
            assertTrue(SegmentChecks.shared(shared.allocate(4)));
            assertTrue(SegmentChecks.shared(MemorySegment.ofArray(new float[1])));
            assertTrue(SegmentChecks.shared(Arena.global().allocate(4)));
        }
    }

    @Test
    void aScratchpadNamesItsSize() {
        Scratchpad s = new Scratchpad(new Object(), null, null, 1234);
        assertEquals(1234, s.byteSize());
        assertTrue(s.toString().contains("1234 bytes"), s.toString());
    }

    /** A kernel that does not say otherwise leaves the activation to the planner (the interface's documented default). */
    @Test
    void aKernelDoesNotFuseTheActivationUnlessItSaysSo() {
        Kernel k = new Kernel() {
            @Override
            public String name() { return "plain"; }

            @Override
            public String declineReason(Problem problem) { return null; }

            @Override
            public KernelPlan prepare(Problem problem, float[] weight, int weightOffset, float[] bias, int biasOffset) {
                return (x, xOffset, y, yOffset, workspace) -> { };
            }
        };
        assertFalse(k.fusesActivation());
    }
}
