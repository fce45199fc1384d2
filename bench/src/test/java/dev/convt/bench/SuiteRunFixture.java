package dev.convt.bench;

import com.fasterxml.jackson.jr.ob.JSON;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Writes results files in the runner's format ({@code suite --json}) with chosen figures, for the
 * commands that read them ({@code export}, {@code report}).
 */
final class SuiteRunFixture {
    static final String[] LAYERS = {"dcgan_g2", "unet_up1", "tasnet_dec"};
    static final double[] MEDIANS = {4.0, 20.0, 1.0};
    static final String[] KERNELS = {"reference", "im2col", "auto"};

    private final List<Object> results = new ArrayList<>();
    private final Map<String, Object> machine = new LinkedHashMap<>();
    private final List<Object> layers = new ArrayList<>();

    SuiteRunFixture() {
        machine.put("cpu", "Test CPU @ 2.0GHz");
        machine.put("jdk", "25");
    }

    /** Every layer × kernel, each time multiplied by {@code factor} on {@code slowLayer} ("*" for all). */
    static SuiteRunFixture standard(String slowLayer, double factor) {
        SuiteRunFixture f = new SuiteRunFixture();
        for (int i = 0; i < LAYERS.length; i++) {
            f.layers.add(Map.of("name", LAYERS[i]));
            for (String kernel : KERNELS) {
                double slow = LAYERS[i].equals(slowLayer) || slowLayer.equals("*") ? factor : 1;
                double m = MEDIANS[i] * (kernel.equals("reference") ? 100 : 1) * slow;
                f.result(LAYERS[i], kernel, m, 10 + i, 1000 / m);
            }
        }
        return f;
    }

    /** One result with quartiles at ±2% and extremes at −5% / +10% of the median. */
    SuiteRunFixture result(String layer, String kernel, double medianMs, int runs, double gflops) {
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("layer", layer);
        r.put("kernel", kernel);
        if (kernel.equals("auto")) {
            r.put("chose", "im2col");
        }
        r.put("threads", 1);
        r.put("runs", runs);
        r.put("single_run", false);
        r.put("median_ms", medianMs);
        r.put("min_ms", medianMs * 0.95);
        r.put("max_ms", medianMs * 1.10);
        r.put("q1_ms", medianMs * 0.98);
        r.put("q3_ms", medianMs * 1.02);
        r.put("gflops", gflops);
        r.put("speedup_vs_reference", 1.0);
        r.put("max_abs_error", 0.0);
        results.add(r);
        return this;
    }

    SuiteRunFixture declined(String layer, String kernel) {
        results.add(Map.of("layer", layer, "kernel", kernel, "threads", 1, "declined", "rank 3"));
        return this;
    }

    SuiteRunFixture machine(String key, Object value) {
        machine.put(key, value);
        return this;
    }

    Path write(Path file) throws Exception {
        Map<String, Object> root = new LinkedHashMap<>();
        root.put("format", "convt-bench-suite/1");
        root.put("machine", machine);
        root.put("layers", layers);
        root.put("results", results);
        Files.writeString(file, JSON.std.asString(root));
        return file;
    }

    /** A JMH {@code -rf json} file of LayerBenchmark in ops/s with five iterations. */
    static Path jmh(Path file, double opsPerS) throws Exception {
        Map<String, Object> metric = new LinkedHashMap<>();
        metric.put("score", opsPerS);
        metric.put("scoreUnit", "ops/s");
        metric.put("rawData", List.of(List.of(opsPerS * 0.9, opsPerS * 0.95, opsPerS, opsPerS * 1.05, opsPerS * 1.1)));
        Map<String, Object> e = new LinkedHashMap<>();
        e.put("benchmark", "dev.convt.bench.jmh.LayerBenchmark.run");
        e.put("mode", "thrpt");
        e.put("threads", 1);
        e.put("params", Map.of("layer", "dcgan_g2", "kernel", "scatter"));
        e.put("primaryMetric", metric);
        Files.writeString(file, JSON.std.asString(List.of(e)));
        return file;
    }
}
