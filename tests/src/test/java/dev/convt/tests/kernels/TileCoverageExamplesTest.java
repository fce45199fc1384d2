package dev.convt.tests.kernels;

import dev.convt.ConvTransposeSpec;
import dev.convt.Planner;
import dev.convt.Problem;
import dev.convt.kernel.KernelChoice;
import dev.convt.testkit.TestData;
import dev.convt.vector.VectorConfig;
import dev.convt.vector.scatter.ScatterPlan;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Fixed problems that reach register tiles and column blocks the generated properties rarely hit,
 * each checked bitwise against the reference on small-integer data (exact in float32). Each was found
 * by a mutant that left the rest of the suite green.
 */
class TileCoverageExamplesTest {

    /**
     * Scatter's widest single-channel tile (8 vectors of one output channel) on a later pass over
     * the input channels, where it must reload every one of its 8 partial sums from the output:
     * 64 input channels make several passes, Cout 1 selects the single-channel tile, and a width of
     * 300 gives each stride-2 phase enough outputs for the full 8-vector tile.
     */
    @Test
    void scatterWideSingleChannelTileOnALaterInputChannelPass() {
        Problem p = ConvTransposeSpec.builder1d(64, 1, 4).stride(2).build().problem(1, 64, 300);
        assertAgreesWithReference(KernelChoice.SCATTER, p);
    }

    /**
     * Scatter's tap-vector tiles (stride = the vector's lane count, or half of it) on a later pass over
     * the input channels, where each tile must reload all its partial sums from the output: a kernel of
     * 4 strides makes 4 taps per channel, so 24 channels fill a pass (96 taps) and 32 channels make two;
     * Cout 1 selects the 8-vector single-channel tile (full stride only), Cout 4 the 4-channel tiles of
     * two and of one vector position, and 40 input columns give each enough positions; the same in 2-D
     * with padding, where kernel rows read different input rows and edge columns run on the later pass too. Lanes are those of
     * the vector configuration the test runs under (the surefire runs at 256 and 128 bits reach the others).
     */
    @Test
    void scatterTapVectorTilesOnALaterInputChannelPass() {
        int lanes = VectorConfig.LANES;
        for (int stride : new int[] {lanes, lanes / 2}) {
            for (int cout : new int[] {1, 4}) {
                Problem p = ConvTransposeSpec.builder1d(32, cout, 4 * stride).stride(stride).build().problem(1, 32, 40);
                assertTrue(ScatterPlan.tapVectorApplies(p), () -> "not a tap-vector problem: " + p);
                assertAgreesWithReference(KernelChoice.SCATTER, p);
                // in 2-D the kernel rows reach different input rows (3 × 4 taps per channel: 8 channels a pass),
                // and padding puts vector positions at both edges of each output row
                Problem q = ConvTransposeSpec.builder2d(16, cout, 3, 4 * stride).stride(2, stride).padding(1, stride + 1)
                        .build().problem(1, 16, 3, 40);
                assertTrue(ScatterPlan.tapVectorApplies(q), () -> "not a tap-vector problem: " + q);
                assertAgreesWithReference(KernelChoice.SCATTER, q);
            }
        }
    }

    /**
     * im2col's col2im where kernel = stride (every output covered by exactly one tap, the
     * single-cover runs), with a 48×48 input so that a column block of the SGEMM starts in the
     * middle of an input row.
     */
    @Test
    void im2colSingleCoverRunsWithAColumnBlockStartingMidRow() {
        Problem p = ConvTransposeSpec.builder2d(8, 4, 4).stride(4).build().problem(1, 8, 48, 48);
        assertAgreesWithReference(KernelChoice.IM2COL, p);
    }

    /**
     * col2im's vector paths for strides 2 (zipped pairs), 3 (interleaved triples) and 8 (8-tap gathers),
     * in 2-D with padding on both sides, kernels of one and two strides plus one (single-cover runs, edge
     * taps), batch 2 and 64 input channels over a 4 × 300 input, so that an SGEMM column block ends in
     * the middle of an input row and the next one starts there, in either image of the batch.
     */
    @Test
    void im2colStridedPathsWithPaddingAcrossColumnBlocks() {
        for (int stride : new int[] {2, 3, 8}) {
            for (int kernel : new int[] {stride, 2 * stride + 1}) {
                Problem p = ConvTransposeSpec.builder2d(64, 3, 2, kernel).stride(2, stride).padding(1, stride + 1)
                        .build().problem(2, 64, 4, 300);
                assertAgreesWithReference(KernelChoice.IM2COL, p);
            }
        }
    }

    private static void assertAgreesWithReference(KernelChoice k, Problem p) {
        assertNull(Planner.kernel(k).declineReason(p), () -> k + " must take " + p);
        float[] x = TestData.smallInts(p.inputLength(), 11);
        float[] w = TestData.smallInts(p.weightLength(), 12);
        float[] b = p.biasLength() == 0 ? null : TestData.smallInts(p.biasLength(), 13);
        float[] expected = FastKernels.reference(p, x, w, b);
        float[] actual = FastKernels.run(k, p, x, w, b);
        int i = FastKernels.firstBitDifference(expected, actual);
        assertEquals(-1, i, () -> k + " differs from the reference at output " + i + ": "
                + actual[i] + " instead of " + expected[i] + " for " + p);
    }
}
