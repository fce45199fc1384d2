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
              reshape  Planner.plan(problem, packed): a plan for a new batch size over weights packed
                       before (PackedWeights, which has planned the layer's own shape first), as a
                       layer gets on a new batch size
            Every plan timed is for a batch size the process has not planned before, so nothing
            can be reused from an identical earlier plan: run i (the unmeasured ones first) plans
            full at batch N + S + 2i and reshape at N + S + 2i + 1, N the layer's batch. Prints
            the median of R runs of each with the 10th–90th percentile range, and the ratio of the
            medians: the issue's target is reshape < 5% of full. On a loaded machine trust the
            ratio rather than the times. A layer whose output would not fit a Java array at the
            largest batch is an error (use fewer runs).

            Before its timed runs, each layer is warmed so that both figures are of compiled
            planning code (C2 compiles a method after some thousands of calls), not of the
            interpreter's: the same alternation, unmeasured, over packed weights of its own, at
            batch sizes above those of the timed runs (at the layer's input shape while its output
            fits an array, then at a small input, each spatial size at most 4), 10000 runs or 0.5 s,
            whichever comes first (at least 3), then 3 unmeasured runs as the timed ones.

              --layers a,b     only these layers
              --file F         layers in the format of shared/workloads/layers.json (default: the
                               embedded workload), e.g. bench/workloads/engine-layers.json
              --reps R         timed runs of each (default 21)
              --batch-step S   the first new batch is N + S (default 1)
            """;

    /** Unmeasured runs of each at the layer's shape before timing (the JIT compiles the packing loops). */
    static final int WARM_RUNS = 3;

    /** Runs that warm each layer's planning code at a small input shape first: enough calls for C2 to compile the planning methods. */
    static final int WARM_SMALL_RUNS = 10_000;

    /** The most time those runs may take per layer (at least {@link #WARM_RUNS} runs): large weights take long to pack. */
    static final long WARM_NANOS = 500_000_000L;

    /** The largest spatial size of the warm-up's input shape. */
    static final int WARM_SIZE = 4;

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
        Table table = new Table("layer", "new inputs", "kernel", ">packed MiB", ">full ms", ">p10–p90",
                ">reshape ms", ">p10–p90", ">reshape/full");
        for (Workload.Layer layer : layers) {
            Problem p = layer.problem();
            int[] spatial = p.inputSpatial();
            int firstBatch = p.batch() + step;
            long lastBatch = firstBatch + 2L * (WARM_RUNS + reps) - 1;
            try {
                p.spec().problem(Math.toIntExact(lastBatch), spatial);
            } catch (IllegalArgumentException | ArithmeticException e) {
                throw new UsageException("layer " + layer.name() + ": " + reps + " runs need batch sizes up to " + lastBatch
                        + ", too large for it (" + e.getMessage() + "); use fewer --reps or a smaller --batch-step");
            }
            SplittableRandom r = new SplittableRandom(1);
            float[] w = new float[p.weightLength()];
            for (int i = 0; i < w.length; i++) {
                w[i] = (float) r.nextDouble(-1, 1);
            }
            float[] b = p.spec().hasBias() ? new float[p.spec().outChannels()] : null;
            warm(p, w, b, lastBatch + 1);
            PackedWeights packed = Planner.pack(p.spec(), w, b);
            Plan first = Planner.plan(p, packed);
            double[] full = new double[reps], reshape = new double[reps];
            Plan shared = null;
            for (int i = -WARM_RUNS; i < reps; i++) {
                int run = i + WARM_RUNS;
                Problem qFull = p.spec().problem(firstBatch + 2 * run, spatial);
                Problem qReshape = p.spec().problem(firstBatch + 2 * run + 1, spatial);
                long t0 = System.nanoTime();
                Plan direct = Planner.plan(qFull, w, 0, b, 0);
                long t1 = System.nanoTime();
                shared = Planner.plan(qReshape, packed);
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
            int[] shape = shared.problem().inputShape();
            String batches = firstBatch + "…" + lastBatch + Table.shape(shape).substring(String.valueOf(shape[0]).length());
            table.row(layer.name(), batches,
                    shared.kernelName() + (shared.kernelName().equals(first.kernelName()) ? "" : " (N: " + first.kernelName() + ")"),
                    Table.fixed(packed.packedWeightBytes() / (1024.0 * 1024), 2),
                    Table.ms(fm), Table.ms(percentile(full, 10)) + "–" + Table.ms(percentile(full, 90)),
                    fine(rm), fine(percentile(reshape, 10)) + "–" + fine(percentile(reshape, 90)),
                    Table.fixed(100 * rm / fm, 2) + "%");
        }
        table.print(out);
        out.println();
        out.println("full = pack + plan of a new batch size (Planner.plan with the weights); reshape = plan of another new batch");
        out.println("size over weights packed before (Planner.plan with PackedWeights); every batch size planned once, from");
        out.println("N + S on (new inputs); medians of " + reps + " alternating runs each; packed MiB = the PackedWeights'");
        out.println("copy of the weights plus every kernel pack made.");
        return 0;
    }

    /**
     * The warm-up: full and reshape plans alternating, unmeasured, over packed weights of their own, each
     * at a new batch size from {@code fromBatch} on: at the layer's input shape while its output fits
     * an array, then at a shape whose spatial sizes are at most {@link #WARM_SIZE} (where that one has
     * an output); {@link #WARM_SMALL_RUNS} runs or {@link #WARM_NANOS}, whichever comes first (at least
     * {@link #WARM_RUNS}), or until the batch outgrows both.
     */
    private static void warm(Problem p, float[] w, float[] b, long fromBatch) {
        int[] small = p.inputSpatial();
        for (int d = 0; d < small.length; d++) {
            small[d] = Math.min(small[d], WARM_SIZE);
        }
        int[] spatial = p.inputSpatial();
        PackedWeights packed = Planner.pack(p.spec(), w, b);
        long start = System.nanoTime();
        long batch = fromBatch;
        for (int run = 0; run < WARM_RUNS || run < WARM_SMALL_RUNS && System.nanoTime() - start < WARM_NANOS; run++) {
            Problem qFull = validOrNull(p, spatial, batch), qReshape = validOrNull(p, spatial, batch + 1);
            if ((qFull == null || qReshape == null) && spatial != small) {
                spatial = small;
                packed = Planner.pack(p.spec(), w, b);
                qFull = validOrNull(p, spatial, batch);
                qReshape = validOrNull(p, spatial, batch + 1);
            }
            if (qFull == null || qReshape == null) {
                return;
            }
            Planner.plan(qFull, w, 0, b, 0);
            Planner.plan(qReshape, packed);
            batch += 2;
        }
    }

    /** The problem of the layer's spec at this shape and batch, or null where its output is empty or too large. */
    private static Problem validOrNull(Problem p, int[] spatial, long batch) {
        if (batch > Integer.MAX_VALUE) {
            return null;
        }
        try {
            return p.spec().problem((int) batch, spatial);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    /** Milliseconds as {@link Table#ms}, with four decimals below 0.01 ms (a reshape takes a fraction of a microsecond). */
    static String fine(double ms) {
        return ms < 0.01 ? Table.fixed(ms, 4) : Table.ms(ms);
    }

    /** The {@code pct}-th percentile (nearest rank) of the values. */
    static double percentile(double[] values, double pct) {
        double[] s = values.clone();
        Arrays.sort(s);
        int i = (int) Math.ceil(pct / 100 * s.length) - 1;
        return s[Math.clamp(i, 0, s.length - 1)];
    }
}
