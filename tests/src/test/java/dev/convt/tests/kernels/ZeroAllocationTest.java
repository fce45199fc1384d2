package dev.convt.tests.kernels;

import dev.convt.vector.VectorConfig;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code execute} of every fast kernel allocates nothing on the heap in steady state, measured with
 * the thread's allocation counter (deterministic, not timing) by {@link AllocationProbe} in fresh JVMs (one for heap memory, one for native):
 * on {@code float[]}s, on heap and native segments, and with a scratchpad on a fresh virtual thread
 * per call (nothing kept per thread is made again), at one and two threads.
 *
 * <p>Vector API values are objects until C2 compiles the code that uses them: in the interpreter and
 * in C1 every {@code FloatVector} is allocated. So the probe first runs each plan until the JIT has
 * compiled it (a bounded number of rounds), then requires a window of {@value AllocationProbe#WINDOW}
 * calls that allocates nothing at all.
 */
class ZeroAllocationTest {

    /**
     * The sub-pixel kernel's own code ({@link AllocationProbe#subpixelCases()}: each of its paths on
     * arrays and on its generated native-segment twins) allocates nothing with C2's delayed inlining
     * off ({@code -XX:-IncrementalInline}). A compiled method whose graph grows past C2's parse-time
     * node budget leaves the Vector API calls beyond it to the delayed inliner; with that off they
     * stay real calls in every JVM, where with it on they did in some only. Masked stores at offsets
     * whose vector leaves the segment (the twins' fill once) take a Vector API path whose calls C2
     * leaves out of line in any case; here that path runs where it did. Not held to it: channels last
     * (see {@link AllocationProbe#subpixelCases()}), and the fused tanh. The epilogue's whole-vector
     * loop of tanh no longer needs the delayed inliner (one sub-pixel tanh case, one thread, on arrays
     * and on native segments, allocated nothing without it at 512, 256 and 128 bits), but its masked tail at the
     * very end of an output takes the Vector API's out-of-range path, whose mask call C2 leaves out
     * of line without that inliner, and the same tanh case at two threads on arrays still allocated
     * without it.
     */
    @Test
    void subpixelAllocatesNothingWithoutDelayedInlining() throws Exception {
        List<AllocationProbe.Case> cases = AllocationProbe.subpixelCases();
        assertFalse(cases.isEmpty(), "no sub-pixel case to measure");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> command = new ArrayList<>(List.of(java, "--add-modules", "jdk.incubator.vector", "-XX:+UseParallelGC",
                "-XX:-IncrementalInline"));
        for (String property : List.of(VectorConfig.BITS_PROPERTY, VectorConfig.REGISTERS_PROPERTY)) {
            if (System.getProperty(property) != null) {
                command.add("-D" + property + "=" + System.getProperty(property));
            }
        }
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), AllocationProbe.class.getName(), AllocationProbe.SUBPIXEL));
        Process proc = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(proc.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, proc.waitFor(), out);
        List<String> lines = out.lines().filter(l -> l.matches("-?\\d+\t.*")).toList();
        assertEquals(cases.size(), lines.size(), out);
        for (String line : lines) {
            assertTrue(line.startsWith("0\t"), "bytes allocated by " + AllocationProbe.WINDOW + " warm executions without delayed inlining: " + line);
        }
    }

    @Test
    void executeAllocatesNothingOnceWarm() throws Exception {
        assertFalse(AllocationProbe.cases().isEmpty(), "no fast kernel to measure");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> command = new ArrayList<>(List.of(java, "--add-modules", "jdk.incubator.vector", "-XX:+UseParallelGC"));
        // the probe runs the vector configuration of this JVM (JAVA_TOOL_OPTIONS reach it through the environment)
        for (String property : List.of(VectorConfig.BITS_PROPERTY, VectorConfig.REGISTERS_PROPERTY)) {
            if (System.getProperty(property) != null) {
                command.add("-D" + property + "=" + System.getProperty(property));
            }
        }
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), AllocationProbe.class.getName()));
        // All cases in ONE JVM, one after another: the JIT state that earlier shapes leave behind is
        // part of what is measured (a micro-kernel calling a vector-returning helper that C2 left out
        // of line, on a profile from earlier shapes, once kept one tap-vector path allocating), and so
        // is a JVM whose callers pass arrays, heap segments and native segments alike.
        Process proc = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(proc.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, proc.waitFor(), out);
        List<String> lines = out.lines().filter(l -> l.matches("-?\\d+\t.*")).toList();
        assertEquals(AllocationProbe.cases().size(), lines.size(), out);
        for (String line : lines) {
            assertTrue(line.startsWith("0\t"), "bytes allocated by " + AllocationProbe.WINDOW + " warm executions: " + line);
        }
        // without a scratchpad, a fresh thread per call makes the plan's per-thread workspace: the
        // fresh-thread measurement sees it (so its zeros above are the scratchpad's doing)
        List<String> controls = out.lines().filter(l -> l.startsWith("control\t")).toList();
        assertEquals(AllocationProbe.controls().size(), controls.size(), out);
        for (String line : controls) {
            assertTrue(Long.parseLong(line.split("\t")[1]) > 0, "a fresh thread without a scratchpad allocated nothing: " + line);
        }
    }
}
