package dev.convt.bench;

import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@link JitLog}: C2's compiles counted per kind of code from a compilation log; C1's and unfinished ones left out. */
class JitLogTest {
    /** A log in HotSpot's format: compiler threads' tasks, each closed by task_done, the last cut short by the exit. */
    private static final String LOG = """
            <compilation_log thread='11'>
            <task compile_id='7' method='jdk.incubator.vector.FloatVector ldOp (Ljava/lang/Object;I)V' bytes='40' count='5000' stamp='0.500'>
            <phase name='parse' stamp='0.501'/>
            <task_done success='1' nmsize='400' count='5000' stamp='0.530'/>
            </task>
            <task compile_id='9' compile_kind='osr' method='dev.convt.vector.Col2im add (II)V' bytes='900' count='40' osr_bci='12' stamp='0.600'>
            <task_done success='1' nmsize='9000' count='41' stamp='0.850'/>
            </task>
            <task compile_id='10' method='dev/convt/vector/gemm/SgemmMicroKernel compute (I)V' bytes='70' count='5000' level='4' stamp='0.900'>
            <task_done success='1' nmsize='200' count='5001' stamp='0.910'/>
            </task>
            <task compile_id='11' method='dev.convt.bench.Data checksum ([F)D' bytes='41' count='5000' stamp='1.000'>
            <task_done success='1' nmsize='300' count='5001' stamp='1.020'/>
            </task>
            </compilation_log>
            <compilation_log thread='12'>
            <task compile_id='8' method='dev.convt.vector.Col2im add (II)V' bytes='900' count='200' level='3' stamp='0.400'>
            <task_done success='1' nmsize='3000' count='200' stamp='0.410'/>
            </task>
            <task compile_id='12' method='jdk.internal.vm.vector.VectorSupport load (I)V' bytes='30' count='9000' stamp='1.100'>
            """;

    @Test
    void countsC2CompilesPerKindOfCode() {
        Map<String, JitLog.Kind> c2 = JitLog.c2(LOG);
        assertEquals(JitLog.KINDS, c2.keySet().stream().toList());
        JitLog.Kind vector = c2.get("vector_api"), convt = c2.get("convt"), other = c2.get("other");
        assertEquals(1, vector.compiles());
        assertEquals(0, vector.osr());
        assertEquals(0.030, vector.seconds(), 1e-9);
        // the OSR compile and the standard one (slashes in the name), not the C1 compile at level 3
        assertEquals(2, convt.compiles());
        assertEquals(1, convt.osr());
        assertEquals(0.260, convt.seconds(), 1e-9);
        // the runner's own code is not convt's
        assertEquals(1, other.compiles());
    }

    @Test
    void kindsOfCode() {
        assertEquals("vector_api", JitLog.kind("jdk.incubator.vector.Float512Vector$Float512Mask"));
        assertEquals("vector_api", JitLog.kind("jdk/internal/vm/vector/VectorSupport"));
        assertEquals("convt", JitLog.kind("dev.convt.vector.scatter.ScatterPlan"));
        assertEquals("other", JitLog.kind("dev.convt.bench.Timer"));
        assertEquals("other", JitLog.kind("java.util.HashMap"));
    }

    /** On Linux the compiler threads and the process are found and have used some CPU by now; elsewhere the map is empty. */
    @Test
    void compilerCpuWhereTheSystemShowsIt() {
        Map<String, Double> cpu = JitLog.compilerCpuMillis();
        if (java.nio.file.Files.isDirectory(java.nio.file.Path.of("/proc/self/task"))) {
            assertTrue(cpu.containsKey("c1") || cpu.containsKey("c2"), cpu.toString());
            cpu.values().forEach(ms -> assertTrue(ms >= 0, cpu.toString()));
            // all threads together: at least the compiler threads' share, and this test's own work besides
            assertTrue(cpu.get("process") >= cpu.getOrDefault("c1", 0.0) + cpu.getOrDefault("c2", 0.0), cpu.toString());
            assertTrue(cpu.get("process") > 0, cpu.toString());
        } else {
            assertTrue(cpu.isEmpty(), cpu.toString());
        }
    }
}
