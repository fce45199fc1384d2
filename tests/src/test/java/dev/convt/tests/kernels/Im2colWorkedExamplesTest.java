package dev.convt.tests.kernels;

import dev.convt.ConvTransposeSpec;
import dev.convt.Plan;
import dev.convt.Planner;
import dev.convt.Problem;
import dev.convt.kernel.KernelChoice;
import dev.convt.vector.Im2colKernel;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * im2col on two cases worked by hand (the expected values are written out, not computed): a 3-D
 * layer whose depth taps overlap and are cropped by padding, and a single-position input (the whole
 * layer one GEMM). Each runs on im2col by name and through the automatic choice (which picks im2col
 * for the 3-D one: no other fast kernel takes rank 3).
 */
class Im2colWorkedExamplesTest {

    /** x (D=2, H=1, W=2) = {{1, 2}, {3, 4}}; kernel (2, 1, 2) = {{1, 10}, {100, 1000}}; stride (1, 1, 2); bias 10. */
    private static final float[] X3 = {1, 2, 3, 4};
    private static final float[] W3 = {1, 10, 100, 1000};
    private static final float[] B3 = {10};

    private static ConvTransposeSpec.Builder spec3() {
        return ConvTransposeSpec.builder(3, 1, 1, new int[] {2, 1, 2}).stride(1, 1, 2);
    }

    /**
     * Output (3, 1, 4): y[od][ow] = 10 + Σ x[id][iw]·w[kd][kw] over id + kd = od, 2·iw + kw = ow.
     * od 0: x[0]·w[0] = (1·1, 1·10, 2·1, 2·10); od 1: x[0]·w[1] + x[1]·w[0] = (100 + 3, 1000 + 30,
     * 200 + 4, 2000 + 40); od 2: x[1]·w[1] = (300, 3000, 400, 4000); each plus the bias 10.
     */
    @Test
    void threeDimensionsWithOverlappingDepthTaps() {
        Problem p = spec3().build().problem(1, new int[] {2, 1, 2});
        float[] want = {
                11, 20, 12, 30,
                113, 1040, 214, 2050,
                310, 3010, 410, 4010};
        assertArrayEquals(new int[] {1, 1, 3, 1, 4}, p.outputShape());
        assertEquals(Im2colKernel.NAME, Planner.choose(p).name(), "the automatic choice for " + p);
        check(p, X3, W3, B3, want);
    }

    /** Padding (1, 0, 0) crops the first and last output depth: only od 1 of the case above is left. */
    @Test
    void depthPaddingCropsTheOuterTaps() {
        Problem p = spec3().padding(1, 0, 0).build().problem(1, new int[] {2, 1, 2});
        assertArrayEquals(new int[] {1, 1, 1, 1, 4}, p.outputShape());
        check(p, X3, W3, B3, new float[] {113, 1040, 214, 2050});
    }

    /**
     * One input position, Cin 2 → Cout 2, kernel 3×3 (M = 2·9 = 18 output columns, wide enough for the
     * one-GEMM path at every vector width), batch 2: y[n][co][t] = b[co] + x[n][0]·w[0][co][t] +
     * x[n][1]·w[1][co][t] with w[0][0][t] = t, w[0][1][t] = 1, w[1][0][t] = 10, w[1][1][t] = −t and
     * b = (0.5, −0.5). So y[n][0][t] = x[n][0]·t + 10·x[n][1] + 0.5 and y[n][1][t] = x[n][0] − x[n][1]·t − 0.5.
     * x = {(1, 2), (3, −1)}: image 0: t + 20.5 and 0.5 − 2t; image 1: 3t − 9.5 and t + 2.5.
     */
    @Test
    void aSinglePositionInputIsOneGemm() {
        Problem p = ConvTransposeSpec.builder2d(2, 2, 3, 3).build().problem(2, new int[] {1, 1});
        float[] x = {1, 2, 3, -1};
        float[] w = {
                0, 1, 2, 3, 4, 5, 6, 7, 8,
                1, 1, 1, 1, 1, 1, 1, 1, 1,
                10, 10, 10, 10, 10, 10, 10, 10, 10,
                0, -1, -2, -3, -4, -5, -6, -7, -8};
        float[] b = {0.5f, -0.5f};
        float[] want = {
                20.5f, 21.5f, 22.5f, 23.5f, 24.5f, 25.5f, 26.5f, 27.5f, 28.5f,
                0.5f, -1.5f, -3.5f, -5.5f, -7.5f, -9.5f, -11.5f, -13.5f, -15.5f,
                -9.5f, -6.5f, -3.5f, -0.5f, 2.5f, 5.5f, 8.5f, 11.5f, 14.5f,
                2.5f, 3.5f, 4.5f, 5.5f, 6.5f, 7.5f, 8.5f, 9.5f, 10.5f};
        check(p, x, w, b, want);
    }

    private static void check(Problem p, float[] x, float[] w, float[] b, float[] want) {
        for (KernelChoice k : new KernelChoice[] {KernelChoice.IM2COL, KernelChoice.AUTO}) {
            Plan plan = Planner.plan(p, w, 0, b, 0, k);
            assertArrayEquals(want, plan.execute(x), k + " on " + p);
        }
    }
}
