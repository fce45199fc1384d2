package dev.convt.bench;

import dev.convt.ConvTransposeSpec;
import dev.convt.Problem;
import dev.convt.testkit.Json;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Layers in the format of {@code shared/workloads/layers.json}: an object whose {@code layers} array
 * holds {@code {name, dims, N, Cin, Cout, in, k, s, p, op, d, g, bias, src}} (tuples as lists with one
 * entry per spatial dimension, or one int for all). Fields other than name, Cin, Cout, in and k
 * default as in PyTorch (N 1, stride 1, padding 0, output_padding 0, dilation 1, groups 1, bias true).
 * Any other field is an error (a misspelt {@code "stride"} for {@code "s"} must not run with stride 1),
 * and so are non-integral numbers where integers belong and strings where booleans do.
 * The benchmark workload ships inside the jar as a copy of that file.
 */
public final class Workload {
    /** The embedded copy of {@code shared/workloads/layers.json}. */
    static final String RESOURCE = "/dev/convt/bench/layers.json";

    /** The fields of a layer. */
    static final Set<String> LAYER_FIELDS = Set.of("name", "dims", "N", "Cin", "Cout", "in", "k", "s", "p", "op", "d", "g", "bias", "src");
    /** The fields of the file's top-level object. */
    static final Set<String> ROOT_FIELDS = Set.of("about", "layers");

    /** One named layer. */
    public record Layer(String name, Problem problem, String source) {}

    private Workload() {}

    /** The embedded workload (17 layers from published networks). */
    public static List<Layer> embedded() {
        try (InputStream in = Workload.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("the embedded workload " + RESOURCE + " is missing from the jar");
            }
            return parse(new String(in.readAllBytes(), StandardCharsets.UTF_8), "the embedded workload");
        } catch (IOException e) {
            throw new IllegalStateException("cannot read the embedded workload: " + e.getMessage(), e);
        }
    }

    /**
     * The embedded layer of that name.
     *
     * @throws IllegalArgumentException naming the known layers
     */
    public static Layer embedded(String name) {
        try {
            return select(embedded(), List.of(name)).getFirst();
        } catch (UsageException e) {
            throw new IllegalArgumentException(e.getMessage());
        }
    }

    /** Reads a layers file; a missing or malformed file is a {@link UsageException}. */
    static List<Layer> read(Path file) {
        return parse(JsonFiles.readText(file), file.toString());
    }

    static String describe(IOException e) {
        return e instanceof java.nio.file.NoSuchFileException ? "no such file"
                : e instanceof java.nio.file.AccessDeniedException ? "permission denied"
                : e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    }

    /** Parses layers text; {@code where} names the source in messages. */
    static List<Layer> parse(String text, String where) {
        Object root;
        try {
            root = Json.parse(text);
        } catch (IllegalArgumentException e) {
            throw new UsageException(where + ": " + e.getMessage());
        }
        if (root instanceof Map<?, ?> m) {
            @SuppressWarnings("unchecked")
            Map<String, Object> top = (Map<String, Object>) m;
            try {
                Json.requireKnownFields(top, ROOT_FIELDS, "top level");
            } catch (IllegalArgumentException e) {
                throw new UsageException(where + ": " + e.getMessage());
            }
        }
        Object list = root instanceof Map<?, ?> m ? m.get("layers") : root;
        if (!(list instanceof List<?> items)) {
            throw new UsageException(where + ": expected an object with a \"layers\" array (the format of shared/workloads/layers.json)");
        }
        List<Layer> layers = new ArrayList<>();
        Map<String, Boolean> seen = new LinkedHashMap<>();
        for (int i = 0; i < items.size(); i++) {
            if (!(items.get(i) instanceof Map<?, ?> raw)) {
                throw new UsageException(where + ": layer #" + (i + 1) + " is not an object");
            }
            @SuppressWarnings("unchecked")
            Map<String, Object> o = (Map<String, Object>) raw;
            Object n = o.get("name");
            String name = n == null ? "#" + (i + 1) : n.toString();
            try {
                Layer layer = layer(name, o);
                if (seen.put(name, true) != null) {
                    throw new IllegalArgumentException("the name is used twice");
                }
                layers.add(layer);
            } catch (IllegalArgumentException e) {
                throw new UsageException(where + ": layer " + name + ": " + e.getMessage());
            }
        }
        if (layers.isEmpty()) {
            throw new UsageException(where + ": no layers");
        }
        return layers;
    }

    private static Layer layer(String name, Map<String, Object> o) {
        if (!(o.get("name") instanceof String)) {
            throw new IllegalArgumentException("missing field 'name' (a string)");
        }
        Json.requireKnownFields(o, LAYER_FIELDS, "");
        int[] in = tuple(o, "in", null);
        int dims = o.containsKey("dims") ? integer(o, "dims", 0) : in.length;
        ConvTransposeSpec spec = ConvTransposeSpec.builder(dims, integer(o, "Cin", null), integer(o, "Cout", null), tuple(o, "k", null))
                .stride(tuple(o, "s", 1))
                .padding(tuple(o, "p", 0))
                .outputPadding(tuple(o, "op", 0))
                .dilation(tuple(o, "d", 1))
                .groups(integer(o, "g", 1))
                .bias(bool(o, "bias", true))
                .build();
        Problem problem = spec.problem(integer(o, "N", 1), in);
        Object src = o.get("src");
        return new Layer(name, problem, src == null ? "" : src.toString());
    }

    private static int integer(Map<String, Object> o, String field, Integer fallback) {
        Object v = o.get(field);
        if (v == null) {
            if (fallback == null) {
                throw new IllegalArgumentException("missing field '" + field + "'");
            }
            return fallback;
        }
        return Json.integer(field, v);
    }

    private static int[] tuple(Map<String, Object> o, String field, Integer fallback) {
        Object v = o.get(field);
        if (v == null) {
            if (fallback == null) {
                throw new IllegalArgumentException("missing field '" + field + "'");
            }
            return new int[] {fallback};
        }
        return Json.ints(field, v);
    }

    private static boolean bool(Map<String, Object> o, String field, boolean fallback) {
        Object v = o.get(field);
        return v == null ? fallback : Json.bool(field, v);
    }

    /** The layers a command's {@code --file} (or the embedded workload) and {@code --layers} options name. */
    static List<Layer> chosen(Args a) {
        List<Layer> all = a.option("file") == null ? embedded() : read(java.nio.file.Path.of(a.option("file")));
        return select(all, a.listOption("layers"));
    }

    /**
     * The layers named in {@code names} (in that order), or all when null.
     *
     * @throws UsageException naming an unknown layer and the known ones
     */
    static List<Layer> select(List<Layer> all, List<String> names) {
        if (names == null) {
            return all;
        }
        List<Layer> out = new ArrayList<>();
        for (String n : names) {
            Layer hit = all.stream().filter(l -> l.name().equals(n)).findFirst().orElse(null);
            if (hit == null) {
                throw new UsageException("unknown layer '" + n + "'; the layers are: "
                        + String.join(", ", all.stream().map(Layer::name).toList()));
            }
            out.add(hit);
        }
        return out;
    }
}
