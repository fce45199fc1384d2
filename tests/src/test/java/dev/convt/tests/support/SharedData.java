package dev.convt.tests.support;

import org.junit.jupiter.api.Assumptions;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The shared data folder ({@code ../shared} beside the repository root, or {@code -Dconvt.shared}).
 * Tests that need it call {@link #require(String)}: where it is absent they are skipped with a
 * message saying what is missing, never silently.
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

    /** The path of a file under the shared folder; skips the calling test (with a message) if absent. */
    public static Path require(String relative) {
        Path d = dir();
        Assumptions.assumeTrue(d != null,
                "SKIPPED: the shared data folder ../shared (beside the repository root) is absent; this test needs " + relative);
        Path f = d.resolve(relative);
        Assumptions.assumeTrue(Files.isRegularFile(f), "SKIPPED: " + f + " is absent");
        return f;
    }

    /** The text of a shared file (see {@link #require}). */
    public static String read(String relative) {
        try {
            return Files.readString(require(relative));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
