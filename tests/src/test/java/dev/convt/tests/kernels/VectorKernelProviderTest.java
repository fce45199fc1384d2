package dev.convt.tests.kernels;

import dev.convt.kernel.Kernel;
import dev.convt.vector.VectorConfig;
import dev.convt.vector.VectorKernelProvider;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The vector provider called directly, not through the planner's registry (which runs it once per
 * JVM): its name, the kernel order the README documents, and each reason it gives for switching the
 * vector kernels off, the JVM-level ones seen from fresh JVMs started with the flag in question.
 */
class VectorKernelProviderTest {

    @Test
    void availableHereWithTheDocumentedKernelOrder() {
        VectorKernelProvider provider = new VectorKernelProvider();
        assertEquals("vector", provider.name());
        assertNull(provider.unavailableReason());
        // README, "Kernels": the narrowest automatic rule first
        assertEquals(List.of("subpixel", "scatter", "im2col"), provider.kernels().stream().map(Kernel::name).toList());
    }

    @Test
    void aBadOverrideSwitchesTheKernelsOffWithTheRule() throws Exception {
        // set when the JVM starts, as a user would: the provider is the first to touch VectorConfig
        assertEquals(VectorConfig.BITS_PROPERTY + " must be 128, 256 or 512, but got '100'",
                reasonIn("--add-modules", "jdk.incubator.vector", "-D" + VectorConfig.BITS_PROPERTY + "=100"));
        assertEquals(VectorConfig.REGISTERS_PROPERTY + " must be 16 or 32, but got '8'",
                reasonIn("--add-modules", "jdk.incubator.vector", "-D" + VectorConfig.REGISTERS_PROPERTY + "=8"));
    }

    @Test
    void withoutC2OrTheModuleTheReasonSaysWhyAndHowToEnable() throws Exception {
        String enable = "; run java with --add-modules jdk.incubator.vector on a HotSpot JVM with C2 (the default server VM)";
        assertEquals("C2 is off (-XX:TieredStopAtLevel=1)" + enable, reasonIn("--add-modules", "jdk.incubator.vector", "-XX:TieredStopAtLevel=1"));
        assertEquals("the JIT is off (-Xint)" + enable, reasonIn("--add-modules", "jdk.incubator.vector", "-Xint"));
        String noModule = reasonIn();
        assertTrue(noModule.startsWith("the module jdk.incubator.vector is not readable"), noModule);
        assertEquals("null", reasonIn("--add-modules", "jdk.incubator.vector"));
    }

    /**
     * A JVM that is neither HotSpot nor OpenJDK (by its {@code java.vm.name}, as OpenJ9 reports itself) is
     * told so: the Vector API needs HotSpot's C2. The property is set for the call only, in this JVM.
     */
    @Test
    void aJvmThatIsNotHotSpotIsNamedInTheReason() {
        String vm = System.getProperty("java.vm.name");
        try {
            System.setProperty("java.vm.name", "Eclipse OpenJ9 VM");
            String why = new VectorKernelProvider().unavailableReason();
            assertTrue(why != null && why.startsWith("the JVM 'Eclipse OpenJ9 VM' is not HotSpot"), String.valueOf(why));
            System.setProperty("java.vm.name", "Java HotSpot(TM) 64-Bit Server VM");
            assertNull(new VectorKernelProvider().unavailableReason());
        } finally {
            System.setProperty("java.vm.name", vm);
        }
    }

    /** The provider's reason printed by a fresh JVM with these options ("null" when available). */
    private static String reasonIn(String... options) throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> command = new ArrayList<>(List.of(java));
        command.addAll(List.of(options));
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), PrintReason.class.getName()));
        ProcessBuilder pb = new ProcessBuilder(command);
        pb.environment().remove("JAVA_TOOL_OPTIONS");
        Process proc = pb.start();
        String out = new String(proc.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        String err = new String(proc.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, proc.waitFor(), err);
        return out;
    }

    /** Prints the provider's reason. */
    public static final class PrintReason {
        public static void main(String[] args) {
            System.out.println(new VectorKernelProvider().unavailableReason());
        }
    }
}
