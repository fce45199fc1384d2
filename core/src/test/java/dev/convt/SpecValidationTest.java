package dev.convt;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Each validation rule of the issue, with the words its message must contain. */
class SpecValidationTest {

    private static void rejects(Executable e, String... words) {
        IllegalArgumentException ex = assertThrows(IllegalArgumentException.class, e);
        for (String w : words) {
            assertTrue(ex.getMessage().contains(w), () -> "message '" + ex.getMessage() + "' lacks '" + w + "'");
        }
    }

    @Test
    void defaultsArePyTorchs() {
        ConvTransposeSpec s = ConvTransposeSpec.builder2d(4, 6, 3).build();
        assertArrayEquals(new int[] {1, 1}, s.stride());
        assertArrayEquals(new int[] {0, 0}, s.padBegin());
        assertArrayEquals(new int[] {0, 0}, s.padEnd());
        assertArrayEquals(new int[] {0, 0}, s.outputPadding());
        assertArrayEquals(new int[] {1, 1}, s.dilation());
        assertEquals(1, s.groups());
        assertTrue(s.hasBias());
        assertArrayEquals(new int[] {4, 6, 3, 3}, s.weightShape());
    }

    @Test
    void channelsMustBePositive() {
        rejects(() -> ConvTransposeSpec.builder2d(0, 4, 3).build(), "in_channels", "0", "positive");
        rejects(() -> ConvTransposeSpec.builder2d(4, 0, 3).build(), "out_channels", "0", "positive");
    }

    @Test
    void groupsMustBePositiveAndDivideChannels() {
        rejects(() -> ConvTransposeSpec.builder2d(4, 4, 3).groups(0).build(), "groups", "0", "positive");
        rejects(() -> ConvTransposeSpec.builder2d(6, 4, 3).groups(4).build(), "in_channels must be divisible by groups", "6", "4");
        rejects(() -> ConvTransposeSpec.builder2d(4, 6, 3).groups(4).build(), "out_channels must be divisible by groups", "6", "4");
    }

    @Test
    void kernelStrideDilationMustBePositive() {
        rejects(() -> ConvTransposeSpec.builder2d(1, 1, 3, 0).build(), "kernel_size", "[3, 0]", "greater than zero");
        rejects(() -> ConvTransposeSpec.builder2d(1, 1, 3).stride(0).build(), "stride", "[0, 0]", "greater than zero");
        rejects(() -> ConvTransposeSpec.builder2d(1, 1, 3).dilation(1, 0).build(), "dilation", "[1, 0]", "greater than zero");
    }

    @Test
    void paddingsMustBeNonNegative() {
        rejects(() -> ConvTransposeSpec.builder2d(1, 1, 3).padding(-1).build(), "padding", "-1", "negative");
        rejects(() -> ConvTransposeSpec.builder2d(1, 1, 3).pads(new int[] {0, 0}, new int[] {0, -2}).build(), "padding", "-2", "negative");
        rejects(() -> ConvTransposeSpec.builder2d(1, 1, 3).outputPadding(-1).build(), "output_padding", "-1", "negative");
    }

    @Test
    void outputPaddingMustBeSmallerThanStrideOrDilation() {
        rejects(() -> ConvTransposeSpec.builder2d(1, 1, 3).stride(2).outputPadding(2).build(),
                "output padding must be smaller than either stride or dilation, but got", "output_padding=[2, 2]");
        rejects(() -> ConvTransposeSpec.builder1d(1, 1, 3).stride(2).dilation(3).outputPadding(3).build(),
                "output padding must be smaller than either stride or dilation");
        // smaller than the dilation alone is enough, as in PyTorch
        assertEquals(2, ConvTransposeSpec.builder1d(1, 1, 3).stride(1).dilation(3).outputPadding(2).build().outputPadding(0));
    }

    @Test
    void onlyZerosPaddingMode() {
        rejects(() -> ConvTransposeSpec.builder2d(1, 1, 3).paddingMode("reflect"),
                "Only \"zeros\" padding mode is supported for ConvTranspose2d", "reflect");
        ConvTransposeSpec.builder2d(1, 1, 3).paddingMode("zeros").build();
    }

    @Test
    void tupleLengthsMustMatchTheRank() {
        rejects(() -> ConvTransposeSpec.builder2d(1, 1, 3, 3, 3), "kernel_size", "2", "[3, 3, 3]");
        rejects(() -> ConvTransposeSpec.builder2d(1, 1, 3).stride(1, 2, 3), "stride", "[1, 2, 3]");
        rejects(() -> ConvTransposeSpec.builder1d(1, 1, 3).padding(1, 1), "padding", "[1, 1]");
        rejects(() -> ConvTransposeSpec.builder(3, 1, 1, 3).dilation(1, 1), "dilation", "[1, 1]");
        rejects(() -> ConvTransposeSpec.builder2d(1, 1, 3).outputPadding(new int[0]), "output_padding", "[]");
        rejects(() -> ConvTransposeSpec.builder(4, 1, 1, 3), "rank", "4");
    }

    @Test
    void inputShapeRankAndChannels() {
        ConvTransposeSpec s = ConvTransposeSpec.builder2d(4, 2, 3).build();
        rejects(() -> s.problem(1, 3, 4, 4), "expected input[1, 3, 4, 4] to have 4 channels, but got 3 channels instead");
        rejects(() -> s.problem(3, 4, 4), "expected input[3, 4, 4] to have 4 channels, but got 3 channels instead");
        rejects(() -> s.problem(4, 4), "3D (unbatched) or 4D (batched)", "[4, 4]");
        rejects(() -> s.problem(1, 1, 4, 4, 4), "3D (unbatched) or 4D (batched)");
        rejects(() -> s.problem(-1, 4, 4, 4), "batch", "[-1, 4, 4, 4]"); // N = 0 is an empty batch, not an error
        rejects(() -> s.problem(1, 4, 0, 4), "input size", "positive");
    }

    @Test
    void outputMustBePositiveAndFit() {
        // in 1, kernel 1, padding 1: out = 0 - 2 + 0 + 0 + 1 = -1
        ConvTransposeSpec s = ConvTransposeSpec.builder1d(1, 1, 1).padding(1).build();
        rejects(() -> s.problem(1, 1, 1), "Output size is too small", "[-1]");
        ConvTransposeSpec big = ConvTransposeSpec.builder1d(1, 1, 1).stride(1 << 20).build();
        rejects(() -> big.problem(1, 1, 1 << 12), "[" + ((long) ((1 << 12) - 1) * (1 << 20) + 1) + "]", "too large");
        // each size fits but the tensor does not
        ConvTransposeSpec wide = ConvTransposeSpec.builder2d(1, 4, 1).stride(1 << 12).build();
        rejects(() -> wide.problem(1, 1, 1 << 4, 1 << 4), "output", "more than a Java array holds");
    }

    @Test
    void weightAndBiasBuffers() {
        Problem p = ConvTransposeSpec.builder2d(4, 6, 3).groups(2).build().problem(1, 4, 5, 5);
        float[] w = new float[4 * 3 * 9];
        float[] b = new float[6];
        rejects(() -> Planner.plan(p, new float[w.length - 1], b), "weight", "[4, 3, 3, 3]", "108");
        rejects(() -> Planner.plan(p, w, 1, b, 0), "weight", "offset=1");
        rejects(() -> Planner.plan(p, w, -1, b, 0), "weight", "offset=-1");
        rejects(() -> Planner.plan(p, w, new float[5]), "bias", "6");
        rejects(() -> Planner.plan(p, w, null), "bias", "6");
        Problem noBias = ConvTransposeSpec.builder2d(4, 6, 3).groups(2).bias(false).build().problem(1, 4, 5, 5);
        rejects(() -> Planner.plan(noBias, w, b), "bias", "bias=false");
    }

    @Test
    void badBuffersLeaveTheOutputUntouched() {
        Problem p = ConvTransposeSpec.builder2d(2, 3, 2).build().problem(2, 2, 3, 3);
        Plan plan = Planner.plan(p, new float[2 * 3 * 4], new float[3]);
        float[] x = new float[p.inputLength()];
        float[] y = new float[p.outputLength() + 2];
        java.util.Arrays.fill(y, 42f);
        rejects(() -> plan.execute(new float[x.length - 1], 0, y, 0), "input", "[2, 2, 3, 3]");
        rejects(() -> plan.execute(x, -1, y, 0), "input", "offset=-1");
        rejects(() -> plan.execute(x, 0, y, 3), "output", "offset=3");
        rejects(() -> plan.execute(x, 0, y, -1), "output", "offset=-1");
        for (float v : y) {
            assertEquals(42f, v);
        }
    }
}
