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

            Before its timed runs, each layer is warmed until both figures are of the JIT's final
            code: the same alternation, unmeasured, over packed weights of its own, cycling through
            the 8 batch sizes above those of the timed runs (which count as the largest batch), in
            batches of 0.05 s until a batch's median is no better than the one before, no
            compilation finished during it and the compiler threads were idle (the suite's warm-up
            without its allocation rule, since planning allocates by design; at most 10 s, and a
            layer whose times were still falling then has its ratio marked *), then 3 unmeasured
            runs as the timed ones. The warm-up and the timed runs call one method for each
            alternation, so the timed calls run the code the warm-up compiled. A plan takes
            microseconds: a warm-up of a fixed number of runs, or one through calls of its own,
            left processes timing C1's planning code, whose figures differed by up to 4x from
            process to process.

              --layers a,b     only these layers
              --file F         layers in the format of shared/workloads/layers.json (default: the
                               embedded workload), e.g. bench/workloads/engine-layers.json
              --reps R         timed runs of each (default 21)
              --batch-step S   the first new batch is N + S (default 1)
            """;

    /** Unmeasured runs of each at the layer's shape right before timing, at new batch sizes as the timed ones. */
    static final int WARM_RUNS = 3;

    /** The batch sizes above the timed runs' that the warm-up cycles through. */
    static final int WARM_BATCHES = 8;

    /**
     * The warm-up's batches and stopping rule: the suite's ({@link Timer.Settings#DEFAULT}) with a
     * longer cap, since C2 may take seconds to reach the planning code behind the kernels' (the times
     * of the timed runs themselves are this command's own).
     */
    static final Timer.Settings WARM_UP = new Timer.Settings(0.05, 2, 10.0, 0.03, 0.05, 1, 1, 1e9);

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
                p.spec().problem(Math.toIntExact(lastBatch + WARM_BATCHES), spatial);
            } catch (IllegalArgumentException | ArithmeticException e) {
                throw new UsageException("layer " + layer.name() + ": " + reps + " runs need batch sizes up to " + (lastBatch + WARM_BATCHES)
                        + ", too large for it (" + e.getMessage() + "); use fewer --reps or a smaller --batch-step");
            }
            SplittableRandom r = new SplittableRandom(1);
            float[] w = new float[p.weightLength()];
            for (int i = 0; i < w.length; i++) {
                w[i] = (float) r.nextDouble(-1, 1);
            }
            float[] b = p.spec().hasBias() ? new float[p.spec().outChannels()] : null;
            Timer.Warmup warmup = warm(p, w, b, (int) lastBatch + 1);
            PackedWeights packed = Planner.pack(p.spec(), w, b);
            Plan first = Planner.plan(p, packed);
            double[] full = new double[reps], reshape = new double[reps];
            Plan shared = null;
            Pair pair = new Pair();
            for (int i = -WARM_RUNS; i < reps; i++) {
                int run = i + WARM_RUNS;
                Problem qFull = p.spec().problem(firstBatch + 2 * run, spatial);
                Problem qReshape = p.spec().problem(firstBatch + 2 * run + 1, spatial);
                pair.run(qFull, w, b, qReshape, packed);
                shared = pair.reshape;
                if (!pair.full.kernelName().equals(shared.kernelName())) {
                    throw new AssertionError("the two plans chose different kernels: " + pair.full + " / " + shared);
                }
                if (i >= 0) {
                    full[i] = pair.fullNanos / 1e6;
                    reshape[i] = pair.reshapeNanos / 1e6;
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
                    Table.fixed(100 * rm / fm, 2) + "%" + (warmup.steady() ? "" : "*"));
        }
        table.print(out);
        out.println();
        out.println("full = pack + plan of a new batch size (Planner.plan with the weights); reshape = plan of another new batch");
        out.println("size over weights packed before (Planner.plan with PackedWeights); every batch size planned once, from");
        out.println("N + S on (new inputs); medians of " + reps + " alternating runs each; packed MiB = the PackedWeights'");
        out.println("copy of the weights plus every kernel pack made. * = the warm-up reached its cap with the times still");
        out.println("falling: not steady.");
        return 0;
    }

    /**
     * The warm-up: full and reshape plans alternating, unmeasured, over packed weights of their own, at
     * the layer's input shape, cycling through the {@link #WARM_BATCHES} batch sizes from
     * {@code fromBatch} on, until the pairs' times are settled ({@link Timer#warmUp}, {@link #WARM_UP};
     * whatever a pair allocates: packing and planning allocate by design).
     * The batch sizes repeat, which changes nothing here: a full plan packs anew each time, and a
     * reshape keeps nothing per batch size.
     */
    private static Timer.Warmup warm(Problem p, float[] w, float[] b, int fromBatch) {
        int[] spatial = p.inputSpatial();
        Problem[] shapes = new Problem[WARM_BATCHES];
        for (int i = 0; i < WARM_BATCHES; i++) {
            shapes[i] = p.spec().problem(fromBatch + i, spatial);
        }
        PackedWeights packed = Planner.pack(p.spec(), w, b);
        int[] next = {0};
        Pair pair = new Pair();
        return Timer.warmUp(() -> {
            Problem q = shapes[next[0]], r = shapes[(next[0] + 1) % WARM_BATCHES];
            next[0] = (next[0] + 2) % WARM_BATCHES;
            pair.run(q, w, b, r, packed);
            return pair.full.workspaceBytes() + pair.reshape.workspaceBytes();
        }, WARM_UP, Long.MAX_VALUE);
    }

    /**
     * One timed alternation: a full plan, then a reshape. The warm-up and the timed runs both call
     * {@link #run}, so the timed calls run the code the warm-up compiled: with the warm-up's calls
     * inlined into a compiled warm-up body of their own, the planner's methods themselves stayed in
     * C1's profiling tier, and the timed calls, made from this command's interpreted loop, ran that.
     */
    private static final class Pair {
        Plan full, reshape;
        long fullNanos, reshapeNanos;

        void run(Problem qFull, float[] w, float[] b, Problem qReshape, PackedWeights packed) {
            long t0 = System.nanoTime();
            full = Planner.plan(qFull, w, 0, b, 0);
            long t1 = System.nanoTime();
            reshape = Planner.plan(qReshape, packed);
            long t2 = System.nanoTime();
            fullNanos = t1 - t0;
            reshapeNanos = t2 - t1;
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
