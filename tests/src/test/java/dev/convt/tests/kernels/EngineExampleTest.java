package dev.convt.tests.kernels;

import dev.convt.Activation;
import dev.convt.ConvTransposeSpec;
import dev.convt.Layout;
import dev.convt.PackedWeights;
import dev.convt.Parallelism;
import dev.convt.Plan;
import dev.convt.Planner;
import dev.convt.Problem;
import dev.convt.testkit.TestData;
import net.jqwik.api.Example;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * README's engine example, run as written (fewer channels): weights packed once, NHWC input and
 * output, ReLU fused, two threads, two batch sizes over the same packed weights; each output is the
 * reference's, transposed to NHWC, bit for bit (small-integer data, so every sum is exact).
 */
class EngineExampleTest {

    @Example
    void theReadmeEngineExampleComputesTheReferenceBits() {
        ConvTransposeSpec spec = ConvTransposeSpec.builder2d(64, 32, 4).stride(2).padding(1)
                .activation(Activation.relu()).build();
        float[] w = TestData.smallInts(spec.weightLength(), 11), b = TestData.smallInts(32, 12);
        PackedWeights packed = Planner.pack(spec, w, 0, b, 0);
        for (int batch : new int[] {3, 1}) {
            Problem nchw = spec.problem(batch, 64, 5, 6);
            Plan plan = Planner.plan(nchw.withLayout(Layout.CHANNELS_LAST), packed).withParallelism(Parallelism.threads(2));
            plan.warmUp();
            float[] x = TestData.smallInts(nchw.inputLength(), 13 + batch);
            float[] y = new float[nchw.outputLength()];
            plan.execute(LayoutAgreementTest.channelsLast(x, batch, 64, nchw.inputPlane()), 0, y, 0);
            float[] expected = LayoutAgreementTest.channelsLast(FastKernels.reference(nchw, x, w, b), batch, 32, nchw.outputPlane());
            assertEquals(-1, FastKernels.firstBitDifference(expected, y), () -> plan + " differs from the reference in NHWC");
        }
        assertEquals(1, packed.packsMade(), "both batch sizes plan over one pack");
    }
}
