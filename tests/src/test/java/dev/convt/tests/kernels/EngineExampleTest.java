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
 * README's engine examples, run as written (fewer channels): weights packed once (from native
 * segments, or from arrays), NHWC input and output (off-heap with a caller's scratchpad, or arrays),
 * ReLU fused, two threads, two batch sizes over the same packed weights; each output is the
 * reference's, transposed to NHWC, bit for bit (small-integer data, so every sum is exact).
 */
class EngineExampleTest {
    /** README's layer with fewer channels: 64 → 32, k4 s2 p1, ReLU fused. */
    private static final ConvTransposeSpec SPEC = ConvTransposeSpec.builder2d(64, 32, 4).stride(2).padding(1)
            .activation(Activation.relu()).build();

    @Example
    void theReadmeEngineExampleComputesTheReferenceBits() {
        ConvTransposeSpec spec = SPEC;
        float[] w = TestData.smallInts(spec.weightLength(), 11), b = TestData.smallInts(32, 12);
        try (Arena arena = Arena.ofShared()) {
            PackedWeights packed = Planner.pack(spec, native_(arena, w), native_(arena, b));
            for (int batch : new int[] {3, 1}) {
                Problem nchw = spec.problem(batch, 64, 5, 6);
                Plan plan = Planner.plan(nchw.withLayout(Layout.CHANNELS_LAST), packed).withParallelism(Parallelism.threads(2));
                plan.warmUp(true);
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

    @Example
    void theReadmeArraysExampleComputesTheReferenceBits() {
        ConvTransposeSpec spec = SPEC;
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
