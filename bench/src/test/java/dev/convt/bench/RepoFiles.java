package dev.convt.bench;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Files of this repository (Surefire runs in the module folder, so the root is its parent), and the
 * shared data folder ({@code ../shared} beside the root, or {@code -Dconvt.shared}), which only adds
 * comparisons: no test needs it.
 */
final class RepoFiles {
    private RepoFiles() {}

    /** A file of the repository by its path from the root. */
    static Path path(String relative) {
        Path f = Path.of("..").resolve(relative).toAbsolutePath().normalize();
        if (!Files.isRegularFile(f)) {
            throw new IllegalStateException("the repository file " + relative + " is missing (looked at " + f + ")");
        }
        return f;
    }

    /** A file of the shared folder, or null where the folder or the file is absent. */
    static Path shared(String relative) {
        String prop = System.getProperty("convt.shared");
        for (Path dir : prop != null ? new Path[] {Path.of(prop)} : new Path[] {Path.of("../../shared"), Path.of("../shared")}) {
            Path f = dir.resolve(relative);
            if (Files.isRegularFile(f)) {
                return f.toAbsolutePath().normalize();
            }
        }
        return null;
    }
}
