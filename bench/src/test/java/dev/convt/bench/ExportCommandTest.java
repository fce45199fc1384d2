package dev.convt.bench;

import com.fasterxml.jackson.jr.ob.JSON;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code export}: github-action-benchmark's customSmallerIsBetter format from the runner's and JMH's JSON. */
class ExportCommandTest {

    /** The entries of the exported array, checked against the action's schema: name, unit, value required; range, extra strings. */
    private static List<Map<String, Object>> entries(String json) throws Exception {
        Object root = JSON.std.anyFrom(json);
        List<?> list = assertInstanceOf(List.class, root, "a JSON array at the top");
        for (Object o : list) {
            Map<?, ?> m = assertInstanceOf(Map.class, o);
            assertEquals(Set.of("name", "unit", "value", "range", "extra"), m.keySet(), m.toString());
            assertInstanceOf(String.class, m.get("name"));
            assertInstanceOf(String.class, m.get("unit"));
            assertInstanceOf(Number.class, m.get("value"));
            assertInstanceOf(String.class, m.get("range"));
            assertInstanceOf(String.class, m.get("extra"));
        }
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> typed = (List<Map<String, Object>>) list;
        return typed;
    }

    private static Map<String, Object> named(List<Map<String, Object>> entries, String name) {
        return entries.stream().filter(e -> e.get("name").equals(name)).findFirst()
                .orElseThrow(() -> new AssertionError("no entry " + name + " in " + entries));
    }

    /** The runner writes figures it has no value for (a speedup without a reference run) as NaN tokens; export reads them. */
    @Test
    void readsTheRunnersNonFiniteTokens(@TempDir Path dir) throws Exception {
        Path run = SuiteRunFixture.standard("", 1).write(dir.resolve("run.json"));
        String text = Files.readString(run);
        String withNaN = text.replaceFirst("(\"speedup_vs_reference\"\\s*:\\s*)[-+0-9.eE]+", "$1NaN");
        assertTrue(withNaN.contains("NaN"), "the fixture got a NaN token");
        Files.writeString(run, withNaN);
        Cli r = Cli.run("export", run.toString(), "--format", "github-action-benchmark");
        assertEquals(0, r.status(), r.err());
        assertFalse(entries(r.out()).isEmpty());
    }

    @Test
    void oneEntryPerMeasuredLayerKernelThreads(@TempDir Path dir) throws Exception {
        Path run = SuiteRunFixture.standard("", 1).declined("unet_up1", "scatter").write(dir.resolve("run.json"));
        Cli r = Cli.run("export", run.toString(), "--format", "github-action-benchmark");
        assertEquals(0, r.status(), r.err());
        List<Map<String, Object>> entries = entries(r.out());
        assertEquals(SuiteRunFixture.LAYERS.length * SuiteRunFixture.KERNELS.length, entries.size(), "declined kernels are left out");

        Map<String, Object> e = named(entries, "unet_up1/im2col/threads=1");
        assertEquals("ms", e.get("unit"));
        assertEquals(20.0, ((Number) e.get("value")).doubleValue(), 1e-12, "the value is the median");
        // the interquartile range is 20 × (1.02 − 0.98) = 0.8 ms, so ± 0.4
        assertEquals("± 0.4", e.get("range"));
        String extra = (String) e.get("extra");
        assertTrue(extra.contains("runs: 11"), extra);
        assertTrue(extra.contains("GFLOP/s: 50"), extra);
        assertTrue(extra.contains("q1–q3: 19.6 – 20.4 ms"), extra);
        assertTrue(extra.contains("machine: Test CPU @ 2.0GHz, JDK 25"), extra);
        assertFalse(extra.contains("auto chose"), extra);
        assertTrue(((String) named(entries, "unet_up1/auto/threads=1").get("extra")).contains("auto chose: im2col"));
        assertEquals(2000.0, ((Number) named(entries, "unet_up1/reference/threads=1").get("value")).doubleValue(), 1e-9);
    }

    @Test
    void writesTheFileGivenByOut(@TempDir Path dir) throws Exception {
        Path run = SuiteRunFixture.standard("", 1).write(dir.resolve("run.json"));
        Path out = dir.resolve("sub/gab.json");
        Cli r = Cli.run("export", run.toString(), "--out", out.toString());
        assertEquals(0, r.status(), r.err());
        assertEquals("", r.out());
        assertTrue(r.err().contains("wrote " + out), r.err());
        assertEquals(9, entries(Files.readString(out)).size());
    }

    @Test
    void readsJmhJson(@TempDir Path dir) throws Exception {
        Path jmh = SuiteRunFixture.jmh(dir.resolve("jmh.json"), 100);
        Cli r = Cli.run("export", jmh.toString());
        assertEquals(0, r.status(), r.err());
        List<Map<String, Object>> entries = entries(r.out());
        assertEquals(1, entries.size(), r.out());
        Map<String, Object> e = entries.getFirst();
        assertEquals("dcgan_g2/scatter (LayerBenchmark.run)/threads=1", e.get("name"));
        assertEquals(10.0, ((Number) e.get("value")).doubleValue(), 1e-9, "100 ops/s is 10 ms an op");
        assertFalse(((String) e.get("extra")).contains("runs:"), "JMH's file does not give the runs");
    }

    @Test
    void mistakesAreUsageErrors(@TempDir Path dir) throws Exception {
        Path run = SuiteRunFixture.standard("", 1).write(dir.resolve("run.json"));
        Cli format = Cli.run("export", run.toString(), "--format", "csv");
        assertEquals(2, format.status());
        assertEquals("convt: export: unknown --format 'csv'; the formats are github-action-benchmark", format.err().strip());
        Cli missing = Cli.run("export", dir.resolve("nope.json").toString());
        assertEquals(2, missing.status());
        assertTrue(missing.err().startsWith("convt: cannot read "), missing.err());
        Path bad = Files.writeString(dir.resolve("bad.json"), "{\"results\": [");
        Cli malformed = Cli.run("export", bad.toString());
        assertEquals(2, malformed.status());
        assertTrue(malformed.err().contains("bad.json: not valid JSON"), malformed.err());
        Path empty = new SuiteRunFixture().write(dir.resolve("empty.json"));
        Cli none = Cli.run("export", empty.toString());
        assertEquals(2, none.status());
        assertTrue(none.err().contains("has no measured (layer, kernel)"), none.err());
        assertEquals(2, Cli.run("export").status());
    }
}
