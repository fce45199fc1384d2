package dev.convt.tests.kernels;

import dev.convt.vector.VectorConfig;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.lang.reflect.Method;
import java.net.URISyntaxException;
import java.nio.file.FileSystem;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * No method of the vector kernels takes or returns a Vector API value ({@code FloatVector},
 * {@code VectorMask}, ...), but the two that build {@code Col2im}'s shuffle and mask constants in its
 * static initialiser.
 *
 * <p>Why: a Vector API value is a register only inside one C2 compile unit. Passed to or returned
 * from a method that C2 leaves out of line, it is an object, allocated per call. Whether C2 inlines
 * one of our methods depends on the JIT's history (the caller's node count when it reaches the call,
 * whether the callee already has big compiled code of its own, the inlining depth), so such a
 * method makes allocation-freedom a matter of luck: the epilogue's {@code tanh(FloatVector)} and
 * {@code expNonPositive(FloatVector)} helpers were left out of line by C2 in some JVMs only
 * ({@code NodeCountInliningCutoff} in the im2col kernel's segment path), and {@link ZeroAllocationTest}
 * then failed intermittently. With every vector value kept inside the method that loads and stores
 * it, an out-of-line call passes arrays, segments and numbers only. This checks that rule on every
 * class of the module, so a new helper that passes vectors fails here, in every JVM, not in some.
 */
class VectorValuesStayInMethodTest {

    /** Methods that build static final Vector API constants once (class initialisation), never on a hot path. */
    private static final Set<String> CONSTANT_BUILDERS = Set.of(
            "dev.convt.vector.Col2im.triShuffle",
            "dev.convt.vector.Col2im.triMask");

    @Test
    void noMethodPassesVectorValues() throws Exception {
        List<String> classes = vectorModuleClasses();
        assertTrue(classes.contains("dev.convt.vector.Epilogue") && classes.contains("dev.convt.vector.gemm.SgemmMicroKernel"),
                "the vector module's classes were not found: " + classes);
        Set<String> passing = new TreeSet<>();
        ClassLoader loader = VectorConfig.class.getClassLoader();
        for (String name : classes) {
            Class<?> c = Class.forName(name, false, loader);
            for (Method m : c.getDeclaredMethods()) {
                boolean vector = isVectorType(m.getReturnType());
                for (Class<?> p : m.getParameterTypes()) {
                    vector |= isVectorType(p);
                }
                if (vector) {
                    passing.add(name + "." + m.getName());
                }
            }
        }
        assertEquals(new TreeSet<>(CONSTANT_BUILDERS), passing,
                "methods that take or return a Vector API value (allocated whenever C2 leaves the call out of line)");
    }

    private static boolean isVectorType(Class<?> t) {
        while (t.isArray()) {
            t = t.getComponentType();
        }
        return t.getName().startsWith("jdk.incubator.vector.");
    }

    /** The binary names of the classes in the vector module's class directory or jar. */
    private static List<String> vectorModuleClasses() throws IOException, URISyntaxException {
        Path location = Path.of(VectorConfig.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        if (Files.isDirectory(location)) {
            return classNames(location);
        }
        try (FileSystem jar = FileSystems.newFileSystem(location)) {
            return classNames(jar.getPath("/"));
        }
    }

    private static List<String> classNames(Path root) throws IOException {
        List<String> names = new ArrayList<>();
        try (Stream<Path> files = Files.walk(root)) {
            files.map(root::relativize).map(Path::toString)
                    .filter(f -> f.endsWith(".class") && !f.endsWith("module-info.class"))
                    .forEach(f -> names.add(f.substring(0, f.length() - ".class".length()).replace('/', '.').replace('\\', '.')));
        }
        return names;
    }
}
