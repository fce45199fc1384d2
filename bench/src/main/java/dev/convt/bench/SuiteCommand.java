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

    static final String HELP = """
            usage: bench/convt suite [--layers a,b] [--kernels auto,reference,im2col,scatter,...|all]
                                     [--threads N] [--json FILE] [--quick] [--file LAYERS.json]

            Runs the workload (by default the 17 published layers embedded in the runner) on each kernel
            and prints one table: per layer its shapes, exact work, the published/exact op ratio and the
            automatic kernel choice; per kernel the median time of repeated runs after warm-up, the
            spread, GFLOP/s (2 × exact multiplications ÷ median time), the speedup over the reference
            and the max |error| against the reference on the same data (uniform [-1, 1), seeded per layer).

              --layers a,b     only these layers (names from the workload)
              --kernels k,...  kernels to time (default: all, i.e. every available kernel and auto;
                               'auto' is the planner's choice, reported with what it chose)
              --threads N      threads per run; only 1 is supported so far
              --json FILE      also write every figure, the machine and the settings as JSON
              --quick          shorter warm-up and fewer runs (a smoke run, e.g. for CI)
              --file F         a workload in the format of shared/workloads/layers.json instead
                               of the embedded one

            Timing: a first run (it also produces the output that is checked), warm-up runs, then
            timed runs sized to take about 0.4 s per kernel and layer (0.1 s with --quick), 3 to 200
            of them (3 to 20). Every kernel is first JIT-compiled on small layers; a first run slower
            than 0.5 s is then reported alone (the scalar reference on the bigger layers): the
            'runs' column then says '1*'.
            """;

    /** One row of results: a kernel on a layer, or why it declined. */
    record Result(String layer, String kernel, String chose, String declined, Timer.Measurement m,
                  double maxAbsError, double gflops, double speedup) {}

    private SuiteCommand() {}

    static int run(String[] argv, PrintStream out, PrintStream err) {
        Args a = new Args("suite", argv, Set.of("layers", "kernels", "threads", "json", "file"), Set.of("quick", "help"));
        if (a.flag("help")) {
            out.print(HELP);
            return 0;
        }
        a.positional(0, "no positional arguments");
        int threads = a.intOption("threads", 1);
        if (threads != 1) {
            throw new UsageException("suite: --threads " + threads + " is not supported yet: the kernels run a plan on the calling thread only; use --threads 1");
        }
        List<Workload.Layer> all = a.option("file") == null ? Workload.embedded() : Workload.read(Path.of(a.option("file")));
        List<Workload.Layer> layers = Workload.select(all, a.listOption("layers"));
        List<String> kernels = kernels(a.listOption("kernels"));
        boolean quick = a.flag("quick");
        Timer.Settings settings = quick ? Timer.Settings.QUICK : Timer.Settings.DEFAULT;

        long wall0 = System.nanoTime();
        Progress progress = new Progress(err);
        progress.step("JIT warm-up", String.join(", ", kernels));
        List<String> warm = new ArrayList<>(kernels);
        if (!warm.contains(ReferenceKernel.NAME)) {
            warm.add(ReferenceKernel.NAME); // it runs once on every layer to check the others
        }
        prewarm(warm, settings);
        List<Map<String, Object>> layerJson = new ArrayList<>();
        List<Result> results = new ArrayList<>();
        Table table = new Table("layer", "input → output", ">exact MMAC", ">pub/exact", "auto", "kernel",
                ">runs", ">median ms", ">±", ">GFLOP/s", ">vs ref", ">max |err|");
        for (int i = 0; i < layers.size(); i++) {
            Workload.Layer layer = layers.get(i);
            progress.layer(i + 1, layers.size(), layer.name());
            Costs costs = Costs.orNull(layer.problem());
            String chosen = Planner.choose(layer.problem()).name();
            List<Result> rows = runLayer(layer, costs, chosen, kernels, settings, progress);
            results.addAll(rows);
            layerJson.add(layerJson(layer, costs, chosen));
            boolean first = true;
            for (Result r : rows) {
                if (r.kernel().equals(AUTO) && r.chose() != null && kernels.contains(r.chose())) {
                    continue; // the auto column already says which row it is
                }
                Problem p = layer.problem();
                table.row(first ? layer.name() : "",
                        first ? Table.shape(p.inputShape()) + " → " + Table.shape(p.outputShape()) : "",
                        first ? (costs == null ? "—" : Table.fixed(costs.exact().multiplications() / 1e6, 1)) : "",
                        first ? (costs == null ? "—" : Table.fixed(costs.publishedOverExact(), 2)) : "",
                        first ? chosen : "",
                        r.chose() == null ? r.kernel() : r.kernel() + " → " + r.chose(),
                        r.declined() != null ? "" : r.m().runs() + (r.m().single() ? "*" : ""),
                        r.declined() != null ? "declines" : Table.ms(r.m().medianMs()),
                        r.declined() != null ? "" : r.m().runs() == 1 ? "" : Table.fixed(100 * r.m().halfRangeFraction(), 0) + "%",
                        r.declined() != null ? "" : Table.fixed(r.gflops(), 2),
                        r.declined() != null ? "" : Table.times(r.speedup()),
                        r.declined() != null || r.kernel().equals(ReferenceKernel.NAME) ? "" : Table.error(r.maxAbsError()));
                first = false;
            }
        }
        progress.done();
        double wallSeconds = (System.nanoTime() - wall0) * 1e-9;

        out.println("convt suite — " + layers.size() + " layer" + (layers.size() == 1 ? "" : "s")
                + (quick ? ", --quick" : "") + "; " + MachineInfo.summary(threads));
        out.println();
        table.print(out);
        out.println();
        Map<String, Object> summary = summarize(results, kernels, layers.size(), wallSeconds, out);
        notes(results, settings, out);

        String json = a.option("json");
        if (json != null) {
            Map<String, Object> root = new LinkedHashMap<>();
            root.put("format", "convt-bench-suite/1");
            root.put("machine", MachineInfo.describe(threads));
            Map<String, Object> s = new LinkedHashMap<>();
            s.put("quick", quick);
            s.put("kernels", kernels);
            s.put("layers", layers.stream().map(Workload.Layer::name).toList());
            s.put("workload", a.option("file") == null ? "embedded shared/workloads/layers.json" : a.option("file"));
            s.put("data", "uniform [-1, 1), seeded per layer");
            s.put("timing", Map.of("warmup_s", settings.warmupSeconds(), "target_s", settings.targetSeconds(),
                    "min_runs", settings.minRuns(), "max_runs", settings.maxRuns(), "single_run_limit_s", settings.singleLimitSeconds()));
            root.put("settings", s);
            root.put("layers", layerJson);
            root.put("results", results.stream().map(r -> resultJson(r, threads)).toList());
            root.put("summary", summary);
            JsonFiles.write(Path.of(json), JsonFiles.pretty(root));
            out.println("wrote " + json);
        }
        return 0;
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
     * Runs each kernel for a moment on small layers (1D and 2D, with and without bias and groups),
     * so its code is compiled before the first real layer: a run reported alone ('1*') then
     * measures compiled code, not the interpreter.
     */
    static void prewarm(List<String> kernels, Timer.Settings settings) {
        List<Problem> small = List.of(
                dev.convt.ConvTransposeSpec.builder(2, 8, 6, 3).stride(2).padding(1).outputPadding(1).build().problem(2, new int[] {9, 7}),
                dev.convt.ConvTransposeSpec.builder(2, 8, 6, 4).stride(2).padding(1).groups(2).bias(false).build().problem(1, new int[] {8, 8}),
                dev.convt.ConvTransposeSpec.builder(1, 16, 8, 5).stride(3).padding(2).dilation(2).build().problem(2, new int[] {40}),
                dev.convt.ConvTransposeSpec.builder(1, 16, 8, 4).stride(2).padding(1).bias(false).build().problem(1, new int[] {33}));
        double each = settings.warmupSeconds() / 2 / small.size();
        for (String k : kernels) {
            KernelChoice choice = k.equals(AUTO) ? KernelChoice.AUTO : KernelChoice.parse(k);
            for (Problem p : small) {
                float[] x = TestData.uniform(p.inputLength(), 1);
                float[] w = TestData.uniform(p.weightLength(), 2);
                float[] b = p.spec().hasBias() ? TestData.uniform(p.spec().outChannels(), 3) : null;
                Plan plan;
                try {
                    plan = Planner.plan(p, w, 0, b, 0, choice);
                } catch (UnsupportedOperationException e) {
                    continue; // a kernel that declines a shape is not warmed on it
                }
                float[] y = new float[p.outputLength()];
                double acc = 0;
                long end = System.nanoTime() + (long) (each * 1e9);
                while (System.nanoTime() < end) {
                    plan.execute(x, 0, y, 0);
                    acc += y[0];
                }
                Timer.sink += acc;
            }
        }
    }

    /** Runs the reference (always: every kernel is checked against it) and the requested kernels on one layer. */
    private static List<Result> runLayer(Workload.Layer layer, Costs costs, String chosen, List<String> kernels,
                                         Timer.Settings settings, Progress progress) {
        Problem p = layer.problem();
        float[] x = TestData.uniform(p.inputLength(), Data.seed(layer.name(), 1));
        float[] w = TestData.uniform(p.weightLength(), Data.seed(layer.name(), 2));
        float[] b = p.spec().hasBias() ? TestData.uniform(p.spec().outChannels(), Data.seed(layer.name(), 3)) : null;

        progress.step(layer.name(), ReferenceKernel.NAME);
        float[] yRef = new float[p.outputLength()];
        Plan ref = Planner.plan(p, w, 0, b, 0, KernelChoice.REFERENCE);
        Timer.Body refBody = () -> {
            ref.execute(x, 0, yRef, 0);
            return Data.checksum(yRef);
        };
        double refFirst = Timer.first(refBody);
        Timer.Measurement refM = kernels.contains(ReferenceKernel.NAME) ? Timer.measure(refBody, refFirst, settings) : null;

        List<Result> rows = new ArrayList<>();
        Map<String, Result> byKernel = new LinkedHashMap<>();
        for (String k : kernels) {
            Result r;
            if (k.equals(ReferenceKernel.NAME)) {
                r = result(layer, k, null, refM, 0.0, costs, refM);
            } else if (k.equals(AUTO) && byKernel.containsKey(chosen)) {
                Result same = byKernel.get(chosen);
                r = new Result(layer.name(), AUTO, chosen, same.declined(), same.m(), same.maxAbsError(), same.gflops(), same.speedup());
            } else {
                progress.step(layer.name(), k.equals(AUTO) ? AUTO + " → " + chosen : k);
                String declines = null;
                for (Planner.Decision d : k.equals(AUTO) ? List.<Planner.Decision>of() : Planner.explain(p, false)) {
                    if (d.kernel().equals(k)) {
                        declines = d.reason();
                    }
                }
                if (declines != null) {
                    rows.add(new Result(layer.name(), k, null, declines, null, Double.NaN, Double.NaN, Double.NaN));
                    continue;
                }
                Plan plan;
                try {
                    plan = Planner.plan(p, w, 0, b, 0, k.equals(AUTO) ? KernelChoice.AUTO : KernelChoice.parse(k));
                } catch (UnsupportedOperationException e) {
                    rows.add(new Result(layer.name(), k, null, e.getMessage(), null, Double.NaN, Double.NaN, Double.NaN));
                    continue;
                }
                float[] y = new float[p.outputLength()];
                Timer.Body body = () -> {
                    plan.execute(x, 0, y, 0);
                    return Data.checksum(y);
                };
                double first = Timer.first(body);
                double error = Data.maxAbsDiff(y, yRef);
                Timer.Measurement m = Timer.measure(body, first, settings);
                r = result(layer, k, k.equals(AUTO) ? plan.kernelName() : null, m, error, costs, refM);
            }
            rows.add(r);
            byKernel.put(k, r);
        }
        return rows;
    }

    private static Result result(Workload.Layer layer, String kernel, String chose, Timer.Measurement m, double error,
                                 Costs costs, Timer.Measurement ref) {
        double gflops = costs == null ? Double.NaN : costs.flop() / (m.medianMs() * 1e-3) / 1e9;
        double speedup = ref == null ? Double.NaN : ref.medianMs() / m.medianMs();
        return new Result(layer.name(), kernel, chose, null, m, error, gflops, speedup);
    }

    /** Prints the summary lines and returns them as JSON. */
    private static Map<String, Object> summarize(List<Result> results, List<String> kernels, int layerCount,
                                                 double wallSeconds, PrintStream out) {
        Map<String, Object> totals = new LinkedHashMap<>();
        Map<String, Object> geomeans = new LinkedHashMap<>();
        List<String> totalText = new ArrayList<>();
        List<String> speedText = new ArrayList<>();
        List<String> errorText = new ArrayList<>();
        for (String k : kernels) {
            double total = 0;
            double logSum = 0;
            int timed = 0;
            int compared = 0;
            double maxError = 0;
            for (Result r : results) {
                if (!r.kernel().equals(k) || r.declined() != null) {
                    continue;
                }
                total += r.m().medianMs();
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
            if (compared > 0 && !k.equals(ReferenceKernel.NAME)) {
                double g = Math.exp(logSum / compared);
                geomeans.put(k, g);
                speedText.add(k + " " + Table.times(g));
            }
            if (!k.equals(ReferenceKernel.NAME)) {
                errorText.add(k + " " + Table.error(maxError));
            }
        }
        out.println("total of medians: " + String.join(" · ", totalText));
        if (!speedText.isEmpty()) {
            out.println("geometric-mean speedup over the reference: " + String.join(" · ", speedText));
        }
        if (!errorText.isEmpty()) {
            out.println("max |error| against the reference: " + String.join(" · ", errorText));
        }
        out.println(String.format(Locale.ROOT, "wall time %.1f s", wallSeconds));
        Map<String, Object> s = new LinkedHashMap<>();
        s.put("total_ms", totals);
        s.put("geomean_speedup", geomeans);
        s.put("wall_s", wallSeconds);
        return s;
    }

    private static void notes(List<Result> results, Timer.Settings settings, PrintStream out) {
        if (results.stream().anyMatch(r -> r.m() != null && r.m().single())) {
            out.println("1* = a single run, no warm-up on that layer (each kernel is JIT-compiled on small layers first), for runs over "
                    + Table.fixed(settings.singleLimitSeconds(), 1) + " s");
        }
        out.println("MMAC = 10^6 exact multiply-adds; GFLOP/s = 2 × exact multiplications ÷ median; ± = half the min–max range");
        for (Result r : results) {
            if (r.declined() != null) {
                out.println(r.layer() + ": " + r.kernel() + " declines: " + r.declined());
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

    private static Map<String, Object> resultJson(Result r, int threads) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("layer", r.layer());
        m.put("kernel", r.kernel());
        if (r.chose() != null) {
            m.put("chose", r.chose());
        }
        m.put("threads", threads);
        if (r.declined() != null) {
            m.put("declined", r.declined());
            return m;
        }
        m.put("runs", r.m().runs());
        m.put("single_run", r.m().single());
        m.put("median_ms", r.m().medianMs());
        m.put("min_ms", r.m().minMs());
        m.put("max_ms", r.m().maxMs());
        m.put("q1_ms", r.m().q1Ms());
        m.put("q3_ms", r.m().q3Ms());
        m.put("gflops", r.gflops());
        m.put("speedup_vs_reference", r.speedup());
        m.put("max_abs_error", r.maxAbsError());
        return m;
    }

    /** The progress line on stderr: rewritten in place on a terminal, one line per layer otherwise. */
    static final class Progress {
        private final PrintStream err;
        private final boolean terminal;
        private String prefix = "";
        private int width;

        Progress(PrintStream err) {
            this.err = err;
            this.terminal = err == System.err && System.console() != null && System.console().isTerminal();
        }

        void layer(int i, int n, String name) {
            prefix = String.format(Locale.ROOT, "[%" + String.valueOf(n).length() + "d/%d] ", i, n);
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
