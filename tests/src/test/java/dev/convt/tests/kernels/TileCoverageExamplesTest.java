package dev.convt.tests.kernels;

import dev.convt.Activation;
import dev.convt.ConvTransposeSpec;
import dev.convt.Layout;
import dev.convt.Parallelism;
import dev.convt.Plan;
import dev.convt.Planner;
import dev.convt.Problem;
import dev.convt.kernel.KernelChoice;
import dev.convt.testkit.TestData;
import dev.convt.vector.Im2colKernel;
import dev.convt.vector.VectorConfig;
import dev.convt.vector.gemm.Blocking;
import dev.convt.vector.scatter.ScatterPlan;
import dev.convt.vector.scatter.ScatterTuning;
import org.junit.jupiter.api.Test;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertFalse;
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
     * Scatter's phase tile of 4 output channels (the configured one: 4 × 4 vectors with 32 registers,
     * 4 × 2 with 16; the surefire runs at 256 bits with 16 registers reach the other) on the first
     * and a later pass over the input channels (64 channels × 3 taps make two passes of 96 taps),
     * with stride 1 (stored straight into the output) and 2 (through the workspace), on rows of
     * three whole tiles and a part tile, on float arrays and native segments.
     */
    @Test
    void scatterFourChannelPhaseTileOnALaterInputChannelPass() {
        int span = ScatterTuning.TILE_WIDE_CO * VectorConfig.LANES;
        for (int stride : new int[] {1, 2}) {
            Problem p = ConvTransposeSpec.builder1d(64, 8, 3).stride(stride).padding(1).bias(true).build()
                    .problem(1, 64, 3 * span + 7);
            assertTrue(!ScatterPlan.tapVectorApplies(p), () -> "a tap-vector problem: " + p);
            assertAgreesWithReference(KernelChoice.SCATTER, p);
            assertAgreesOnNativeSegments(KernelChoice.SCATTER, p);
        }
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
        // half the lanes only above 2: stride 2 (half of 128 bits) stays in phase mode, for its paired tiles
        for (int stride : lanes / 2 > 2 ? new int[] {lanes, lanes / 2} : new int[] {lanes}) {
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
     * col2im's vector paths for strides 2 (zipped pairs), 3 (interleaved triples), 4 and 8 (two and three levels of zips),
     * in 2-D with padding on both sides, kernels of one and two strides plus one (single-cover runs, edge
     * taps), batch 2 and 64 input channels over a 4 × 300 input, so that an SGEMM column block ends in
     * the middle of an input row and the next one starts there, in either image of the batch.
     */
    @Test
    void im2colStridedPathsWithPaddingAcrossColumnBlocks() {
        for (int stride : new int[] {2, 3, 4, 8}) {
            for (int kernel : new int[] {stride, 2 * stride + 1}) {
                Problem p = ConvTransposeSpec.builder2d(64, 3, 2, kernel).stride(2, stride).padding(1, stride + 1)
                        .build().problem(2, 64, 4, 300);
                assertAgreesWithReference(KernelChoice.IM2COL, p);
            }
        }
    }

    /**
     * col2im's zipped pairs and interleaved groups of 3, 4 and 8 taps (strides 2, 3, 4, 8 along the width)
     * under a dilated kernel height, where kernel row kh lands on output row {@code ih·sh − ph + kh·dh}
     * (dilation 3: kh·dh and kh/dh differ from kh = 1 on); and the same strides with a dilated kernel
     * width, where those paths must not be taken (each needs its taps on adjacent output columns).
     */
    @Test
    void im2colStridedPathsWithADilatedKernel() {
        for (int stride : new int[] {2, 3, 4, 8}) {
            Problem rows = ConvTransposeSpec.builder2d(8, 3, 3, 2 * stride).stride(1, stride).dilation(3, 1).padding(2, 1)
                    .build().problem(1, 8, 5, 20);
            assertAgreesWithReference(KernelChoice.IM2COL, rows);
            Problem columns = ConvTransposeSpec.builder2d(8, 3, 2, 2 * stride).stride(1, stride).dilation(1, 2)
                    .build().problem(1, 8, 5, 20);
            assertAgreesWithReference(KernelChoice.IM2COL, columns);
        }
    }

    /**
     * col2im's single-cover runs (kernel = stride, each output written once as bias + its one column
     * value) along rows longer than two vectors at stride 1 (kernel width 1: the vector store loop past
     * its first vector), and at stride 2 (zipped pairs) with rows whose masked tail fills more than half
     * a vector (widths 14 and 15: 2·(width mod lanes) > lanes at 512, 256 and 128 bits).
     */
    @Test
    void im2colSingleCoverRowsLongerThanTwoVectorsAndPairTails() {
        for (int width : new int[] {14, 15, 53}) {
            assertAgreesWithReference(KernelChoice.IM2COL,
                    ConvTransposeSpec.builder2d(8, 3, 2, 1).stride(2, 1).build().problem(1, 8, 3, width));
            assertAgreesWithReference(KernelChoice.IM2COL,
                    ConvTransposeSpec.builder2d(8, 3, 1, 1).build().problem(1, 8, 3, width));
            assertAgreesWithReference(KernelChoice.IM2COL,
                    ConvTransposeSpec.builder2d(8, 3, 2, 2).stride(2).build().problem(1, 8, 3, width));
        }
    }

    /**
     * col2im's 8-tap groups where exactly one input column has all 8 taps inside the output (an input
     * one column wide, and three wide with padding): the zipped loop takes L columns at a time, so the
     * single column must go to the part-vector rest.
     */
    @Test
    void im2colEightTapGathersOverASingleFullColumn() {
        assertAgreesWithReference(KernelChoice.IM2COL,
                ConvTransposeSpec.builder2d(8, 3, 1, 8).stride(1, 8).build().problem(1, 8, 3, 1));
        assertAgreesWithReference(KernelChoice.IM2COL,
                ConvTransposeSpec.builder2d(8, 3, 1, 8).stride(1, 8).padding(0, 8).build().problem(1, 8, 3, 3));
    }

    /**
     * An SGEMM column block that ends one column into an input row (rows of {@code nc − 1} columns, nc
     * the block width for 64 input channels), with padding that crops the first two input columns of
     * kernel column 0 but only the first of kernel column 1 (stride 2, pad 3) or 1–7 (stride 8, pad 9):
     * the pair and 8-tap paths of that row see a block end before their common range starts, and must
     * add nothing past it (the rest of the row is the next block's).
     */
    @Test
    void im2colColumnBlockEndingOneColumnIntoARow() {
        int nc = Blocking.ncFor(64);
        for (int stride : new int[] {2, 8}) {
            Problem p = ConvTransposeSpec.builder2d(64, 2, 1, 2 * stride).stride(1, stride).padding(0, stride + 1)
                    .build().problem(1, 64, 2, nc - 1);
            assertTrue(p.inputPlane() > nc, () -> "one column block covers " + p);
            assertAgreesWithReference(KernelChoice.IM2COL, p);
        }
    }

    /**
     * col2im's stride-2 pairs over short input rows (1, 2, 4 and 8 columns: whole rows in one zipped
     * vector where the width divides half a vector) with padding 1, which crops the first column of
     * kernel column 0 and the last of kernel column 3, with and without bias; a single cover deeper
     * than one K block (bias plus value, through the same rows); and 100 images of 3 × 4 under depth
     * 64, whose column blocks end inside an image (those images go row by row).
     */
    @Test
    void im2colPairsOverShortRows() {
        for (int width : new int[] {1, 2, 4, 8}) {
            for (boolean bias : new boolean[] {true, false}) {
                assertAgreesWithReference(KernelChoice.IM2COL,
                        ConvTransposeSpec.builder2d(6, 3, 4).stride(2).padding(1).bias(bias).build().problem(3, 6, 3, width));
            }
            assertAgreesWithReference(KernelChoice.IM2COL,
                    ConvTransposeSpec.builder2d(Blocking.KC + 1, 2, 2).stride(2).build().problem(2, Blocking.KC + 1, 3, width));
        }
        Problem split = ConvTransposeSpec.builder2d(64, 2, 4).stride(2).padding(1).build().problem(100, 64, 3, 4);
        assertTrue(split.batch() * split.inputPlane() > Blocking.ncFor(64), () -> "one column block covers " + split);
        assertAgreesWithReference(KernelChoice.IM2COL, split);
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

    /** The problem on kernel {@code k} over native segments, one thread, bitwise equal to the reference. */
    private static void assertAgreesOnNativeSegments(KernelChoice k, Problem p) {
        float[] x = TestData.smallInts(p.inputLength(), 11);
        float[] w = TestData.smallInts(p.weightLength(), 12);
        float[] b = p.biasLength() == 0 ? null : TestData.smallInts(p.biasLength(), 13);
        float[] expected = FastKernels.reference(p, x, w, b);
        Plan plan = Planner.plan(p, w, 0, b, 0, k);
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment xs = arena.allocate(4L * x.length, 64);
            MemorySegment.copy(x, 0, xs, ValueLayout.JAVA_FLOAT, 0, x.length);
            MemorySegment ys = arena.allocate(4L * p.outputLength(), 64);
            plan.execute(xs, 0, ys, 0, Parallelism.threads(1));
            float[] actual = ys.toArray(ValueLayout.JAVA_FLOAT);
            int i = FastKernels.firstBitDifference(expected, actual);
            assertEquals(-1, i, () -> k + " (native segments) differs from the reference at output " + i + ": "
                    + actual[i] + " instead of " + expected[i] + " for " + p);
        }
    }

    // ---- im2col's zipped pass: GEMM and col2im in one, where the register tiles of a kernel-width-2,
    // stride-2 single cover store their row pairs straight into the output (float arrays and native
    // segments, one thread and several: bands of rows, some of which the pass declines). Most widths
    // here are two column panels and a few columns (NR = Blocking.NR of the configuration the test
    // runs under), so that most panels lie inside one input row and some cross into the next.

    /** Input rows two panels and five columns wide: most panels lie inside a row, some cross into the next row or image. */
    private static final int W = 2 * Blocking.NR + 5;

    /**
     * Column panels inside one input row (stored straight into the output), panels crossing an input
     * row and an image (stored through the tile buffer, one run per row), the N tile's last part panel,
     * and 3 output channels: 12 GEMM rows, so the second A panel of the 8-row tile (and the third of the
     * 4-row one) holds padding rows that must not be stored; with and without bias, and with a ReLU
     * (applied where the zipped stores made the output final).
     */
    @Test
    void panelsInsideAndAcrossRowsAndImagesWithPaddingRows() {
        for (boolean bias : new boolean[] {true, false}) {
            assertZippedAgrees(ConvTransposeSpec.builder2d(5, 3, 2).stride(2).bias(bias).build().problem(2, 5, 3, W));
        }
        assertZippedAgrees(ConvTransposeSpec.builder2d(5, 3, 2).stride(2).activation(Activation.relu()).build().problem(2, 5, 3, W));
    }

    /** Input rows of 1 and 3 columns: every column panel crosses several rows, and images, so each tile goes through the buffer. */
    @Test
    void rowsNarrowerThanAPanel() {
        for (int width : new int[] {1, 3}) {
            assertZippedAgrees(ConvTransposeSpec.builder2d(5, 3, 2).stride(2).build().problem(3, 5, 7, width));
        }
    }

    /**
     * Depth one K block exactly, one more (a last block one deep) and past two (three blocks, the last
     * short): the earlier blocks' sums go through the column block and the last block's tiles go on
     * from them, stored straight into the output or, for rows narrower than a panel and the padding
     * rows of 3 output channels, through the tile buffer.
     */
    @Test
    void depthsOfOneAndSeveralKBlocks() {
        for (int cin : new int[] {Blocking.KC, Blocking.KC + 1, 2 * Blocking.KC + 3}) {
            assertZippedAgrees(ConvTransposeSpec.builder2d(cin, 2, 2).stride(2).build().problem(1, cin, 2, W));
            assertZippedAgrees(ConvTransposeSpec.builder2d(cin, 3, 2).stride(2).build().problem(2, cin, 3, 3));
        }
    }

    /**
     * On random data, a depth of three K blocks gives the bits of a channels-last output, which no
     * zipped pass computes: each output's products are one chain in increasing k whatever the path,
     * so the split into K blocks must not show in the result.
     */
    @Test
    void severalKBlocksGiveTheBitsOfAnUnzippedPath() {
        int cin = 2 * Blocking.KC + 3;
        Problem p = ConvTransposeSpec.builder2d(cin, 3, 2).stride(2).build().problem(2, cin, 3, W);
        float[] x = TestData.uniform(p.inputLength(), 31);
        float[] w = TestData.uniform(p.weightLength(), 32);
        float[] b = TestData.uniform(p.biasLength(), 33);
        float[] y = new float[p.outputLength()];
        Planner.plan(p, w, 0, b, 0, KernelChoice.IM2COL).execute(x, 0, y, 0);
        Problem last = p.withLayout(Layout.CHANNELS_LAST);
        float[] yLast = new float[p.outputLength()];
        Planner.plan(last, w, 0, b, 0, KernelChoice.IM2COL)
                .execute(LayoutAgreementTest.channelsLast(x, p.batch(), cin, p.inputPlane()), 0, yLast, 0);
        assertSameBits(LayoutAgreementTest.channelsLast(y, p.batch(), 3, p.outputPlane()), yLast, p, "channels first against channels last");
    }

    /**
     * Pieces wider than one N tile ({@link Blocking#NC_MAX} columns at this depth): the pass cuts a
     * piece's own columns into even tiles (three images of 703 columns on one thread; one or two
     * images per piece on several).
     */
    @Test
    void piecesWiderThanAnNTile() {
        assertZippedAgrees(ConvTransposeSpec.builder2d(5, 3, 2).stride(2).build().problem(3, 5, 19, 37));
    }

    /** A kernel taller than 2 (stride 3 × 2): each tile's row pairs belong to three kernel rows of a channel. */
    @Test
    void kernelRowsOtherThanTwo() {
        assertZippedAgrees(ConvTransposeSpec.builder2d(6, 5, 3, 2).stride(3, 2).build().problem(1, 6, 4, W));
    }

    /** 1-D (a row per image): with several threads, bands of columns, so pieces that are part of one row. */
    @Test
    void oneDimensionalPiecesOfARow() {
        assertZippedAgrees(ConvTransposeSpec.builder1d(7, 4, 2).stride(2).build().problem(2, 7, 5 * W));
        assertZippedAgrees(ConvTransposeSpec.builder1d(7, 4, 2).stride(2).build().problem(1, 7, 5 * W));
    }

    /**
     * Row bands on several threads: output rows of {@code 2·W} floats put band boundaries on even rows
     * (whole input rows: the pass runs each band), rows a multiple of 16 floats wide let a boundary
     * fall between the two output rows of one input row (the pass declines those pieces).
     */
    @Test
    void bandsOfRowsOnEvenAndOddBoundaries() {
        for (int w : new int[] {W, 8 * Math.ceilDiv(W, 8)}) {
            assertZippedAgrees(ConvTransposeSpec.builder2d(9, 3, 2).stride(2).build().problem(1, 9, 11, w));
        }
    }

    // ---- col2im's vector paths on float arrays and native segments, one thread and several (bands of
    // output rows or columns): assertZippedAgrees runs any im2col problem so.

    /**
     * col2im's stride-4 and stride-8 paths (4 and 8 taps interleaved by two and three levels of zips):
     * kernels of one and two strides (single cover, and two groups of taps adding into the same
     * outputs), padding that crops the first and last input columns of some taps (edges), rows that
     * are not a multiple of the vector (the part-vector rest), in 1-D (bands of columns on several
     * threads) and 2-D (a dilated kernel height, bands of rows), with and without bias.
     */
    @Test
    void strideFourAndEightInterleavedTaps() {
        for (int s : new int[] {4, 8}) {
            for (boolean bias : new boolean[] {true, false}) {
                assertZippedAgrees(ConvTransposeSpec.builder1d(16, 3, 2 * s).stride(s).bias(bias).build().problem(2, 16, 37));
                assertZippedAgrees(ConvTransposeSpec.builder1d(16, 3, 2 * s).stride(s).padding(s - 1).bias(bias).build().problem(1, 16, 70));
                assertZippedAgrees(ConvTransposeSpec.builder1d(8, 2, s).stride(s).bias(bias).build().problem(2, 8, 45));
            }
            assertZippedAgrees(ConvTransposeSpec.builder2d(8, 3, 3, 2 * s + 1).stride(2, s).padding(1, s + 1).dilation(2, 1)
                    .build().problem(2, 8, 5, 21));
            assertZippedAgrees(ConvTransposeSpec.builder1d(8, 2, 2 * s).stride(s).padding(s / 2).build().problem(1, 8, 3));
        }
    }

    /**
     * col2im's stride-2 pairs row by row, each row's zipped vectors one masked step each: rows of one
     * part chunk, of one whole chunk and more (5, 8, 16, 24, 33 and 40 columns against 4, 8 and 16
     * lanes), padding 1 and 3 (which crop the first columns of the low taps and the last of the high
     * ones, so first and last chunks have lanes of one tap only), an odd kernel (a last tap without a
     * partner), with and without bias; the first and last output rows put vectors partly outside the
     * output (those go value by value).
     */
    @Test
    void strideTwoPairsRowByRow() {
        for (int width : new int[] {5, 8, 16, 24, 33, 40}) {
            for (int pad : new int[] {1, 3}) {
                assertZippedAgrees(ConvTransposeSpec.builder2d(8, 3, 3, 4 + 2 * (pad / 3)).stride(1, 2).padding(1, pad)
                        .bias(pad == 1).build().problem(2, 8, 3, width));
            }
            assertZippedAgrees(ConvTransposeSpec.builder2d(8, 2, 2, 5).stride(2).padding(0, 1).build().problem(1, 8, 4, width));
        }
    }

    /**
     * im2col's GEMM reading B in place (a short, deep GEMM: at most {@link Blocking#UNPACKED_B_MAX_PANELS}
     * panels of rows, at least 64 deep): 1-D with 16 taps (Conv-TasNet's decoder's shape) deeper than
     * one K block (the accumulating tiles), two images (N tiles crossing from one image into the next
     * are packed), 2-D with 9 taps, and 1-D with exactly the most panels (three output channels of
     * 2·MR taps, as DCGAN's output layer at 512 bits) over three images; every row three whole column
     * panels and a few columns (the part panel packed), on 1 to 4 threads and native segments (read
     * in place too). One panel more is packed.
     */
    @Test
    void im2colReadsShortDeepGemmsInPlace() {
        int width = 3 * Blocking.NR + 5;
        Problem tasnetLike = ConvTransposeSpec.builder1d(300, 1, 16).stride(8).bias(false).build().problem(2, 300, width);
        Problem twoD = ConvTransposeSpec.builder2d(64, 1, 3, 3).stride(2).padding(1).build().problem(1, 64, 3, width);
        int mostRows = Blocking.UNPACKED_B_MAX_PANELS * Blocking.MR;
        Problem mostPanels = ConvTransposeSpec.builder1d(64, mostRows / (2 * Blocking.MR), 2 * Blocking.MR).stride(2).padding(1)
                .build().problem(3, 64, width);
        for (Problem p : new Problem[] {tasnetLike, twoD, mostPanels}) {
            assertTrue(Im2colKernel.readsInPlace(p), () -> "not read in place: " + p);
            assertZippedAgrees(p);
        }
        Problem onePanelMore = ConvTransposeSpec.builder1d(64, mostRows / Blocking.MR + 1, Blocking.MR).stride(2)
                .build().problem(1, 64, width);
        assertFalse(Im2colKernel.readsInPlace(onePanelMore), () -> "read in place: " + onePanelMore);
        assertZippedAgrees(onePanelMore);
    }

    /**
     * im2col's GEMM reading B in place across long tiles ({@link Im2colKernel#columnTile}): two
     * images a tile each, 300 deep (the in-place K blocks of {@link Blocking#STRIDED_KC} rows inside
     * the packed weights' K blocks and across their boundary), and one image wider than the widest
     * tile, cut by it, its last tile two panels and a part (packed whole). On 1 to 4 threads (tiles
     * cut by the tasks) and native segments.
     */
    @Test
    void im2colReadsLongImagesInPlaceTileByTile() {
        Problem twoImages = ConvTransposeSpec.builder1d(300, 1, 16).stride(8).bias(false).build().problem(2, 300, 400);
        int widest = Blocking.inPlaceTileColumns(Blocking.roundUp(16, Blocking.MR));
        Problem oneLong = ConvTransposeSpec.builder1d(64, 1, 16).stride(8).build().problem(1, 64, widest + 2 * Blocking.NR + 3);
        assertEquals(400, Im2colKernel.columnTile(twoImages), () -> "not a tile per image: " + twoImages);
        assertEquals(widest, Im2colKernel.columnTile(oneLong), () -> "not cut by the widest tile: " + oneLong);
        for (Problem p : new Problem[] {twoImages, oneLong}) {
            assertTrue(Im2colKernel.readsInPlace(p), () -> "not read in place: " + p);
            assertZippedAgrees(p);
        }
    }

    /**
     * im2col's tasks on a channels-last 3-D output whose last depth band no input reaches (output
     * padding 2 in depth): that band's piece has no columns, and with two images' worth of columns
     * a whole number of N tiles (two column panels of the configuration the test runs under) its start
     * falls on a tile boundary. It must still write the bias, not its window's stale sums (found by
     * {@code DirectSegmentProperties} at 256 and 128 bits). The tasks run in reverse on one thread,
     * sharing its workspace, as that property runs them.
     */
    @Test
    void im2colChannelsLastBandThatNoInputReachesGetsTheBias() {
        Problem p = ConvTransposeSpec.builder(3, 1, 2, new int[] {1, 1, 1}).outputPadding(new int[] {2, 0, 0})
                .dilation(new int[] {3, 1, 1}).build().problem(1, new int[] {2, 2, Blocking.NR / 2})
                .withLayout(dev.convt.Layout.CHANNELS_LAST);
        float[] x = TestData.smallInts(p.inputLength(), 31);
        float[] w = TestData.smallInts(p.weightLength(), 32);
        float[] b = TestData.smallInts(p.biasLength(), 33);
        // the reference plan gives the output in the problem's layout
        float[] expected = Planner.plan(p, w, 0, b, 0, KernelChoice.REFERENCE).execute(x);
        dev.convt.kernel.KernelPlan plan = Planner.kernel(KernelChoice.IM2COL).prepare(p, w, 0, b, 0);
        dev.convt.kernel.KernelPlan.Tasks tasks = plan.tasks(2, 1);
        assertTrue(tasks != null && tasks.count() >= 2, () -> "not split: " + p);
        float[] y = new float[p.outputLength()];
        for (int t = tasks.count() - 1; t >= 0; t--) {
            tasks.run(t, x, 0, y, 0, null);
        }
        assertSameBits(expected, y, p, "tasks in reverse");
    }

    /**
     * Runs the problem on the im2col kernel on float arrays on 1 to 4 threads and on native segments
     * on 1 and 2, each bitwise equal to the reference.
     */
    private static void assertZippedAgrees(Problem p) {
        assertNull(Planner.kernel(KernelChoice.IM2COL).declineReason(p), () -> "im2col must take " + p);
        float[] x = TestData.smallInts(p.inputLength(), 21);
        float[] w = TestData.smallInts(p.weightLength(), 22);
        float[] b = p.biasLength() == 0 ? null : TestData.smallInts(p.biasLength(), 23);
        float[] expected = FastKernels.reference(p, x, w, b);
        Plan plan = Planner.plan(p, w, 0, b, 0, KernelChoice.IM2COL);
        for (int threads = 1; threads <= 4; threads++) {
            float[] y = new float[p.outputLength()];
            plan.execute(x, 0, y, 0, Parallelism.threads(threads).withMinTaskWork(1));
            assertSameBits(expected, y, p, threads + " thread(s), float[]");
        }
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment xs = arena.allocate(4L * x.length, 64);
            MemorySegment.copy(x, 0, xs, ValueLayout.JAVA_FLOAT, 0, x.length);
            for (int threads = 1; threads <= 2; threads++) {
                MemorySegment ys = arena.allocate(4L * p.outputLength(), 64);
                plan.execute(xs, 0, ys, 0, Parallelism.threads(threads).withMinTaskWork(1));
                assertSameBits(expected, ys.toArray(ValueLayout.JAVA_FLOAT), p, threads + " thread(s), native segments");
            }
        }
    }

    private static void assertSameBits(float[] expected, float[] actual, Problem p, String how) {
        int i = FastKernels.firstBitDifference(expected, actual);
        assertEquals(-1, i, () -> "im2col (" + how + ") differs from the reference at output " + i + ": "
                + actual[i] + " instead of " + expected[i] + " for " + p);
    }
}
