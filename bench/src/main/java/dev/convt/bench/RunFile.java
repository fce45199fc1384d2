package dev.convt.bench;


import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A results file as {@code export} and {@code report} read it: the runner's JSON ({@code suite --json})
 * with every figure it records, or JMH's ({@code -rf json}) with the times {@code compare} reads from it.
 *
 * @param file        the file, for messages
 * @param machine     the runner's {@code "machine"} object (empty for JMH)
 * @param layers      layer names in the order the run measured them
 * @param entries     one per measured (layer, kernel, threads), in file order; declined kernels left out
 */
record RunFile(Path file, Map<String, Object> machine, List<String> layers, List<Entry> entries) {

    /**
     * One measured (layer, kernel, threads).
     *
     * @param runs   timed runs, or 0 when the file does not say (JMH)
     * @param time   median, extremes and quartiles in milliseconds, and the kernel the automatic choice took
     * @param gflops 2 × exact multiplications ÷ median time, or NaN when the file does not say
     */
    record Entry(String layer, String kernel, long threads, int runs, CompareCommand.Point time, double gflops) {
        String key() {
            return CompareCommand.key(layer, kernel, threads);
        }
    }

    /** The machine's FMA peak in GFLOP/s as the run recorded it ({@code machine.fma_peak_gflops}), or null. */
    Double fmaPeakGflops() {
        return machine.get("fma_peak_gflops") instanceof Number n && n.doubleValue() > 0 ? n.doubleValue() : null;
    }

    /** One line naming the machine ({@code cpu, JDK 25.0.1}), or null when the file does not describe it. */
    String machineSummary() {
        return machine.isEmpty() ? null : machine.get("cpu") + ", JDK " + machine.get("jdk");
    }

    /** Reads the runner's JSON or JMH's; anything else, or a malformed file, is a usage error naming the file. */
    static RunFile read(Path file) {
        Object root;
        try {
            // the testkit's reader: the runner writes non-finite figures as NaN/Infinity tokens
            root = dev.convt.testkit.Json.parse(JsonFiles.readText(file));
        } catch (IllegalArgumentException e) {
            throw new UsageException(file + ": not valid JSON: " + firstLine(e.getMessage()));
        }
        if (root instanceof Map<?, ?> m && m.get("results") instanceof List<?> results) {
            return runner(file, m, results);
        }
        if (root instanceof List<?> list && (list.isEmpty() || list.getFirst() instanceof Map<?, ?> first && first.containsKey("primaryMetric"))) {
            return jmh(file);
        }
        throw new UsageException(file + ": neither the runner's JSON (an object with \"results\") nor JMH's (-rf json: an array of benchmarks)");
    }

    private static RunFile runner(Path file, Map<?, ?> root, List<?> results) {
        List<Entry> entries = new ArrayList<>();
        Set<String> layers = new LinkedHashSet<>();
        if (root.get("layers") instanceof List<?> declared) {
            for (Object l : declared) {
                if (l instanceof Map<?, ?> lm && lm.get("name") != null) {
                    layers.add(lm.get("name").toString());
                }
            }
        }
        for (Object o : results) {
            if (!(o instanceof Map<?, ?> r)) {
                throw new UsageException(file + ": every entry of \"results\" must be an object");
            }
            if (r.containsKey("declined")) {
                continue;
            }
            String layer = CompareCommand.string(file, r, "layer");
            double median = number(file, r, "median_ms", Double.NaN);
            if (!(median > 0)) {
                throw new UsageException(file + ": result " + layer + "/" + r.get("kernel") + " needs a positive \"median_ms\", but got " + r.get("median_ms"));
            }
            CompareCommand.Point time = new CompareCommand.Point(median, number(file, r, "min_ms", median), number(file, r, "max_ms", median),
                    number(file, r, "q1_ms", Double.NaN), number(file, r, "q3_ms", Double.NaN), r.get("chose") == null ? null : r.get("chose").toString());
            entries.add(new Entry(layer, CompareCommand.string(file, r, "kernel"), r.get("threads") instanceof Number t ? t.longValue() : 1,
                    r.get("runs") instanceof Number n ? n.intValue() : 0, time, number(file, r, "gflops", Double.NaN)));
            layers.add(layer);
        }
        Map<String, Object> machine = new LinkedHashMap<>();
        if (root.get("machine") instanceof Map<?, ?> m) {
            m.forEach((k, v) -> machine.put(k.toString(), v));
        }
        return new RunFile(file, machine, List.copyOf(layers), entries);
    }

    /** JMH's JSON through {@code compare}'s reader, so both commands read JMH's units and quantiles alike. */
    private static RunFile jmh(Path file) {
        List<Entry> entries = new ArrayList<>();
        Set<String> layers = new LinkedHashSet<>();
        for (Map.Entry<String, CompareCommand.Point> e : CompareCommand.load(file).points().entrySet()) {
            String[] parts = e.getKey().split("\t");
            entries.add(new Entry(parts[0], parts[1], Long.parseLong(parts[2]), 0, e.getValue(), Double.NaN));
            layers.add(parts[0]);
        }
        return new RunFile(file, Map.of(), List.copyOf(layers), entries);
    }

    /** A number field, the fallback when it is absent or null; anything else is a usage error. */
    private static double number(Path file, Map<?, ?> m, String field, double fallback) {
        Object v = m.get(field);
        if (v == null) {
            return fallback;
        }
        if (v instanceof Number n) {
            return n.doubleValue();
        }
        throw new UsageException(file + ": field \"" + field + "\" must be a number, but got " + v);
    }

    private static String firstLine(String s) {
        if (s == null) {
            return "";
        }
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }
}
