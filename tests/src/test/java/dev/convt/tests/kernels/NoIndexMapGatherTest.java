package dev.convt.tests.kernels;

import dev.convt.vector.VectorConfig;
import org.junit.jupiter.api.Test;

import java.lang.classfile.ClassFile;
import java.lang.classfile.ClassModel;
import java.lang.classfile.MethodModel;
import java.lang.classfile.instruction.InvokeInstruction;
import java.nio.file.FileSystem;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * No vector kernel loads or stores through an index map ({@code FloatVector.fromArray} or
 * {@code intoArray} with an {@code int[]} of offsets). C2 turns such a call into a real gather only
 * where it inlines the index species' lookup inside it, which it does only at a call site hot in the
 * profile it compiles from; in some JVMs the problems run before left a packing site cold, and the
 * compiled code called the Vector API's fallback for good, allocating on every execute
 * ({@link ZeroAllocationTest} saw it in 2 of 12 probe JVMs at 256 bits). The moves that used one are
 * element by element now; this keeps them so, as that failure shows only sometimes.
 */
class NoIndexMapGatherTest {

    @Test
    void noVectorLoadOrStoreThroughAnIndexMap() throws Exception {
        Path root = Path.of(VectorConfig.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        List<String> found = new ArrayList<>();
        int classes = 0;
        try (FileSystem jar = Files.isDirectory(root) ? null : FileSystems.newFileSystem(root)) {
            Path top = jar == null ? root : jar.getPath("/");
            List<Path> files;
            try (Stream<Path> walk = Files.walk(top)) {
                files = walk.filter(f -> f.toString().endsWith(".class")).toList();
            }
            for (Path f : files) {
                ClassModel model = ClassFile.of().parse(Files.readAllBytes(f));
                classes++;
                for (MethodModel m : model.methods()) {
                    m.code().ifPresent(code -> code.forEach(e -> {
                        if (e instanceof InvokeInstruction call && indexMapped(call)) {
                            found.add(model.thisClass().asInternalName() + "::" + m.methodName() + " calls "
                                    + call.owner().asInternalName() + "::" + call.name() + call.typeSymbol().descriptorString());
                        }
                    }));
                }
            }
        }
        assertTrue(classes > 20, "the vector module's classes were not found under " + root + " (" + classes + ")");
        assertEquals(List.of(), found, "vector loads or stores through an index map");
    }

    /**
     * A vector's load or store whose lanes go through an {@code int[]} index map: {@code fromArray(species,
     * array, offset, indexMap, mapOffset[, mask])} and {@code intoArray(array, offset, indexMap,
     * mapOffset[, mask])}, told from the plain forms by their parameter count (shuffles and masks
     * made from arrays are not loads).
     */
    private static boolean indexMapped(InvokeInstruction call) {
        String owner = call.owner().asInternalName();
        String name = call.name().stringValue();
        int params = call.typeSymbol().parameterCount();
        return owner.startsWith("jdk/incubator/vector/") && owner.endsWith("Vector")
                && (name.equals("fromArray") && params >= 5 || name.equals("intoArray") && params >= 4);
    }
}
