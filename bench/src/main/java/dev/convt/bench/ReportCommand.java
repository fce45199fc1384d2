package dev.convt.bench;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;

/**
 * {@code bench/convt report}: one self-contained HTML page of charts for a results file, and against a
 * base file the ratio new ÷ base per layer with its noise band. The charts are drawn by Chart.js, inlined
 * from its WebJar on the classpath, so the page needs no network when it is viewed. The verdicts are
 * {@code compare}'s ({@link CompareCommand#verdict}); the page's script only draws them.
 */
final class ReportCommand {
    static final String HELP = """
            usage: bench/convt report RUN.json [BASE.json] --html FILE [--max-regression PCT]

            Writes one self-contained HTML page (Chart.js inlined, nothing fetched when viewed):

              - with BASE.json first: new ÷ base per layer, one chart per kernel, each ratio drawn
                against its noise band (1 ± the larger interquartile range of the two runs ÷ the
                base median) and the thresholds ±PCT; a pair is red when compare would call it
                REGRESSED (more than PCT percent slower AND beyond the noise), green when faster
              - the median time per layer per kernel (log scale; the tooltip gives the spread)
              - GFLOP/s per layer per kernel, against the machine's FMA peak when the run
                recorded machine.fma_peak_gflops
              - a table of every figure

            Both files may be the runner's JSON (bench/convt suite --json) or JMH's (-rf json).

              --html FILE            where to write the page (required)
              --max-regression PCT   compare's threshold in percent (default 10)
            """;

    /** Where the WebJar keeps Chart.js's UMD bundle, the one build that runs from an inline script. */
    private static final String CHART_JS = "META-INF/resources/webjars/chart.js/%s/dist/chart.umd.min.js";
    private static final String CHART_JS_POM = "META-INF/maven/org.webjars.npm/chart.js/pom.properties";
    private static final String TEMPLATE = "report.html";

    private ReportCommand() {}

    static int run(String[] argv, PrintStream out, PrintStream err) {
        Args a = new Args("report", argv, Set.of("html", "max-regression"), Set.of("help"));
        if (a.flag("help")) {
            out.print(HELP);
            return 0;
        }
        List<String> files = a.positional();
        if (files.isEmpty() || files.size() > 2) {
            throw new UsageException("report: expected a results file and optionally a base file (bench/convt report RUN.json [BASE.json] --html FILE)"
                    + (files.isEmpty() ? "" : ", but got " + String.join(" ", files)));
        }
        if (a.option("html") == null) {
            throw new UsageException("report: --html FILE is required (where to write the page)");
        }
        double pct = a.doubleOption("max-regression", CompareCommand.DEFAULT_MAX_REGRESSION_PCT);
        RunFile now = RunFile.read(Path.of(files.get(0)));
        RunFile base = files.size() == 2 ? RunFile.read(Path.of(files.get(1))) : null;
        if (now.entries().isEmpty()) {
            throw new UsageException("report: " + now.file() + " has no measured (layer, kernel) to draw");
        }
        Map<String, Object> data = data(now, base, pct);
        Path target = Path.of(a.option("html"));
        JsonFiles.write(target, html(data));
        err.println("wrote " + target + summaryLine(data));
        return 0;
    }

    private static String summaryLine(Map<String, Object> data) {
        if (!(data.get("comparison") instanceof Map<?, ?> c)) {
            return "";
        }
        return " (" + c.get("regressed_count") + " regressed, " + c.get("faster_count") + " faster of " + c.get("compared") + " compared)";
    }

    /** Everything the page draws, as plain JSON values: the page's script does no arithmetic beyond layout. */
    static Map<String, Object> data(RunFile now, RunFile base, double pct) {
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("generated", ZonedDateTime.now().format(DateTimeFormatter.ISO_OFFSET_DATE_TIME));
        d.put("run", describe(now));
        d.put("base", base == null ? null : describe(base));
        List<String> layers = new ArrayList<>(now.layers());
        d.put("layers", layers);
        List<String> series = series(now);
        d.put("series", series);

        Map<String, Object> time = new LinkedHashMap<>();
        Map<String, Object> gflops = new LinkedHashMap<>();
        Map<String, RunFile.Entry> byKey = index(now);
        for (String s : series) {
            List<Object> t = new ArrayList<>();
            List<Object> g = new ArrayList<>();
            for (String layer : layers) {
                RunFile.Entry e = byKey.get(layer + "\t" + s);
                t.add(e == null ? null : timePoint(e));
                g.add(e == null || Double.isNaN(e.gflops()) ? null : e.gflops());
            }
            time.put(s, t);
            gflops.put(s, g);
        }
        d.put("time", time);
        d.put("gflops", gflops);
        d.put("has_gflops", now.entries().stream().anyMatch(e -> !Double.isNaN(e.gflops())));
        d.put("fma_peak_gflops", now.fmaPeakGflops());
        d.put("fma_peak_method", now.fmaPeakGflops() == null ? null : now.machine().get("fma_peak_method"));
        d.put("comparison", base == null ? null : comparison(now, base, layers, series, pct));
        return d;
    }

    /** The runs' series names: the kernel, with the thread count when a file mixes thread counts. */
    private static List<String> series(RunFile run) {
        Set<String> s = new LinkedHashSet<>();
        for (RunFile.Entry e : run.entries()) {
            s.add(seriesName(run, e));
        }
        return new ArrayList<>(s);
    }

    private static String seriesName(RunFile run, RunFile.Entry e) {
        boolean oneThreadCount = run.entries().stream().mapToLong(RunFile.Entry::threads).distinct().count() == 1;
        return oneThreadCount ? e.kernel() : e.kernel() + " ×" + e.threads() + " threads";
    }

    private static Map<String, RunFile.Entry> index(RunFile run) {
        Map<String, RunFile.Entry> m = new LinkedHashMap<>();
        for (RunFile.Entry e : run.entries()) {
            m.put(e.layer() + "\t" + seriesName(run, e), e);
        }
        return m;
    }

    private static Map<String, Object> describe(RunFile run) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("file", run.file().toString());
        m.put("machine", run.machineSummary());
        m.put("vector_bits", run.machine().get("vector_bits"));
        m.put("cores", run.machine().get("cores"));
        return m;
    }

    private static Map<String, Object> timePoint(RunFile.Entry e) {
        CompareCommand.Point t = e.time();
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("median", t.medianMs());
        m.put("min", t.minMs());
        m.put("max", t.maxMs());
        m.put("q1", Double.isNaN(t.q1Ms()) ? null : t.q1Ms());
        m.put("q3", Double.isNaN(t.q3Ms()) ? null : t.q3Ms());
        m.put("runs", e.runs() > 0 ? e.runs() : null);
        m.put("chose", t.chose());
        return m;
    }

    /**
     * Per series and layer: new ÷ base, the noise band {@code 1 ± spread ÷ base median} (a ratio
     * inside it is a difference within the noise), and compare's verdict.
     */
    private static Map<String, Object> comparison(RunFile now, RunFile base, List<String> layers, List<String> series, double pct) {
        Map<String, RunFile.Entry> n = index(now);
        Map<String, RunFile.Entry> b = index(base);
        Map<String, Object> ratios = new LinkedHashMap<>();
        List<Map<String, Object>> regressed = new ArrayList<>();
        int compared = 0;
        int faster = 0;
        for (String s : series) {
            List<Object> row = new ArrayList<>();
            for (String layer : layers) {
                RunFile.Entry ne = n.get(layer + "\t" + s);
                RunFile.Entry be = b.get(layer + "\t" + s);
                if (ne == null || be == null) {
                    row.add(null);
                    continue;
                }
                compared++;
                CompareCommand.Point bt = be.time();
                CompareCommand.Point nt = ne.time();
                double ratio = nt.medianMs() / bt.medianMs();
                double noise = CompareCommand.spread(bt, nt) / bt.medianMs();
                CompareCommand.Verdict v = CompareCommand.verdict(bt, nt, pct);
                if (v == CompareCommand.Verdict.REGRESSED) {
                    regressed.add(Map.of("layer", layer, "series", s, "ratio", ratio));
                } else if (v == CompareCommand.Verdict.FASTER) {
                    faster++;
                }
                Map<String, Object> p = new LinkedHashMap<>();
                p.put("ratio", ratio);
                p.put("band_low", Math.max(0, 1 - noise));
                p.put("band_high", 1 + noise);
                p.put("base_ms", bt.medianMs());
                p.put("new_ms", nt.medianMs());
                p.put("verdict", v.name());
                p.put("label", v.label);
                row.add(p);
            }
            ratios.put(s, row);
        }
        Map<String, Object> c = new LinkedHashMap<>();
        c.put("max_regression_pct", pct);
        c.put("compared", compared);
        c.put("regressed_count", regressed.size());
        c.put("regressed", regressed);
        c.put("faster_count", faster);
        c.put("ratios", ratios);
        return c;
    }

    /** The page: the template with Chart.js and the data inlined. */
    static String html(Map<String, Object> data) {
        String json = ExportCommand.toJson(data)
                // inside <script> a "</" could end the element early; "<\/" is the same JSON string
                .replace("</", "<\\/").replace("<!--", "<\\u0021--");
        String chartJs = chartJs();
        return resource(TEMPLATE)
                .replace("/*@CHART_JS@*/", chartJs.replace("</script", "<\\/script"))
                .replace("\"@DATA@\"", json.strip());
    }

    /** Chart.js's minified UMD bundle from the WebJar on the classpath. */
    static String chartJs() {
        Properties pom = new Properties();
        try (InputStream in = ReportCommand.class.getClassLoader().getResourceAsStream(CHART_JS_POM)) {
            if (in == null) {
                throw new IllegalStateException("the Chart.js WebJar is not on the classpath (" + CHART_JS_POM + ")");
            }
            pom.load(in);
        } catch (IOException e) {
            throw new IllegalStateException("cannot read " + CHART_JS_POM, e);
        }
        return classpath(String.format(Locale.ROOT, CHART_JS, pom.getProperty("version")));
    }

    private static String resource(String name) {
        return classpath(ReportCommand.class.getPackageName().replace('.', '/') + "/" + name);
    }

    private static String classpath(String path) {
        try (InputStream in = ReportCommand.class.getClassLoader().getResourceAsStream(path)) {
            if (in == null) {
                throw new IllegalStateException("missing from the runner jar: " + path);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalStateException("cannot read " + path, e);
        }
    }
}
