package dev.convt.tests.kernels;

import dev.convt.ConvTransposeSpec;
import dev.convt.Parallelism;
import dev.convt.Plan;
import dev.convt.Planner;
import dev.convt.Problem;
import dev.convt.kernel.KernelChoice;
import dev.convt.testkit.Agreement;
import dev.convt.testkit.Engine;
import dev.convt.testkit.TestData;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Single-position inputs on im2col, against the reference (bitwise on small integers): past one
 * block of images (a batch of 100 is more than the GEMM's MC rows at every width) and past one N
 * tile of outputs (a deep K narrows the tile, so M = Cout·Πk spans several), grouped or not; and the
 * single-position problems the one-GEMM path must leave to col2im (padding, output_padding,
 * dilation: the output is then not the kernel itself).
 */
class Im2colProjectionTest {

    private static final Engine IM2COL = Engine.of(KernelChoice.IM2COL);

    static List<Problem> problems() {
        return List.of(
                ConvTransposeSpec.builder2d(200, 40, 3, 3).build().problem(100, new int[] {1, 1}),
                ConvTransposeSpec.builder2d(200, 40, 3, 3).groups(2).bias(false).build().problem(100, new int[] {1, 1}),
                ConvTransposeSpec.builder1d(300, 70, 5).build().problem(7, new int[] {1}),
                ConvTransposeSpec.builder2d(16, 24, 4, 4).padding(1).build().problem(3, new int[] {1, 1}),
                ConvTransposeSpec.builder2d(16, 24, 3, 3).stride(2).outputPadding(1).build().problem(3, new int[] {1, 1}),
                ConvTransposeSpec.builder2d(16, 24, 3, 3).dilation(2).build().problem(3, new int[] {1, 1}),
                ConvTransposeSpec.builder3d(12, 10, 3, 3, 3).padding(1).build().problem(2, new int[] {1, 1, 1}),
                // rank 3 with the same departure on all three axes (no axis of the 3-D view left plain), one-sided pads too
                ConvTransposeSpec.builder3d(6, 5, 3, 3, 3).pads(new int[] {1, 1, 1}, new int[] {0, 0, 0}).build().problem(2, new int[] {1, 1, 1}),
                ConvTransposeSpec.builder3d(6, 5, 3, 3, 3).pads(new int[] {0, 0, 0}, new int[] {1, 1, 1}).build().problem(2, new int[] {1, 1, 1}),
                ConvTransposeSpec.builder3d(6, 5, 3, 3, 3).dilation(2).build().problem(2, new int[] {1, 1, 1}),
                ConvTransposeSpec.builder3d(6, 5, 3, 3, 3).stride(2).outputPadding(1).build().problem(2, new int[] {1, 1, 1}));
    }

    @Test
    void singlePositionInputsAgreeBitwiseWithTheReference() {
        long seed = 11;
        for (Problem p : problems()) {
            Agreement.assertBitwiseOnSmallIntegers(IM2COL, p, seed++);
        }
    }

    @Test
    void twoThreadsGiveTheOneThreadBits() {
        for (Problem p : problems()) {
            float[] x = TestData.uniform(p.inputLength(), 5);
            float[] w = TestData.uniform(p.weightLength(), 6);
            float[] b = p.spec().hasBias() ? TestData.uniform(p.spec().outChannels(), 7) : null;
            Plan plan = Planner.plan(p, w, 0, b, 0, KernelChoice.IM2COL);
            float[] one = plan.execute(x);
            float[] two = new float[one.length];
            plan.execute(x, 0, two, 0, Parallelism.threads(2).withMinTaskWork(1));
            assertEquals(-1, Agreement.firstBitDifference(one, two), p.toString());
        }
    }

    /**
     * The two packed layouts have their documented names (the projection's B, the GEMM's A panels), so a
     * spec planned for a single position and for a larger input keeps one pack of each.
     */
    @Test
    void theProjectionAndTheGemmHaveTheirOwnPackLayouts() {
        ConvTransposeSpec spec = ConvTransposeSpec.builder2d(8, 6, 3).build();
        dev.convt.kernel.Kernel im2col = Planner.kernel(KernelChoice.IM2COL);
        assertEquals("projection-b", im2col.packLayout(spec.problem(2, 8, 1, 1)));
        assertEquals("gemm-a", im2col.packLayout(spec.problem(2, 8, 3, 3)));
        dev.convt.PackedWeights packed = Planner.pack(spec, TestData.smallInts(spec.weightLength(), 1), TestData.smallInts(6, 2));
        Planner.plan(spec.problem(2, 8, 1, 1), packed, KernelChoice.IM2COL);
        Planner.plan(spec.problem(2, 8, 3, 3), packed, KernelChoice.IM2COL);
        assertEquals(List.of("im2col/gemm-a", "im2col/projection-b"), packed.packLayouts());
    }
}
