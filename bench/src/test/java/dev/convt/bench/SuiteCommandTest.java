package dev.convt.bench;

import dev.convt.Planner;
import dev.convt.testkit.Json;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code suite --quick} on a tiny layer file: the table and the JSON's shape and figures. */
class SuiteCommandTest {
    /** Two tiny layers: 1D with bias, stride gaps and output_padding; 2D grouped without bias. */
    static final String TINY = """
            {"layers": [
              {"name": "tiny1d", "dims": 1, "N": 2, "Cin": 3, "Cout": 4, "in": [9], "k": [3], "s": [2], "p": [1], "op": [1], "d": [1], "g": 1, "bias": true},
              {"name": "tiny2d", "dims": 2, "N": 1, "Cin": 4, "Cout": 6, "in": [5, 4], "k": [3, 2], "s": [3, 1], "p": [0, 1], "op": [0, 0], "d": [1, 2], "g": 2, "bias": false}
            ]}
            """;

    @Test
    void writesEveryFigureAsJson(@TempDir Path dir) throws Exception {
        Path layers = dir.resolve("tiny.json");
        Files.writeString(layers, TINY);
        Path json = dir.resolve("out/results.json");
        Cli r = Cli.run("suite", "--quick", "--file", layers.toString(), "--json", json.toString());
        assertEquals(0, r.status(), r.err());

        assertTrue(r.out().contains("tiny1d") && r.out().contains("tiny2d"), r.out());
        assertTrue(r.out().contains("median ms") && r.out().contains("GFLOP/s") && r.out().contains("max |err|"), r.out());
        assertTrue(r.out().contains("2×3×9 → 2×4×18"), "shapes: (9-1)*2 - 2 + 2 + 1 + 1 = 18\n" + r.out());
        assertTrue(r.out().contains("geometric-mean speedup"), r.out());

        @SuppressWarnings("unchecked")
        Map<String, Object> root = (Map<String, Object>) Json.parse(Files.readString(json));
        @SuppressWarnings("unchecked")
        Map<String, Object> machine = (Map<String, Object>) root.get("machine");
        for (String key : List.of("jdk", "cpu", "cores", "vector_species_length", "threads", "kernels")) {
            assertTrue(machine.containsKey(key), "machine." + key);
        }
        assertEquals(System.getProperty("java.version"), machine.get("jdk"));
        assertEquals(1L, machine.get("threads"));
        double peak = ((Number) machine.get("fma_peak_gflops")).doubleValue();
        assertTrue(peak > 0, "the measured FMA peak: " + machine);
        assertTrue(r.out().contains("FMA peak") && r.out().contains("of peak"), r.out());

        @SuppressWarnings("unchecked")
        List<Map<String, Object>> results = (List<Map<String, Object>>) root.get("results");
        Set<String> expected = new HashSet<>();
        for (String layer : List.of("tiny1d", "tiny2d")) {
            for (String k : Planner.kernelNames()) {
                expected.add(layer + "/" + k);
            }
            expected.add(layer + "/auto");
        }
        Set<String> seen = new HashSet<>();
        for (Map<String, Object> e : results) {
            seen.add(e.get("layer") + "/" + e.get("kernel"));
            assertEquals(1L, e.get("threads"));
            if (e.containsKey("declined")) {
                continue;
            }
            double median = ((Number) e.get("median_ms")).doubleValue();
            double min = ((Number) e.get("min_ms")).doubleValue();
            double max = ((Number) e.get("max_ms")).doubleValue();
            assertTrue(0 < min && min <= median && median <= max, e.toString());
            assertTrue(((Number) e.get("max_abs_error")).doubleValue() >= 0, e.toString());
            if (e.get("kernel").equals("reference")) {
                assertEquals(0.0, ((Number) e.get("max_abs_error")).doubleValue());
            }
            if (e.get("kernel").equals("auto")) {
                assertTrue(Planner.kernelNames().contains((String) e.get("chose")), e.toString());
            }
            // GFLOP/s = 2 × exact multiplications ÷ median, with the multiplications counted here by brute force
            long mults = e.get("layer").equals("tiny1d") ? OpsCommandTest.exactMultiplications(Workload.parse(TINY, "t").get(0).problem())
                                                         : OpsCommandTest.exactMultiplications(Workload.parse(TINY, "t").get(1).problem());
            assertNotNull(e.get("gflops"), "gflops comes from CostModels.exact (issue 3): " + e);
            double gflops = ((Number) e.get("gflops")).doubleValue();
            assertEquals(2.0 * mults / (median * 1e-3) / 1e9, gflops, 1e-9 * gflops, e.toString());
            assertEquals(gflops / peak, ((Number) e.get("fraction_of_peak")).doubleValue(), 1e-9 * gflops / peak, e.toString());
            assertTrue(e.get("steady") instanceof Boolean && e.get("warmup_runs") instanceof Number, e.toString());
            assertFalse(e.containsKey("forks"), "one JVM: no per-fork figures: " + e);
        }
        assertEquals(expected, seen);
    }

    /** {@code --threads 1,2}: one row per kernel and thread count, the reference at one thread, JSON keyed by threads. */
    @Test
    void aListOfThreadCountsGivesOneRowPerKernelAndCount(@TempDir Path dir) throws Exception {
        Path layers = dir.resolve("tiny.json");
        Files.writeString(layers, TINY);
        Path json = dir.resolve("results.json");
        Cli r = Cli.run("suite", "--quick", "--file", layers.toString(), "--threads", "1,2", "--json", json.toString());
        assertEquals(0, r.status(), r.err());
        assertTrue(r.out().contains("speedup over one thread"), r.out());
        @SuppressWarnings("unchecked")
        Map<String, Object> root = (Map<String, Object>) Json.parse(Files.readString(json));
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> results = (List<Map<String, Object>>) root.get("results");
        Set<String> seen = new HashSet<>();
        for (Map<String, Object> e : results) {
            seen.add(e.get("layer") + "/" + e.get("kernel") + "/" + e.get("threads"));
        }
        Set<String> expected = new HashSet<>();
        for (String layer : List.of("tiny1d", "tiny2d")) {
            expected.add(layer + "/reference/1");
            for (String k : Planner.kernelNames()) {
                if (!k.equals("reference")) {
                    expected.add(layer + "/" + k + "/1");
                    expected.add(layer + "/" + k + "/2");
                }
            }
            expected.add(layer + "/auto/1");
            expected.add(layer + "/auto/2");
        }
        assertEquals(expected, seen);
        for (Map<String, Object> e : results) {
            if (!e.containsKey("declined") && !e.get("kernel").equals("reference")) {
                assertEquals(0.0, ((Number) e.get("max_abs_error")).doubleValue(), 2e-6, e.toString());
            }
        }
        // the cores' FMA peak measured at once: the 2-thread rows are a fraction of it, the 1-thread rows of one core's
        @SuppressWarnings("unchecked")
        Map<String, Object> machine = (Map<String, Object>) root.get("machine");
        @SuppressWarnings("unchecked")
        Map<String, Object> byThreads = (Map<String, Object>) machine.get("fma_peak_gflops_by_threads");
        assertNotNull(byThreads, machine.toString());
        double one = ((Number) byThreads.get("1")).doubleValue(), two = ((Number) byThreads.get("2")).doubleValue();
        assertEquals(((Number) machine.get("fma_peak_gflops")).doubleValue(), one, 0.0);
        assertTrue(two > 0 && Double.isFinite(two), "two cores' peak at once: " + byThreads);
        for (Map<String, Object> e : results) {
            if (!e.containsKey("declined") && e.get("fraction_of_peak") != null) {
                double peak = ((Number) e.get("threads")).intValue() == 2 ? two : one;
                assertEquals(((Number) e.get("gflops")).doubleValue() / peak, ((Number) e.get("fraction_of_peak")).doubleValue(), 1e-9, e.toString());
            }
        }
        assertTrue(r.out().contains("FMA peak of the cores at once over one core's"), r.out());
        assertTrue(r.out().contains("2 at once"), r.out());
    }

    /** {@code --forks 2}: two fresh JVMs, the median of their medians, per-fork figures, the reference in the first only. */
    @Test
    void forksRunInFreshJvmsAndReportTheMedianOfTheirMedians(@TempDir Path dir) throws Exception {
        Path layers = dir.resolve("tiny.json");
        Files.writeString(layers, TINY);
        Path json = dir.resolve("forks.json");
        Cli r = Cli.run("suite", "--quick", "--forks", "2", "--kernels", "reference,auto", "--file", layers.toString(), "--json", json.toString());
        assertEquals(0, r.status(), r.err());
        assertTrue(r.err().contains("[fork 1/2]") && r.err().contains("[fork 2/2]"), r.err());
        assertTrue(r.out().contains("2 fresh JVMs") && r.out().contains("each fork's total"), r.out());

        @SuppressWarnings("unchecked")
        Map<String, Object> root = (Map<String, Object>) Json.parse(Files.readString(json));
        @SuppressWarnings("unchecked")
        Map<String, Object> settings = (Map<String, Object>) root.get("settings");
        assertEquals(2L, settings.get("forks"));
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> results = (List<Map<String, Object>>) root.get("results");
        assertEquals(4, results.size(), results.toString());
        // tiny layers' two forks often differ by more than DISAGREEMENT: those get a deciding third fork
        @SuppressWarnings("unchecked")
        List<Object> decided = (List<Object>) ((Map<String, Object>) root.get("summary")).get("deciding_fork_layers");
        for (Map<String, Object> e : results) {
            @SuppressWarnings("unchecked")
            List<Map<String, Object>> forks = (List<Map<String, Object>>) e.get("forks");
            boolean reference = e.get("kernel").equals("reference");
            assertEquals(reference ? 1 : decided.contains(e.get("layer")) ? 3 : 2, forks.size(),
                    "the reference runs in the first fork only, the others in two and a deciding fork where they differ: " + e);
            double[] medians = forks.stream().mapToDouble(f -> ((Number) f.get("median_ms")).doubleValue()).sorted().toArray();
            int n = medians.length;
            double expected = n % 2 == 1 ? medians[n / 2] : (medians[n / 2 - 1] + medians[n / 2]) / 2;
            assertEquals(expected, ((Number) e.get("median_ms")).doubleValue(), 1e-12, e.toString());
            if (n == 2) {
                assertTrue(medians[1] <= SuiteCommand.DISAGREEMENT * medians[0], "two forks this far apart get a deciding fork: " + e);
            }
            if (n >= 2) {
                assertEquals(medians[0], ((Number) e.get("min_ms")).doubleValue(), 1e-12, "min over the forks' medians: " + e);
            }
            assertTrue(((Number) e.get("max_abs_error")).doubleValue() >= 0, "checked in the first fork: " + e);
        }
        @SuppressWarnings("unchecked")
        Map<String, Object> summary = (Map<String, Object>) root.get("summary");
        @SuppressWarnings("unchecked")
        Map<String, Object> perFork = (Map<String, Object>) summary.get("total_ms_per_fork");
        // each fork's total over the forks every auto row has: two, or three where every layer was decided
        @SuppressWarnings("unchecked")
        int everyRow = results.stream().filter(e -> e.get("kernel").equals("auto"))
                .mapToInt(e -> ((List<Object>) e.get("forks")).size()).min().orElseThrow();
        assertEquals(everyRow, ((List<?>) perFork.get("auto")).size(), summary.toString());
    }

    @Test
    void combiningForksTakesTheMedianOfTheirMedians() {
        Timer.Warmup w = new Timer.Warmup(5, 2, 0.1, true);
        List<Timer.Measurement> forks = List.of(
                new Timer.Measurement(10, false, 4.0, 3.0, 9.0, 3.5, 5.0, w, 0, 3.0),
                new Timer.Measurement(12, false, 2.0, 1.9, 2.5, 1.95, 2.2, w, 0, 1.0),
                new Timer.Measurement(11, false, 3.0, 2.0, 4.0, 2.5, 3.5, new Timer.Warmup(7, 3, 0.2, false), 64, 2.5));
        Timer.Measurement m = SuiteCommand.combine(forks);
        assertEquals(3.0, m.medianMs());
        assertEquals(2.0, m.minMs());
        assertEquals(4.0, m.maxMs());
        assertEquals(33, m.runs());
        assertFalse(m.warmup().steady(), "one fork not steady makes the figure not steady");
        assertEquals(64.0, m.allocatedBytesPerRun());
        assertEquals(2.5, m.cpuMedianMs(), "the median of the forks' CPU-time medians");
        assertEquals(1.0 / 3, m.halfRangeFraction(), 1e-12, "± is half the range of the forks' medians");
        Timer.Measurement states = SuiteCommand.combine(List.of(forks.get(0).withMachineState(0.5), forks.get(1).withMachineState(1.0),
                forks.get(2).withMachineState(0.9)));
        assertEquals(0.9, states.machineState(), "the median of the forks' machine states");
    }

    @Test
    void aRowTimedInASlowMachineStateIsTimedAgainAndTheFastestStateCounts() {
        int[] runs = {0};
        Timer.Body body = () -> ++runs[0];
        Timer.Measurement m = Timer.measure(body, Timer.first(body), Timer.Settings.QUICK, false);
        java.util.Iterator<Double> states = List.of(0.5, 0.9, 0.6).iterator();
        Timer.Measurement again = SuiteCommand.inNormalState(body, m, Timer.Settings.QUICK, states::next);
        assertEquals(0.9, again.machineState(), "the second attempt ran in the normal state and stops the retries");
        assertFalse(again.slowMachine());
        assertTrue(states.hasNext(), "no third attempt after a normal one");

        java.util.Iterator<Double> slow = List.of(0.5, 0.7, 0.6, 0.99).iterator();
        Timer.Measurement never = SuiteCommand.inNormalState(body, m, Timer.Settings.QUICK, slow::next);
        assertEquals(0.7, never.machineState(), "the attempt in the fastest state counts");
        assertTrue(never.slowMachine(), "marked: never timed in the normal state");
        assertEquals(0.99, slow.next(), MachineCanary.ATTEMPTS + " attempts in all");

        int before = runs[0];
        Timer.Measurement normal = SuiteCommand.inNormalState(body, m, Timer.Settings.QUICK, () -> 1.0);
        assertEquals(before, runs[0], "a row timed in the normal state is not timed again");
        assertEquals(1.0, normal.machineState());
        assertEquals(m.medianMs(), normal.medianMs());
        assertTrue(Double.isNaN(SuiteCommand.inNormalState(body, m, Timer.Settings.QUICK, null).machineState()), "no probe, no state");
    }

    @Test
    void aForkWhoseCanaryStayedFarBelowTheFastestForksRunsAgain() {
        assertEquals(1, SuiteCommand.slowFork(List.of(120.0, 74.0)), "74 < 0.8 × 120");
        assertEquals(0, SuiteCommand.slowFork(List.of(60.0, 150.0, 140.0)));
        assertEquals(-1, SuiteCommand.slowFork(List.of(120.0, 100.0)), "within 80% of the fastest");
        assertEquals(-1, SuiteCommand.slowFork(List.of(Double.NaN, 100.0)), "a fork without a probe is not slow");
        assertEquals(-1, SuiteCommand.slowFork(List.of(Double.NaN, Double.NaN)));
    }

    @Test
    void aForkWithRowsStillSlowRunsAgainAndEachSuchRowCountsFromTheFasterState() {
        Timer.Warmup w = new Timer.Warmup(5, 2, 0.1, true);
        java.util.function.BiFunction<Double, Double, Timer.Measurement> m =
                (ms, state) -> new Timer.Measurement(10, false, ms, ms, ms, ms, ms, w, 0, ms).withMachineState(state);
        java.util.function.BiFunction<String, Timer.Measurement, SuiteCommand.Result> row =
                (layer, t) -> new SuiteCommand.Result(layer, "auto", "im2col", null, t, 0, 1, Double.NaN, List.of());
        SuiteCommand.Result declined = new SuiteCommand.Result("c", "scatter", null, "too big", null, Double.NaN, Double.NaN, Double.NaN, List.of());
        List<SuiteCommand.Result> normal = List.of(row.apply("a", m.apply(1.0, 0.95)), row.apply("b", m.apply(2.0, 1.0)), declined);
        List<SuiteCommand.Result> oneSlow = List.of(row.apply("a", m.apply(1.0, 0.9)), row.apply("b", m.apply(3.0, 0.5)), declined);
        List<SuiteCommand.Result> twoSlow = List.of(row.apply("a", m.apply(1.6, 0.6)), row.apply("b", m.apply(3.1, 0.55)), declined);
        assertEquals(-1, SuiteCommand.forkWithSlowRows(List.of(normal, normal)), "no row below " + MachineCanary.SLOW);
        assertEquals(1, SuiteCommand.forkWithSlowRows(List.of(oneSlow, twoSlow, normal)), "the fork with the most slow rows");
        assertEquals(0, SuiteCommand.forkWithSlowRows(List.of(oneSlow, normal)));

        List<SuiteCommand.Result> again = List.of(row.apply("a", m.apply(1.2, 0.99)), row.apply("b", m.apply(2.1, 0.97)), declined);
        List<SuiteCommand.Result> merged = SuiteCommand.inFasterState(oneSlow, again);
        assertEquals(1.0, merged.get(0).m().medianMs(), "a row timed in the normal state keeps its first figure");
        assertEquals(2.1, merged.get(1).m().medianMs(), "a slow row counts from the run in the faster state");
        assertSame(declined, merged.get(2));
        List<SuiteCommand.Result> slower = List.of(row.apply("a", m.apply(1.2, 0.99)), row.apply("b", m.apply(4.0, 0.3)), declined);
        assertEquals(3.0, SuiteCommand.inFasterState(oneSlow, slower).get(1).m().medianMs(), "a run again in a slower state does not replace it");
        assertEquals(3.0, SuiteCommand.inFasterState(oneSlow, List.of()).get(1).m().medianMs(), "a row the run again lacks stays");

        dev.convt.Problem p = dev.convt.ConvTransposeSpec.builder2d(1, 1, 1).build().problem(1, 1, 2, 2);
        List<Workload.Layer> layers = List.of(new Workload.Layer("a", p, ""), new Workload.Layer("b", p, ""), new Workload.Layer("c", p, ""));
        assertEquals(List.of("b"), SuiteCommand.layersWithSlowRows(oneSlow, layers), "only the layers with a slow row run again");
        assertEquals(List.of("a", "b"), SuiteCommand.layersWithSlowRows(twoSlow, layers), "in workload order");
        assertEquals(List.of("c"), SuiteCommand.layersWithSlowRows(List.of(row.apply("c@nhwc", m.apply(1.0, 0.5))), layers),
                "a variant's row counts for its layer");
        assertEquals(List.of(), SuiteCommand.layersWithSlowRows(normal, layers));
        // the run's layers as the suite has them with --activation none,relu or --layout nhwc: the variants are
        // expanded again by the fork run again, so only workload names may be passed to it
        List<Workload.Layer> withRelu = List.of(new Workload.Layer("a", p, ""), new Workload.Layer("a+relu", p, ""),
                new Workload.Layer("b", p, ""), new Workload.Layer("b+relu", p, ""));
        assertEquals(List.of("b"), SuiteCommand.layersWithSlowRows(List.of(row.apply("b+relu", m.apply(1.0, 0.5)),
                row.apply("b", m.apply(1.0, 0.5))), withRelu));
        List<Workload.Layer> nhwc = List.of(new Workload.Layer("a@nhwc", p, ""), new Workload.Layer("b@nhwc", p, ""));
        assertEquals(List.of("a"), SuiteCommand.layersWithSlowRows(List.of(row.apply("a@nhwc", m.apply(1.0, 0.5))), nhwc));
    }

    /**
     * Where an even number of forks disagree on a row by more than the ratio, its layer gets a
     * deciding fork (under its workload name, in workload order); declined rows and rows within the
     * ratio do not.
     */
    @Test
    void layersWhoseForksDisagreeGetADecidingFork() {
        Timer.Warmup w = new Timer.Warmup(5, 2, 0.1, true);
        java.util.function.Function<Double, Timer.Measurement> m = ms -> new Timer.Measurement(10, false, ms, ms, ms, ms, ms, w, 0, ms);
        java.util.function.BiFunction<String, Double, SuiteCommand.Result> row =
                (layer, ms) -> new SuiteCommand.Result(layer, "auto", "im2col", null, m.apply(ms), 0, 1, Double.NaN, List.of());
        SuiteCommand.Result declined = new SuiteCommand.Result("c", "scatter", null, "too big", null, Double.NaN, Double.NaN, Double.NaN, List.of());
        dev.convt.Problem p = dev.convt.ConvTransposeSpec.builder2d(1, 1, 1).build().problem(1, 1, 2, 2);
        List<Workload.Layer> layers = List.of(new Workload.Layer("a", p, ""), new Workload.Layer("b", p, ""), new Workload.Layer("c", p, ""));
        List<SuiteCommand.Result> one = List.of(row.apply("a", 1.0), row.apply("b", 2.0), row.apply("c", 0.5), declined);
        List<SuiteCommand.Result> two = List.of(row.apply("a", 1.19), row.apply("b", 4.1), row.apply("c@nhwc", 0.5), row.apply("c", 0.7), declined);
        assertEquals(List.of("b", "c"), SuiteCommand.disagreeingLayers(List.of(one, two), layers, SuiteCommand.DISAGREEMENT),
                "b (2.05x) and c (1.4x), not a (1.19x), in workload order");
        assertEquals(List.of(), SuiteCommand.disagreeingLayers(List.of(one, one), layers, SuiteCommand.DISAGREEMENT));
        assertEquals(List.of("a", "b", "c"), SuiteCommand.disagreeingLayers(List.of(one, two), layers, 1.1));
    }

    @Test
    void kernelListPutsTheReferenceFirstAndKeepsAuto() {
        List<String> all = SuiteCommand.kernels(null);
        assertEquals("reference", all.getFirst());
        assertTrue(all.contains("auto"));
        assertEquals(Planner.kernelNames().size() + 1, all.size());
        assertEquals(List.of("reference", "auto"), SuiteCommand.kernels(List.of("AUTO", "reference")));
        assertNotNull(SuiteCommand.kernels(List.of("all")));
    }
}
