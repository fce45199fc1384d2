package dev.convt.bench;

import dev.convt.Plan;
import dev.convt.Planner;
import dev.convt.Problem;
import dev.convt.kernel.KernelChoice;
import dev.convt.kernel.ReferenceKernel;
import dev.convt.testkit.TestData;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * {@code bench/convt suite}: times every requested kernel on every layer of the workload, checks each
 * against the reference on the same data, and prints one table (and optionally JSON).
 */
final class SuiteCommand {
    static final String AUTO = "auto";

    /**
     * Fresh JVMs per suite by default (JMH's forks): two, so a figure that is one JVM's JIT state
     * shows up as a spread between them, and the default suite stays near a minute (the scalar
     * reference, most of the time, runs in the first fork only).
     */
    static final int DEFAULT_FORKS = 2;

    /**
     * The ratio between an even number of forks' medians of a row above which a deciding fork runs
     * that row's layer once more, so its figure is the median of an odd number of forks. On this
     * project's 2-core VM one fork in a few ran a memory-bound layer (Conv-TasNet's decoder, the
     * dilated 1-D layer) about 2× slower throughout, in CPU time too, while the canary (compute-bound)
     * read normal; the median of two forks, their mean, then moved the layer by half that between
     * consecutive suites.
     */
    static final double DISAGREEMENT = 1.2;

    static final String HELP = """
            usage: bench/convt suite [--layers a,b] [--kernels auto,reference,im2col,scatter,...|all]
                                     [--threads N] [--forks K] [--json FILE] [--quick] [--file LAYERS.json]
                                     [--activation KIND[:params],...] [--layout nchw|nhwc,...]
                                     [--memory heap|native]

            Runs the workload (by default the 17 published layers embedded in the runner) on each kernel
            and prints one table: per layer its shapes, exact work, the published/exact op ratio and the
            automatic kernel choice; per kernel the median time of repeated runs after warm-up, the
            spread, GFLOP/s (2 × exact multiplications ÷ median time) and that as a fraction of this
            machine's measured FMA peak, the speedup over the reference and the max |error| against the
            reference on the same data (uniform [-1, 1), seeded per layer).

              --layers a,b     only these layers (names from the workload)
              --kernels k,...  kernels to time (default: all, i.e. every available kernel and auto;
                               'auto' is the planner's choice, reported with what it chose)
              --threads N|1,2  threads per run, or a list: one row per kernel and thread count
                               (default 1: the calling thread; N > 1: convt's own worker pool;
                               the reference always runs on one thread)
              --forks K        run the suite in K fresh JVMs and report the median of their medians
                               and the spread between them (default %d; 0 = in this JVM; the
                               reference runs in the first fork only)
              --json FILE      also write every figure, the machine and the settings as JSON
              --quick          shorter warm-up and fewer runs, in this JVM (a smoke run, e.g. for CI)
              --file F         a workload in the format of shared/workloads/layers.json instead
                               of the embedded one
              --activation A,… the fused activation of every layer: none, relu, tanh, sigmoid,
                               leaky_relu[:ALPHA] or clamp:MIN:MAX; a list (e.g. none,relu,tanh)
                               runs each layer once per activation, one after the other (rows
                               'layer', 'layer+relu', ...), and prints each activation's total
                               time against the first's
              --layout L,…     the layout of every layer's input and output: nchw (channels first,
                               the default; ncl/ncdhw alike) or nhwc (channels last; nlc/ndhwc
                               alike, for the 1-D and 3-D layers too); a list (e.g. nchw,nhwc) runs
                               each layer once per layout, one after the other (rows 'layer',
                               'layer@nhwc'), and prints each layout's total time against the
                               first's (not together with a list of activations)
              --memory M       where each kernel's input and output live: heap (heap MemorySegments
                               over float[]s) or native (off-heap MemorySegments, 64-byte aligned);
                               default: float[]s. The reference always runs on float[]s

            Timing, per kernel and layer: a first run (it also produces the output that is checked),
            then warm-up batches of about 0.05 s until one is settled: its median no more than 3%%
            better than the batch before, no JIT compilation finished meanwhile, the compiler
            threads not busy (a quarter of the batch's time or more: a compilation still going on),
            and no more than 64 KiB allocated per run (Vector API code allocates until C2 has
            compiled it); at most
            5 s, after which a row still unsettled is marked '!'. Then timed runs sized to take about
            0.25 s, 3 to 200 of them (--quick: 0.02 s batches, at most 1 s; 0.1 s, 3 to 20 runs);
            if a JIT compilation finished during them and the later half ran more than 3%% faster
            than the earlier, or if the compiler threads were busy during them (a compilation
            takes a core, the second worker's at two threads), they count as warm-up and the row
            warms up and is timed again.
            A kernel whose warm run takes over 0.5 s (the scalar reference on the bigger layers,
            compiled on small problems first) is reported from one run: 'runs' then says '1*'.
            Right after each row's timed runs a fixed register-tiled multiply of the runner's own
            probes the machine: below %d%% of its best speed in that JVM (a shared host's slow
            state) the row is timed again, at most %d times in all; a row never timed in the normal
            state is marked '~'. A fork whose best probe stayed below that fraction of the fastest
            fork's ran slow throughout: it is run again; so is a fork with rows still marked '~' (on
            their layers only), whose rows then count from the run in the faster state (at most K more forks in all).
            Where an even number of forks' medians of a row differ by more than %s×, one more fork runs
            that row's layer, so its figure is the median of an odd number.
            """.formatted(DEFAULT_FORKS, Math.round(100 * MachineCanary.SLOW), MachineCanary.ATTEMPTS, DISAGREEMENT);

    /**
     * One row of results: a kernel on a layer, or why it declined. With forks, {@code m} combines
     * the forks' measurements (median of their medians; min, max and quartiles over their medians)
     * and {@code forks} holds each one; in one JVM {@code forks} is empty.
     */
    record Result(String layer, String kernel, String chose, String declined, Timer.Measurement m,
                  double maxAbsError, double gflops, double speedup, List<Timer.Measurement> forks) {}

    private SuiteCommand() {}

    static int run(String[] argv, PrintStream out, PrintStream err) {
        Args a = new Args("suite", argv, Set.of("layers", "kernels", "threads", "json", "file", "forks", "activation", "layout", "memory", Forks.CHILD_OPTION),
                Set.of("quick", "help"));
        if (a.flag("help")) {
            out.print(HELP);
            return 0;
        }
        a.positional(0, "no positional arguments");
        List<Integer> threadCounts = ThreadCounts.parse(a, "suite");
        int threads = threadCounts.getLast();
        List<dev.convt.Activation> activations = ActivationOption.parseList("suite", a.listOption("activation"));
        List<String> layouts = LayoutOption.parseList("suite", a.listOption("layout"));
        if (layouts.size() > 1 && activations.size() > 1) {
            throw new UsageException("suite: --activation and --layout each take a list, but not both at once (got "
                    + a.listOption("activation") + " and " + a.listOption("layout") + ")");
        }
        List<Workload.Layer> layers = LayoutOption.expand(ActivationOption.expand(Workload.chosen(a), activations), layouts);
        List<String> kernels = ThreadCounts.expand(kernels(a.listOption("kernels")), threadCounts);
        MemoryOption memory = MemoryOption.parse("suite", a.option("memory"));
        boolean quick = a.flag("quick");
        Timer.Settings settings = quick ? Timer.Settings.QUICK : Timer.Settings.DEFAULT;
        int forks = a.countOption("forks", quick ? 0 : DEFAULT_FORKS);
        String child = a.option(Forks.CHILD_OPTION);
        if (child != null) {
            return runChild(a, child, layers, kernels, settings, memory, err);
        }

        double[] load0 = MachineInfo.loadAverage();
        long wall0 = System.nanoTime();
        List<Result> results;
        if (forks == 0) {
            results = measure(layers, kernels, settings, memory, true, new Progress(err, ""));
        } else {
            results = forked(a, forks, layers, kernels, err);
        }
        double peak = FmaPeak.measureOrNaN();
        Map<Integer, Double> peaks = peaksByThreads(peak, threadCounts);
        double wallSeconds = (System.nanoTime() - wall0) * 1e-9;
        double[] load1 = MachineInfo.loadAverage();

        List<Map<String, Object>> layerJson = new ArrayList<>();
        Table table = new Table("layer", "input → output", ">exact MMAC", ">pub/exact", "auto", "kernel",
                ">runs", ">median ms", ">±", ">GFLOP/s", ">of peak", ">vs ref", ">max |err|");
        for (Workload.Layer layer : layers) {
            Costs costs = Costs.orNull(layer.problem());
            String chosen = Planner.choose(layer.problem()).name();
            layerJson.add(layerJson(layer, costs, chosen));
            boolean first = true;
            for (Result r : results) {
                if (!r.layer().equals(layer.name())
                        || ThreadCounts.kernel(r.kernel()).equals(AUTO) && r.chose() != null
                        && kernels.contains(ThreadCounts.label(r.chose(), ThreadCounts.threads(r.kernel())))) {
                    continue; // the auto column already says which row it is
                }
                Problem p = layer.problem();
                table.row(first ? layer.name() : "",
                        first ? Table.shape(p.inputShape()) + " → " + Table.shape(p.outputShape()) : "",
                        first ? (costs == null ? "—" : Table.fixed(costs.exact().multiplications() / 1e6, 1)) : "",
                        first ? (costs == null ? "—" : Table.fixed(costs.publishedOverExact(), 2)) : "",
                        first ? chosen : "",
                        r.chose() == null ? r.kernel() : r.kernel() + " → " + r.chose(),
                        r.declined() != null ? "" : runsCell(r),
                        r.declined() != null ? "declines" : Table.ms(r.m().medianMs()),
                        r.declined() != null || r.m().runs() == 1 ? "" : Table.fixed(100 * r.m().halfRangeFraction(), 0) + "%",
                        r.declined() != null ? "" : Table.fixed(r.gflops(), 2),
                        r.declined() != null || Double.isNaN(peakOf(r, peaks)) ? "" : Table.fixed(100 * r.gflops() / peakOf(r, peaks), 0) + "%",
                        r.declined() != null ? "" : Table.times(r.speedup()),
                        r.declined() != null || r.kernel().equals(ReferenceKernel.NAME) ? "" : Table.error(r.maxAbsError()));
                first = false;
            }
        }

        out.println("convt suite — " + layers.size() + " layer" + (layers.size() == 1 ? "" : "s")
                + (quick ? ", --quick" : "") + "; " + MachineInfo.summary(threads)
                + " · FMA peak " + (Double.isNaN(peak) ? "not measured" : Table.fixed(peak, 0) + " GFLOP/s" + together(peaks))
                + " · " + (forks == 0 ? "in one JVM" : forks + " fresh JVM" + (forks == 1 ? "" : "s")));
        out.println();
        table.print(out);
        out.println();
        Map<String, Object> summary = summarize(results, kernels, layers.size(), forks, wallSeconds, out);
        if (threadCounts.size() > 1) {
            summary.put("thread_speedup", threadSpeedups(results, kernels, out));
            printPeakGain(peaks, out);
        }
        if (activations.size() > 1) {
            summary.put("activation_totals", variantTotals(results, kernels, layers,
                    activations.stream().map(ActivationOption::label).toList(), "activation", out));
        }
        if (layouts.size() > 1) {
            summary.put("layout_totals", variantTotals(results, kernels, layers, layouts, "layout", out));
        }
        List<Double> canaryGflops = forks == 0 ? List.of(lastCanaryGflops) : List.copyOf(canaries);
        if (canaryGflops.stream().anyMatch(v -> !Double.isNaN(v))) {
            out.println("machine canary (a fixed register-tiled multiply, best speed in each " + (forks == 0 ? "JVM" : "fork") + "): "
                    + String.join(", ", canaryGflops.stream().map(v -> Double.isNaN(v) ? "—" : Table.fixed(v, 0)).toList())
                    + " GFLOP/s" + (forks == 0 ? "" : forksRunAgain == 0 ? "; no fork ran slow throughout or kept a row marked '~'"
                    : "; " + forksRunAgain + " fork run" + (forksRunAgain == 1 ? "" : "s") + " again for running slow throughout (below "
                    + Math.round(100 * MachineCanary.SLOW) + "% of the fastest fork's best) or for rows marked '~'"));
            summary.put("machine_canary_gflops", canaryGflops.stream().map(v -> Double.isNaN(v) ? null : v).toList());
            summary.put("forks_run_again", forks == 0 ? 0 : forksRunAgain);
        }
        if (forks > 0) {
            if (!decided.isEmpty()) {
                out.println("a deciding fork ran " + String.join(", ", decided) + ": the forks' medians of a row there differed by more than "
                        + DISAGREEMENT + "×, so its figure is the median of " + (forks + 1) + " forks");
            }
            summary.put("deciding_fork_layers", decided);
        }
        out.println("load average " + MachineInfo.loadText(load0) + " at the start, " + MachineInfo.loadText(load1) + " at the end (1, 5, 15 min)");
        notes(results, settings, forks, out);

        String json = a.option("json");
        if (json != null) {
            Map<String, Object> root = new LinkedHashMap<>();
            root.put("format", "convt-bench-suite/2");
            Map<String, Object> machine = MachineInfo.describe(threads);
            machine.put("fma_peak_gflops", Double.isNaN(peak) ? null : peak);
            machine.put("fma_peak_method", FmaPeak.CHAINS + " independent FMA chains on the kernels' vector species, best run after warm-up, one core");
            if (peaks.size() > 1) {
                Map<String, Object> byThreads = new LinkedHashMap<>();
                peaks.forEach((t, v) -> byThreads.put(Integer.toString(t), Double.isNaN(v) ? null : v));
                // the rows of T threads are a fraction of this, not of the one-core figure
                machine.put("fma_peak_gflops_by_threads", byThreads);
            }
            machine.put("load_average_start", load0 == null ? null : toList(load0));
            machine.put("load_average_end", load1 == null ? null : toList(load1));
            root.put("machine", machine);
            root.put("settings", settingsJson(a, kernels, layers, quick, settings, forks));
            root.put("layers", layerJson);
            root.put("results", results.stream().map(r -> resultJson(r, peakOf(r, peaks))).toList());
            root.put("summary", summary);
            JsonFiles.write(Path.of(json), JsonFiles.pretty(root));
            out.println("wrote " + json);
        }
        return 0;
    }

    private static List<Double> toList(double[] v) {
        List<Double> l = new ArrayList<>();
        for (double d : v) {
            l.add(d);
        }
        return l;
    }

    private static String runsCell(Result r) {
        Timer.Measurement m = r.m();
        String runs = r.forks().size() > 1 ? r.forks().size() + "×" + medianRuns(r.forks()) : String.valueOf(m.runs());
        return runs + (m.single() ? "*" : "") + (m.warmup().steady() ? "" : "!") + (m.slowMachine() ? "~" : "");
    }

    private static int medianRuns(List<Timer.Measurement> forks) {
        int[] runs = forks.stream().mapToInt(Timer.Measurement::runs).sorted().toArray();
        return runs[runs.length / 2];
    }

    private static Map<String, Object> settingsJson(Args a, List<String> kernels, List<Workload.Layer> layers, boolean quick,
                                                    Timer.Settings settings, int forks) {
        Map<String, Object> s = new LinkedHashMap<>();
        s.put("quick", quick);
        s.put("kernels", kernels);
        s.put("layers", layers.stream().map(Workload.Layer::name).toList());
        s.put("workload", a.option("file") == null ? "embedded shared/workloads/layers.json" : a.option("file"));
        s.put("data", "uniform [-1, 1), seeded per layer");
        s.put("activations", ActivationOption.parseList("suite", a.listOption("activation")).stream().map(ActivationOption::label).toList());
        s.put("layouts", LayoutOption.parseList("suite", a.listOption("layout")));
        s.put("memory", MemoryOption.parse("suite", a.option("memory")).label());
        s.put("forks", forks);
        s.put("reference_runs_in", forks == 0 ? "this JVM" : "fork 1");
        Map<String, Object> t = new LinkedHashMap<>();
        t.put("warmup_batch_s", settings.batchSeconds());
        t.put("warmup_min_batches", settings.minWarmupBatches());
        t.put("warmup_max_s", settings.maxWarmupSeconds());
        t.put("warmup_tolerance", settings.tolerance());
        t.put("target_s", settings.targetSeconds());
        t.put("min_runs", settings.minRuns());
        t.put("max_runs", settings.maxRuns());
        t.put("single_run_limit_s", settings.singleLimitSeconds());
        s.put("timing", t);
        return s;
    }

    /**
     * Fork {@code i/K}: measures in this fresh JVM (the reference, timing and checking, only in the
     * first fork) and writes the results as JSON for the parent.
     */
    private static int runChild(Args a, String child, List<Workload.Layer> layers, List<String> kernels,
                                Timer.Settings settings, MemoryOption memory, PrintStream err) {
        String json = a.option("json");
        if (json == null || !child.matches("\\d+/\\d+")) {
            throw new UsageException("suite: --" + Forks.CHILD_OPTION + " is the runner's own option (i/K, with --json)");
        }
        boolean reference = child.startsWith("1/");
        List<Result> results = measure(layers, kernels, settings, memory, reference, new Progress(err, "fork " + child + " · "));
        Map<String, Object> root = new LinkedHashMap<>();
        root.put("format", "convt-bench-suite-fork/1");
        root.put("machine_canary_gflops", Double.isNaN(lastCanaryGflops) ? null : lastCanaryGflops);
        root.put("results", results.stream().map(r -> resultJson(r, Double.NaN)).toList());
        JsonFiles.write(Path.of(json), JsonFiles.pretty(root));
        return 0;
    }

    /**
     * Runs the suite in {@code forks} fresh JVMs, one after another, and combines their results. A
     * fork whose best {@link MachineCanary} speed stayed below {@link MachineCanary#SLOW} of the
     * fastest fork's ran in a slow machine state from start to end (its rows cannot tell, their probes
     * compare with that fork's own best): it is run again and the new run replaces it. Then a fork
     * whose rows were still timed in a slow state after their attempts (a slow period longer than the
     * attempts) is run again, and each such row counts from whichever run probed the faster state.
     * At most {@code forks} runs again in all.
     */
    private static List<Result> forked(Args a, int forks, List<Workload.Layer> layers, List<String> kernels, PrintStream err) {
        List<List<Result>> perFork = new ArrayList<>();
        canaries.clear();
        forksRunAgain = 0;
        decided = List.of();
        for (int i = 1; i <= forks; i++) {
            Fork f = runFork(a, i, forks, err, "", null);
            perFork.add(f.results());
            canaries.add(f.canaryGflops());
        }
        for (int again = 0; again < forks; again++) {
            int slow = slowFork(canaries);
            if (slow < 0) {
                break;
            }
            Fork f = runFork(a, slow + 1, forks, err, " again: the first ran in a slow machine state throughout (canary "
                    + Table.fixed(canaries.get(slow), 0) + " against " + Table.fixed(maxOf(canaries), 0) + " GFLOP/s)", null);
            perFork.set(slow, f.results());
            canaries.set(slow, f.canaryGflops());
            forksRunAgain++;
        }
        while (forksRunAgain < forks) {
            int slow = forkWithSlowRows(perFork);
            if (slow < 0) {
                break;
            }
            List<String> only = layersWithSlowRows(perFork.get(slow), layers);
            Fork f = runFork(a, slow + 1, forks, err, " again for the layers with rows timed in a slow machine state (marked '~'): "
                    + String.join(",", only), only);
            perFork.set(slow, inFasterState(perFork.get(slow), f.results()));
            canaries.set(slow, maxOf(List.of(canaries.get(slow), f.canaryGflops())));
            forksRunAgain++;
        }
        decided = perFork.size() % 2 == 0 ? disagreeingLayers(perFork, layers, DISAGREEMENT) : List.of();
        if (!decided.isEmpty()) {
            int i = perFork.size() + 1;
            Fork f = runFork(a, i, i, err, " to decide where the forks' medians differ by more than " + DISAGREEMENT + "×: "
                    + String.join(",", decided), decided);
            perFork.add(f.results());
            canaries.add(f.canaryGflops());
        }
        return combine(perFork, layers, kernels);
    }

    /** The layers the last {@link #forked} ran a deciding fork on. */
    private static List<String> decided = List.of();

    /**
     * The workload layers with a row whose forks' medians differ by more than {@code ratio} (largest
     * ÷ smallest), in workload order, under their workload names (see {@link #layersWithSlowRows}).
     */
    static List<String> disagreeingLayers(List<List<Result>> perFork, List<Workload.Layer> layers, double ratio) {
        Map<Key, double[]> range = new LinkedHashMap<>();
        for (List<Result> fork : perFork) {
            for (Result r : fork) {
                if (r.m() == null) {
                    continue;
                }
                double ms = r.m().medianMs();
                range.merge(new Key(r.layer(), r.kernel()), new double[] {ms, ms},
                        (x, y) -> new double[] {Math.min(x[0], y[0]), Math.max(x[1], y[1])});
            }
        }
        Set<String> split = new java.util.HashSet<>();
        range.forEach((k, v) -> {
            if (v[1] > ratio * v[0]) {
                split.add(workloadName(k.layer()));
            }
        });
        return inWorkloadOrder(split, layers);
    }

    /** The workload names of {@code layers} (each once, in their order) that are among {@code names}. */
    private static List<String> inWorkloadOrder(Set<String> names, List<Workload.Layer> layers) {
        return layers.stream().map(l -> workloadName(l.name())).distinct().filter(names::contains).toList();
    }

    /** The fork with the most rows still timed in a slow machine state ({@link Timer.Measurement#slowMachine}), or −1 if none has one. */
    static int forkWithSlowRows(List<List<Result>> perFork) {
        int worst = -1;
        long most = 0;
        for (int i = 0; i < perFork.size(); i++) {
            long n = perFork.get(i).stream().filter(r -> r.m() != null && r.m().slowMachine()).count();
            if (n > most) {
                most = n;
                worst = i;
            }
        }
        return worst;
    }

    /**
     * The workload layers with a row timed in a slow machine state among {@code rows}, in workload order:
     * only those are run again, under their workload names. A row of an activation or layout variant
     * ({@code layer+relu}, {@code layer@nhwc}) counts for its layer, and {@code layers} may be the expanded
     * list of such variants: the fork run again expands them again from the same options.
     */
    static List<String> layersWithSlowRows(List<Result> rows, List<Workload.Layer> layers) {
        Set<String> slow = new java.util.HashSet<>();
        for (Result r : rows) {
            if (r.m() != null && r.m().slowMachine()) {
                slow.add(workloadName(r.layer()));
            }
        }
        return inWorkloadOrder(slow, layers);
    }

    /** A row's workload layer: its name without the activation ({@code +…}) or layout ({@code @…}) variant. */
    static String workloadName(String row) {
        int cut = row.length();
        for (char c : new char[] {'+', '@'}) {
            int at = row.indexOf(c);
            if (at > 0) {
                cut = Math.min(cut, at);
            }
        }
        return row.substring(0, cut);
    }

    /**
     * A fork's rows, each row that was timed in a slow machine state replaced by the same row of a run
     * again of that fork when that one probed a faster state (a row the run again lacks stays).
     */
    static List<Result> inFasterState(List<Result> first, List<Result> again) {
        Map<Key, Result> byKey = new LinkedHashMap<>();
        again.forEach(r -> byKey.put(new Key(r.layer(), r.kernel()), r));
        List<Result> out = new ArrayList<>(first.size());
        for (Result r : first) {
            Result other = byKey.get(new Key(r.layer(), r.kernel()));
            boolean replace = r.m() != null && r.m().slowMachine() && other != null && other.m() != null
                    && other.m().machineState() > r.m().machineState();
            out.add(replace ? other : r);
        }
        return out;
    }

    /** Forks run again by the last {@link #forked} because they ran slow throughout. */
    private static int forksRunAgain;

    /** One fork's results and its best {@link MachineCanary} speed (NaN: not probed). */
    private record Fork(List<Result> results, double canaryGflops) {}

    /** Runs fork {@code i/forks} in a fresh JVM, on the layers {@code only} when given (else the run's), and reads what it wrote. */
    private static Fork runFork(Args a, int i, int forks, PrintStream err, String why, List<String> only) {
        Path json = Forks.tempJson("convt-suite-fork");
        List<String> args = new ArrayList<>(List.of("suite"));
        args.addAll(a.optionsAsArgs(only == null ? Set.of("forks", "json", Forks.CHILD_OPTION) : Set.of("forks", "json", "layers", Forks.CHILD_OPTION)));
        if (only != null) {
            args.add("--layers=" + String.join(",", only));
        }
        args.addAll(List.of("--" + Forks.CHILD_OPTION + "=" + i + "/" + forks, "--json=" + json));
        err.println("[fork " + i + "/" + forks + "] a fresh JVM" + (i == 1 ? " (with the reference)" : "") + why);
        try {
            Forks.run(args, "suite fork " + i + "/" + forks);
        } catch (IllegalStateException e) {
            throw new UsageException(e.getMessage());
        }
        Map<?, ?> root = (Map<?, ?>) JsonFiles.read(json);
        Object canary = root.get("machine_canary_gflops");
        return new Fork(readResults(root), canary instanceof Number n ? n.doubleValue() : Double.NaN);
    }

    /** The first fork whose canary is below {@link MachineCanary#SLOW} of the fastest fork's, or −1. */
    static int slowFork(List<Double> canaryGflops) {
        double best = maxOf(canaryGflops);
        for (int i = 0; i < canaryGflops.size(); i++) {
            if (canaryGflops.get(i) < MachineCanary.SLOW * best) {
                return i;
            }
        }
        return -1;
    }

    private static double maxOf(List<Double> values) {
        return values.stream().mapToDouble(Double::doubleValue).filter(v -> !Double.isNaN(v)).max().orElse(Double.NaN);
    }

    @SuppressWarnings("unchecked")
    private static List<Result> readResults(Map<?, ?> root) {
        List<Result> results = new ArrayList<>();
        for (Object o : (List<Object>) root.get("results")) {
            Map<String, Object> e = (Map<String, Object>) o;
            String declined = (String) e.get("declined");
            String label = ThreadCounts.label((String) e.get("kernel"), e.get("threads") instanceof Number t ? t.longValue() : 1);
            results.add(new Result((String) e.get("layer"), label, (String) e.get("chose"), declined,
                    declined == null ? measurementFrom(e) : null, number(e.get("max_abs_error")), Double.NaN, Double.NaN, List.of()));
        }
        return results;
    }

    private static double number(Object o) {
        return o instanceof Number n ? n.doubleValue() : Double.NaN;
    }

    /**
     * One result per (layer, kernel) from the forks' results: the median of the forks' medians,
     * the max error of the forks that checked, GFLOP/s and speedup from the combined medians.
     */
    static List<Result> combine(List<List<Result>> perFork, List<Workload.Layer> layers, List<String> kernels) {
        Map<Key, Result> combined = new LinkedHashMap<>();
        Map<Key, List<Timer.Measurement>> measurements = new LinkedHashMap<>();
        Map<Key, Double> errors = new LinkedHashMap<>();
        for (List<Result> fork : perFork) {
            for (Result r : fork) {
                Key key = new Key(r.layer(), r.kernel());
                combined.putIfAbsent(key, r);
                if (r.declined() == null) {
                    measurements.computeIfAbsent(key, k -> new ArrayList<>()).add(r.m());
                    if (!Double.isNaN(r.maxAbsError())) {
                        errors.merge(key, r.maxAbsError(), Math::max);
                    }
                }
            }
        }
        Map<String, Workload.Layer> byName = new LinkedHashMap<>();
        layers.forEach(l -> byName.put(l.name(), l));
        List<Result> out = new ArrayList<>();
        for (Map.Entry<Key, Result> e : combined.entrySet()) {
            Result r = e.getValue();
            if (r.declined() != null) {
                out.add(r);
                continue;
            }
            List<Timer.Measurement> ms = measurements.get(e.getKey());
            Timer.Measurement ref = measurements.containsKey(new Key(r.layer(), ReferenceKernel.NAME))
                    ? combine(measurements.get(new Key(r.layer(), ReferenceKernel.NAME))) : null;
            Costs costs = Costs.orNull(byName.get(r.layer()).problem());
            Result one = result(r.layer(), r.kernel(), r.chose(), combine(ms), errors.getOrDefault(e.getKey(), Double.NaN), costs,
                    kernels.contains(ReferenceKernel.NAME) ? ref : null);
            out.add(new Result(one.layer(), one.kernel(), one.chose(), null, one.m(), one.maxAbsError(), one.gflops(), one.speedup(), List.copyOf(ms)));
        }
        return out;
    }

    private record Key(String layer, String kernel) {}

    /** The forks' measurements as one: median, min, max and quartiles of their medians. */
    static Timer.Measurement combine(List<Timer.Measurement> forks) {
        if (forks.size() == 1) {
            return forks.getFirst();
        }
        double[] medians = forks.stream().mapToDouble(Timer.Measurement::medianMs).sorted().toArray();
        int runs = forks.stream().mapToInt(Timer.Measurement::runs).sum();
        boolean single = forks.stream().allMatch(Timer.Measurement::single);
        Timer.Warmup w = new Timer.Warmup(forks.stream().mapToInt(m -> m.warmup().runs()).sum(),
                forks.stream().mapToInt(m -> m.warmup().batches()).sum(),
                forks.stream().mapToDouble(m -> m.warmup().seconds()).sum(),
                forks.stream().allMatch(m -> m.warmup().steady()));
        double alloc = forks.stream().mapToDouble(Timer.Measurement::allocatedBytesPerRun).max().orElse(Double.NaN);
        double[] cpu = forks.stream().mapToDouble(Timer.Measurement::cpuMedianMs).sorted().toArray();
        double[] state = forks.stream().mapToDouble(Timer.Measurement::machineState).filter(v -> !Double.isNaN(v)).sorted().toArray();
        return new Timer.Measurement(runs, single, Timer.quantile(medians, 0.5), medians[0], medians[medians.length - 1],
                Timer.quantile(medians, 0.25), Timer.quantile(medians, 0.75), w, alloc, Timer.quantile(cpu, 0.5),
                state.length == 0 ? Double.NaN : Timer.quantile(state, 0.5));
    }

    /**
     * Per kernel, the total median time of the layers in each variant (an activation, a layout) and
     * its ratio to the first variant's total (the added cost of the fused activation, of the layout),
     * over the layers every variant's row of that kernel has: printed, and returned for the JSON. The
     * variants of one layer are adjacent in {@code layers}, in the order of {@code labels}.
     */
    private static Map<String, Object> variantTotals(List<Result> results, List<String> kernels, List<Workload.Layer> layers,
                                                     List<String> labels, String what, PrintStream out) {
        Map<String, Object> json = new LinkedHashMap<>();
        int n = labels.size();
        for (String k : kernels) {
            double[] total = new double[n];
            int counted = 0;
            for (int i = 0; i + n <= layers.size(); i += n) {
                double[] t = new double[n];
                boolean all = true;
                for (int j = 0; j < n; j++) {
                    Result r = find(results, layers.get(i + j).name(), k);
                    all &= r != null && r.declined() == null;
                    t[j] = r == null || r.m() == null ? Double.NaN : r.m().medianMs();
                }
                if (all) {
                    counted++;
                    for (int j = 0; j < n; j++) {
                        total[j] += t[j];
                    }
                }
            }
            if (counted == 0) {
                continue;
            }
            Map<String, Object> perKernel = new LinkedHashMap<>();
            List<String> text = new ArrayList<>();
            for (int j = 0; j < n; j++) {
                String label = labels.get(j);
                perKernel.put(label, total[j]);
                text.add(label + " " + Table.ms(total[j]) + " ms" + (j == 0 ? "" : " (" + Table.fixed(100 * (total[j] / total[0] - 1), 1) + "%)"));
            }
            json.put(k, perKernel);
            out.println(what + " totals, " + k + " (" + counted + " layers): " + String.join(", ", text));
        }
        return json;
    }

    private static Result find(List<Result> results, String layer, String kernel) {
        for (Result r : results) {
            if (r.layer().equals(layer) && r.kernel().equals(kernel)) {
                return r;
            }
        }
        return null;
    }

    /** Measures the requested kernels on every layer in this JVM; {@code reference}: whether to run the reference here. */
    private static List<Result> measure(List<Workload.Layer> layers, List<String> kernels, Timer.Settings settings,
                                        MemoryOption memory, boolean reference, Progress progress) {
        List<String> timed = reference ? kernels : kernels.stream().filter(k -> !k.equals(ReferenceKernel.NAME)).toList();
        if (reference) {
            progress.step("JIT warm-up", ReferenceKernel.NAME + " on small problems");
            warmReference(settings);
        }
        MachineCanary canary = MachineCanary.orNull();
        List<Result> results = new ArrayList<>();
        for (int i = 0; i < layers.size(); i++) {
            Workload.Layer layer = layers.get(i);
            progress.layer(i + 1, layers.size(), layer.name());
            Costs costs = Costs.orNull(layer.problem());
            String chosen = Planner.choose(layer.problem()).name();
            results.addAll(runLayer(layer, costs, chosen, timed, reference, settings, memory, progress, canary));
        }
        progress.done();
        lastCanaryGflops = canary == null ? Double.NaN : canary.bestGflops();
        return results;
    }

    /** The best {@link MachineCanary} speed of each fork of the last {@link #forked} run, in GFLOP/s (NaN: none). */
    private static final List<Double> canaries = new ArrayList<>();

    /** The best {@link MachineCanary} speed of this JVM's last {@link #measure}, in GFLOP/s (NaN: none). */
    private static double lastCanaryGflops = Double.NaN;

    /**
     * The measurement {@code m} with the machine state probed right after it; while that state is slow
     * (see {@link MachineCanary}), the row is timed again, up to {@link #MachineCanary.ATTEMPTS} in all, and
     * the attempt timed in the fastest machine state counts.
     */
    static Timer.Measurement inNormalState(Timer.Body body, Timer.Measurement m, Timer.Settings settings,
                                           java.util.function.DoubleSupplier machineState) {
        if (machineState == null || m.single()) {
            return m;
        }
        Timer.Measurement best = m.withMachineState(machineState.getAsDouble());
        for (int attempt = 1; attempt < MachineCanary.ATTEMPTS && best.slowMachine(); attempt++) {
            Timer.Measurement again = Timer.measure(body, Timer.first(body), settings, false).withMachineState(machineState.getAsDouble());
            if (again.machineState() > best.machineState()) {
                best = again;
            }
        }
        return best;
    }

    /** The kernel names to time: the named ones, or every available kernel and auto. Reference first. */
    static List<String> kernels(List<String> names) {
        List<String> available = Planner.kernelNames();
        List<String> wanted = new ArrayList<>();
        if (names == null || names.stream().anyMatch(n -> n.equalsIgnoreCase("all"))) {
            wanted.addAll(available);
            wanted.add(AUTO);
        } else {
            for (String raw : names) {
                String n = raw.toLowerCase(Locale.ROOT);
                if (!n.equals(AUTO) && !available.contains(n)) {
                    boolean known;
                    try {
                        KernelChoice.parse(n);
                        known = true;
                    } catch (IllegalArgumentException e) {
                        known = false;
                    }
                    String why = Planner.vectorUnavailableReason();
                    throw new UsageException(known
                            ? "kernel '" + n + "' is not available here" + (why == null ? "" : " (" + why + ")") + "; available: " + String.join(", ", available) + ", auto"
                            : "unknown kernel '" + raw + "'; the kernels here are: " + String.join(", ", available) + ", auto (or all)");
                }
                if (!wanted.contains(n)) {
                    wanted.add(n);
                }
            }
        }
        if (wanted.remove(ReferenceKernel.NAME)) {
            wanted.addFirst(ReferenceKernel.NAME);
        }
        return wanted;
    }

    /**
     * Compiles the scalar reference on small problems (1D and 2D, with and without bias, groups and
     * dilation) until its times stop falling, so that its single runs on the big layers ('1*') are
     * compiled code. Only the reference is warmed this way: its code is core's scalar loops, which no
     * vector kernel shares. The vector kernels are warmed on each layer itself, until settled.
     *
     * <p>Why (issue 9): this runner once warmed every kernel for a fixed 25 ms on each of four small
     * problems, then reported any first run over 0.5 s alone as compiled code. On a busy machine C2
     * had not compiled the Vector API code by then, so cold runs were reported as steady figures
     * (dcgan_g2's first run took 430–1,000 ms after that pre-warm, against a steady 5 ms: the '1*'
     * rows of 508–545 ms). The "whole JVM 2× slower" state was not that pre-warm's doing, nor the
     * JIT's: in one JVM, with the kernels' code compiled once, no compilation, no GC and the same
     * arrays, every im2col layer flips between its normal time and about 1.7× (or 2.3×) that, all at
     * once, for seconds to minutes at a time; a fixed multiply loop of the runner's own flips with them
     * ({@link MachineCanary}). The host shares the cores with other machines. So each row is probed
     * right after it is timed and timed again in a slow state ({@link #inNormalState}).
     */
    static void warmReference(Timer.Settings settings) {
        List<Problem> small = List.of(
                dev.convt.ConvTransposeSpec.builder(2, 8, 6, 3).stride(2).padding(1).outputPadding(1).build().problem(2, new int[] {9, 7}),
                dev.convt.ConvTransposeSpec.builder(2, 8, 6, 4).stride(2).padding(1).groups(2).bias(false).build().problem(1, new int[] {8, 8}),
                dev.convt.ConvTransposeSpec.builder(1, 16, 8, 5).stride(3).padding(2).dilation(2).build().problem(2, new int[] {40}),
                dev.convt.ConvTransposeSpec.builder(1, 16, 8, 4).stride(2).padding(1).bias(false).build().problem(1, new int[] {33}));
        for (Problem p : small) {
            float[] x = TestData.uniform(p.inputLength(), 1);
            float[] w = TestData.uniform(p.weightLength(), 2);
            float[] b = p.spec().hasBias() ? TestData.uniform(p.spec().outChannels(), 3) : null;
            Plan plan = Planner.plan(p, w, 0, b, 0, KernelChoice.REFERENCE);
            float[] y = new float[p.outputLength()];
            Timer.Body body = () -> {
                plan.execute(x, 0, y, 0);
                return y[0];
            };
            Timer.measure(body, Timer.first(body), settings, false);
        }
    }

    /**
     * Runs the reference (when {@code reference}: every kernel is checked against it) and the
     * requested kernels on one layer, each warmed on this layer until its times stop falling.
     */
    private static List<Result> runLayer(Workload.Layer layer, Costs costs, String chosen, List<String> kernels,
                                         boolean reference, Timer.Settings settings, MemoryOption memory, Progress progress,
                                         MachineCanary canary) {
        Problem p = layer.problem();
        float[] x = TestData.uniform(p.inputLength(), Data.seed(layer.name(), 1));
        float[] w = TestData.uniform(p.weightLength(), Data.seed(layer.name(), 2));
        float[] b = p.spec().hasBias() ? TestData.uniform(p.spec().outChannels(), Data.seed(layer.name(), 3)) : null;

        float[] yRef = null;
        Timer.Measurement refM = null;
        if (reference) {
            progress.step(layer.name(), ReferenceKernel.NAME);
            Plan ref = Planner.plan(p, w, 0, b, 0, KernelChoice.REFERENCE);
            // in the --memory chosen too, so its row times the same entry point as the kernels'
            MemoryOption.Buffers refBuffers = memory.buffers(x, p.outputLength());
            Timer.Body refBody = () -> {
                refBuffers.execute(ref);
                return refBuffers.checksum();
            };
            Timer.Run refFirst = Timer.first(refBody);
            yRef = refBuffers.output(); // later reference runs write the same values
            if (kernels.contains(ReferenceKernel.NAME)) {
                refM = Timer.measure(refBody, refFirst, settings, true);
            }
        }

        List<Result> rows = new ArrayList<>();
        Map<String, Result> byKernel = new LinkedHashMap<>();
        for (String k : kernels) {
            Result r;
            if (k.equals(ReferenceKernel.NAME)) {
                r = result(layer.name(), k, null, refM, 0.0, costs, refM);
            } else if (ThreadCounts.kernel(k).equals(AUTO) && byKernel.containsKey(ThreadCounts.label(chosen, ThreadCounts.threads(k)))) {
                Result same = byKernel.get(ThreadCounts.label(chosen, ThreadCounts.threads(k)));
                r = new Result(layer.name(), k, chosen, same.declined(), same.m(), same.maxAbsError(), same.gflops(), same.speedup(), List.of());
            } else {
                progress.step(layer.name(), ThreadCounts.kernel(k).equals(AUTO) ? k + " → " + chosen : k);
                String kernel = ThreadCounts.kernel(k);
                String declines = null;
                for (Planner.Decision d : kernel.equals(AUTO) ? List.<Planner.Decision>of() : Planner.explain(p, false)) {
                    if (d.kernel().equals(kernel)) {
                        declines = d.reason();
                    }
                }
                if (declines != null) {
                    rows.add(declined(layer.name(), k, declines));
                    continue;
                }
                Plan plan;
                try {
                    plan = Planner.plan(p, w, 0, b, 0, kernel.equals(AUTO) ? KernelChoice.AUTO : KernelChoice.parse(kernel))
                            .withParallelism(ThreadCounts.parallelism(ThreadCounts.threads(k)));
                } catch (UnsupportedOperationException e) {
                    rows.add(declined(layer.name(), k, e.getMessage()));
                    continue;
                }
                // the kernels' input and output in the --memory chosen
                MemoryOption.Buffers buffers = memory.buffers(x, p.outputLength());
                Timer.Body body = () -> {
                    buffers.execute(plan);
                    return buffers.checksum();
                };
                Timer.Run first = Timer.first(body);
                double error = yRef == null ? Double.NaN : Data.maxAbsDiff(buffers.output(), yRef);
                Timer.Measurement m = inNormalState(body, Timer.measure(body, first, settings, false), settings,
                        canary == null ? null : canary::state);
                r = result(layer.name(), k, kernel.equals(AUTO) ? plan.kernelName() : null, m, error, costs, refM);
            }
            rows.add(r);
            byKernel.put(k, r);
        }
        return rows;
    }

    private static Result declined(String layer, String kernel, String why) {
        return new Result(layer, kernel, null, why, null, Double.NaN, Double.NaN, Double.NaN, List.of());
    }

    private static Result result(String layer, String kernel, String chose, Timer.Measurement m, double error,
                                 Costs costs, Timer.Measurement ref) {
        double gflops = costs == null ? Double.NaN : costs.flop() / (m.medianMs() * 1e-3) / 1e9;
        double speedup = ref == null ? Double.NaN : ref.medianMs() / m.medianMs();
        return new Result(layer, kernel, chose, null, m, error, gflops, speedup, List.of());
    }

    /** Prints the summary lines and returns them as JSON. */
    private static Map<String, Object> summarize(List<Result> results, List<String> kernels, int layerCount, int forks,
                                                 double wallSeconds, PrintStream out) {
        Map<String, Object> totals = new LinkedHashMap<>();
        Map<String, Object> cpuTotals = new LinkedHashMap<>();
        List<String> cpuText = new ArrayList<>();
        Map<String, Object> forkTotals = new LinkedHashMap<>();
        Map<String, Object> geomeans = new LinkedHashMap<>();
        List<String> totalText = new ArrayList<>();
        List<String> forkText = new ArrayList<>();
        List<String> speedText = new ArrayList<>();
        List<String> errorText = new ArrayList<>();
        for (String k : kernels) {
            double total = 0;
            double cpuTotal = 0;
            double[] perFork = null;
            // each fork's total over the forks every row has (a deciding fork ran some layers only)
            int regular = results.stream().filter(r -> r.kernel().equals(k) && r.declined() == null)
                    .mapToInt(r -> r.forks().size()).min().orElse(0);
            double logSum = 0;
            int timed = 0;
            int compared = 0;
            double maxError = 0;
            for (Result r : results) {
                if (!r.kernel().equals(k) || r.declined() != null) {
                    continue;
                }
                total += r.m().medianMs();
                cpuTotal += r.m().cpuMedianMs();
                if (regular > 1) {
                    perFork = perFork == null ? new double[regular] : perFork;
                    for (int f = 0; f < regular; f++) {
                        perFork[f] += r.forks().get(f).medianMs();
                    }
                }
                timed++;
                if (!Double.isNaN(r.speedup())) {
                    logSum += Math.log(r.speedup());
                    compared++;
                }
                maxError = Double.isNaN(r.maxAbsError()) || Double.isNaN(maxError) ? Double.NaN : Math.max(maxError, r.maxAbsError());
            }
            if (timed == 0) {
                totalText.add(k + " declined every layer");
                continue;
            }
            totals.put(k, total);
            String of = timed == layerCount ? "" : " (" + timed + " of " + layerCount + " layers)";
            totalText.add(k + " " + Table.ms(total) + " ms" + of);
            if (!Double.isNaN(cpuTotal)) {
                cpuTotals.put(k, cpuTotal);
                cpuText.add(k + " " + Table.ms(cpuTotal) + " ms" + of);
            }
            if (perFork != null) {
                forkTotals.put(k, toList(perFork));
                double lo = java.util.Arrays.stream(perFork).min().orElse(Double.NaN);
                double hi = java.util.Arrays.stream(perFork).max().orElse(Double.NaN);
                forkText.add(k + " " + String.join(", ", java.util.Arrays.stream(perFork).mapToObj(Table::ms).toList())
                        + " ms (max/min " + Table.fixed(hi / lo, 2) + ")");
            }
            if (compared > 0 && !k.equals(ReferenceKernel.NAME)) {
                double g = Math.exp(logSum / compared);
                geomeans.put(k, g);
                speedText.add(k + " " + Table.times(g));
            }
            if (!k.equals(ReferenceKernel.NAME)) {
                errorText.add(k + " " + Table.error(maxError));
            }
        }
        out.println("total of medians" + (forks > 1 ? " (median of the forks' medians per layer)" : "") + ": " + String.join(" · ", totalText));
        if (!forkText.isEmpty()) {
            out.println("each fork's total: " + String.join(" · ", forkText));
        }
        if (!cpuText.isEmpty()) {
            out.println("total of the runs' CPU-time medians (the timing thread; less than the above when other processes share the cores): "
                    + String.join(" · ", cpuText));
        }
        if (!speedText.isEmpty()) {
            out.println("geometric-mean speedup over the reference: " + String.join(" · ", speedText));
        }
        if (!errorText.isEmpty()) {
            out.println("max |error| against the reference: " + String.join(" · ", errorText));
        }
        out.println(String.format(Locale.ROOT, "wall time %.1f s", wallSeconds));
        Map<String, Object> s = new LinkedHashMap<>();
        s.put("total_ms", totals);
        s.put("cpu_total_ms", cpuTotals);
        if (!forkTotals.isEmpty()) {
            s.put("total_ms_per_fork", forkTotals);
        }
        s.put("geomean_speedup", geomeans);
        s.put("wall_s", wallSeconds);
        return s;
    }

    /** The FMA peak per thread count of the run: one core's, and that of T cores running at once for each T > 1. */
    private static Map<Integer, Double> peaksByThreads(double onePeak, List<Integer> threadCounts) {
        Map<Integer, Double> peaks = new java.util.TreeMap<>();
        peaks.put(1, onePeak);
        for (int t : threadCounts) {
            if (t > 1 && !Double.isNaN(onePeak)) {
                peaks.put(t, FmaPeak.measureTogetherOrNaN(t, onePeak));
            }
        }
        return peaks;
    }

    /** The peak a result's GFLOP/s is a fraction of: that of the result's thread count. */
    static double peakOf(Result r, Map<Integer, Double> peaks) {
        Double p = peaks.get(ThreadCounts.threads(r.kernel()));
        return p == null ? Double.NaN : p;
    }

    private static String together(Map<Integer, Double> peaks) {
        StringBuilder b = new StringBuilder();
        peaks.forEach((t, v) -> {
            if (t > 1 && !Double.isNaN(v)) {
                b.append(b.isEmpty() ? " (one core; " : ", ").append(t).append(" at once ").append(Table.fixed(v, 0));
            }
        });
        return b.isEmpty() ? "" : b.append(")").toString();
    }

    /**
     * What the cores allowed a compute-bound layer to gain from more threads in this run: the peak of T
     * cores at once over one core's. Near T when the cores were the run's alone; lower where other
     * processes held some of them, which the thread-speedup figures of the same run then share.
     */
    static void printPeakGain(Map<Integer, Double> peaks, PrintStream out) {
        double one = peaks.getOrDefault(1, Double.NaN);
        List<String> text = new ArrayList<>();
        peaks.forEach((t, v) -> {
            if (t > 1 && !Double.isNaN(v) && !Double.isNaN(one)) {
                text.add(t + " threads " + Table.times(v / one));
            }
        });
        if (!text.isEmpty()) {
            out.println("FMA peak of the cores at once over one core's (the most a compute-bound layer can gain): " + String.join(" · ", text));
        }
    }

    /**
     * Per kernel and thread count above one: the suite's total at one thread over its total at N
     * (the layers both timed), and the worst layer's ratio. Prints them and returns them as JSON.
     */
    static Map<String, Object> threadSpeedups(List<Result> results, List<String> labels, PrintStream out) {
        Map<String, Result> byKey = new LinkedHashMap<>();
        for (Result r : results) {
            if (r.declined() == null) {
                byKey.put(r.layer() + "\t" + r.kernel(), r);
            }
        }
        Map<String, Object> json = new LinkedHashMap<>();
        List<String> text = new ArrayList<>();
        for (String label : labels) {
            if (ThreadCounts.threads(label) == 1) {
                continue;
            }
            String one = ThreadCounts.kernel(label);
            double t1 = 0, tn = 0, worst = Double.POSITIVE_INFINITY;
            String worstLayer = null;
            for (Result r : results) {
                Result base = byKey.get(r.layer() + "\t" + one);
                if (!r.kernel().equals(label) || r.declined() != null || base == null) {
                    continue;
                }
                t1 += base.m().medianMs();
                tn += r.m().medianMs();
                double ratio = base.m().medianMs() / r.m().medianMs();
                if (ratio < worst) {
                    worst = ratio;
                    worstLayer = r.layer();
                }
            }
            if (worstLayer == null) {
                continue;
            }
            Map<String, Object> k = new LinkedHashMap<>();
            k.put("total_speedup", t1 / tn);
            k.put("worst_layer", worstLayer);
            k.put("worst_layer_speedup", worst);
            json.put(label, k);
            text.add(label + " " + Table.times(t1 / tn) + " (worst " + worstLayer + " " + Table.times(worst) + ")");
        }
        if (!text.isEmpty()) {
            out.println("speedup over one thread (suite total, worst layer): " + String.join(" · ", text));
        }
        return json;
    }

    private static void notes(List<Result> results, Timer.Settings settings, int forks, PrintStream out) {
        if (results.stream().anyMatch(r -> r.m() != null && r.m().single())) {
            out.println("1* = a single run of a kernel already compiled on small problems (the reference), for runs over "
                    + Table.fixed(settings.singleLimitSeconds(), 1) + " s");
        }
        if (results.stream().anyMatch(r -> r.m() != null && !r.m().warmup().steady())) {
            out.println("! = still getting faster when warm-up reached its cap (" + Table.fixed(settings.maxWarmupSeconds(), 1)
                    + " s): not a steady figure");
        }
        if (results.stream().anyMatch(r -> r.m() != null && r.m().slowMachine())) {
            out.println("~ = timed while the machine ran slow: a fixed reference loop, probed right after the timed runs, reached below "
                    + Table.fixed(100 * MachineCanary.SLOW, 0) + "% of its best speed in that JVM, also after "
                    + MachineCanary.ATTEMPTS + " attempts (other virtual machines share the host's cores): the machine's figure, not the kernel's");
        }
        if (forks > 1) {
            out.println("runs = forks × timed runs per fork; median = median of the forks' medians; ± = half the range of the forks' medians");
        } else {
            out.println("± = half the min–max range of the timed runs");
        }
        out.println("MMAC = 10^6 exact multiply-adds; GFLOP/s = 2 × exact multiplications ÷ median; of peak = GFLOP/s ÷ the measured FMA peak");
        for (Result r : results) {
            if (r.declined() != null) {
                out.println(r.layer() + ": " + r.kernel() + " declines: " + r.declined());
            }
        }
        for (Result r : results) {
            if (r.m() != null && r.m().allocatedBytesPerRun() > 1024 && !r.kernel().equals(ReferenceKernel.NAME)) {
                out.println(r.layer() + ": " + r.kernel() + " allocated " + Table.count((long) r.m().allocatedBytesPerRun())
                        + " bytes per timed run (a compiled plan allocates nothing: some of its Vector API code is not compiled)");
            }
        }
        String why = Planner.vectorUnavailableReason();
        if (why != null) {
            out.println("note: " + why);
        }
    }

    private static Map<String, Object> layerJson(Workload.Layer layer, Costs costs, String chosen) {
        Problem p = layer.problem();
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("name", layer.name());
        m.put("input_shape", p.inputShape());
        m.put("output_shape", p.outputShape());
        m.put("auto", chosen);
        m.put("exact_multiplications", costs == null ? null : costs.exact().multiplications());
        m.put("exact_additions", costs == null ? null : costs.exact().additions());
        m.put("published_total", costs == null ? null : costs.published().total());
        m.put("dense_multiplications", costs == null ? null : costs.dense().multiplications());
        m.put("flop", costs == null ? null : (long) costs.flop());
        return m;
    }

    private static Map<String, Object> resultJson(Result r, double peak) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("layer", r.layer());
        m.put("kernel", ThreadCounts.kernel(r.kernel()));
        if (r.chose() != null) {
            m.put("chose", r.chose());
        }
        m.put("threads", ThreadCounts.threads(r.kernel()));
        if (r.declined() != null) {
            m.put("declined", r.declined());
            return m;
        }
        m.putAll(measurementJson(r.m()));
        m.put("gflops", r.gflops());
        m.put("fraction_of_peak", Double.isNaN(peak) || Double.isNaN(r.gflops()) ? null : r.gflops() / peak);
        m.put("speedup_vs_reference", r.speedup());
        m.put("max_abs_error", r.maxAbsError());
        if (!r.forks().isEmpty()) {
            m.put("forks", r.forks().stream().map(SuiteCommand::measurementJson).toList());
        }
        return m;
    }

    /** A measurement's figures, as written per result and per fork. */
    static Map<String, Object> measurementJson(Timer.Measurement t) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("runs", t.runs());
        m.put("single_run", t.single());
        m.put("median_ms", t.medianMs());
        m.put("min_ms", t.minMs());
        m.put("max_ms", t.maxMs());
        m.put("q1_ms", t.q1Ms());
        m.put("q3_ms", t.q3Ms());
        m.put("warmup_runs", t.warmup().runs());
        m.put("warmup_batches", t.warmup().batches());
        m.put("warmup_s", t.warmup().seconds());
        m.put("steady", t.warmup().steady());
        m.put("alloc_bytes_per_run", Double.isNaN(t.allocatedBytesPerRun()) ? null : t.allocatedBytesPerRun());
        m.put("cpu_median_ms", Double.isNaN(t.cpuMedianMs()) ? null : t.cpuMedianMs());
        m.put("machine_state", Double.isNaN(t.machineState()) ? null : t.machineState());
        return m;
    }

    /** The inverse of {@link #measurementJson}. */
    static Timer.Measurement measurementFrom(Map<String, Object> m) {
        return new Timer.Measurement(((Number) m.get("runs")).intValue(), Boolean.TRUE.equals(m.get("single_run")),
                number(m.get("median_ms")), number(m.get("min_ms")), number(m.get("max_ms")), number(m.get("q1_ms")), number(m.get("q3_ms")),
                new Timer.Warmup(((Number) m.get("warmup_runs")).intValue(), ((Number) m.get("warmup_batches")).intValue(),
                        number(m.get("warmup_s")), Boolean.TRUE.equals(m.get("steady"))),
                number(m.get("alloc_bytes_per_run")), number(m.get("cpu_median_ms")), number(m.get("machine_state")));
    }

    /** The progress line on stderr: rewritten in place on a terminal, one line per layer otherwise. */
    static final class Progress {
        private final PrintStream err;
        private final boolean terminal;
        private final String label;
        private String prefix = "";
        private int width;

        /** @param label printed before each line (e.g. which fork this is), or empty */
        Progress(PrintStream err, String label) {
            this.err = err;
            this.label = label;
            this.terminal = err == System.err && System.console() != null && System.console().isTerminal();
        }

        void layer(int i, int n, String name) {
            prefix = String.format(Locale.ROOT, "[%s%" + String.valueOf(n).length() + "d/%d] ", label, i, n);
            if (!terminal) {
                err.println(prefix + name);
            }
        }

        void step(String layer, String kernel) {
            if (terminal) {
                String s = prefix + layer + ": " + kernel + "…";
                err.print("\r" + s + " ".repeat(Math.max(0, width - s.length())));
                width = s.length();
                err.flush();
            }
        }

        void done() {
            if (terminal) {
                err.print("\r" + " ".repeat(width) + "\r");
                err.flush();
            }
        }
    }
}
