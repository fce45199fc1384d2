package dev.convt.tests.spec;

import dev.convt.ConvTransposeSpec;
import dev.convt.Plan;
import dev.convt.Planner;
import dev.convt.Problem;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Checks at the edges of what fits: each rule below was removable without any other test noticing.
 */
class SizeLimitExamplesTest {

    @Test
    void anInputTooLargeForAJavaArrayIsRejectedEvenWhenTheOutputFits() {
        // 65,536 channels × 65,536 positions = 2^32 input elements; padding 32,767 on each side crops the
        // output to 65,536 − 1 − 65,534 + 0 + 1 = 2 positions of one channel, and the weight has 65,536 values
        ConvTransposeSpec spec = ConvTransposeSpec.builder1d(65536, 1, 1).padding(32767).build();
        assertEquals(65536, spec.weightLength());
        assertArrayEquals(new int[] {2}, spec.outputSpatial(65536));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> spec.problem(1, 65536, 65536));
        assertTrue(e.getMessage().contains("input") && e.getMessage().contains("4294967296"), e.getMessage());
        // one position fewer per channel fits: 65,536 × 32,767 < 2^31
        Problem fits = ConvTransposeSpec.builder1d(65536, 1, 1).padding(16383).build().problem(1, 65536, 32767);
        assertArrayEquals(new int[] {1, 1, 1}, fits.outputShape());
    }

    @Test
    void theSpanOfADilatedKernelMustFitAnInt() {
        // dilation·(kernel−1)+1 = 2^30·2 + 1 = 2^31 + 1
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ConvTransposeSpec.builder1d(1, 1, 3).dilation(1 << 30).build());
        assertTrue(e.getMessage().contains("dilation") && e.getMessage().contains("kernel_size"), e.getMessage());
        // (2^30 − 1)·2 + 1 = Integer.MAX_VALUE exactly: allowed
        ConvTransposeSpec atLimit = ConvTransposeSpec.builder1d(1, 1, 3).dilation((1 << 30) - 1).build();
        assertEquals((1 << 30) - 1, atLimit.dilation(0));
        // the rule is per dimension: the second of two
        assertThrows(IllegalArgumentException.class,
                () -> ConvTransposeSpec.builder2d(1, 1, 1, 3).dilation(1, 1 << 30).build());
    }

    @Test
    void executeIntoANewArrayChecksItsInput() {
        Problem p = ConvTransposeSpec.builder1d(2, 3, 3).stride(2).build().problem(1, 2, 4);
        Plan plan = Planner.plan(p, new float[p.weightLength()], new float[p.biasLength()]);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> plan.execute(new float[p.inputLength() - 1]));
        assertTrue(e.getMessage().startsWith("input buffer too small"), e.getMessage());
        NullPointerException npe = assertThrows(NullPointerException.class, () -> plan.execute((float[]) null));
        assertEquals("input", npe.getMessage());
        assertEquals(p.outputLength(), plan.execute(new float[p.inputLength()]).length);
    }
}
