package dev.convt.bench;

import dev.convt.internal.Json;

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

    static String readText(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new UsageException("cannot read " + file + ": " + Workload.describe(e));
        }
    }

    /** Parses a JSON file; a malformed one is a usage error naming the file. */
    static Object read(Path file) {
        String text = readText(file);
        try {
            return Json.parse(text);
        } catch (IllegalArgumentException e) {
            throw new UsageException(file + ": " + e.getMessage());
        }
    }
}
