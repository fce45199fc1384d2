package dev.convt.tests.hostile;

import dev.convt.Plan;
import dev.convt.Problem;
import dev.convt.kernel.KernelChoice;
import dev.convt.ConvTransposeSpec;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.statistics.Statistics;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The hostile-spec suite: generated problems whose strides, dilations and pads reach toward
 * {@code Integer.MAX_VALUE}, kernels toward 2<sup>16</sup> taps and outputs of a few elements
 * ({@link HostileSpecs}), with small-integer data so every result is exact. Through every kernel
 * choice (the automatic one, the reference, scatter, im2col), each problem is either computed with
 * the reference's values, bitwise, or rejected with an {@link IllegalArgumentException} before
 * anything is written ({@link Guarded}); and every plan's memory stays within {@link PlanBounds}.
 */
class HostileSpecProperties {

    @Provide
    Arbitrary<HostileSpecs.Hostile> hostile() {
        return HostileSpecs.problems();
    }

    @Property
    void everyKernelComputesTheReferenceOrRejectsBeforeWriting(@ForAll("hostile") HostileSpecs.Hostile h) {
        Problem p;
        try {
            p = h.problem();
        } catch (IllegalArgumentException e) {
            Statistics.label("problem").collect("rejected by the spec");
            return;
        }
        Statistics.label("problem").collect(p.isEmpty() ? "empty batch" : "valid");
        Statistics.label("int range passed").collect(passesIntRange(p));
        float[] x = Guarded.smallInts(p.inputLength(), 1);
        float[] w = Guarded.smallInts(p.weightLength(), 2);
        float[] b = p.spec().hasBias() ? Guarded.smallInts(p.spec().outChannels(), 3) : null;
        Problem problem = p;
        // a guard against plans that loop over a stride or pad (a try takes milliseconds), not a speed goal
        List<String> taken = assertTimeoutPreemptively(TRY_LIMIT, () -> everyChoice(problem, x, w, b),
                () -> "a try took longer than " + TRY_LIMIT + " on " + problem);
        for (int i = 0; i < taken.size(); i++) {
            Statistics.label(Guarded.choices().get(i).kernelName()).collect(taken.get(i));
        }
    }

    /**
     * A shrunk find of the property above: a width stride of 2^24 on rows of 4 outputs. Scatter looped over
     * every phase of the stride on each row (over 10 s); it now visits the outputs' phases only.
     */
    @Example
    void aStrideFarWiderThanTheRowCostsTheRowNotTheStride() {
        Problem p = ConvTransposeSpec.builder2d(10, 6, 65472, 1).stride(1, 1 << 24)
                .pads(new int[] {130941, 1764}, new int[] {0, 1764}).outputPadding(0, 3531).dilation(2, 2)
                .groups(2).bias(true).build().problem(1, 10, 1, 1);
        float[] x = Guarded.smallInts(p.inputLength(), 1);
        float[] w = Guarded.smallInts(p.weightLength(), 2);
        float[] b = Guarded.smallInts(p.spec().outChannels(), 3);
        List<String> taken = assertTimeoutPreemptively(TRY_LIMIT, () -> everyChoice(p, x, w, b), p::toString);
        assertTrue(taken.contains("scatter"), () -> "scatter should take " + p + ": " + taken);
    }

    /**
     * A find of the property above: a stride and pads of about 2^31 on a 3-long input, whose 9 outputs
     * per channel each lie in a super-pixel of their own. The sub-pixel kernel indexed its output
     * through {@code super-pixel · stride − pad} plus a first phase that can be near the stride; the sum
     * overflowed int inside a bound (an ArrayIndexOutOfBoundsException from inside the kernel). It now
     * computes them, channels first and channels last.
     */
    @Example
    void aStrideNearTheIntLimitDoesNotOverflowAnOutputIndex() {
        Problem p = ConvTransposeSpec.builder1d(1, 3, 2).stride(Integer.MAX_VALUE)
                .pads(new int[] {Integer.MAX_VALUE - 1}, new int[] {Integer.MAX_VALUE}).outputPadding(6)
                .bias(true).build().problem(1, 3);
        float[] x = Guarded.smallInts(p.inputLength(), 1);
        float[] w = Guarded.smallInts(p.weightLength(), 2);
        float[] b = Guarded.smallInts(p.spec().outChannels(), 3);
        List<String> taken = assertTimeoutPreemptively(TRY_LIMIT, () -> everyChoice(p, x, w, b), p::toString);
        assertTrue(taken.contains("subpixel"), () -> "subpixel should take " + p + ": " + taken);
        // channels last (one input channel: the input is the same memory), whose write-out clamps apart
        Problem last = p.withLayout(dev.convt.Layout.CHANNELS_LAST);
        float[] first = Guarded.reference(p, x, w, b);
        int cout = p.spec().outChannels(), positions = first.length / cout;
        float[] want = new float[first.length];
        for (int c = 0; c < cout; c++) {
            for (int q = 0; q < positions; q++) {
                want[q * cout + c] = first[c * positions + q];
            }
        }
        for (KernelChoice c : Guarded.choices()) {
            Plan plan = Guarded.check(c, last, x, w, b, want);
            assertTrue(c != KernelChoice.SUBPIXEL || plan != null, () -> "subpixel should take " + last);
        }
    }

    /** Far above any try's time (the reference's work is at most 2^20 products); only a runaway plan reaches it. */
    private static final Duration TRY_LIMIT = Duration.ofSeconds(10);

    /** Runs every choice through {@link Guarded#check} and the plan bound; returns the kernel each took, or "rejected". */
    private static List<String> everyChoice(Problem p, float[] x, float[] w, float[] b) {
        float[] want = Guarded.reference(p, x, w, b);
        List<String> taken = new ArrayList<>();
        for (KernelChoice c : Guarded.choices()) {
            Plan plan = Guarded.check(c, p, x, w, b, want);
            taken.add(plan == null ? "rejected" : plan.kernelName());
            if (plan != null) {
                long bound = PlanBounds.bytes(p);
                assertTrue(plan.packedWeightBytes() + plan.workspaceBytes() <= bound, () -> plan + " holds "
                        + plan.packedWeightBytes() + " + " + plan.workspaceBytes() + " bytes, above the bound " + bound);
                assertTrue(plan.packedWeightBytes() >= 0 && plan.workspaceBytes() >= 0, plan::toString);
            }
        }
        return taken;
    }

    /** Whether some size the kernels index with (stride·input, pads + output) passes the int range. */
    private static boolean passesIntRange(Problem p) {
        for (int d = 0; d < p.rank(); d++) {
            var s = p.spec();
            long frame = (long) p.outputSpatial()[d] + s.padBegin(d) + s.padEnd(d);
            if (frame > Integer.MAX_VALUE || (long) (p.inputSpatial()[d] - 1) * s.stride(d) > Integer.MAX_VALUE) {
                return true;
            }
        }
        return false;
    }
}
