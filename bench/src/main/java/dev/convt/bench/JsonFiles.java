package dev.convt.bench;

import dev.convt.testkit.Json;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/** Reading and writing the runner's JSON files, with user mistakes reported as {@link UsageException}. */
final class JsonFiles {
    private JsonFiles() {}

    /**
     * Writes a value with one top-level field per line and one array element per line, so results
     * diff well; nested values stay on their line.
     */
    static String pretty(Map<String, Object> root) {
        StringBuilder b = new StringBuilder("{\n");
        int i = 0;
        for (Map.Entry<String, Object> e : root.entrySet()) {
            b.append("  ").append(Json.write(e.getKey())).append(": ");
            if (e.getValue() instanceof List<?> list && !list.isEmpty()) {
                b.append("[\n");
                for (int j = 0; j < list.size(); j++) {
                    b.append("    ").append(Json.write(list.get(j))).append(j + 1 < list.size() ? ",\n" : "\n");
                }
                b.append("  ]");
            } else {
                b.append(Json.write(e.getValue()));
            }
            b.append(++i < root.size() ? ",\n" : "\n");
        }
        return b.append("}\n").toString();
    }

    static void write(Path file, String text) {
        try {
            Path parent = file.toAbsolutePath().getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
            Files.writeString(file, text);
        } catch (IOException e) {
            throw new UsageException("cannot write " + file + ": " + Workload.describe(e));
        }
    }

    /**
     * The text of a file. A file too big to hold and parse within the heap is a usage error (its
     * parsed form takes several times its size), not an OutOfMemoryError.
     */
    static String readText(Path file) {
        try {
            checkFits(file, Files.size(file));
            return Files.readString(file);
        } catch (IOException e) {
            throw new UsageException("cannot read " + file + ": " + Workload.describe(e));
        } catch (OutOfMemoryError e) {
            throw tooBig(file);
        }
    }

    /** Parses a JSON file; a malformed one is a usage error naming the file. */
    static Object read(Path file) {
        String text = readText(file);
        try {
            return Json.parse(text);
        } catch (IllegalArgumentException e) {
            throw new UsageException(file + ": " + e.getMessage());
        } catch (OutOfMemoryError e) {
            throw tooBig(file);
        }
    }

    /** The largest file read whole: an eighth of the heap (the text, then its parsed numbers, fit beside each other). */
    static long maxFileBytes() {
        return Runtime.getRuntime().maxMemory() / 8;
    }

    static void checkFits(Path file, long bytes) {
        if (bytes > maxFileBytes()) {
            throw tooBig(file);
        }
    }

    static UsageException tooBig(Path file) {
        long heapMb = Runtime.getRuntime().maxMemory() >> 20;
        return new UsageException(file + " is too big to read with a heap of " + heapMb
                + " MB; give the JVM more heap, e.g. JAVA_TOOL_OPTIONS=-Xmx8g");
    }
}
