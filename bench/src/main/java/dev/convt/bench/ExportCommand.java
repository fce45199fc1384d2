package dev.convt.bench;

import com.fasterxml.jackson.jr.ob.JSON;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code bench/convt export}: a results file in another tool's format. The one format so far is
 * github-action-benchmark's {@code customSmallerIsBetter}: a JSON array of
 * {@code {name, unit, value, range, extra}}, which that GitHub Action turns into history charts and
 * pull-request alerts.
 */
final class ExportCommand {
    static final String GITHUB_ACTION_BENCHMARK = "github-action-benchmark";

    static final String HELP = """
            usage: bench/convt export RUN.json [--format github-action-benchmark] [--out FILE]

            Writes the results of RUN.json (bench/convt suite --json, or JMH's -rf json) in the
            customSmallerIsBetter format of benchmark-action/github-action-benchmark: a JSON array
            with one entry per (layer, kernel, threads):

              name    layer/kernel/threads=N
              unit    ms
              value   the median time of one run
              range   ± half the spread (the interquartile range; the min–max range where
                      quartiles are not known), the noise compare uses
              extra   runs, q1–q3 and min–max, GFLOP/s, the kernel auto chose, the machine

            Declined kernels are left out.

              --format NAME   github-action-benchmark (the default and only format)
              --out FILE      write there (default: standard output)
            """;

    private ExportCommand() {}

    static int run(String[] argv, PrintStream out, PrintStream err) {
        Args a = new Args("export", argv, Set.of("format", "out"), Set.of("help"));
        if (a.flag("help")) {
            out.print(HELP);
            return 0;
        }
        String format = a.option("format", GITHUB_ACTION_BENCHMARK);
        if (!format.equals(GITHUB_ACTION_BENCHMARK)) {
            throw new UsageException("export: unknown --format '" + format + "'; the formats are " + GITHUB_ACTION_BENCHMARK);
        }
        RunFile run = RunFile.read(Path.of(a.positional(1, "one results file (bench/convt export RUN.json)").getFirst()));
        if (run.entries().isEmpty()) {
            throw new UsageException("export: " + run.file() + " has no measured (layer, kernel) to export");
        }
        String json = toJson(githubActionBenchmark(run));
        if (a.option("out") == null) {
            out.print(json);
        } else {
            Path target = Path.of(a.option("out"));
            JsonFiles.write(target, json);
            err.println("wrote " + target + " (" + run.entries().size() + " benchmarks)");
        }
        return 0;
    }

    /** The entries of github-action-benchmark's {@code customSmallerIsBetter} format, one per measured (layer, kernel, threads). */
    static List<Map<String, Object>> githubActionBenchmark(RunFile run) {
        List<Map<String, Object>> benches = new ArrayList<>();
        for (RunFile.Entry e : run.entries()) {
            CompareCommand.Point t = e.time();
            Map<String, Object> b = new LinkedHashMap<>();
            b.put("name", e.layer() + "/" + e.kernel() + "/threads=" + e.threads());
            b.put("unit", "ms");
            b.put("value", t.medianMs());
            b.put("range", "± " + fmt(t.spread() / 2));
            b.put("extra", extra(run, e));
            benches.add(b);
        }
        return benches;
    }

    private static String extra(RunFile run, RunFile.Entry e) {
        CompareCommand.Point t = e.time();
        List<String> lines = new ArrayList<>();
        if (e.runs() > 0) {
            lines.add("runs: " + e.runs());
        }
        if (!Double.isNaN(t.q1Ms()) && !Double.isNaN(t.q3Ms())) {
            lines.add("q1–q3: " + fmt(t.q1Ms()) + " – " + fmt(t.q3Ms()) + " ms");
        }
        lines.add("min–max: " + fmt(t.minMs()) + " – " + fmt(t.maxMs()) + " ms");
        if (!Double.isNaN(e.gflops())) {
            lines.add("GFLOP/s: " + fmt(e.gflops()));
        }
        if (t.chose() != null) {
            lines.add("auto chose: " + t.chose());
        }
        if (run.machineSummary() != null) {
            lines.add("machine: " + run.machineSummary());
        }
        return String.join("\n", lines);
    }

    /** Four significant digits: enough to read a change, short in a tooltip. */
    static String fmt(double v) {
        if (!Double.isFinite(v)) {
            return String.valueOf(v);
        }
        return new java.math.BigDecimal(v).round(new java.math.MathContext(4)).stripTrailingZeros().toPlainString();
    }

    static String toJson(Object value) {
        try {
            return JSON.std.with(JSON.Feature.PRETTY_PRINT_OUTPUT).asString(value) + "\n";
        } catch (IOException e) {
            throw new IllegalStateException("cannot write JSON", e);
        }
    }
}
