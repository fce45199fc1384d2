package dev.convt.tests.support;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The shared data folder ({@code ../shared} beside the repository root, or {@code -Dconvt.shared}).
 * It only adds data: every test runs on the repository's own copies, and where this folder is present
 * the full sets are added ({@link ConformanceData}).
 */
public final class SharedData {
    private SharedData() {}

    /** The shared folder, or null if it cannot be found. */
    public static Path dir() {
        String prop = System.getProperty("convt.shared");
        if (prop != null && Files.isDirectory(Path.of(prop))) {
            return Path.of(prop).toAbsolutePath().normalize();
        }
        // Surefire runs in the module folder: the repository root is its parent.
        for (Path p : new Path[] {Path.of("../../shared"), Path.of("../shared")}) {
            if (Files.isDirectory(p.resolve("conformance"))) {
                return p.toAbsolutePath().normalize();
            }
        }
        return null;
    }

    /** A file under the shared folder, or null when the folder or the file is absent. */
    public static Path optional(String relative) {
        Path d = dir();
        if (d == null) {
            return null;
        }
        Path f = d.resolve(relative);
        return Files.isRegularFile(f) ? f : null;
    }

    /** A file of this repository, by its path from the repository root (Surefire runs in the module folder). */
    public static Path repoFile(String relative) {
        Path f = Path.of("..").resolve(relative).toAbsolutePath().normalize();
        if (!Files.isRegularFile(f)) {
            throw new IllegalStateException("the repository file " + relative + " is missing (looked at " + f + ")");
        }
        return f;
    }
}
