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
