package dev.convt.tests.spec;

import dev.convt.ConvTransposeSpec;
import dev.convt.Problem;
import dev.convt.kernel.ReferenceKernel;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link Problem}'s buffer checks against element-by-element definitions: a range fits when every one of
 * its indices is inside the array, and two ranges of one array overlap when some index lies in both.
 * Small arrays, so every boundary (touching ranges, a range ending exactly at the array's end) is reached.
 */
class BufferChecksProperties {

    @Property(tries = 400)
    void twoRangesOfOneArrayAreRejectedExactlyWhenTheyShareAnIndex(
            @ForAll @IntRange(min = 0, max = 12) int readOffset, @ForAll @IntRange(min = 0, max = 6) int readLength,
            @ForAll @IntRange(min = 0, max = 12) int writeOffset, @ForAll @IntRange(min = 0, max = 6) int writeLength) {
        float[] buf = new float[20];
        boolean shared = false;
        for (int i = readOffset; i < readOffset + readLength; i++) {
            shared |= i >= writeOffset && i < writeOffset + writeLength;
        }
        if (shared) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> Problem.checkDisjoint("in", buf, readOffset, readLength, "out", buf, writeOffset, writeLength));
            assertEquals("in and out overlap: they are the same array and in [" + readOffset + ", " + (readOffset + readLength)
                    + ") shares elements with out [" + writeOffset + ", " + (writeOffset + writeLength)
                    + "); the out must not overlap the in", e.getMessage());
        } else {
            assertDoesNotThrow(() -> Problem.checkDisjoint("in", buf, readOffset, readLength, "out", buf, writeOffset, writeLength));
        }
        // distinct arrays never overlap
        assertDoesNotThrow(() -> Problem.checkDisjoint("in", buf, readOffset, readLength, "out", buf.clone(), writeOffset, writeLength));
    }

    @Property(tries = 300)
    void aBufferFitsExactlyWhenEveryIndexOfItsRangeIsInside(
            @ForAll @IntRange(min = 0, max = 9) int arrayLength, @ForAll @IntRange(min = -2, max = 9) int offset,
            @ForAll @IntRange(min = 0, max = 9) int length) {
        float[] buf = new float[arrayLength];
        int[] shape = {length};
        boolean inside = offset >= 0 && offset + length <= arrayLength;
        if (inside) {
            assertDoesNotThrow(() -> Problem.checkBuffer("b", buf, offset, length, shape));
        } else {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> Problem.checkBuffer("b", buf, offset, length, shape));
            String expected = offset < 0
                    ? "b offset must be non-negative, but got a negative offset: offset=" + offset + " (b.length=" + arrayLength + ")"
                    : "b buffer too small: b.length=" + arrayLength + ", offset=" + offset + ", but shape [" + length
                    + "] needs " + length + " elements from the offset";
            assertEquals(expected, e.getMessage());
        }
    }

    @Property(tries = 200)
    void executionBuffersFitExactlyAtTheirEnds(@ForAll @IntRange(min = -1, max = 3) int xSlack, @ForAll @IntRange(min = -1, max = 3) int ySlack,
                                               @ForAll @IntRange(min = 0, max = 3) int xOffset, @ForAll @IntRange(min = 0, max = 3) int yOffset) {
        // 2 channels of 3 in, kernel 2: input 2×3 = 6, output 1×4 = 4 elements
        Problem p = ConvTransposeSpec.builder1d(2, 1, 2).build().problem(1, 2, 3);
        float[] x = new float[Math.max(0, xOffset + 6 + xSlack)];
        float[] y = new float[Math.max(0, yOffset + 4 + ySlack)];
        boolean xFits = xSlack >= 0, yFits = ySlack >= 0;
        if (xFits && yFits) {
            assertDoesNotThrow(() -> p.checkExecution(x, xOffset, y, yOffset));
        } else {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> p.checkExecution(x, xOffset, y, yOffset));
            assertTrue(e.getMessage().startsWith(xFits ? "output buffer too small" : "input buffer too small"), e.getMessage());
        }
    }

    @Example
    void theReferenceRejectsAnOutputOverlappingItsWeightOrBias() {
        // 1 → 1 channel, kernel 2, input 3: 2 weights, 1 bias, 4 outputs
        Problem p = ConvTransposeSpec.builder1d(1, 1, 2).build().problem(1, 1, 3);
        float[] x = {1, 2, 3};
        float[] buf = new float[8];
        // weight [0, 2), output [1, 5): they share index 1
        IllegalArgumentException w = assertThrows(IllegalArgumentException.class,
                () -> ReferenceKernel.compute(p, x, 0, buf, 0, new float[1], 0, buf, 1));
        assertTrue(w.getMessage().startsWith("weight and output overlap"), w.getMessage());
        // bias [4, 5), output [1, 5)
        IllegalArgumentException b = assertThrows(IllegalArgumentException.class,
                () -> ReferenceKernel.compute(p, x, 0, new float[2], 0, buf, 4, buf, 1));
        assertTrue(b.getMessage().startsWith("bias and output overlap"), b.getMessage());
        // weight [0, 2), bias [2, 3), output [3, 7): disjoint ranges of one array are fine
        buf[0] = 1; buf[1] = 10; buf[2] = 100;
        ReferenceKernel.compute(p, x, 0, buf, 0, buf, 2, buf, 3);
        // y = 100 + (x ⊛ [1, 10]) = 100 + [1, 10 + 2, 20 + 3, 30]
        assertEquals(101f, buf[3]);
        assertEquals(112f, buf[4]);
        assertEquals(123f, buf[5]);
        assertEquals(130f, buf[6]);
    }

    @Example
    void theBiasIsRequiredExactlyWhenTheSpecHasOne() {
        Problem with = ConvTransposeSpec.builder1d(1, 3, 2).build().problem(1, 1, 4);
        Problem without = ConvTransposeSpec.builder1d(1, 3, 2).bias(false).build().problem(1, 1, 4);
        assertDoesNotThrow(() -> with.checkBias(new float[3], 0));
        assertDoesNotThrow(() -> with.checkBias(new float[5], 2));
        assertDoesNotThrow(() -> without.checkBias(null, 0));
        assertEquals("bias missing: the layer was built with bias=true and needs 3 values (out_channels)",
                assertThrows(IllegalArgumentException.class, () -> with.checkBias(null, 0)).getMessage());
        assertEquals("bias given but the layer was built with bias=false",
                assertThrows(IllegalArgumentException.class, () -> without.checkBias(new float[3], 0)).getMessage());
        assertEquals("bias buffer too small: bias.length=4, offset=2, but shape [3] needs 3 elements from the offset",
                assertThrows(IllegalArgumentException.class, () -> with.checkBias(new float[4], 2)).getMessage());
    }
}
