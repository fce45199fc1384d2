package dev.convt.tests.support;

import dev.convt.testkit.Json;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPInputStream;

/**
 * The conformance data: always the repository's copies ({@code tests/src/test/resources/conformance},
 * see the README there), plus, where the shared folder is present, every case of its full sets that
 * the repository does not carry. A case present in both must be identical in both.
 */
public final class ConformanceData {
    private ConformanceData() {}

    /** The resource and shared names of the PyTorch golden cases. */
    public static final String PYTORCH_SUBSET = "/conformance/pytorch-golden-subset.jsonl.gz";
    public static final String PYTORCH_SHARED = "conformance/pytorch-golden.jsonl";
    /** The resource and shared names of the ONNX node tests. */
    public static final String ONNX_REPO = "/conformance/onnx-convtranspose-node-tests.json";
    public static final String ONNX_SHARED = "conformance/onnx-convtranspose-node-tests.json";

    /** The repository's PyTorch golden lines, by id, in file order. */
    public static Map<String, String> pytorchRepoLines() {
        try (InputStream raw = resource(PYTORCH_SUBSET);
             BufferedReader r = new BufferedReader(new InputStreamReader(new GZIPInputStream(raw), StandardCharsets.UTF_8))) {
            return byId(r.lines().toList(), "the repository's " + PYTORCH_SUBSET);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The shared PyTorch golden lines by id, or an empty map when the shared folder is absent. */
    public static Map<String, String> pytorchSharedLines() {
        Path f = SharedData.optional(PYTORCH_SHARED);
        if (f == null) {
            return Map.of();
        }
        try {
            return byId(Files.readAllLines(f), f.toString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Every PyTorch golden line to run: the repository's, plus the shared ones it lacks; equal where both have one. */
    public static List<String> pytorchLines() {
        Map<String, String> all = new LinkedHashMap<>(pytorchRepoLines());
        pytorchSharedLines().forEach((id, line) -> {
            String mine = all.putIfAbsent(id, line);
            if (mine != null && !mine.equals(line)) {
                throw new IllegalStateException("case " + id + " differs between the repository's subset and " + PYTORCH_SHARED);
            }
        });
        return List.copyOf(all.values());
    }

    /** The ONNX node tests to run: the repository's, plus shared ones it lacks; equal where both have one. */
    public static List<Map<String, Object>> onnxCases() {
        Map<String, Map<String, Object>> all = new LinkedHashMap<>();
        try (InputStream in = resource(ONNX_REPO)) {
            for (Map<String, Object> c : onnxCases(new String(in.readAllBytes(), StandardCharsets.UTF_8))) {
                all.put((String) c.get("name"), c);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Path shared = SharedData.optional(ONNX_SHARED);
        if (shared != null) {
            try {
                for (Map<String, Object> c : onnxCases(Files.readString(shared))) {
                    Map<String, Object> mine = all.putIfAbsent((String) c.get("name"), c);
                    if (mine != null && !mine.equals(c)) {
                        throw new IllegalStateException("node test " + c.get("name") + " differs between the repository and " + shared);
                    }
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return List.copyOf(all.values());
    }

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> onnxCases(String text) {
        return (List<Map<String, Object>>) ((Map<String, Object>) Json.parse(text)).get("cases");
    }

    private static Map<String, String> byId(List<String> lines, String where) {
        Map<String, String> m = new LinkedHashMap<>();
        for (String line : lines) {
            if (line.isBlank()) {
                continue;
            }
            @SuppressWarnings("unchecked")
            String id = String.valueOf(((Map<String, Object>) Json.parse(line)).get("id"));
            if (m.put(id, line) != null) {
                throw new IllegalStateException(where + " holds case " + id + " twice");
            }
        }
        return m;
    }

    private static InputStream resource(String name) {
        InputStream in = ConformanceData.class.getResourceAsStream(name);
        if (in == null) {
            throw new IllegalStateException("the test resource " + name + " is missing");
        }
        return in;
    }

    /** A list of tags of a parsed line. */
    public static List<String> tags(String line) {
        @SuppressWarnings("unchecked")
        List<Object> t = (List<Object>) ((Map<String, Object>) Json.parse(line)).get("tags");
        List<String> out = new ArrayList<>();
        t.forEach(o -> out.add(String.valueOf(o)));
        return out;
    }
}
