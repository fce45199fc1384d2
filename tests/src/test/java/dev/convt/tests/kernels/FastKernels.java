package dev.convt.tests.kernels;

import dev.convt.Plan;
import dev.convt.Planner;
import dev.convt.Problem;
import dev.convt.kernel.KernelChoice;
import dev.convt.kernel.ReferenceKernel;
import dev.convt.testkit.Agreement;

import java.util.List;

/** The kernels under test: every available kernel but the reference, and how to run one on a problem. */
final class FastKernels {
    private FastKernels() {}

    /** Every non-reference kernel the planner knows, so a newly registered kernel is covered automatically. */
    static List<KernelChoice> all() {
        return Planner.kernelNames().stream()
                .filter(n -> !n.equals(ReferenceKernel.NAME))
                .map(KernelChoice::parse)
                .toList();
    }

    /** Whether the kernel takes the problem at all. */
    static boolean accepts(KernelChoice k, Problem p) {
        return Planner.kernel(k).declineReason(p) == null;
    }

    /** The reference output, from index 0. */
    static float[] reference(Problem p, float[] x, float[] w, float[] b) {
        return Agreement.reference(p, x, w, b);
    }

    /** The kernel's output, from index 0, on a fresh plan. */
    static float[] run(KernelChoice k, Problem p, float[] x, float[] w, float[] b) {
        Plan plan = Planner.plan(p, w, 0, b, 0, k);
        float[] y = new float[p.outputLength()];
        plan.execute(x, 0, y, 0);
        return y;
    }

    /** The first index where the two arrays differ in bits, or -1. */
    static int firstBitDifference(float[] a, float[] b) {
        return Agreement.firstBitDifference(a, b);
    }
}
