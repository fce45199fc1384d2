package dev.convt.tests.conformance;

import dev.convt.Plan;
import dev.convt.Planner;
import dev.convt.Problem;
import dev.convt.kernel.Kernel;
import dev.convt.kernel.KernelChoice;
import org.junit.jupiter.api.Assumptions;

/** Runs one problem on one named kernel, skipping visibly when the kernel declines it. */
final class Kernels {
    private Kernels() {}

    /** The output of {@code kernelName} on the problem; aborts the test (skipped, with the kernel's reason) if it declines. */
    static float[] run(String kernelName, Problem p, float[] x, float[] w, float[] b) {
        KernelChoice choice = KernelChoice.parse(kernelName);
        Kernel k = Planner.kernel(choice);
        String why = k.declineReason(p);
        Assumptions.assumeTrue(why == null, () -> "SKIPPED: kernel '" + kernelName + "' declines " + p + ": " + why);
        Plan plan = Planner.plan(p, w, 0, b, 0, choice);
        float[] y = new float[p.outputLength()];
        java.util.Arrays.fill(y, Float.NaN); // every element must be written
        plan.execute(x, 0, y, 0);
        return y;
    }
}
