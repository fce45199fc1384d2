package dev.convt.bench;

import dev.convt.testkit.Json;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code compare}: flags a real slowdown, passes identical and noisy-but-equal runs, reads JMH JSON. */
class CompareCommandTest {

    /** A runner results file; every time multiplied by {@code factor} for the slowed layer. */
    private static Path runnerFile(Path dir, String name, String slowLayer, double factor) throws Exception {
        List<Object> results = new ArrayList<>();
        String[] layers = {"dcgan_g2", "unet_up1", "tasnet_dec"};
        double[] medians = {10.0, 40.0, 2.0};
        for (int i = 0; i < layers.length; i++) {
            for (String kernel : new String[] {"reference", "im2col"}) {
                double f = layers[i].equals(slowLayer) || slowLayer.equals("*") ? factor : 1;
                double m = medians[i] * (kernel.equals("reference") ? 50 : 1) * f;
                Map<String, Object> r = new LinkedHashMap<>();
                r.put("layer", layers[i]);
                r.put("kernel", kernel);
                r.put("threads", 1);
                r.put("median_ms", m);
                r.put("min_ms", m * 0.95);
                r.put("max_ms", m * 1.2);
                r.put("q1_ms", m * 0.98);
                r.put("q3_ms", m * 1.03);
                r.put("gflops", 1.0);
                r.put("max_abs_error", 0.0);
                results.add(r);
            }
        }
        Map<String, Object> root = new LinkedHashMap<>();
        root.put("machine", Map.of("cpu", "test cpu", "jdk", "25"));
        root.put("results", results);
        Path p = dir.resolve(name);
        Files.writeString(p, Json.write(root));
        return p;
    }

    @Test
    void identicalFilesPass(@TempDir Path dir) throws Exception {
        Path base = runnerFile(dir, "base.json", "", 1);
        Cli r = Cli.run("compare", base.toString(), base.toString());
        assertEquals(0, r.status(), r.out() + r.err());
        assertFalse(r.out().contains("REGRESSED"));
        assertTrue(r.out().contains("compared 6 (layer, kernel) pairs: 0 regressed"), r.out());
    }

    @Test
    void twiceSlowerIsFlagged(@TempDir Path dir) throws Exception {
        Path base = runnerFile(dir, "base.json", "", 1);
        Path slow = runnerFile(dir, "new.json", "unet_up1", 2);
        Cli r = Cli.run("compare", base.toString(), slow.toString());
        assertEquals(1, r.status(), r.out());
        long flagged = r.out().lines().filter(l -> l.contains("REGRESSED")).count();
        assertEquals(2, flagged, r.out());
        assertTrue(r.out().lines().filter(l -> l.contains("REGRESSED")).allMatch(l -> l.startsWith("unet_up1")), r.out());
        assertTrue(r.out().contains("2.000"), "the ratio is printed\n" + r.out());
        // and the other way round it is faster, not a regression
        Cli back = Cli.run("compare", slow.toString(), base.toString());
        assertEquals(0, back.status(), back.out());
        assertTrue(back.out().contains("faster"), back.out());
    }

    @Test
    void thresholdAndSpreadDecide(@TempDir Path dir) throws Exception {
        Path base = runnerFile(dir, "base.json", "", 1);
        // 6% slower everywhere: under the default 10% threshold
        Path bit = runnerFile(dir, "bit.json", "*", 1.06);
        assertEquals(0, Cli.run("compare", base.toString(), bit.toString()).status());
        // ... but above a 2% threshold, and beyond the larger interquartile range (5% of the slower median)
        assertEquals(1, Cli.run("compare", base.toString(), bit.toString(), "--max-regression", "2").status());
        // 4% slower with a 2% threshold: inside the spread, so not flagged
        Path noise = runnerFile(dir, "noise.json", "*", 1.04);
        Cli r = Cli.run("compare", base.toString(), noise.toString(), "--max-regression", "2");
        assertEquals(0, r.status(), r.out());
        assertTrue(r.out().contains("within spread"), r.out());
    }

    /** A JMH -rf json file with scores in ops/s (throughput), as LayerBenchmark writes. */
    private static Path jmhFile(Path dir, String name, double slowdown) throws Exception {
        List<Object> entries = new ArrayList<>();
        for (String layer : new String[] {"dcgan_g2", "tasnet_dec"}) {
            double opsPerS = (layer.equals("dcgan_g2") ? 100.0 : 500.0) / slowdown;
            Map<String, Object> metric = new LinkedHashMap<>();
            metric.put("score", opsPerS);
            metric.put("scoreError", opsPerS * 0.02);
            metric.put("scoreConfidence", List.of(opsPerS * 0.98, opsPerS * 1.02));
            metric.put("scoreUnit", "ops/s");
            metric.put("rawData", List.of(List.of(opsPerS * 0.99, opsPerS, opsPerS * 1.01, opsPerS * 1.005, opsPerS * 0.995)));
            Map<String, Object> e = new LinkedHashMap<>();
            e.put("jmhVersion", "1.37");
            e.put("benchmark", "dev.convt.bench.jmh.LayerBenchmark.run");
            e.put("mode", "thrpt");
            e.put("threads", 1);
            e.put("forks", 1);
            e.put("params", Map.of("layer", layer, "kernel", "im2col"));
            e.put("primaryMetric", metric);
            e.put("secondaryMetrics", Map.of());
            entries.add(e);
        }
        Path p = dir.resolve(name);
        Files.writeString(p, Json.write(entries));
        return p;
    }

    @Test
    void readsJmhJson(@TempDir Path dir) throws Exception {
        Path base = jmhFile(dir, "base.json", 1);
        Cli same = Cli.run("compare", base.toString(), base.toString());
        assertEquals(0, same.status(), same.out());
        assertTrue(same.out().contains("dcgan_g2") && same.out().contains("10.00"), "100 ops/s is 10 ms an op\n" + same.out());
        Path slow = jmhFile(dir, "slow.json", 2);
        Cli r = Cli.run("compare", base.toString(), slow.toString());
        assertEquals(1, r.status(), r.out());
        assertEquals(2, r.out().lines().filter(l -> l.contains("REGRESSED")).count(), r.out());
    }

    @Test
    void jmhUnitsConvertToMillisecondsPerOp() {
        Path f = Path.of("x.json");
        assertEquals(10.0, CompareCommand.toMillis(f, 100, "ops/s"), 1e-12);
        assertEquals(0.5, CompareCommand.toMillis(f, 2, "ops/ms"), 1e-12);
        assertEquals(2.0, CompareCommand.toMillis(f, 2, "ms/op"), 1e-12);
        assertEquals(0.002, CompareCommand.toMillis(f, 2, "us/op"), 1e-15);
        assertEquals(3000.0, CompareCommand.toMillis(f, 3, "s/op"), 1e-9);
    }
}
