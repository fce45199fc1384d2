package dev.convt.bench.jmh;

import dev.convt.Plan;
import dev.convt.Planner;
import dev.convt.Problem;
import dev.convt.bench.Data;
import dev.convt.bench.Workload;
import dev.convt.cost.CostModels;
import dev.convt.kernel.KernelChoice;
import dev.convt.testkit.ErrorBound;
import dev.convt.testkit.TestData;

import java.util.Arrays;

/**
 * One layer of the embedded workload planned on one kernel, with the runner's data (uniform [-1, 1),
 * seeded per layer), its output checked against the definition once, and the FLOP of one run.
 * The benchmarks' states hold one.
 */
final class LayerState {
    final Problem problem;
    final Plan plan;
    final float[] x;
    final float[] y;
    /** The output of the first run, checked; every later run must reproduce it bit for bit. */
    final float[] checked;
    /** 10^-9 × 2 × exact multiplications of one run. */
    final double gflopPerRun;

    /**
     * @param kernel  "auto" or a kernel name
     * @param threads threads per execute (1: the calling thread; more: convt's own pool)
     * @throws IllegalStateException if the kernel is not available here or declines the layer, or the output is wrong
     */
    LayerState(String layer, String kernel, int threads) {
        Workload.Layer l = Workload.embedded(layer);
        problem = l.problem();
        KernelChoice choice = KernelChoice.parse(kernel);
        if (choice != KernelChoice.AUTO && !Planner.kernelNames().contains(choice.kernelName())) {
            String why = Planner.vectorUnavailableReason();
            throw new IllegalStateException("kernel '" + kernel + "' is not available in this JVM"
                    + (why == null ? "" : ": " + why) + "; available: " + Planner.kernelNames());
        }
        x = TestData.uniform(problem.inputLength(), Data.seed(layer, 1));
        float[] w = TestData.uniform(problem.weightLength(), Data.seed(layer, 2));
        float[] b = problem.spec().hasBias() ? TestData.uniform(problem.spec().outChannels(), Data.seed(layer, 3)) : null;
        plan = Planner.plan(problem, w, 0, b, 0, choice).withParallelism(dev.convt.Parallelism.threads(threads));
        y = new float[problem.outputLength()];
        plan.execute(x, 0, y, 0);
        String wrong = ErrorBound.checkSampled(problem, x, w, b, y, 2000, Data.seed(layer, 4));
        if (wrong != null) {
            throw new IllegalStateException(wrong);
        }
        checked = y.clone();
        gflopPerRun = 2.0 * CostModels.exact(problem).multiplications() / 1e9;
    }

    /** Runs the plan once; returns an element of the output so the run is never dead code. */
    float run() {
        plan.execute(x, 0, y, 0);
        return y[y.length >>> 1];
    }

    /** Throws unless the last run reproduced the checked output exactly (kernels are deterministic). */
    void verify() {
        if (!Arrays.equals(y, checked)) {
            throw new IllegalStateException(plan.kernelName() + " on " + problem + ": a run's output differs from the checked first run");
        }
    }
}
