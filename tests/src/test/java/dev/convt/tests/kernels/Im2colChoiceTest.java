package dev.convt.tests.kernels;

import dev.convt.Planner;
import dev.convt.Problem;
import dev.convt.kernel.Kernel;
import dev.convt.kernel.KernelChoice;
import dev.convt.testkit.Problems;
import dev.convt.vector.Im2colKernel;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The im2col kernel's place in the automatic choice: its documented decline rules; and that the vector kernels together cover every rank. */
class Im2colChoiceTest {

    @Provide
    Arbitrary<Problem> problems() {
        return Problems.problems(1, 3, 2, 4);
    }

    @Property(tries = 50)
    void declinesForTheAutomaticChoiceExactlyWhenRank1Or2WithFewInputChannelsPerGroup(@ForAll("problems") Problem p) {
        Kernel im2col = Planner.kernel(KernelChoice.IM2COL);
        boolean shallow = p.spec().inChannelsPerGroup() < Im2colKernel.AUTO_MIN_CHANNELS_PER_GROUP && p.rank() < 3;
        assertNull(im2col.declineReason(p), () -> "declineReason: " + im2col.declineReason(p));
        assertEquals(shallow, im2col.autoDeclineReason(p) != null, () -> "autoDeclineReason: " + im2col.autoDeclineReason(p));
        if (shallow) {
            assertNotEquals(Im2colKernel.NAME, Planner.choose(p).name());
        }
    }

    /**
     * The automatic rule at its bound: exactly {@link Im2colKernel#AUTO_MIN_CHANNELS_PER_GROUP} input
     * channels per group are taken, one fewer is left to direct scatter in rank 1 and 2, kept in rank 3.
     */
    @Example
    void theShallowBoundIsInclusive() {
        Kernel im2col = Planner.kernel(KernelChoice.IM2COL);
        int least = Im2colKernel.AUTO_MIN_CHANNELS_PER_GROUP;
        assertNull(im2col.autoDeclineReason(dev.convt.ConvTransposeSpec.builder2d(least, 3, 4).stride(2).build().problem(1, new int[] {5, 5})));
        String why = im2col.autoDeclineReason(dev.convt.ConvTransposeSpec.builder2d(least - 1, 3, 4).stride(2).build().problem(1, new int[] {5, 5}));
        assertTrue(why != null && why.contains("Cin/groups = " + (least - 1)), () -> why);
        assertNull(im2col.autoDeclineReason(dev.convt.ConvTransposeSpec.builder(3, least - 1, 3, 2, 2, 2).stride(2, 2, 2).build()
                .problem(1, new int[] {3, 3, 3})));
    }

    @Example
    void aDenseLayerGoesToIm2colAndADepthwiseOneDoesNot() {
        Problem dense = dev.convt.ConvTransposeSpec.builder2d(64, 32, 4, 4).stride(2).padding(1).build().problem(1, new int[] {8, 8});
        assertEquals(Im2colKernel.NAME, Planner.choose(dense).name());
        Problem depthwise = dev.convt.ConvTransposeSpec.builder2d(21, 21, 16, 16).stride(8).padding(4).groups(21).bias(false)
                .build().problem(1, new int[] {4, 4});
        String why = Planner.kernel(KernelChoice.IM2COL).autoDeclineReason(depthwise);
        assertNotNull(why);
        assertTrue(why.contains("Cin/groups = 1"), why);
        // still available on request
        assertNull(Planner.kernel(KernelChoice.IM2COL).declineReason(depthwise));
    }

    @Property(tries = 50)
    void theAutomaticChoiceLeavesNoProblemToTheScalarReference(@ForAll("problems") Problem p) {
        // with the vector kernels available, no problem of any rank falls to the reference
        String chosen = Planner.choose(p).name();
        assertNotEquals("reference", chosen, () -> "auto chose the reference for " + p);
    }

    /** A 3-D U-Net decoder's up-convolution and a DCGAN head (one input position) go to im2col. */
    @Example
    void a3dUpConvolutionAndASinglePositionProjectionGoToIm2col() {
        Problem unet3d = dev.convt.ConvTransposeSpec.builder(3, 64, 32, new int[] {2, 2, 2}).stride(2, 2, 2).build()
                .problem(1, new int[] {8, 8, 8});
        assertEquals(Im2colKernel.NAME, Planner.choose(unet3d).name());
        Problem head = dev.convt.ConvTransposeSpec.builder2d(100, 512, 4, 4).bias(false).build().problem(16, new int[] {1, 1});
        assertEquals(Im2colKernel.NAME, Planner.choose(head).name());
    }

    /**
     * The three size rules decline with a reason naming their cause, and the automatic choice gives the
     * same reason: a column count with no room for panel padding in an int (2 images of 2^30 − 1
     * positions), packed weights past a Java array (Cin 2 × a kernel of 2^30 − 1 taps, rounded up to whole
     * MR panels: just over 2^31 floats), and a packed X tile past a Java array (Cin/groups = 2^28 − 4, times at
     * least 8 panel columns, plus the column block). Only the spec and shape are needed: nothing is allocated.
     */
    @Example
    void sizeRulesDeclineWithTheirCause() {
        Kernel k = new Im2colKernel();
        Problem columns = dev.convt.ConvTransposeSpec.builder1d(1, 1, 1).bias(false).build().problem(2, 1, (1 << 30) - 1);
        Problem packed = dev.convt.ConvTransposeSpec.builder1d(2, 1, (1 << 30) - 1).bias(false).build().problem(1, 2, 2);
        // 2^28 − 4 input channels: the packed weights (one panel of up to 8 rows) still fit an array
        Problem tile = dev.convt.ConvTransposeSpec.builder1d((1 << 28) - 4, 1, 1).bias(false).build().problem(1, (1 << 28) - 4, 2);
        assertEquals((1L << 31) - 2, packed.weightLength());
        String[] causes = {"leaves no room to pad it to whole panels", "the packed weights", "the workspace (packed X tile"};
        Problem[] problems = {columns, packed, tile};
        for (int i = 0; i < problems.length; i++) {
            String why = k.declineReason(problems[i]);
            assertTrue(why != null && why.contains(causes[i]), problems[i] + ": " + why);
            assertEquals(why, k.autoDeclineReason(problems[i]), "the automatic choice gives the kernel's own reason");
        }
    }
}
