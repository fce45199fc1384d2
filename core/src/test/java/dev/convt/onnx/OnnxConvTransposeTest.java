package dev.convt.onnx;

import dev.convt.Problem;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The ONNX attribute mapping: defaults, pads, output_shape, auto_pad, errors. */
class OnnxConvTransposeTest {
    private static final int[] X = {1, 2, 5, 5};
    private static final int[] W = {2, 3, 3, 3};

    private static void rejects(Executable e, String... words) {
        IllegalArgumentException ex = assertThrows(IllegalArgumentException.class, e);
        for (String w : words) {
            assertTrue(ex.getMessage().contains(w), () -> "message '" + ex.getMessage() + "' lacks '" + w + "'");
        }
    }

    @Test
    void defaults() {
        Problem p = OnnxConvTranspose.problem(OnnxConvTranspose.attributes(), X, W, true);
        assertArrayEquals(new int[] {1, 3, 7, 7}, p.outputShape());
        assertEquals(1, p.spec().groups());
        assertTrue(p.spec().hasBias());
        assertTrue(p.isBatched());
    }

    @Test
    void groupMultipliesTheOutputChannels() {
        Problem p = OnnxConvTranspose.problem(OnnxConvTranspose.attributes().group(2), new int[] {1, 4, 3}, new int[] {4, 5, 2}, false);
        assertEquals(10, p.spec().outChannels());
        assertArrayEquals(new int[] {1, 10, 4}, p.outputShape());
    }

    @Test
    void explicitAsymmetricPads() {
        Problem p = OnnxConvTranspose.problem(OnnxConvTranspose.attributes().strides(3, 2).pads(1, 2, 1, 2), X, W, false);
        assertArrayEquals(new int[] {1, 2}, p.spec().padBegin());
        assertArrayEquals(new int[] {1, 2}, p.spec().padEnd());
        // 3*4 + 3 - 2 = 13, 2*4 + 3 - 4 = 7
        assertArrayEquals(new int[] {13, 7}, p.outputSpatial());
    }

    @Test
    void outputShapeDecidesThePadsAndIgnoresGivenOnes() {
        // full = 3*4 + 3 = 15; target 12 → total 3: the odd extra at the beginning (NOTSET)
        Problem p = OnnxConvTranspose.problem(OnnxConvTranspose.attributes().strides(3, 3).pads(5, 5, 5, 5).outputShape(12, 15), X, W, false);
        assertArrayEquals(new int[] {2, 0}, p.spec().padBegin());
        assertArrayEquals(new int[] {1, 0}, p.spec().padEnd());
        assertArrayEquals(new int[] {12, 15}, p.outputSpatial());
        // the full shape form is accepted too
        Problem q = OnnxConvTranspose.problem(OnnxConvTranspose.attributes().strides(3, 3).outputShape(1, 3, 12, 15), X, W, false);
        assertEquals(p, q);
    }

    @Test
    void sameUpperPutsTheOddExtraAtTheEndAndSameLowerAtTheBeginning() {
        // target 5*2 = 10, full 4*2 + 3 = 11 → total 1
        Problem up = OnnxConvTranspose.problem(OnnxConvTranspose.attributes().strides(2, 2).autoPad("SAME_UPPER"), X, W, false);
        assertArrayEquals(new int[] {0, 0}, up.spec().padBegin());
        assertArrayEquals(new int[] {1, 1}, up.spec().padEnd());
        assertArrayEquals(new int[] {10, 10}, up.outputSpatial());
        Problem low = OnnxConvTranspose.problem(OnnxConvTranspose.attributes().strides(2, 2).autoPad("SAME_LOWER"), X, W, false);
        assertArrayEquals(new int[] {1, 1}, low.spec().padBegin());
        assertArrayEquals(new int[] {0, 0}, low.spec().padEnd());
        assertArrayEquals(new int[] {10, 10}, low.outputSpatial());
    }

    @Test
    void sameWithAStrideWiderThanTheKernelFoldsTheDeficitIntoOutputPadding() {
        // kernel 3, stride 4: target 20, full 4*4 + 3 = 19 → total −1 → output_padding 1
        Problem p = OnnxConvTranspose.problem(OnnxConvTranspose.attributes().strides(4, 4).autoPad(OnnxConvTranspose.AutoPad.SAME_UPPER), X, W, false);
        assertArrayEquals(new int[] {1, 1}, p.spec().outputPadding());
        assertArrayEquals(new int[] {0, 0}, p.spec().padBegin());
        assertArrayEquals(new int[] {20, 20}, p.outputSpatial());
    }

    @Test
    void validIgnoresPads() {
        Problem p = OnnxConvTranspose.problem(OnnxConvTranspose.attributes().pads(1, 1, 1, 1).autoPad("VALID"), X, W, false);
        assertArrayEquals(new int[] {7, 7}, p.outputSpatial());
    }

    @Test
    void outputShapeLargerThanOutputPaddingAllowsIsRejected() {
        // full 15 with stride 3; 18 needs output_padding 3, not < stride 3
        rejects(() -> OnnxConvTranspose.problem(OnnxConvTranspose.attributes().strides(3, 3).outputShape(18, 15), X, W, false),
                "output_shape", "[18, 15]", "output_padding=3", "smaller than either stride");
        // 17 needs output_padding 2 < 3: fine
        assertArrayEquals(new int[] {2, 0},
                OnnxConvTranspose.problem(OnnxConvTranspose.attributes().strides(3, 3).outputShape(17, 15), X, W, false).spec().outputPadding());
    }

    @Test
    void kernelShapeMustMatchW() {
        Problem p = OnnxConvTranspose.problem(OnnxConvTranspose.attributes().kernelShape(3, 3), X, W, false);
        assertArrayEquals(new int[] {3, 3}, p.spec().kernelSize());
        rejects(() -> OnnxConvTranspose.problem(OnnxConvTranspose.attributes().kernelShape(3, 2), X, W, false),
                "kernel_shape", "[3, 2]", "[3, 3]");
    }

    @Test
    void badAttributesAndShapes() {
        rejects(() -> OnnxConvTranspose.attributes().autoPad("SAME"), "auto_pad", "\"SAME\"", "SAME_UPPER");
        rejects(() -> OnnxConvTranspose.problem(OnnxConvTranspose.attributes().strides(1, 1, 1), X, W, false), "strides", "[1, 1, 1]");
        rejects(() -> OnnxConvTranspose.problem(OnnxConvTranspose.attributes().pads(1, 1), X, W, false), "pads", "4", "[1, 1]");
        rejects(() -> OnnxConvTranspose.problem(OnnxConvTranspose.attributes().outputShape(1, 2, 3), X, W, false), "output_shape", "[1, 2, 3]");
        rejects(() -> OnnxConvTranspose.problem(OnnxConvTranspose.attributes().group(0), X, W, false), "group", "0");
        rejects(() -> OnnxConvTranspose.problem(OnnxConvTranspose.attributes().group(3), X, W, false), "in_channels must be divisible by groups");
        rejects(() -> OnnxConvTranspose.problem(OnnxConvTranspose.attributes(), X, new int[] {3, 3, 3, 3}, false), "W", "C=2");
        rejects(() -> OnnxConvTranspose.problem(OnnxConvTranspose.attributes(), X, new int[] {2, 3, 3}, false), "W", "dimensions");
        rejects(() -> OnnxConvTranspose.problem(OnnxConvTranspose.attributes(), new int[] {1, 2}, new int[] {2, 3}, false), "X", "spatial");
        rejects(() -> OnnxConvTranspose.problem(OnnxConvTranspose.attributes().strides(0, 1).autoPad("SAME_UPPER"), X, W, false), "strides", "positive");
        rejects(() -> OnnxConvTranspose.problem(OnnxConvTranspose.attributes().outputPadding(2, 2), X, W, false),
                "output padding must be smaller than either stride or dilation");
    }

    @Test
    void fromAMapAsInJson() {
        Map<String, Object> attrs = Map.of("strides", List.of(3, 2), "output_shape", List.of(10, 8), "auto_pad", "NOTSET", "group", 1.0);
        Problem p = OnnxConvTranspose.problem(attrs, new int[] {1, 1, 3, 3}, new int[] {1, 2, 3, 3}, false);
        assertArrayEquals(new int[] {1, 2, 10, 8}, p.outputShape());
        assertFalse(p.spec().hasBias());
        rejects(() -> OnnxConvTranspose.attributes(Map.of("stride", List.of(1))), "unknown", "'stride'");
        rejects(() -> OnnxConvTranspose.attributes(Map.of("group", 1.5)), "group", "1.5");
        rejects(() -> OnnxConvTranspose.attributes(Map.of("pads", "1")), "pads", "list");
        rejects(() -> OnnxConvTranspose.attributes(Map.of("auto_pad", 1)), "auto_pad", "string");
    }

    /** The attributes print under ONNX's own names, each with its value (unset lists as null). */
    @Test
    void attributesPrintUnderTheirOnnxNames() {
        String s = OnnxConvTranspose.attributes().kernelShape(3, 3).strides(2, 2).pads(1, 1, 1, 1).group(2)
                .outputPadding(1, 0).autoPad(OnnxConvTranspose.AutoPad.NOTSET).toString();
        for (String part : List.of("kernel_shape=[3, 3]", "strides=[2, 2]", "pads=[1, 1, 1, 1]", "dilations=null", "group=2",
                "output_padding=[1, 0]", "output_shape=null", "auto_pad=NOTSET")) {
            assertTrue(s.contains(part), part + " in " + s);
        }
    }
}
