package dev.convt.tests.spec;

import dev.convt.ConvTransposeSpec;
import dev.convt.Problem;
import dev.convt.kernel.WarmUpProblem;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The warm-up proxy of a problem, worked out by hand from {@link WarmUpProblem}'s documented rules:
 * channels per group above the cap become cap + c mod 8, at most 2 groups, batch 1, outer spatial sizes
 * at most 4, a width above 128 becomes 64 + width mod 64; everything else is kept.
 */
class WarmUpProblemTest {

    @Test
    void aLargeProblemShrinksToItsResidues() {
        Problem p = ConvTransposeSpec.builder2d(3 * 20, 3 * 30, 3).stride(2).padding(1).groups(3).build().problem(5, 60, 9, 200);
        Problem s = WarmUpProblem.shrink(p, 8);
        // per group: 20 → 8 + 20 mod 8 = 12 in, 30 → 8 + 30 mod 8 = 14 out; 2 groups
        assertEquals(2, s.spec().groups());
        assertEquals(24, s.spec().inChannels());
        assertEquals(28, s.spec().outChannels());
        // batch 1, height min(9, 4) = 4, width 64 + 200 mod 64 = 72
        assertArrayEquals(new int[] {1, 24, 4, 72}, s.inputShape());
        assertEquals(p.spec().stride(1), s.spec().stride(1));
        assertEquals(p.spec().padBegin(0), s.spec().padBegin(0));
    }

    @Test
    void aSmallProblemKeepsItsSizes() {
        // channels at the cap, one group, width 128 (not above 2·64), height 3
        Problem p = ConvTransposeSpec.builder2d(8, 5, 2).build().problem(2, 8, 3, 128);
        Problem s = WarmUpProblem.shrink(p, 8, 5);
        assertArrayEquals(new int[] {1, 8, 3, 128}, s.inputShape());
        assertEquals(5, s.spec().outChannels());
        assertEquals(1, s.spec().groups());
        // one channel over the cap keeps 8 + 9 mod 8 = 9, which is not more than 9
        Problem q = ConvTransposeSpec.builder1d(9, 1, 2).build().problem(1, 9, 10);
        assertEquals(9, WarmUpProblem.shrink(q, 8).spec().inChannels());
    }
}
