package dev.convt.bench;

import org.junit.jupiter.api.Assumptions;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The shared data folder ({@code ../shared} beside the repository root, or {@code -Dconvt.shared}),
 * as the tests module's SharedData finds it (the bench module cannot use that class). Tests that
 * need it are skipped with a message where it is absent.
 */
final class SharedFiles {
    private SharedFiles() {}

    static Path require(String relative) {
        Path dir = null;
        String prop = System.getProperty("convt.shared");
        if (prop != null && Files.isDirectory(Path.of(prop))) {
            dir = Path.of(prop);
        } else {
            for (Path p : new Path[] {Path.of("../../shared"), Path.of("../shared")}) {
                if (Files.isDirectory(p.resolve("conformance"))) {
                    dir = p;
                    break;
                }
            }
        }
        Assumptions.assumeTrue(dir != null,
                "SKIPPED: the shared data folder ../shared (beside the repository root) is absent; this test needs " + relative);
        Path f = dir.resolve(relative).toAbsolutePath().normalize();
        Assumptions.assumeTrue(Files.isRegularFile(f), "SKIPPED: " + f + " is absent");
        return f;
    }
}
