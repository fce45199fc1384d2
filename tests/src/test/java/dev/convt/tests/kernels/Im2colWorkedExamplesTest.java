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
     * One input position, Cin 2 → Cout 2, kernel 2×2, batch 2: y[n][co][t] = b[co] + x[n][0]·w[0][co][t]
     * + x[n][1]·w[1][co][t]. x = {(1, 2), (3, −1)}; w[0][0] = 1 2 3 4, w[0][1] = 5 6 7 8,
     * w[1][0] = 10 20 30 40, w[1][1] = −1 −2 −3 −4; b = (0.5, −0.5).
     * Image 0: co 0: 1 + 20, 2 + 40, 3 + 60, 4 + 80; co 1: 5 − 2, 6 − 4, 7 − 6, 8 − 8.
     * Image 1: co 0: 3 − 10, 6 − 20, 9 − 30, 12 − 40; co 1: 15 + 1, 18 + 2, 21 + 3, 24 + 4.
     */
    @Test
    void aSinglePositionInputIsOneGemm() {
        Problem p = ConvTransposeSpec.builder2d(2, 2, 2, 2).build().problem(2, new int[] {1, 1});
        float[] x = {1, 2, 3, -1};
        float[] w = {1, 2, 3, 4, 5, 6, 7, 8, 10, 20, 30, 40, -1, -2, -3, -4};
        float[] b = {0.5f, -0.5f};
        float[] want = {
                21.5f, 42.5f, 63.5f, 84.5f, 2.5f, 1.5f, 0.5f, -0.5f,
                -6.5f, -13.5f, -20.5f, -27.5f, 15.5f, 19.5f, 23.5f, 27.5f};
        check(p, x, w, b, want);
    }

    private static void check(Problem p, float[] x, float[] w, float[] b, float[] want) {
        for (KernelChoice k : new KernelChoice[] {KernelChoice.IM2COL, KernelChoice.AUTO}) {
            Plan plan = Planner.plan(p, w, 0, b, 0, k);
            assertArrayEquals(want, plan.execute(x), k + " on " + p);
        }
    }
}
