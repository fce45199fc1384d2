package dev.convt.bench;

import dev.convt.Plan;
import dev.convt.Planner;
import dev.convt.Problem;
import dev.convt.testkit.TestData;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code bench/convt cold}: how slow convt is before the JIT has compiled it, on the path an engine
 * takes ({@link Planner#plan}, then {@link Plan#execute}), in fresh JVMs.
 */
final class ColdCommand {
    static final String HELP = """
            usage: bench/convt cold [--layers a,b] [--file LAYERS.json] [--forks K] [--jit-log] [--json FILE]

            Starts a fresh JVM (the same java and options as this one) that does what a freshly started
            engine does: plan every layer and execute it once, in order (the whole first pass), then
            executes each layer until its times stop falling. Per layer it prints the plan time, the
            first execute, the second, how many executes it took to get within 1.2× of the steady
            time (the first execute is number 1), the steady time (median once warm) and first ÷ steady;
            then the whole pass's totals: plans + first executes over the layers, against a steady pass.

              --layers a,b     only these layers (names from the workload), in this order
              --file F         a workload in the format of shared/workloads/layers.json
              --forks K        K fresh JVMs, one after another (default %d); figures are the median
                               over them, with the range; 0 = in this JVM (cold only if it is fresh)
              --jit-log        each fork writes HotSpot's compilation log, and the runner counts what
                               C2 compiled in it: the Vector API's own fallback code, convt's, the
                               rest (compiles, on-stack replacements, seconds); counts do not depend
                               on the machine's load as times do
              --json FILE      also write every figure (per fork too) as JSON

            With each fork (on Linux) also the CPU time of the JVM's C1 and C2 compiler threads up to
            the end of the first pass, and during the pass that of its own thread and of all threads
            (CPU time depends far less on the machine's other load than wall time does). Plan-time warm-up follows the library's default (see the
            README); -Ddev.convt.warmup=false or =true before -jar, or in JAVA_TOOL_OPTIONS, sets it.

            The automatic kernel choice, data uniform in [-1, 1) seeded per layer, one thread.
            """.formatted(ColdCommand.DEFAULT_FORKS);

    /** Fresh JVMs by default: cold figures vary from one JVM to the next, so one is not enough. */
    static final int DEFAULT_FORKS = 3;

    /** Within this factor of steady counts as warm. */
    static final double WARM_FACTOR = 1.2;

    /** Warm-up until steady, then the steady median; shorter than the suite's, as only the median is wanted. */
    private static final Timer.Settings STEADY = new Timer.Settings(0.05, 2, 3.0, 0.03, 0.2, 3, 100, Double.MAX_VALUE);

    /**
     * One layer in one fresh JVM.
     *
     * @param executesToWarm 1-based count of executes until one was within {@link #WARM_FACTOR} of steady
     */
    record LayerCold(String layer, String kernel, double planMs, double firstMs, double secondMs, int executesToWarm,
                     double steadyMs, boolean steady) {
        double firstOverSteady() {
            return firstMs / steadyMs;
        }
    }

    private ColdCommand() {}

    static int run(String[] argv, PrintStream out, PrintStream err) {
        Args a = new Args("cold", argv, Set.of("layers", "file", "forks", "json", Forks.CHILD_OPTION), Set.of("help", "jit-log"));
        if (a.flag("help")) {
            out.print(HELP);
            return 0;
        }
        a.positional(0, "no positional arguments");
        List<Workload.Layer> layers = Workload.chosen(a);
        int forks = a.countOption("forks", DEFAULT_FORKS);
        if (a.option(Forks.CHILD_OPTION) != null) {
            String json = a.option("json");
            if (json == null) {
                throw new UsageException("cold: --" + Forks.CHILD_OPTION + " is the runner's own option (with --json)");
            }
            Pass pass = pass(layers);
            Map<String, Object> root = new LinkedHashMap<>();
            root.put("layers", pass.layers().stream().map(ColdCommand::json).toList());
            root.put("compiler_cpu_ms_first_pass", pass.compilerCpuMs());
            JsonFiles.write(Path.of(json), JsonFiles.pretty(root));
            return 0;
        }
        boolean jitLog = a.flag("jit-log");
        if (jitLog && forks == 0) {
            throw new UsageException("cold: --jit-log needs fresh JVMs (--forks 1 or more)");
        }

        double[] load0 = MachineInfo.loadAverage();
        List<List<LayerCold>> perFork = new ArrayList<>();
        List<Map<String, Object>> jit = new ArrayList<>();
        if (forks == 0) {
            Pass pass = pass(layers);
            perFork.add(pass.layers());
            jit.add(jitJson(pass.compilerCpuMs(), null));
        }
        for (int i = 1; i <= forks; i++) {
            Path json = Forks.tempJson("convt-cold-fork");
            List<String> args = new ArrayList<>(List.of("cold"));
            args.addAll(a.optionsAsArgs(Set.of("forks", "json", Forks.CHILD_OPTION, "jit-log")));
            args.addAll(List.of("--" + Forks.CHILD_OPTION + "=" + i + "/" + forks, "--json=" + json));
            err.println("[fork " + i + "/" + forks + "] a fresh JVM");
            Path log = jitLog ? Forks.tempFile("convt-cold-jit", ".log") : null;
            try {
                Forks.run(log == null ? List.of() : JitLog.options(log), args, "cold fork " + i + "/" + forks);
            } catch (IllegalStateException e) {
                throw new UsageException(e.getMessage());
            }
            perFork.add(read(json));
            jit.add(jitJson(readCompilerCpu(json), log == null ? null : JitLog.c2(log)));
        }
        double[] load1 = MachineInfo.loadAverage();
        print(layers, perFork, forks, load0, load1, out);
        printJit(jit, out);

        if (a.option("json") != null) {
            Map<String, Object> root = new LinkedHashMap<>();
            root.put("format", "convt-bench-cold/1");
            Map<String, Object> machine = MachineInfo.describe(1);
            machine.put("load_average_start", load0 == null ? null : Arrays.stream(load0).boxed().toList());
            machine.put("load_average_end", load1 == null ? null : Arrays.stream(load1).boxed().toList());
            root.put("machine", machine);
            Map<String, Object> settings = new LinkedHashMap<>();
            settings.put("forks", forks);
            settings.put("layers", layers.stream().map(Workload.Layer::name).toList());
            settings.put("workload", a.option("file") == null ? "embedded shared/workloads/layers.json" : a.option("file"));
            settings.put("path", "Planner.plan then Plan.execute (automatic kernel choice), one thread");
            settings.put("warm_factor", WARM_FACTOR);
            root.put("settings", settings);
            root.put("layers", layersJson(layers, perFork));
            root.put("totals", totalsJson(perFork));
            root.put("jit", jit);
            JsonFiles.write(Path.of(a.option("json")), JsonFiles.pretty(root));
            out.println("wrote " + a.option("json"));
        }
        return 0;
    }

    /**
     * The cold pass in this JVM: every layer planned and executed once, in order (as an engine
     * loading a model would), then each layer executed until steady.
     */
    static Pass pass(List<Workload.Layer> layers) {
        int n = layers.size();
        float[][] xs = new float[n][], ys = new float[n][];
        Plan[] plans = new Plan[n];
        double[] planMs = new double[n], firstMs = new double[n];
        // the weights and buffers an engine would already hold when it plans: made before the clock starts
        float[][] ws = new float[n][], bs = new float[n][];
        for (int i = 0; i < n; i++) {
            Workload.Layer layer = layers.get(i);
            Problem p = layer.problem();
            xs[i] = TestData.uniform(p.inputLength(), Data.seed(layer.name(), 1));
            ys[i] = new float[p.outputLength()];
            ws[i] = TestData.uniform(p.weightLength(), Data.seed(layer.name(), 2));
            bs[i] = p.spec().hasBias() ? TestData.uniform(p.spec().outChannels(), Data.seed(layer.name(), 3)) : null;
        }
        // ... and as an engine that has loaded its model holds them: settled in the old generation. Made
        // just now, they would sit in the young one, and every young collection in the pass would copy
        // them again (-Xlog:gc showed such pauses, copying mostly these buffers), timing the harness's
        // data rather than convt's work; convt's own allocations (packed weights, plan workspaces,
        // warm-up scratch) are still made and collected in the pass.
        System.gc();
        // CPU, unlike wall time, barely depends on what else the machine runs: the first pass's work
        java.lang.management.ThreadMXBean threads = java.lang.management.ManagementFactory.getThreadMXBean();
        long main0 = threads.isCurrentThreadCpuTimeSupported() ? threads.getCurrentThreadCpuTime() : -1;
        Double process0 = JitLog.compilerCpuMillis().get("process");
        for (int i = 0; i < n; i++) {
            Workload.Layer layer = layers.get(i);
            Problem p = layer.problem();
            long t0 = System.nanoTime();
            plans[i] = Planner.plan(p, ws[i], 0, bs[i], 0);
            long t1 = System.nanoTime();
            plans[i].execute(xs[i], 0, ys[i], 0);
            long t2 = System.nanoTime();
            planMs[i] = (t1 - t0) * 1e-6;
            firstMs[i] = (t2 - t1) * 1e-6;
            Timer.sink += Data.checksum(ys[i]);
        }
        Map<String, Double> compilerCpu = JitLog.compilerCpuMillis();
        if (main0 >= 0) {
            compilerCpu.put("main", (threads.getCurrentThreadCpuTime() - main0) * 1e-6);
        }
        if (process0 != null && compilerCpu.containsKey("process")) {
            compilerCpu.put("process", compilerCpu.get("process") - process0);
        } else {
            compilerCpu.remove("process");
        }
        List<LayerCold> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            Plan plan = plans[i];
            float[] x = xs[i], y = ys[i];
            double[][] times = {new double[64]};
            int[] count = {0};
            Timer.Body body = () -> {
                long t0 = System.nanoTime();
                plan.execute(x, 0, y, 0);
                double ms = (System.nanoTime() - t0) * 1e-6;
                if (count[0] == times[0].length) {
                    times[0] = Arrays.copyOf(times[0], 2 * count[0]);
                }
                times[0][count[0]++] = ms;
                return Data.checksum(y);
            };
            Timer.Run second = Timer.first(body);
            Timer.Measurement m = Timer.measure(body, second, STEADY, false);
            double steady = m.medianMs();
            int toWarm = firstMs[i] <= WARM_FACTOR * steady ? 1 : 0;
            for (int r = 0; toWarm == 0 && r < count[0]; r++) {
                if (times[0][r] <= WARM_FACTOR * steady) {
                    toWarm = r + 2;
                }
            }
            out.add(new LayerCold(layers.get(i).name(), plan.kernelName(), planMs[i], firstMs[i], times[0][0], toWarm, steady,
                    m.warmup().steady()));
        }
        return new Pass(out, compilerCpu);
    }

    /**
     * One JVM's cold pass: its layers, and CPU milliseconds: its compiler threads' at the end of the
     * first pass ({@link JitLog#compilerCpuMillis}, since the JVM started), and during the first pass
     * the pass's own thread's ({@code "main"}) and all threads' ({@code "process"}).
     */
    record Pass(List<LayerCold> layers, Map<String, Double> compilerCpuMs) {}

    /** A fork's JIT figures: compiler CPU in the first pass, and (with {@code --jit-log}) C2's compiles per kind of code. */
    private static Map<String, Object> jitJson(Map<String, Double> cpu, Map<String, JitLog.Kind> c2) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("compiler_cpu_ms_first_pass", cpu);
        if (c2 != null) {
            Map<String, Object> kinds = new LinkedHashMap<>();
            c2.forEach((k, v) -> kinds.put(k, v.json()));
            m.put("c2_whole_run", kinds);
        }
        return m;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Double> readCompilerCpu(Path json) {
        Map<String, Object> root = (Map<String, Object>) JsonFiles.read(json);
        Map<String, Double> out = new LinkedHashMap<>();
        Object cpu = root.get("compiler_cpu_ms_first_pass");
        if (cpu instanceof Map<?, ?> m) {
            m.forEach((k, v) -> out.put((String) k, ((Number) v).doubleValue()));
        }
        return out;
    }

    @SuppressWarnings("unchecked")
    private static void printJit(List<Map<String, Object>> jit, PrintStream out) {
        for (int i = 0; i < jit.size(); i++) {
            Map<String, Object> f = jit.get(i);
            StringBuilder line = new StringBuilder("JIT, JVM " + (i + 1) + ":");
            Map<String, Double> cpu = (Map<String, Double>) f.get("compiler_cpu_ms_first_pass");
            if (cpu != null && !cpu.isEmpty()) {
                line.append(" compiler CPU in the first pass C2 ").append(Table.ms(cpu.getOrDefault("c2", 0.0)))
                        .append(" ms, C1 ").append(Table.ms(cpu.getOrDefault("c1", 0.0))).append(" ms");
                if (cpu.containsKey("main")) {
                    line.append(", the pass's own thread ").append(Table.ms(cpu.get("main"))).append(" ms");
                }
                if (cpu.containsKey("process")) {
                    line.append(", all threads during the pass ").append(Table.ms(cpu.get("process"))).append(" ms");
                }
                line.append(";");
            }
            Map<String, Map<String, Object>> c2 = (Map<String, Map<String, Object>>) f.get("c2_whole_run");
            if (c2 != null) {
                line.append(" C2 over the whole run:");
                c2.forEach((k, v) -> line.append(" ").append(k.replace('_', ' ')).append(" ").append(v.get("compiles"))
                        .append(" compiles (").append(v.get("osr")).append(" OSR) ")
                        .append(String.format(java.util.Locale.ROOT, "%.2f", ((Number) v.get("seconds")).doubleValue())).append(" s;"));
            }
            if (cpu != null && !cpu.isEmpty() || c2 != null) {
                out.println(line.substring(0, line.length() - 1));
            }
        }
    }

    private static Map<String, Object> json(LayerCold c) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("layer", c.layer());
        m.put("kernel", c.kernel());
        m.put("plan_ms", c.planMs());
        m.put("first_ms", c.firstMs());
        m.put("second_ms", c.secondMs());
        m.put("executes_to_within_1_2x", c.executesToWarm());
        m.put("steady_ms", c.steadyMs());
        m.put("steady", c.steady());
        m.put("first_over_steady", c.firstOverSteady());
        return m;
    }

    @SuppressWarnings("unchecked")
    private static List<LayerCold> read(Path json) {
        Map<String, Object> root = (Map<String, Object>) JsonFiles.read(json);
        List<LayerCold> out = new ArrayList<>();
        for (Object o : (List<Object>) root.get("layers")) {
            Map<String, Object> m = (Map<String, Object>) o;
            out.add(new LayerCold((String) m.get("layer"), (String) m.get("kernel"), num(m, "plan_ms"), num(m, "first_ms"),
                    num(m, "second_ms"), (int) num(m, "executes_to_within_1_2x"), num(m, "steady_ms"), Boolean.TRUE.equals(m.get("steady"))));
        }
        return out;
    }

    private static double num(Map<String, Object> m, String key) {
        return ((Number) m.get(key)).doubleValue();
    }

    /** The whole pass of one JVM. */
    record Totals(double planMs, double firstMs, double steadyMs, double worst, String worstLayer) {
        double passMs() {
            return planMs + firstMs;
        }

        static Totals of(List<LayerCold> fork) {
            double plan = 0, first = 0, steady = 0, worst = 0;
            String worstLayer = "";
            for (LayerCold c : fork) {
                plan += c.planMs();
                first += c.firstMs();
                steady += c.steadyMs();
                if (c.firstOverSteady() > worst) {
                    worst = c.firstOverSteady();
                    worstLayer = c.layer();
                }
            }
            return new Totals(plan, first, steady, worst, worstLayer);
        }
    }

    private static double median(double[] v) {
        double[] s = v.clone();
        Arrays.sort(s);
        return Timer.quantile(s, 0.5);
    }

    /** A median over forks with its range, e.g. {@code 812 (745–880)}. */
    private static String withRange(double[] v, boolean ratio) {
        double lo = Arrays.stream(v).min().orElse(Double.NaN), hi = Arrays.stream(v).max().orElse(Double.NaN);
        String med = ratio ? Table.times(median(v)) : Table.ms(median(v));
        return v.length == 1 ? med : med + " (" + (ratio ? Table.times(lo) : Table.ms(lo)) + "–" + (ratio ? Table.times(hi) : Table.ms(hi)) + ")";
    }

    private static void print(List<Workload.Layer> layers, List<List<LayerCold>> perFork, int forks, double[] load0, double[] load1,
                              PrintStream out) {
        out.println("convt cold — " + layers.size() + " layer" + (layers.size() == 1 ? "" : "s") + "; " + MachineInfo.summary(1) + " · "
                + (forks == 0 ? "in this JVM" : forks + " fresh JVM" + (forks == 1 ? "" : "s") + (forks > 1 ? ": medians, (min–max)" : "")));
        out.println();
        Table t = new Table("layer", "kernel", ">plan ms", ">first ms", ">second ms", ">to 1.2×", ">steady ms", ">first ÷ steady");
        for (int i = 0; i < layers.size(); i++) {
            int li = i;
            double[] warm = perFork.stream().mapToDouble(f -> f.get(li).executesToWarm()).toArray();
            t.row(layers.get(i).name(), perFork.getFirst().get(i).kernel(),
                    withRange(column(perFork, i, LayerCold::planMs), false),
                    withRange(column(perFork, i, LayerCold::firstMs), false),
                    withRange(column(perFork, i, LayerCold::secondMs), false),
                    warm.length == 1 ? String.valueOf((int) warm[0])
                            : (int) median(warm) + " (" + (int) Arrays.stream(warm).min().orElse(0) + "–" + (int) Arrays.stream(warm).max().orElse(0) + ")",
                    withRange(column(perFork, i, LayerCold::steadyMs), false),
                    withRange(column(perFork, i, LayerCold::firstOverSteady), true));
        }
        t.print(out);
        out.println();
        List<Totals> totals = perFork.stream().map(Totals::of).toList();
        out.println("whole first pass, in order: plans " + withRange(totals.stream().mapToDouble(Totals::planMs).toArray(), false)
                + " ms + first executes " + withRange(totals.stream().mapToDouble(Totals::firstMs).toArray(), false)
                + " ms = " + withRange(totals.stream().mapToDouble(Totals::passMs).toArray(), false) + " ms");
        out.println("steady pass (sum of steady times): " + withRange(totals.stream().mapToDouble(Totals::steadyMs).toArray(), false)
                + " ms; first pass ÷ steady pass " + withRange(totals.stream().mapToDouble(x -> x.passMs() / x.steadyMs()).toArray(), true));
        out.println("worst first ÷ steady per JVM: " + String.join(", ", totals.stream().map(x -> Table.times(x.worst()) + " (" + x.worstLayer() + ")").toList()));
        if (perFork.stream().flatMap(List::stream).anyMatch(c -> !c.steady())) {
            out.println("note: some layers were still getting faster when their warm-up reached its cap; their steady times are too high");
        }
        out.println("to 1.2× = executes until one took at most 1.2 × steady (the first execute is 1; counted after every layer's first execute)");
        out.println("load average " + MachineInfo.loadText(load0) + " at the start, " + MachineInfo.loadText(load1) + " at the end (1, 5, 15 min)");
    }

    private static double[] column(List<List<LayerCold>> perFork, int layer, java.util.function.ToDoubleFunction<LayerCold> f) {
        return perFork.stream().mapToDouble(fork -> f.applyAsDouble(fork.get(layer))).toArray();
    }

    private static List<Map<String, Object>> layersJson(List<Workload.Layer> layers, List<List<LayerCold>> perFork) {
        List<Map<String, Object>> out = new ArrayList<>();
        for (int i = 0; i < layers.size(); i++) {
            int li = i;
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("name", layers.get(i).name());
            m.put("kernel", perFork.getFirst().get(i).kernel());
            m.put("plan_ms", median(column(perFork, i, LayerCold::planMs)));
            m.put("first_ms", median(column(perFork, i, LayerCold::firstMs)));
            m.put("second_ms", median(column(perFork, i, LayerCold::secondMs)));
            m.put("executes_to_within_1_2x", median(column(perFork, i, LayerCold::executesToWarm)));
            m.put("steady_ms", median(column(perFork, i, LayerCold::steadyMs)));
            m.put("first_over_steady", median(column(perFork, i, LayerCold::firstOverSteady)));
            m.put("forks", perFork.stream().map(f -> json(f.get(li))).toList());
            out.add(m);
        }
        return out;
    }

    private static Map<String, Object> totalsJson(List<List<LayerCold>> perFork) {
        List<Totals> totals = perFork.stream().map(Totals::of).toList();
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("plan_ms", median(totals.stream().mapToDouble(Totals::planMs).toArray()));
        m.put("first_ms", median(totals.stream().mapToDouble(Totals::firstMs).toArray()));
        m.put("pass_ms", median(totals.stream().mapToDouble(Totals::passMs).toArray()));
        m.put("steady_ms", median(totals.stream().mapToDouble(Totals::steadyMs).toArray()));
        m.put("worst_first_over_steady", totals.stream().mapToDouble(Totals::worst).max().orElse(Double.NaN));
        List<Map<String, Object>> forks = new ArrayList<>();
        for (Totals x : totals) {
            Map<String, Object> f = new LinkedHashMap<>();
            f.put("plan_ms", x.planMs());
            f.put("first_ms", x.firstMs());
            f.put("pass_ms", x.passMs());
            f.put("steady_ms", x.steadyMs());
            f.put("worst_first_over_steady", x.worst());
            f.put("worst_layer", x.worstLayer());
            forks.add(f);
        }
        m.put("forks", forks);
        return m;
    }
}
