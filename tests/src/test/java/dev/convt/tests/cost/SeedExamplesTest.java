package dev.convt.tests.cost;

import dev.convt.ConvTransposeSpec;
import dev.convt.Problem;
import dev.convt.cost.CostModels;
import dev.convt.kernel.OpCounter;
import dev.convt.kernel.ReferenceKernel;
import org.junit.jupiter.api.Test;

import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** The numbers printed in the seed documents (shared/seeds/001, 002) and DESIGN.md. */
class SeedExamplesTest {

    /** ConvTranspose1d(1, 1, kernel_size=3, bias=False) on x = ones(1, 2). */
    private static Problem seed1d() {
        return ConvTransposeSpec.builder1d(1, 1, 3).bias(false).build().problem(1, 2);
    }

    /** ConvTranspose2d(1, 1, kernel_size=2, bias=False) on x = ones(1, 2, 2). */
    private static Problem seed2d() {
        return ConvTransposeSpec.builder2d(1, 1, 2).bias(false).build().problem(1, 2, 2);
    }

    @Test
    void publishedTotalFor1dSeedIs14() {
        CostModels.PublishedEstimate e = CostModels.published(seed1d());
        assertEquals(1, e.psi());
        assertEquals(2, e.additionsPerFilter());
        assertEquals(14, e.lambda()); // L_out·k + apf = 4·3 + 2
        assertEquals(0, e.gamma()); // Cout·L_out·(Cin/g − 1)
        assertEquals(14, e.total());
    }

    @Test
    void exactWorkFor1dSeedIs6MultiplicationsAnd2Additions() {
        Problem p = seed1d();
        assertEquals(new CostModels.OpCount(6, 2), CostModels.exact(p));
        OpCounter.Tally tally = new OpCounter.Tally();
        ReferenceKernel.compute(p, ones(2), 0, ones(3), 0, null, 0, new float[4], 0, tally);
        assertEquals(6, tally.multiplications());
        assertEquals(2, tally.additions());
        assertEquals(new CostModels.OpCount(12, 8), CostModels.dense(p)); // 4 outputs × 3 taps, 2 adds each
    }

    @Test
    void onesExperiment1dGives1221AndTwoAdditions() {
        Problem p = seed1d();
        float[] y = new float[p.outputLength()];
        ReferenceKernel.compute(p, ones(2), 0, ones(3), 0, null, 0, y, 0);
        assertArrayEquals(new float[] {1, 2, 2, 1}, y);
        assertEquals(2, CostModels.additionsPerFilter(p));
    }

    @Test
    void onesExperiment2dGivesSevenAdditions() {
        Problem p = seed2d();
        float[] y = new float[p.outputLength()];
        ReferenceKernel.compute(p, ones(4), 0, ones(4), 0, null, 0, y, 0);
        // the seed prints y − 1 = [[0, 1, 0], [1, 3, 1], [0, 1, 0]]
        assertArrayEquals(new float[] {1, 2, 1, 2, 4, 2, 1, 2, 1}, y);
        assertEquals(7, CostModels.additionsPerFilter(p));
        assertEquals(9 * 4 + 7, CostModels.published(p).total()); // H_out·W_out·kH·kW + apf, ψ = 1, γ = 0
    }

    @Test
    void additionsPerFilterGoesNegativeWhereTheStrideLeavesGaps() {
        // kernel 1, stride 3 on 2 inputs: outputs 0 and 3 receive a product, 1 and 2 do not
        Problem p = ConvTransposeSpec.builder1d(1, 1, 1).stride(3).bias(false).build().problem(1, 2);
        float[] y = new float[p.outputLength()];
        ReferenceKernel.compute(p, ones(2), 0, ones(1), 0, null, 0, y, 0);
        assertArrayEquals(new float[] {1, 0, 0, 1}, y);
        assertEquals(-2, CostModels.additionsPerFilter(p));
        assertEquals(2, CostModels.uncoveredOutputs(p));
    }

    @Test
    void gflopsCountsTwicePerExactMultiplication() {
        Problem p = seed1d();
        assertEquals(12e-9, CostModels.gflops(p, 1.0), 1e-21);
        assertEquals(12.0, CostModels.gflops(p, 1e-9), 1e-12);
    }

    @Test
    void gflopsRejectsNonPositiveTime() {
        Problem p = seed1d();
        for (double bad : new double[] {0, -1, Double.NaN, Double.POSITIVE_INFINITY}) {
            IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                    () -> CostModels.gflops(p, bad));
            org.junit.jupiter.api.Assertions.assertTrue(e.getMessage().contains("seconds"), e.getMessage());
        }
    }

    @Test
    void coverageRejectsABadDimension() {
        Problem p = seed2d();
        IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> CostModels.coverage(p, 2));
        org.junit.jupiter.api.Assertions.assertTrue(e.getMessage().contains("dim=2"), e.getMessage());
    }

    private static float[] ones(int n) {
        float[] a = new float[n];
        Arrays.fill(a, 1f);
        return a;
    }
}
