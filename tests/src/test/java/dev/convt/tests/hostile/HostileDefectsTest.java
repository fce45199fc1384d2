package dev.convt.tests.hostile;

import com.sun.management.ThreadMXBean;
import dev.convt.ConvTransposeSpec;
import dev.convt.Plan;
import dev.convt.Planner;
import dev.convt.Problem;
import dev.convt.kernel.KernelChoice;
import org.junit.jupiter.api.Test;

import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The numbered defects of the hostile-input report (issue 13), each pinned by the example that showed
 * it: every kernel choice either computes the reference's exact values or rejects the problem with an
 * {@link IllegalArgumentException} before writing ({@link Guarded}).
 */
class HostileDefectsTest {
    private static final int MAX = Integer.MAX_VALUE;

    // ---- defect 1: silent wrong values from int overflow in scatter's phase arithmetic ----

    /** The 1-D example: pad + output passes Integer.MAX_VALUE; one input lands on output 5. */
    @Test
    void padPlusOutputPastTheIntRangeGivesTheRightValues1d() {
        Problem p = ConvTransposeSpec.builder1d(1, 1, 1).stride(65536).pads(new int[] {MAX - 4}, new int[] {65532})
                .build().problem(1, new int[] {32770});
        assertArrayEquals(new int[] {1, 1, 10}, p.outputShape());
        everyChoiceGives(p, new float[] {.5f, .5f, .5f, .5f, .5f, 6.5f, .5f, .5f, .5f, .5f});
    }

    /** The same along the height of a 2-D problem (scatter's row table: {@code oh + pH − kh·dH}). */
    @Test
    void padPlusOutputPastTheIntRangeGivesTheRightValues2d() {
        Problem p = ConvTransposeSpec.builder2d(1, 1, 1).stride(65536, 1).pads(new int[] {MAX - 4, 0}, new int[] {65532, 0})
                .build().problem(1, new int[] {32770, 1});
        assertArrayEquals(new int[] {1, 1, 10, 1}, p.outputShape());
        everyChoiceGives(p, new float[] {.5f, .5f, .5f, .5f, .5f, 6.5f, .5f, .5f, .5f, .5f});
    }

    /**
     * A dilation near Integer.MAX_VALUE with stride 1 and one input: the plan is tiny (no stride to
     * loop over), but pad_begin + output passes the int range; only the last tap lands, on output 9.
     */
    @Test
    void hugeDilationWithPadPlusOutputPastTheIntRangeGivesTheRightValues() {
        Problem p = ConvTransposeSpec.builder1d(1, 1, 2).dilation(MAX - 1).pads(new int[] {MAX - 10}, new int[] {0})
                .build().problem(1, new int[] {1});
        assertArrayEquals(new int[] {1, 1, 10}, p.outputShape());
        float[] x = {3f};
        float[] w = {5f, 2f};
        float[] b = {.5f};
        float[] want = {.5f, .5f, .5f, .5f, .5f, .5f, .5f, .5f, .5f, 6.5f};
        assertArrayEquals(want, Guarded.reference(p, x, w, b), "the reference");
        for (KernelChoice c : Guarded.choices()) {
            Guarded.check(c, p, x, w, b, want);
        }
        assertNotNull(Guarded.check(KernelChoice.AUTO, p, x, w, b, want), "the automatic choice must compute it");
    }

    /** x = 3 everywhere, w = 2, bias 0.5: an output hit by one input is 6.5, every other one 0.5. */
    private static void everyChoiceGives(Problem p, float[] want) {
        float[] x = new float[p.inputLength()];
        Arrays.fill(x, 3f);
        float[] w = {2f};
        float[] b = {.5f};
        assertArrayEquals(want, Guarded.reference(p, x, w, b), "the reference");
        for (KernelChoice c : Guarded.choices()) {
            Guarded.check(c, p, x, w, b, want);
        }
        assertNotNull(Guarded.check(KernelChoice.AUTO, p, x, w, b, want), "the automatic choice must compute it");
    }

    // ---- defect 2: plan cost that grows with a parameter instead of the data ----

    /** Stride 2^30 on a 2-element input (3 outputs): planned with memory of the data's order, not the stride's. */
    @Test
    void hugeStrideOnATinyProblemPlansSmall() {
        int s = 1 << 30;
        Problem p = ConvTransposeSpec.builder1d(1, 1, 1).stride(s).pads(new int[] {1 << 29}, new int[] {(1 << 29) - 2})
                .build().problem(1, new int[] {2});
        assertArrayEquals(new int[] {1, 1, 3}, p.outputShape());
        plansWithinBoundsOnEveryChoice(p);
    }

    /** Stride Integer.MAX_VALUE: was a NegativeArraySizeException from Planner.plan. */
    @Test
    void maxStrideOnATinyProblemPlansSmall() {
        Problem p = ConvTransposeSpec.builder1d(1, 1, 1).stride(MAX).pads(new int[] {MAX / 2}, new int[] {MAX - 2 - MAX / 2})
                .build().problem(1, new int[] {2});
        assertArrayEquals(new int[] {1, 1, 3}, p.outputShape());
        plansWithinBoundsOnEveryChoice(p);
    }

    /**
     * Kernel = stride = 65 536: the reference computes it in milliseconds; scatter's plan looped
     * stride × kernel (2^32) times. The timeout is a guard against that runaway, not a speed goal.
     */
    @Test
    void kernelEqualToAHugeStridePlansQuickly() {
        Problem p = ConvTransposeSpec.builder1d(1, 1, 65536).stride(65536).build().problem(1, new int[] {2});
        assertTimeoutPreemptively(Duration.ofSeconds(5), () -> plansWithinBoundsOnEveryChoice(p));
    }

    /**
     * im2col with Cin/groups = 2^26: its packed X tile (32 panel columns × 2^26 rows) passes an int; it
     * allocated 1.5 GB of packed weights, then threw ArithmeticException. Now it declines with its reason.
     */
    @Test
    void im2colDeclinesAWorkspacePastTheIntRange() {
        Problem p = ConvTransposeSpec.builder1d(1 << 26, 1, 1).bias(false).build().problem(1, new int[] {1});
        float[] w = new float[p.weightLength()];
        for (KernelChoice c : new KernelChoice[] {KernelChoice.AUTO, KernelChoice.IM2COL}) {
            if (!Planner.kernelNames().contains("im2col") && c == KernelChoice.IM2COL) {
                continue;
            }
            try {
                Plan plan = Planner.plan(p, w, 0, null, 0, c);
                assertTrue(plan.packedWeightBytes() + plan.workspaceBytes() <= PlanBounds.bytes(p),
                        () -> plan + " holds " + plan.packedWeightBytes() + " + " + plan.workspaceBytes() + " bytes");
            } catch (IllegalArgumentException e) {
                assertTrue(e.getMessage().contains("declines") && e.getMessage().contains("workspace"), e.getMessage());
            }
        }
    }

    // ---- defect 3: accepted specs whose sizes overflow ----

    /** A 3-D kernel of 2^22·2^21·2^21 = 2^64 taps wrapped to a weight of 0 elements; the spec now rejects it. */
    @Test
    void aKernelVolumePastTheLongRangeIsRejected() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ConvTransposeSpec.builder3d(1, 1, 1 << 22, 1 << 21, 1 << 21).build());
        assertMentions(e, "weight", "kernel_size", "18446744073709551616", "2147483647");
    }

    /** A 65 536 × 65 536 kernel: kernelVolume() and the layers' init bound threw ArithmeticException. */
    @Test
    void aKernelVolumePastTheIntRangeIsRejectedBeforeAnyLayerExists() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ConvTransposeSpec.builder2d(1, 1, 65536, 65536).build());
        assertMentions(e, "weight", "4294967296", "2147483647");
        assertThrows(IllegalArgumentException.class, () -> dev.convt.ConvTranspose2d.builder(1, 1, 65536, 65536).build());
    }

    /** A shape of 2^64 elements wrapped to numel 0 and was accepted with an empty array. */
    @Test
    void aTensorShapePastTheLongRangeIsRejected() {
        int[] shape = {1 << 16, 1 << 16, 1 << 16, 1 << 16};
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new dev.convt.Tensor(shape, new float[0]));
        assertMentions(e, "[65536, 65536, 65536, 65536]", "18446744073709551616");
        assertMentions(assertThrows(IllegalArgumentException.class, () -> dev.convt.Tensor.zeros(1 << 16, 1 << 16)),
                "4294967296", "2147483647");
    }

    // ---- defect 4: raw exceptions instead of a clear message ----

    @Test
    void onnxSameAutoPadPastTheIntRangeNamesItsAttributes() {
        var a = dev.convt.onnx.OnnxConvTranspose.attributes().strides(65536).autoPad("SAME_UPPER");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> dev.convt.onnx.OnnxConvTranspose.problem(a, new int[] {1, 1, 65537}, new int[] {1, 1, 1}, false));
        assertMentions(e, "auto_pad=SAME_UPPER", "strides", "65537*65536", "4295032832", "2147483647");
    }

    @Test
    void onnxOutputShapeWhosePadsPassTheIntRangeNamesItsAttributes() {
        var a = dev.convt.onnx.OnnxConvTranspose.attributes().strides(65536).outputShape(1);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> dev.convt.onnx.OnnxConvTranspose.problem(a, new int[] {1, 1, 65537}, new int[] {1, 1, 1}, false));
        assertMentions(e, "pads", "output_shape=[1]", "strides", "4294967296", "2147483647");
    }

    @Test
    void onnxNullAttributeNameIsRejectedClearly() {
        java.util.Map<String, Object> attrs = new java.util.HashMap<>();
        attrs.put(null, java.util.List.of(2));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> dev.convt.onnx.OnnxConvTranspose.problem(attrs, new int[] {1, 1, 3}, new int[] {1, 1, 3}, false));
        assertMentions(e, "attribute name", "null");
    }

    @Test
    void onnxFullOutputShapeMustAgreeWithXAndW() {
        int[] x = {1, 2, 3}, w = {2, 3, 3};   // N = 1, M = 3
        var wrongN = dev.convt.onnx.OnnxConvTranspose.attributes().outputShape(2, 3, 5);
        assertMentions(assertThrows(IllegalArgumentException.class, () -> dev.convt.onnx.OnnxConvTranspose.problem(wrongN, x, w, false)),
                "output_shape=[2, 3, 5]", "N=1");
        var wrongM = dev.convt.onnx.OnnxConvTranspose.attributes().outputShape(1, 4, 5);
        assertMentions(assertThrows(IllegalArgumentException.class, () -> dev.convt.onnx.OnnxConvTranspose.problem(wrongM, x, w, false)),
                "output_shape=[1, 4, 5]", "M=W[1]*group=3");
        var right = dev.convt.onnx.OnnxConvTranspose.attributes().outputShape(1, 3, 5);
        assertArrayEquals(new int[] {1, 3, 5}, dev.convt.onnx.OnnxConvTranspose.problem(right, x, w, false).outputShape());
    }

    @Test
    void onnxNegativePadsAreReportedUnderOnnxsNameWithEveryValue() {
        var a = dev.convt.onnx.OnnxConvTranspose.attributes().pads(1, -2);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> dev.convt.onnx.OnnxConvTranspose.problem(a, new int[] {1, 1, 5}, new int[] {1, 1, 3}, false));
        assertMentions(e, "pads=[1, -2]", "non-negative");
    }

    @Test
    void aNegativeOffsetIsReportedAsANegativeOffset() {
        Problem p = ConvTransposeSpec.builder1d(1, 1, 2).build().problem(1, new int[] {3});
        Plan plan = Planner.plan(p, new float[2], new float[1]);
        float[] y = new float[p.outputLength()];
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> plan.execute(new float[3], -1, y, 0));
        assertMentions(e, "input", "negative offset", "-1");
        assertTrue(!e.getMessage().contains("too small"), e.getMessage());
        assertMentions(assertThrows(IllegalArgumentException.class, () -> Planner.plan(p, new float[2], -3, new float[1], 0)),
                "weight", "negative offset", "-3");
    }

    // ---- defect 6: numerics that contradicted the documentation ----

    /** Bias −0 and every product −0 (0 × −1): the reference gives −0; im2col gave +0. Exact data, so every kernel must agree bitwise. */
    @Test
    void aSumOfNegativeZerosIsNegativeZeroOnEveryKernel() {
        Problem p = ConvTransposeSpec.builder2d(5, 3, 2).stride(2).build().problem(2, new int[] {3, 4});
        float[] x = new float[p.inputLength()];               // +0 everywhere
        float[] w = new float[p.weightLength()];
        Arrays.fill(w, -1f);                                  // every product +0 × −1 = −0
        float[] b = {-0f, -0f, 1f};
        float[] want = Guarded.reference(p, x, w, b);
        int plane = p.outputPlane();
        for (int i = 0; i < want.length; i++) {
            float expected = (i / plane) % 3 == 2 ? 1f : -0f; // −0 + −0 + … = −0 (IEEE 754 §6.3); 1 + −0 = 1
            assertEquals0(expected, want[i], "reference at " + i);
        }
        for (KernelChoice c : Guarded.choices()) {
            assertNotNull(Guarded.check(c, p, x, w, b, want), c + " must take this problem");
        }
    }

    // ---- an empty batch (N = 0): an empty output, as PyTorch and ONNX Runtime ----

    @Test
    void anEmptyBatchGivesAnEmptyOutputOnEveryEntryPoint() {
        ConvTransposeSpec spec = ConvTransposeSpec.builder2d(1, 2, 3).stride(2).build();
        Problem p = spec.problem(0, 1, 3, 3);
        assertArrayEquals(new int[] {0, 2, 7, 7}, p.outputShape());
        assertEquals0(0, p.outputLength(), "output length");
        float[] w = new float[spec.weightLength()];
        for (KernelChoice c : Guarded.choices()) {
            if (!Guarded.takes(c, p)) {
                continue;
            }
            Plan plan = Planner.plan(p, w, 0, new float[2], 0, c);
            assertEquals0(0, plan.execute(new float[0]).length, c + " output");
            float[] y = {7f};
            plan.execute(new float[0], 0, y, 1);
            assertEquals0(7f, y[0], c + " wrote outside its empty output");
        }
        dev.convt.ConvTranspose2d layer = dev.convt.ConvTranspose2d.builder(1, 2, 3).stride(2).build();
        assertArrayEquals(new int[] {0, 2, 7, 7}, layer.forward(new dev.convt.Tensor(new int[] {0, 1, 3, 3}, new float[0])).shape());
        assertArrayEquals(new int[] {0, 2, 8, 8}, layer.forward(new dev.convt.Tensor(new int[] {0, 1, 3, 3}, new float[0]), 8, 8).shape());
        layer.forward(new float[0], 0, new int[] {0, 1, 3, 3}, new float[0], 0);
        // ONNX Runtime's DimWithZero: X [0, 1, 3, 3]
        Problem onnx = dev.convt.onnx.OnnxConvTranspose.problem(dev.convt.onnx.OnnxConvTranspose.attributes(),
                new int[] {0, 1, 3, 3}, new int[] {1, 2, 3, 3}, true);
        assertArrayEquals(new int[] {0, 2, 5, 5}, onnx.outputShape());
        // other zero sizes keep their errors
        assertThrows(IllegalArgumentException.class, () -> spec.problem(1, 1, 0, 3));
        assertThrows(IllegalArgumentException.class, () -> spec.problem(1, 0, 3, 3));
    }

    // ---- aliasing (issue 11): input and output overlapping in one array ----

    @Test
    void overlappingInputAndOutputAreRejectedWithNothingWritten() {
        Problem p = ConvTransposeSpec.builder1d(1, 1, 3).build().problem(1, new int[] {4});   // 4 in, 6 out
        float[] w = {1f, 2f, 3f};
        float[] b = {1f};
        for (KernelChoice c : Guarded.choices()) {
            Plan plan = Planner.plan(p, w, 0, b, 0, c);
            float[] buf = new float[12];
            for (int i = 0; i < buf.length; i++) {
                buf[i] = i;
            }
            float[] before = buf.clone();
            for (int yOffset : new int[] {0, 2, 3}) {                      // output [yOffset, yOffset + 6) meets input [3, 7)
                IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> plan.execute(buf, 3, buf, yOffset));
                assertMentions(e, "overlap");
                assertArrayEquals(before, buf, c + " wrote into an overlapping buffer");
            }
            plan.execute(buf, 0, buf, 4);                                  // disjoint ranges of one array: allowed
            float[] want = Guarded.reference(p, Arrays.copyOf(before, 4), w, b);
            assertArrayEquals(want, Arrays.copyOfRange(buf, 4, 10), c + " on disjoint ranges of one array");
        }
        dev.convt.ConvTranspose1d layer = dev.convt.ConvTranspose1d.builder(1, 1, 3).build();
        float[] buf = new float[12];
        assertMentions(assertThrows(IllegalArgumentException.class, () -> layer.forward(buf, 0, new int[] {1, 1, 4}, buf, 2)), "overlap");
        assertMentions(assertThrows(IllegalArgumentException.class,
                () -> dev.convt.kernel.ReferenceKernel.compute(p, buf, 0, w, 0, b, 0, buf, 1)), "overlap");
    }

    private static void assertEquals0(float want, float got, String what) {
        assertTrue(Float.floatToRawIntBits(want) == Float.floatToRawIntBits(got), () -> what + ": " + got + " instead of " + want);
    }

    private static void assertMentions(Throwable e, String... words) {
        for (String w : words) {
            assertTrue(e.getMessage() != null && e.getMessage().contains(w), () -> "message '" + e.getMessage() + "' lacks '" + w + "'");
        }
    }

    private static void plansWithinBoundsOnEveryChoice(Problem p) {
        float[] x = Guarded.smallInts(p.inputLength(), 1);
        float[] w = Guarded.smallInts(p.weightLength(), 2);
        float[] b = {1f};
        float[] want = Guarded.reference(p, x, w, b);
        ThreadMXBean threads = (ThreadMXBean) ManagementFactory.getThreadMXBean();
        for (KernelChoice c : Guarded.choices()) {
            long before = threads.getCurrentThreadAllocatedBytes();
            Plan plan = Guarded.check(c, p, x, w, b, want);
            long allocated = threads.getCurrentThreadAllocatedBytes() - before;
            if (plan != null) {
                long bound = PlanBounds.bytes(p);
                assertTrue(plan.packedWeightBytes() + plan.workspaceBytes() <= bound, () -> plan + " reports "
                        + plan.packedWeightBytes() + " + " + plan.workspaceBytes() + " bytes, more than " + bound);
                // planning and one execution allocate of the order of the data, not of the stride
                assertTrue(allocated <= 4 * bound, () -> c + " allocated " + allocated + " bytes on " + p);
            }
        }
    }
}
