package dev.convt.bench;

import dev.convt.testkit.Json;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code cold} on the tiny layers: the table, and the JSON's figures agreeing with each other. */
class ColdCommandTest {

    @Test
    void inThisJvmEveryFigureIsConsistent(@TempDir Path dir) throws Exception {
        Path json = check(dir, "0");
        @SuppressWarnings("unchecked")
        Map<String, Object> root = (Map<String, Object>) Json.parse(Files.readString(json));
        assertEquals(0L, ((Map<?, ?>) root.get("settings")).get("forks"));
    }

    /** A fork reports the CPU of the pass's own thread and of all threads during the pass (on Linux). */
    @Test
    void inAFreshJvm(@TempDir Path dir) throws Exception {
        Path json = check(dir, "1");
        @SuppressWarnings("unchecked")
        Map<String, Object> root = (Map<String, Object>) Json.parse(Files.readString(json));
        @SuppressWarnings("unchecked")
        Map<String, Object> cpu = (Map<String, Object>) ((List<Map<String, Object>>) root.get("jit")).getFirst().get("compiler_cpu_ms_first_pass");
        if (Files.isDirectory(Path.of("/proc/self/task"))) {
            assertTrue(num(cpu, "main") > 0, cpu.toString());
            // ticks of 10 ms: the pass's thread is one of all threads, within a tick
            assertTrue(num(cpu, "process") + 10 >= num(cpu, "main"), cpu.toString());
        }
    }

    /** With --jit-log the fork's compilation log is read: C2 compiled some of convt's code in the cold pass. */
    @Test
    void withTheJitLog(@TempDir Path dir) throws Exception {
        Path json = check(dir, "1", "--jit-log");
        @SuppressWarnings("unchecked")
        Map<String, Object> root = (Map<String, Object>) Json.parse(Files.readString(json));
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> jit = (List<Map<String, Object>>) root.get("jit");
        assertEquals(1, jit.size(), jit.toString());
        @SuppressWarnings("unchecked")
        Map<String, Map<String, Object>> c2 = (Map<String, Map<String, Object>>) jit.getFirst().get("c2_whole_run");
        assertEquals(List.of("vector_api", "convt", "other"), List.copyOf(c2.keySet()));
        // The log was written and read: C2 compiled something in the fork. Whether it reached convt's
        // own methods before the tiny pass ended depends on the machine's load (a run at load 19 saw
        // none), so which kind each method is stays JitLogTest's to check, on a fixed log.
        double compiles = 0;
        for (String kind : JitLog.KINDS) {
            compiles += num(c2.get(kind), "compiles");
        }
        assertTrue(compiles >= 1, c2.toString());
    }

    private static Path check(Path dir, String forks, String... more) throws Exception {
        Path layers = dir.resolve("tiny.json");
        Files.writeString(layers, SuiteCommandTest.TINY);
        Path json = dir.resolve("cold.json");
        List<String> args = new java.util.ArrayList<>(List.of("cold", "--forks", forks, "--file", layers.toString(), "--json", json.toString()));
        args.addAll(List.of(more));
        Cli r = Cli.run(args.toArray(String[]::new));
        assertEquals(0, r.status(), r.err());
        assertTrue(r.out().contains("first ÷ steady") && r.out().contains("whole first pass"), r.out());

        @SuppressWarnings("unchecked")
        Map<String, Object> root = (Map<String, Object>) Json.parse(Files.readString(json));
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> rows = (List<Map<String, Object>>) root.get("layers");
        assertEquals(List.of("tiny1d", "tiny2d"), rows.stream().map(m -> m.get("name")).toList());
        double plan = 0, first = 0;
        for (Map<String, Object> row : rows) {
            @SuppressWarnings("unchecked")
            List<Map<String, Object>> perFork = (List<Map<String, Object>>) row.get("forks");
            assertEquals(1, perFork.size(), row.toString());
            Map<String, Object> f = perFork.getFirst();
            double firstMs = num(f, "first_ms"), steady = num(f, "steady_ms");
            assertTrue(firstMs > 0 && steady > 0 && num(f, "plan_ms") >= 0 && num(f, "second_ms") > 0, f.toString());
            assertEquals(firstMs / steady, num(f, "first_over_steady"), 1e-9 * firstMs / steady, f.toString());
            assertTrue(num(f, "executes_to_within_1_2x") >= 1, f.toString());
            assertEquals(firstMs, num(row, "first_ms"), 1e-12, "one fork: the median is that fork's figure");
            plan += num(f, "plan_ms");
            first += num(f, "first_ms");
        }
        @SuppressWarnings("unchecked")
        Map<String, Object> totals = (Map<String, Object>) root.get("totals");
        assertEquals(plan, num(totals, "plan_ms"), 1e-9 * plan);
        assertEquals(plan + first, num(totals, "pass_ms"), 1e-9 * (plan + first));
        return json;
    }

    private static double num(Map<String, Object> m, String key) {
        return ((Number) m.get(key)).doubleValue();
    }
}
