package dev.convt;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The output-size formula's edge cases and PyTorch's {@code output_size → output_padding}. */
class OutputSizeTest {

    @Test
    void formulaWithAsymmetricPadsAndDilation() {
        // (5-1)*3 - 1 - 2 + 2*(4-1) + 1 + 1 = 12 - 3 + 6 + 2 = 17
        ConvTransposeSpec s = ConvTransposeSpec.builder1d(1, 1, 4).stride(3).dilation(2)
                .pads(new int[] {1}, new int[] {2}).outputPadding(1).build();
        assertArrayEquals(new int[] {17}, s.outputSpatial(5));
    }

    @Test
    void outputOfSizeOne() {
        // in 1, kernel 3, padding 1: 0 - 2 + 2 + 1 = 1
        assertArrayEquals(new int[] {1, 1}, ConvTransposeSpec.builder2d(1, 1, 3).padding(1).build().outputSpatial(1, 1));
        // and the size 0 just past it is an error
        ConvTransposeSpec s = ConvTransposeSpec.builder1d(1, 1, 3).padding(2).build();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> s.outputSpatial(2));
        assertTrue(e.getMessage().contains("[0]"), e.getMessage());
    }

    @Test
    void kernelLargerThanInput() {
        assertArrayEquals(new int[] {9}, ConvTransposeSpec.builder1d(1, 1, 7).build().outputSpatial(3));
    }

    @Test
    void sizeComputedInLong() {
        // (2^16 - 1)·2^16 + 1 = 4294901761 does not fit an int (but is exact in long); (2^15 - 1)·2^16 + 1 does
        ConvTransposeSpec s = ConvTransposeSpec.builder1d(1, 1, 1).stride(1 << 16).build();
        assertEquals((long) ((1 << 16) - 1) * (1 << 16) + 1, s.rawOutputSize(0, 1 << 16));
        assertThrows(IllegalArgumentException.class, () -> s.outputSpatial(1 << 16));
        assertArrayEquals(new int[] {((1 << 15) - 1) * (1 << 16) + 1}, s.outputSpatial(1 << 15));
    }

    /**
     * The issue's example message belongs to ConvTranspose2d(k=3, stride=2, padding=1) on a 4×4 input:
     * min = (4-1)·2 - 2 + 2 + 1 = 7, max = min + stride - 1 = 8.
     */
    @Test
    void pyTorchMessageForTheIssuesExample() {
        Problem p = ConvTransposeSpec.builder2d(1, 1, 3).stride(2).padding(1).build().problem(1, 1, 4, 4);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> p.withOutputSize(6, 7));
        assertEquals("requested an output size of [6, 7], but valid sizes range from [7, 7] to [8, 8] (for an input of [4, 4])",
                e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> p.withOutputSize(9, 8));
        assertArrayEquals(new int[] {1, 0}, p.withOutputSize(8, 7).spec().outputPadding());
        assertArrayEquals(new int[] {1, 1, 8, 7}, p.withOutputSize(8, 7).outputShape());
    }

    @Test
    void outputSizeAcceptsSpatialOrTheFullShapeOfTheInputsForm() {
        Problem batched = ConvTransposeSpec.builder1d(2, 3, 3).stride(3).build().problem(1, 2, 4);
        // min = 3*3 + 2 + 1 = 12, max = 14
        assertArrayEquals(new int[] {2}, batched.withOutputSize(14).spec().outputPadding());
        assertArrayEquals(new int[] {1}, batched.withOutputSize(1, 3, 13).spec().outputPadding());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> batched.withOutputSize(3, 13));
        assertEquals("ConvTranspose1D: for 3D input, output_size must have 1 or 3 elements (got 2: [3, 13])", e.getMessage());
        Problem unbatched = ConvTransposeSpec.builder1d(2, 3, 3).stride(3).build().problem(2, 4);
        assertArrayEquals(new int[] {3, 12}, unbatched.withOutputSize(3, 12).outputShape());
        assertThrows(IllegalArgumentException.class, () -> unbatched.withOutputSize(1, 3, 12));
    }

    @Test
    void outputSizeReplacesTheLayersOutputPadding() {
        ConvTransposeSpec s = ConvTransposeSpec.builder1d(1, 1, 3).stride(2).outputPadding(1).build();
        // min uses output_padding 0: (3-1)*2 + 2 + 1 = 7
        assertArrayEquals(new int[] {0}, s.withOutputSize(new int[] {3}, new int[] {7}).outputPadding());
    }

    @Test
    void rangeIsStrideWideEvenWithLargeDilation() {
        // PyTorch's _output_padding allows stride - 1 extra, whatever the dilation
        Problem p = ConvTransposeSpec.builder1d(1, 1, 2).stride(1).dilation(3).build().problem(1, 1, 2);
        assertThrows(IllegalArgumentException.class, () -> p.withOutputSize(6));
        assertArrayEquals(new int[] {5}, p.withOutputSize(5).outputSpatial());
    }
}
