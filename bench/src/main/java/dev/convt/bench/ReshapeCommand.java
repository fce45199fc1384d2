package dev.convt.bench;

import dev.convt.PackedWeights;
import dev.convt.Plan;
import dev.convt.Planner;
import dev.convt.Problem;

import java.io.PrintStream;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * {@code bench/convt reshape}: what a new input shape costs a layer whose weights are already packed
 * ({@link PackedWeights}), against a full plan that packs them, per layer, in one process.
 */
final class ReshapeCommand {
    static final String HELP = """
            usage: bench/convt reshape [--layers a,b] [--file LAYERS.json] [--reps R] [--batch-step S]

            For each layer, times in one process, alternating, with the automatic kernel choice:
              full     Planner.plan(problem, weight, bias): packs the weights and plans the shape
              reshape  Planner.plan(problem, packed): a plan for the same new shape over weights packed
                       before (PackedWeights), as a layer gets on a new batch size
            where the new shape is the layer's with the batch N + S. Prints the median of R runs of
            each (after a few unmeasured ones) with the 10th–90th percentile range, and the ratio of the
            medians: the issue's target is reshape < 5% of full. On a loaded machine trust the ratio
            rather than the times.

              --layers a,b     only these layers
              --file F         layers in the format of shared/workloads/layers.json (default: the
                               embedded workload), e.g. bench/workloads/engine-layers.json
              --reps R         timed runs of each (default 21)
              --batch-step S   the new batch is N + S (default 1)
            """;

    /** Unmeasured runs of each before timing (the JIT compiles the packing loops). */
    static final int WARM_RUNS = 3;

    private ReshapeCommand() {}

    static int run(String[] argv, PrintStream out, PrintStream err) {
        Args a = new Args("reshape", argv, Set.of("layers", "file", "reps", "batch-step"), Set.of("help"));
        if (a.flag("help")) {
            out.print(HELP);
            return 0;
        }
        a.positional(0, "no positional arguments");
        List<Workload.Layer> layers = Workload.chosen(a);
        int reps = a.intOption("reps", 21);
        int step = a.intOption("batch-step", 1);
        Table table = new Table("layer", "new input", "kernel", ">packed MiB", ">full ms", ">p10–p90",
                ">reshape ms", ">p10–p90", ">reshape/full");
        for (Workload.Layer layer : layers) {
            Problem p = layer.problem();
            Problem q = p.spec().problem(p.batch() + step, p.inputSpatial());
            SplittableRandom r = new SplittableRandom(1);
            float[] w = new float[p.weightLength()];
            for (int i = 0; i < w.length; i++) {
                w[i] = (float) r.nextDouble(-1, 1);
            }
            float[] b = p.spec().hasBias() ? new float[p.spec().outChannels()] : null;
            PackedWeights packed = Planner.pack(p.spec(), w, b);
            Plan first = Planner.plan(p, packed);
            double[] full = new double[reps], reshape = new double[reps];
            Plan shared = null;
            for (int i = -WARM_RUNS; i < reps; i++) {
                long t0 = System.nanoTime();
                Plan direct = Planner.plan(q, w, 0, b, 0);
                long t1 = System.nanoTime();
                shared = Planner.plan(q, packed);
                long t2 = System.nanoTime();
                if (!direct.kernelName().equals(shared.kernelName())) {
                    throw new AssertionError("the two plans chose different kernels: " + direct + " / " + shared);
                }
                if (i >= 0) {
                    full[i] = (t1 - t0) / 1e6;
                    reshape[i] = (t2 - t1) / 1e6;
                }
            }
            double fm = percentile(full, 50), rm = percentile(reshape, 50);
            table.row(layer.name(), Table.shape(q.inputShape()),
                    shared.kernelName() + (shared.kernelName().equals(first.kernelName()) ? "" : " (N: " + first.kernelName() + ")"),
                    Table.fixed(packed.packedWeightBytes() / (1024.0 * 1024), 2),
                    Table.ms(fm), Table.ms(percentile(full, 10)) + "–" + Table.ms(percentile(full, 90)),
                    Table.ms(rm), Table.ms(percentile(reshape, 10)) + "–" + Table.ms(percentile(reshape, 90)),
                    Table.fixed(100 * rm / fm, 2) + "%");
        }
        table.print(out);
        out.println();
        out.println("full = pack + plan of the new shape (Planner.plan with the weights); reshape = plan of the new shape over");
        out.println("weights packed before (Planner.plan with PackedWeights); medians of " + reps + " alternating runs each;");
        out.println("packed MiB = the PackedWeights' copy of the weights plus every kernel pack made.");
        return 0;
    }

    /** The {@code pct}-th percentile (nearest rank) of the values. */
    static double percentile(double[] values, double pct) {
        double[] s = values.clone();
        Arrays.sort(s);
        int i = (int) Math.ceil(pct / 100 * s.length) - 1;
        return s[Math.clamp(i, 0, s.length - 1)];
    }
}
