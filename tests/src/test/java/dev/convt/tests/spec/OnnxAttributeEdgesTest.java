package dev.convt.tests.spec;

import dev.convt.Problem;
import dev.convt.onnx.OnnxConvTranspose;
import dev.convt.onnx.OnnxConvTranspose.Attributes;
import dev.convt.onnx.OnnxConvTranspose.AutoPad;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * The ONNX mapping at the edges of its rules: each bad attribute is reported under ONNX's own name with
 * its whole value, and each limit admits its last legal value. Expected sizes are worked out by hand
 * from the operator's formulas (pads total = stride·(in − 1) + output_padding + (kernel − 1)·dilation + 1 − out).
 */
class OnnxAttributeEdgesTest {
    private static final int MAX = Integer.MAX_VALUE;

    private static Problem problem(Attributes a, int[] x, int[] w) {
        return OnnxConvTranspose.problem(a, x, w, false);
    }

    private static String rejection(Attributes a, int[] x, int[] w) {
        return assertThrows(IllegalArgumentException.class, () -> problem(a, x, w)).getMessage();
    }

    @Test
    void badStridesDilationsAndOutputPaddingAreNamedAsInOnnx() {
        int[] x = {1, 1, 3}, w = {1, 1, 2};
        assertEquals("strides must be positive, but got strides=[0]",
                rejection(OnnxConvTranspose.attributes().strides(0), x, w));
        assertEquals("dilations must be positive, but got dilations=[0]",
                rejection(OnnxConvTranspose.attributes().dilations(0), x, w));
        assertEquals("output_padding must be non-negative, but got output_padding=[-1]",
                rejection(OnnxConvTranspose.attributes().outputPadding(-1), x, w));
        assertEquals("pads must be non-negative, but got pads=[0, -1]",
                rejection(OnnxConvTranspose.attributes().pads(0, -1), x, w));
    }

    @Test
    void theShapesTheSamePadsNeedAreCheckedUnderTheirOwnNames() {
        // auto_pad computes pads from X's spatial size and the kernel: both are checked before that arithmetic
        assertEquals("X spatial dimensions must be positive, but got X spatial dimensions=[0]",
                rejection(OnnxConvTranspose.attributes().autoPad(AutoPad.SAME_UPPER), new int[] {1, 1, 0}, new int[] {1, 1, 2}));
        assertEquals("kernel_shape must be positive, but got kernel_shape=[0]",
                rejection(OnnxConvTranspose.attributes().outputShape(4), new int[] {1, 1, 3}, new int[] {1, 1, 0}));
        assertEquals("output_shape must be positive, but got output_shape=[0]",
                rejection(OnnxConvTranspose.attributes().outputShape(0), new int[] {1, 1, 3}, new int[] {1, 1, 2}));
    }

    @Test
    void countMismatchesStateTheExpectedCounts() {
        assertEquals("output_shape must have 1 (spatial) or 3 (N, M, *spatial) values, but got output_shape=[4, 4]",
                rejection(OnnxConvTranspose.attributes().outputShape(4, 4), new int[] {1, 1, 3}, new int[] {1, 1, 2}));
        assertEquals("pads must have 4 values for 2 spatial dimension(s), but got pads=[1, 1]",
                rejection(OnnxConvTranspose.attributes().pads(1, 1), new int[] {1, 1, 3, 3}, new int[] {1, 1, 2, 2}));
        assertEquals("strides must have 2 values for 2 spatial dimension(s), but got strides=[1]",
                rejection(OnnxConvTranspose.attributes().strides(1), new int[] {1, 1, 3, 3}, new int[] {1, 1, 2, 2}));
    }

    @Test
    void anOutputShapeLargerThanTheInputCanGiveNamesTheMissingPositions() {
        // stride 2, in 3, kernel 2: total = 2·2 + 0 + (2 − 1)·1 + 1 − out = 6 − out
        // out 8: total −2, output_padding 2 would be needed, but it must stay below the stride
        String m = rejection(OnnxConvTranspose.attributes().strides(2).outputShape(8), new int[] {1, 1, 3}, new int[] {1, 1, 2});
        assertEquals("output_shape=[8] asks for 2 more positions than the input can produce in dimension 0; they would need"
                + " output_padding=2, but output padding must be smaller than either stride (2) or dilation (1)", m);
        // out 7: total −1, reached with output_padding 1
        Problem p = problem(OnnxConvTranspose.attributes().strides(2).outputShape(7), new int[] {1, 1, 3}, new int[] {1, 1, 2});
        assertArrayEquals(new int[] {7}, p.outputSpatial());
        assertEquals(1, p.spec().outputPadding(0));
        assertEquals(0, p.spec().padBegin(0) + p.spec().padEnd(0));
        // out 6: total 0, no padding of either kind
        Problem q = problem(OnnxConvTranspose.attributes().strides(2).outputShape(6), new int[] {1, 1, 3}, new int[] {1, 1, 2});
        assertEquals(0, q.spec().outputPadding(0));
        assertEquals(0, q.spec().padBegin(0));
        assertEquals(0, q.spec().padEnd(0));
        // out 5: total 1; without SAME_UPPER ONNX puts total − total/2 = 1 at the beginning and total/2 = 0 at the end
        Problem r = problem(OnnxConvTranspose.attributes().strides(2).outputShape(5), new int[] {1, 1, 3}, new int[] {1, 1, 2});
        assertEquals(0, r.spec().outputPadding(0));
        assertEquals(1, r.spec().padBegin(0));
        assertEquals(0, r.spec().padEnd(0));
        Problem u = problem(OnnxConvTranspose.attributes().strides(2).outputShape(5).autoPad(AutoPad.SAME_UPPER),
                new int[] {1, 1, 3}, new int[] {1, 1, 2});
        assertEquals(0, u.spec().padBegin(0));
        assertEquals(1, u.spec().padEnd(0));
    }

    @Test
    void padsOfExactlyTheIntLimitAreAllowedAndOneMoreIsNot() {
        // stride MAX, in 3, kernel 1, output 1: total = MAX·2 + 0 + 0 + 1 − 1 = 2·MAX, split MAX + MAX
        Problem p = problem(OnnxConvTranspose.attributes().strides(MAX).outputShape(1), new int[] {1, 1, 3}, new int[] {1, 1, 1});
        assertEquals(MAX, p.spec().padBegin(0));
        assertEquals(MAX, p.spec().padEnd(0));
        assertArrayEquals(new int[] {1}, p.outputSpatial());
        // kernel 2 adds one: total = 2·MAX + 1, one pad would be MAX + 1
        String m = rejection(OnnxConvTranspose.attributes().strides(MAX).outputShape(1), new int[] {1, 1, 3}, new int[] {1, 1, 2});
        assertEquals("the pads that give output_shape=[1] in dimension 0 total strides*(X-1) + output_padding + (kernel_shape-1)*dilations"
                + " + 1 - output = 2147483647*2 + 0 + 1*1 + 1 - 1 = 4294967295; each of the two pads must be at most 2147483647", m);
    }

    @Test
    void sameOutputsOfExactlyTheIntLimitAreAllowed() {
        // SAME: output = X · stride = MAX · 1 exactly (MAX is prime: no other factorisation)
        Problem p = problem(OnnxConvTranspose.attributes().autoPad(AutoPad.SAME_LOWER), new int[] {1, 1, MAX}, new int[] {1, 1, 1});
        assertArrayEquals(new int[] {MAX}, p.outputSpatial());
        String m = rejection(OnnxConvTranspose.attributes().autoPad(AutoPad.SAME_UPPER).strides(2), new int[] {1, 1, 1 << 30}, new int[] {1, 1, 1});
        assertEquals("auto_pad=SAME_UPPER asks for an output of X's size times strides = 1073741824*2 = 2147483648 in dimension 0, more than "
                + "2147483647 (strides=[2])", m);
    }

    @Test
    void outputChannelsOfExactlyTheIntLimitAreAllowed() {
        // M = W[1]·group = MAX·1
        Problem p = problem(OnnxConvTranspose.attributes(), new int[] {1, 1, 1}, new int[] {1, MAX, 1});
        assertEquals(MAX, p.spec().outChannels());
        // 2^30 · 2 = 2^31 does not fit
        String m = rejection(OnnxConvTranspose.attributes().group(2), new int[] {1, 2, 1}, new int[] {2, 1 << 30, 1});
        assertEquals("W's second dimension M/group must be positive and M=W[1]*group must fit an int, but got W shape "
                + "[2, 1073741824, 1] and group=2", m);
    }

    @Test
    void integerAttributesReachTheIntRangeExactly() {
        // a whole double at either end of the int range is an integer; one step past is not
        assertEquals(MAX, OnnxConvTranspose.problem(Map.of("group", (double) MAX), new int[] {1, MAX, 1}, new int[] {MAX, 1, 1}, false)
                .spec().groups());
        IllegalArgumentException past = assertThrows(IllegalArgumentException.class,
                () -> OnnxConvTranspose.attributes(Map.of("group", (double) MAX + 1)));
        assertEquals("attribute group must be an integer, but got 2.147483648E9", past.getMessage());
        assertThrows(IllegalArgumentException.class, () -> OnnxConvTranspose.attributes(Map.of("strides", List.of((double) Integer.MIN_VALUE - 1))));
        // Integer.MIN_VALUE itself is an integer: it passes the type rule and fails the positivity rule under its name
        String m = rejection(OnnxConvTranspose.attributes(Map.of("strides", List.of((double) Integer.MIN_VALUE))), new int[] {1, 1, 3}, new int[] {1, 1, 2});
        assertEquals("strides must be positive, but got strides=[-2147483648]", m);
    }
}
