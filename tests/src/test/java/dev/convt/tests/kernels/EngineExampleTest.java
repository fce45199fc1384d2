package dev.convt.tests.kernels;

import dev.convt.Activation;
import dev.convt.ConvTransposeSpec;
import dev.convt.Layout;
import dev.convt.PackedWeights;
import dev.convt.Parallelism;
import dev.convt.Plan;
import dev.convt.Planner;
import dev.convt.Problem;
import dev.convt.Scratchpad;
import dev.convt.testkit.TestData;
import net.jqwik.api.Example;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * README's engine example, run as written (smaller channels): weights packed from native segments,
 * NHWC off-heap input and output, ReLU fused, two threads, a caller's scratchpad, two batch sizes
 * over the same packed weights; each output is the reference's, transposed to NHWC, bit for bit
 * (small-integer data, so every sum is exact).
 */
class EngineExampleTest {

    @Example
    void theReadmeEngineExampleComputesTheReferenceBits() {
        ConvTransposeSpec spec = ConvTransposeSpec.builder2d(64, 32, 4).stride(2).padding(1)
                .activation(Activation.relu()).build();
        float[] w = TestData.smallInts(spec.weightLength(), 11), b = TestData.smallInts(32, 12);
        try (Arena arena = Arena.ofShared()) {
            PackedWeights packed = Planner.pack(spec, native_(arena, w), native_(arena, b));
            for (int batch : new int[] {3, 1}) {
                Problem nchw = spec.problem(batch, 64, 5, 6);
                Plan plan = Planner.plan(nchw.withLayout(Layout.CHANNELS_LAST), packed).withParallelism(Parallelism.threads(2));
                plan.warmUp();
                float[] x = TestData.smallInts(nchw.inputLength(), 13 + batch);
                MemorySegment xs = native_(arena, LayoutAgreementTest.channelsLast(x, batch, 64, nchw.inputPlane()));
                MemorySegment ys = arena.allocate(4L * nchw.outputLength(), 64);
                Scratchpad scratch = plan.newScratchpad();
                plan.execute(xs, 0, ys, 0, plan.parallelism(), scratch);
                float[] expected = LayoutAgreementTest.channelsLast(FastKernels.reference(nchw, x, w, b), batch, 32, nchw.outputPlane());
                assertEquals(-1, FastKernels.firstBitDifference(expected, ys.toArray(ValueLayout.JAVA_FLOAT)),
                        () -> plan + " differs from the reference in NHWC");
            }
            assertEquals(1, packed.packsMade(), "both batch sizes plan over one pack");
        }
    }

    private static MemorySegment native_(Arena arena, float[] data) {
        MemorySegment s = arena.allocate(4L * data.length, 64);
        MemorySegment.copy(data, 0, s, ValueLayout.JAVA_FLOAT, 0, data.length);
        return s;
    }
}
