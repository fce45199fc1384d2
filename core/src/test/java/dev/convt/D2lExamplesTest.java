package dev.convt;

import dev.convt.kernel.KernelChoice;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

/** The worked examples of d2l's "Transposed Convolution" (shared/seeds/004_*), on the reference kernel. */
class D2lExamplesTest {
    private static final float[] X = {0, 1, 2, 3};
    private static final float[] K = {0, 1, 2, 3};

    private static Tensor run(ConvTransposeSpec spec) {
        Plan plan = Planner.plan(spec.problem(1, 1, 2, 2), K, 0, null, 0, KernelChoice.REFERENCE);
        return plan.forward(new Tensor(new int[] {1, 1, 2, 2}, X));
    }

    @Test
    void basic() {
        Tensor y = run(ConvTransposeSpec.builder2d(1, 1, 2).bias(false).build());
        assertArrayEquals(new int[] {1, 1, 3, 3}, y.shape());
        assertArrayEquals(new float[] {0, 0, 1, 0, 4, 6, 4, 12, 9}, y.data());
    }

    @Test
    void stride2() {
        Tensor y = run(ConvTransposeSpec.builder2d(1, 1, 2).stride(2).bias(false).build());
        assertArrayEquals(new int[] {1, 1, 4, 4}, y.shape());
        assertArrayEquals(new float[] {0, 0, 0, 1, 0, 0, 2, 3, 0, 2, 0, 3, 4, 6, 6, 9}, y.data());
    }

    @Test
    void padding1() {
        Tensor y = run(ConvTransposeSpec.builder2d(1, 1, 2).padding(1).bias(false).build());
        assertArrayEquals(new int[] {1, 1, 1, 1}, y.shape());
        assertArrayEquals(new float[] {4}, y.data());
    }

    @Test
    void layerGivesTheSameWithLoadedWeights() {
        ConvTranspose2d layer = ConvTranspose2d.builder(1, 1, 2).bias(false).build();
        System.arraycopy(K, 0, layer.weight().data(), 0, 4);
        Tensor y = layer.forward(new Tensor(new int[] {1, 1, 2, 2}, X));
        assertArrayEquals(new float[] {0, 0, 1, 0, 4, 6, 4, 12, 9}, y.data());
    }

    /** The seeds' shape examples: Conv2d(k=5, p=2, s=3) maps 16 → 6 and the transposed layer maps 6 back to 16; with k=3 it gives 14. */
    @Test
    void seedShapeExamples() {
        assertArrayEquals(new int[] {1, 10, 16, 16},
                ConvTransposeSpec.builder2d(20, 10, 5).padding(2).stride(3).build().problem(1, 20, 6, 6).outputShape());
        assertArrayEquals(new int[] {1, 10, 14, 14},
                ConvTransposeSpec.builder2d(20, 10, 3).padding(2).stride(3).build().problem(1, 20, 6, 6).outputShape());
        assertArrayEquals(new int[] {1, 1, 4, 4},
                ConvTransposeSpec.builder2d(1, 1, 2).stride(2).bias(false).build().problem(1, 1, 2, 2).outputShape());
    }
}
