package dev.convt.tests.hostile;

import dev.convt.Plan;
import dev.convt.Planner;
import dev.convt.Problem;
import dev.convt.kernel.KernelChoice;
import dev.convt.kernel.ReferenceKernel;

import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.fail;

/**
 * Runs a problem through one kernel choice into an output with guard zones on both sides, and holds
 * the hostile-input contract: the kernel either computes the reference's exact values (bitwise) and
 * writes nothing outside the output, or rejects the problem with an {@link IllegalArgumentException}
 * before writing anything. Any other exception, or any partial write, fails the test.
 */
final class Guarded {
    private Guarded() {}

    /** Elements of guard zone on each side of the output. */
    static final int GUARD = 19;

    /** A NaN with a payload no kernel computes: an element still holding it was never written. */
    static final float SENTINEL = Float.intBitsToFloat(0x7fc0_dead);

    /** Every kernel choice: the automatic one and each available kernel, reference included. */
    static List<KernelChoice> choices() {
        java.util.ArrayList<KernelChoice> all = new java.util.ArrayList<>();
        all.add(KernelChoice.AUTO);
        for (String n : Planner.kernelNames()) {
            all.add(KernelChoice.parse(n));
        }
        return all;
    }

    /**
     * Whether the choice says it takes the problem: the automatic one always does; a kernel that covers
     * only part of rank 1 and 2 (the sub-pixel kernel) may decline with a reason. Checks of "every kernel
     * computes this" apply to the choices that take it; which problems im2col and scatter must take is
     * pinned by their own tests.
     */
    static boolean takes(KernelChoice c, Problem p) {
        return c == KernelChoice.AUTO || Planner.kernel(c).declineReason(p) == null;
    }

    /** The reference's output, computed straight by the scalar definition (no plan). */
    static float[] reference(Problem p, float[] x, float[] w, float[] b) {
        float[] y = new float[p.outputLength()];
        ReferenceKernel.compute(p, x, 0, w, 0, b, 0, y, 0);
        return y;
    }

    /**
     * Plans and executes on {@code choice}, checking the contract against {@code expected}.
     *
     * @return the plan, or null if the choice rejected the problem (with an IllegalArgumentException, nothing written)
     */
    static Plan check(KernelChoice choice, Problem p, float[] x, float[] w, float[] b, float[] expected) {
        return check(choice, p, x, w, b, expected, false);
    }

    /**
     * {@link #check(KernelChoice, Problem, float[], float[], float[], float[])}, where with {@code anyNaN}
     * a NaN matches any NaN (the numerics contract fixes where NaN appears, not its sign or payload).
     */
    static Plan check(KernelChoice choice, Problem p, float[] x, float[] w, float[] b, float[] expected, boolean anyNaN) {
        float[] y = new float[GUARD + p.outputLength() + GUARD];
        Arrays.fill(y, SENTINEL);
        Plan plan;
        try {
            plan = Planner.plan(p, w, 0, b, 0, choice);
            plan.execute(x, 0, y, GUARD);
        } catch (IllegalArgumentException e) {
            assertUntouched(y, 0, y.length, choice + " rejected " + p + " (" + e.getMessage() + ") but wrote");
            return null;
        } catch (RuntimeException | Error e) {
            throw new AssertionError(choice + " threw " + e + " on " + p + "; only IllegalArgumentException is allowed", e);
        }
        assertUntouched(y, 0, GUARD, choice + " wrote before the output of " + p);
        assertUntouched(y, GUARD + p.outputLength(), y.length, choice + " wrote past the output of " + p);
        for (int i = 0; i < expected.length; i++) {
            int got = Float.floatToRawIntBits(y[GUARD + i]);
            int want = Float.floatToRawIntBits(expected[i]);
            if (got != want && !(anyNaN && Float.isNaN(y[GUARD + i]) && Float.isNaN(expected[i])
                    && Float.floatToRawIntBits(y[GUARD + i]) != Float.floatToRawIntBits(SENTINEL))) {
                fail(choice + " (" + plan.kernelName() + ") differs from the reference at output " + i + " of " + p
                        + ": " + y[GUARD + i] + " (0x" + Integer.toHexString(got) + ") instead of " + expected[i]
                        + " (0x" + Integer.toHexString(want) + ")");
            }
        }
        return plan;
    }

    static void assertUntouched(float[] y, int from, int to, String what) {
        for (int i = from; i < to; i++) {
            if (Float.floatToRawIntBits(y[i]) != Float.floatToRawIntBits(SENTINEL)) {
                fail(what + ": buffer index " + i + " holds " + y[i]);
            }
        }
    }

    /** Small integers in [-3, 3] from a seed: every product and partial sum of a small problem is exact. */
    static float[] smallInts(int n, long seed) {
        java.util.SplittableRandom r = new java.util.SplittableRandom(seed);
        float[] a = new float[n];
        for (int i = 0; i < n; i++) {
            a[i] = r.nextInt(7) - 3;
        }
        return a;
    }
}
