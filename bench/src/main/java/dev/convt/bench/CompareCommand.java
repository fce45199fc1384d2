package dev.convt.bench;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * {@code bench/convt compare}: per layer and kernel, the ratio of a new run's time to a base run's,
 * flagging regressions. Reads the runner's own JSON ({@code suite --json}) and JMH's ({@code -rf json}).
 */
final class CompareCommand {
    static final String HELP = """
            usage: bench/convt compare BASE.json NEW.json [--max-regression PCT]

            For every (layer, kernel, threads) in both files, prints base and new median times and
            their ratio new/base. A pair is REGRESSED when the new time is more than PCT percent
            (default 10) above the base AND the difference exceeds the measured spread (the larger
            interquartile range of the two runs; the min–max range where quartiles are not known),
            so noise alone does not flag. Exit status 1 if any pair regressed, 0 otherwise.

            Both files may be the runner's JSON (bench/convt suite --json FILE) or JMH's
            (-rf json): JMH scores in any unit are converted to milliseconds per operation, and
            its per-iteration scores give the median and the spread.

              --max-regression PCT   the threshold in percent (default 10)
            """;

    /** The threshold of {@code --max-regression}, in percent, when none is given (compare and report). */
    static final double DEFAULT_MAX_REGRESSION_PCT = 10;

    /** The time of one (layer, kernel, threads) in a file, in milliseconds per run. */
    record Point(double medianMs, double minMs, double maxMs, double q1Ms, double q3Ms, String chose) {
        /** Interquartile range when known, else the min–max range. */
        double spread() {
            return Double.isNaN(q1Ms) || Double.isNaN(q3Ms) ? maxMs - minMs : q3Ms - q1Ms;
        }
    }

    /** A parsed results file: its points in file order, and a machine description when it has one. */
    record Run(Map<String, Point> points, String machine) {}

    private CompareCommand() {}

    static int run(String[] argv, PrintStream out, PrintStream err) {
        Args a = new Args("compare", argv, Set.of("max-regression"), Set.of("help"));
        if (a.flag("help")) {
            out.print(HELP);
            return 0;
        }
        List<String> files = a.positional(2, "two files (bench/convt compare BASE.json NEW.json)");
        double pct = a.doubleOption("max-regression", DEFAULT_MAX_REGRESSION_PCT);
        Run base = load(Path.of(files.get(0)));
        Run now = load(Path.of(files.get(1)));

        Table table = new Table("layer", "kernel", ">threads", ">base ms", ">new ms", ">new/base", ">spread ms", "verdict");
        Set<String> keys = new LinkedHashSet<>(base.points().keySet());
        keys.addAll(now.points().keySet());
        int compared = 0;
        int regressed = 0;
        int faster = 0;
        for (String key : keys) {
            String[] parts = key.split("\t");
            Point b = base.points().get(key);
            Point n = now.points().get(key);
            if (b == null || n == null) {
                table.row(parts[0], parts[1], parts[2], b == null ? "" : Table.ms(b.medianMs()), n == null ? "" : Table.ms(n.medianMs()),
                        "", "", b == null ? "only in new" : "only in base");
                continue;
            }
            compared++;
            double ratio = n.medianMs() / b.medianMs();
            double spread = spread(b, n);
            Verdict v = verdict(b, n, pct);
            regressed += v == Verdict.REGRESSED ? 1 : 0;
            faster += v == Verdict.FASTER ? 1 : 0;
            String verdict = v.label;
            if (b.chose() != null && n.chose() != null && !b.chose().equals(n.chose())) {
                verdict += " (auto chose " + b.chose() + ", now " + n.chose() + ")";
            }
            table.row(parts[0], parts[1], parts[2], Table.ms(b.medianMs()), Table.ms(n.medianMs()),
                    String.format(Locale.ROOT, "%.3f", ratio), Table.ms(spread), verdict);
        }
        table.print(out);
        out.println();
        if (base.machine() != null && now.machine() != null && !base.machine().equals(now.machine())) {
            out.println("note: the runs were on different machines (base: " + base.machine() + "; new: " + now.machine()
                    + "), so the ratios mix machine and code");
        }
        String threshold = java.math.BigDecimal.valueOf(pct).stripTrailingZeros().toPlainString() + "%";
        out.println("compared " + compared + " (layer, kernel) pair" + (compared == 1 ? "" : "s") + ": "
                + regressed + " regressed beyond " + threshold + " and the spread, " + faster + " faster");
        if (compared == 0) {
            out.println("note: the files have no (layer, kernel, threads) in common");
        }
        return regressed > 0 ? 1 : 0;
    }

    /** How a new time compares with a base time. */
    enum Verdict {
        REGRESSED("REGRESSED"), FASTER("faster"), WITHIN_SPREAD("ok (within spread)"), OK("ok");

        final String label;

        Verdict(String label) {
            this.label = label;
        }
    }

    /**
     * The noise of a pair: the larger spread of the two runs, in milliseconds. A difference of medians
     * within it is not a change.
     */
    static double spread(Point base, Point now) {
        return Math.max(base.spread(), now.spread());
    }

    /**
     * REGRESSED when the new median is more than {@code pct} percent above the base and the difference
     * exceeds the {@linkplain #spread noise}; FASTER symmetrically; otherwise OK, or WITHIN_SPREAD when
     * only the noise kept the ratio from counting.
     */
    static Verdict verdict(Point base, Point now, double pct) {
        double ratio = now.medianMs() / base.medianMs();
        double spread = spread(base, now);
        double diff = now.medianMs() - base.medianMs();
        if (ratio > 1 + pct / 100 && diff > spread) {
            return Verdict.REGRESSED;
        } else if (ratio < 1 / (1 + pct / 100) && -diff > spread) {
            return Verdict.FASTER;
        } else if (Math.abs(ratio - 1) > pct / 100) {
            return Verdict.WITHIN_SPREAD;
        }
        return Verdict.OK;
    }

    static String key(String layer, String kernel, long threads) {
        return layer + "\t" + kernel + "\t" + threads;
    }

    /** Reads the runner's JSON or JMH's. */
    static Run load(Path file) {
        Object root = JsonFiles.read(file);
        if (root instanceof Map<?, ?> m && m.get("results") instanceof List<?> results) {
            return runner(file, m, results);
        }
        if (root instanceof List<?> list && (list.isEmpty() || list.getFirst() instanceof Map<?, ?> first && first.containsKey("primaryMetric"))) {
            return jmh(file, list);
        }
        throw new UsageException(file + ": neither the runner's JSON (an object with \"results\") nor JMH's (-rf json: an array of benchmarks)");
    }

    private static Run runner(Path file, Map<?, ?> root, List<?> results) {
        Map<String, Point> points = new LinkedHashMap<>();
        for (Object o : results) {
            if (!(o instanceof Map<?, ?> r)) {
                throw new UsageException(file + ": every entry of \"results\" must be an object");
            }
            if (r.containsKey("declined")) {
                continue;
            }
            String layer = string(file, r, "layer");
            String kernel = string(file, r, "kernel");
            long threads = r.get("threads") instanceof Number t ? t.longValue() : 1;
            double median = number(file, r, "median_ms", true);
            Point p = new Point(median, number(file, r, "min_ms", false, median), number(file, r, "max_ms", false, median),
                    number(file, r, "q1_ms", false, Double.NaN), number(file, r, "q3_ms", false, Double.NaN),
                    r.get("chose") == null ? null : r.get("chose").toString());
            points.put(key(layer, kernel, threads), p);
        }
        String machine = null;
        if (root.get("machine") instanceof Map<?, ?> m) {
            machine = m.get("cpu") + ", JDK " + m.get("jdk");
        }
        return new Run(points, machine);
    }

    private static Run jmh(Path file, List<?> list) {
        Map<String, Point> points = new LinkedHashMap<>();
        for (Object o : list) {
            if (!(o instanceof Map<?, ?> r) || !(r.get("primaryMetric") instanceof Map<?, ?> metric)) {
                throw new UsageException(file + ": every JMH entry must be an object with a \"primaryMetric\"");
            }
            String benchmark = string(file, r, "benchmark");
            Map<?, ?> params = r.get("params") instanceof Map<?, ?> pm ? pm : Map.of();
            String method = benchmark.substring(benchmark.lastIndexOf('.', benchmark.lastIndexOf('.') - 1) + 1);
            String layer = params.get("layer") == null ? "-" : params.get("layer").toString();
            StringBuilder kernel = new StringBuilder(params.get("kernel") == null ? method : params.get("kernel").toString());
            for (Map.Entry<?, ?> e : params.entrySet()) {
                if (!e.getKey().equals("layer") && !e.getKey().equals("kernel")) {
                    kernel.append(' ').append(e.getKey()).append('=').append(e.getValue());
                }
            }
            if (params.get("kernel") != null) {
                kernel.append(" (").append(method).append(')');
            }
            long threads = r.get("threads") instanceof Number t ? t.longValue() : 1;
            String unit = string(file, metric, "scoreUnit");
            double score = number(file, metric, "score", true);
            List<Double> raw = new ArrayList<>();
            if (metric.get("rawData") instanceof List<?> forks) {
                for (Object f : forks) {
                    if (f instanceof List<?> its) {
                        for (Object v : its) {
                            double d = toDouble(v);
                            if (!Double.isNaN(d)) {
                                raw.add(toMillis(file, d, unit));
                            }
                        }
                    }
                }
            }
            Point p;
            if (raw.isEmpty()) {
                double ms = toMillis(file, score, unit);
                p = new Point(ms, ms, ms, Double.NaN, Double.NaN, null);
            } else {
                double[] v = raw.stream().mapToDouble(Double::doubleValue).sorted().toArray();
                p = new Point(Timer.quantile(v, 0.5), v[0], v[v.length - 1],
                        v.length >= 4 ? Timer.quantile(v, 0.25) : Double.NaN, v.length >= 4 ? Timer.quantile(v, 0.75) : Double.NaN, null);
            }
            points.put(key(layer, kernel.toString(), threads), p);
        }
        return new Run(points, null);
    }

    /** A JMH score in {@code unit} as milliseconds per operation. */
    static double toMillis(Path file, double score, String unit) {
        String u = unit.trim();
        double perUnit = switch (u.replace("ops/", "").replace("/op", "")) {
            case "s" -> 1e3;
            case "ms" -> 1;
            case "us" -> 1e-3;
            case "ns" -> 1e-6;
            case "min" -> 6e4;
            default -> throw new UsageException(file + ": unknown JMH score unit '" + unit + "'");
        };
        if (u.startsWith("ops/")) {
            return perUnit / score; // throughput: time per op is the inverse
        }
        if (u.endsWith("/op")) {
            return score * perUnit;
        }
        throw new UsageException(file + ": unknown JMH score unit '" + unit + "'");
    }

    /** A required field as text; absent is a usage error naming the file and the field. */
    static String string(Path file, Map<?, ?> m, String field) {
        Object v = m.get(field);
        if (v == null) {
            throw new UsageException(file + ": missing field \"" + field + "\"");
        }
        return v.toString();
    }

    private static double number(Path file, Map<?, ?> m, String field, boolean required) {
        return number(file, m, field, required, Double.NaN);
    }

    private static double number(Path file, Map<?, ?> m, String field, boolean required, double fallback) {
        Object v = m.get(field);
        if (v == null) {
            if (required) {
                throw new UsageException(file + ": missing field \"" + field + "\"");
            }
            return fallback;
        }
        double d = toDouble(v);
        if (Double.isNaN(d) && required) {
            throw new UsageException(file + ": field \"" + field + "\" must be a number, but got " + v);
        }
        return Double.isNaN(d) ? fallback : d;
    }

    /** A JSON number, or JMH's "NaN" string, as a double (NaN when neither). */
    private static double toDouble(Object v) {
        if (v instanceof Number n) {
            return n.doubleValue();
        }
        if (v instanceof String s) {
            try {
                return Double.parseDouble(s);
            } catch (NumberFormatException e) {
                return Double.NaN;
            }
        }
        return Double.NaN;
    }
}
