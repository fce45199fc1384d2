package dev.convt.testkit;

import dev.convt.Activation;
import dev.convt.ConvTransposeSpec;
import dev.convt.Layout;
import dev.convt.Problem;

import java.util.Arrays;
import java.util.Map;
import java.util.Set;

/**
 * One case in the format of PyTorch golden files ({@code pytorch-golden.jsonl}: a PyTorch
 * {@code ConvTranspose1d/2d} module, its input, and optionally its outputs), mapped to a
 * {@link Problem} the way PyTorch builds it: module parameters, then {@code forward(x, output_size)}.
 * The bench runner's {@code cases} command and the conformance suites read cases through it.
 *
 * @param id     the case's name
 * @param problem the problem PyTorch's module computes on {@code x}
 * @param x      the input, stored in the problem's {@link Problem#layout()}
 * @param weight the weight, laid out as PyTorch's {@code (C_in, C_out/groups, *kernel)}
 * @param bias   the bias values, or null without bias
 * @param yShape PyTorch's output shape, or null when the line has none
 * @param y      PyTorch's float32 output (in the problem's layout), or null when the line has none
 * @param y64    the float64 output, or null when the line has none
 */
public record PyTorchCase(String id, Problem problem, float[] x, float[] weight, float[] bias,
                          int[] yShape, float[] y, double[] y64) {

    /** Every field of the format; any other field is a mistake (a misspelt parameter must not be ignored). */
    public static final Set<String> FIELDS = Set.of("id", "dims", "batched", "input_shape", "in_channels", "out_channels",
            "kernel_size", "stride", "padding", "output_padding", "dilation", "groups", "bias", "padding_mode",
            "output_size", "weight_shape", "x", "weight", "bias_values", "y_shape", "y", "y64", "tags", "activation", "layout");

    /**
     * The fields of {@code "activation"} per kind: {@code {"kind": "relu"}}, {@code {"kind":
     * "leaky_relu", "alpha": 0.25}} (alpha defaults to PyTorch's 0.01), {@code {"kind": "clamp", "min": 0,
     * "max": 6}} (either bound may be left out, not both: PyTorch's rule), {@code tanh}, {@code sigmoid},
     * {@code none}.
     */
    public static final Map<String, Set<String>> ACTIVATION_FIELDS = Map.of(
            "none", Set.of("kind"), "relu", Set.of("kind"), "tanh", Set.of("kind"), "sigmoid", Set.of("kind"),
            "leaky_relu", Set.of("kind", "alpha"), "clamp", Set.of("kind", "min", "max"));

    /**
     * Reads the case's id alone (for error reports on lines that fail to map).
     *
     * @param json one parsed line
     * @return the id as text, or null when absent
     */
    public static String id(Map<String, Object> json) {
        Object id = json.get("id");
        return id == null ? null : String.valueOf(id);
    }

    /**
     * A line whose fields are wrong as data: missing, unknown, of the wrong type (a string where a boolean
     * belongs, 6.9 where an int does), or lengths that disagree with the shapes. Distinct from the
     * library's own {@link IllegalArgumentException} for parameters PyTorch would reject.
     */
    public static final class FormatException extends IllegalArgumentException {
        private static final long serialVersionUID = 1L;

        FormatException(String message) {
            super(message);
        }
    }

    /** The fields of one line as Java values, before the library sees them. */
    private record Fields(int dims, int[] inputShape, int inChannels, int outChannels, int[] kernel, int[] stride,
                          int[] padding, int[] outputPadding, int[] dilation, int groups, boolean bias, String paddingMode,
                          int[] outputSize, float[] x, float[] weight, float[] biasValues, int[] yShape, float[] y, double[] y64,
                          ActivationFields activation, Layout layout) {}

    /** The {@code "activation"} object's values (null bounds: left out), before the library validates them. */
    private record ActivationFields(String kind, float alpha, Float min, Float max) {
        Activation build() {
            return switch (kind) {
                case "none" -> Activation.none();
                case "relu" -> Activation.relu();
                case "tanh" -> Activation.tanh();
                case "sigmoid" -> Activation.sigmoid();
                case "leaky_relu" -> Activation.leakyRelu(alpha);
                default -> Activation.clamp(min == null ? Float.NEGATIVE_INFINITY : min, max == null ? Float.POSITIVE_INFINITY : max);
            };
        }
    }

    private static ActivationFields activationFields(Object v) {
        if (!(v instanceof Map<?, ?> raw)) {
            throw new FormatException("field 'activation' must be an object such as {\"kind\": \"relu\"}, but got " + Json.describe(v));
        }
        @SuppressWarnings("unchecked")
        Map<String, Object> m = (Map<String, Object>) raw;
        if (!m.containsKey("kind")) {
            throw new FormatException("field 'activation' needs a 'kind' (" + String.join(", ", new java.util.TreeSet<>(ACTIVATION_FIELDS.keySet()))
                    + "), but got " + Json.describe(v));
        }
        String kind = Json.string("activation.kind", m.get("kind"));
        Set<String> known = ACTIVATION_FIELDS.get(kind);
        if (known == null) {
            throw new FormatException("activation kind must be one of " + String.join(", ", new java.util.TreeSet<>(ACTIVATION_FIELDS.keySet()))
                    + ", but got \"" + kind + "\"");
        }
        Json.requireKnownFields(m, known, "activation " + kind);
        if (kind.equals("clamp") && m.get("min") == null && m.get("max") == null) {
            throw new FormatException("activation clamp needs at least one of 'min' or 'max'");
        }
        return new ActivationFields(kind, m.containsKey("alpha") ? number("activation.alpha", m.get("alpha")) : 0.01f,
                m.get("min") == null ? null : number("activation.min", m.get("min")),
                m.get("max") == null ? null : number("activation.max", m.get("max")));
    }

    /** The {@code "layout"} field: a name {@link Layout#parse(String, int)} takes for the case's {@code dims}. */
    private static Layout layout(Map<String, Object> json) {
        String name = Json.string("layout", json.get("layout"));
        try {
            return Layout.parse(name, Json.integer("dims", field(json, "dims")));
        } catch (IllegalArgumentException e) {
            throw new FormatException("field 'layout': " + e.getMessage());
        }
    }

    private static float number(String field, Object v) {
        return Json.floats(field, java.util.List.of(v))[0];
    }

    private static Fields fields(Map<String, Object> json) {
        try {
            Json.requireKnownFields(json, FIELDS, "");
            Object mode = json.get("padding_mode");
            Object outputSize = json.get("output_size");
            return new Fields(Json.integer("dims", field(json, "dims")), ints(json, "input_shape"),
                    Json.integer("in_channels", field(json, "in_channels")), Json.integer("out_channels", field(json, "out_channels")),
                    ints(json, "kernel_size"), ints(json, "stride"), ints(json, "padding"), ints(json, "output_padding"),
                    ints(json, "dilation"), Json.integer("groups", field(json, "groups")), Json.bool("bias", field(json, "bias")),
                    mode == null ? null : Json.string("padding_mode", mode),
                    outputSize == null ? null : Json.ints("output_size", outputSize),
                    Json.floats("x", field(json, "x")), Json.floats("weight", field(json, "weight")),
                    json.get("bias_values") == null ? null : Json.floats("bias_values", json.get("bias_values")),
                    json.get("y_shape") == null ? null : ints(json, "y_shape"),
                    json.get("y") == null ? null : Json.floats("y", json.get("y")),
                    json.get("y64") == null ? null : Json.numbers("y64", json.get("y64")),
                    json.get("activation") == null ? null : activationFields(json.get("activation")),
                    json.get("layout") == null ? null : layout(json));
        } catch (FormatException e) {
            throw e;
        } catch (IllegalArgumentException e) {
            throw new FormatException(e.getMessage());
        }
    }

    /**
     * Checks one parsed line's fields as data (names, types, integers), without building the problem.
     *
     * @param json one parsed line
     * @throws FormatException naming the first wrong field
     */
    public static void checkFormat(Map<String, Object> json) {
        fields(json);
    }

    /**
     * Maps one parsed JSON line to a case. Integers must be written as integers ({@link Json#integer}),
     * booleans as booleans, and no field outside {@link #FIELDS} may appear.
     *
     * @param json one parsed line
     * @return the case
     * @throws FormatException          if a field is missing, unknown or of the wrong type, or the data's
     *                                  lengths disagree with the shapes
     * @throws IllegalArgumentException if the library rejects the parameters (its own message)
     */
    public static PyTorchCase of(Map<String, Object> json) {
        return of(json, Activation.none());
    }

    /**
     * As {@link #of(Map)}, with the activation the case applies when it has no {@code "activation"}
     * field of its own (the runner's {@code --activation}).
     *
     * @param json       one parsed line
     * @param activation the activation of a case without one
     * @return the case
     */
    public static PyTorchCase of(Map<String, Object> json, Activation activation) {
        return of(json, activation, Layout.CHANNELS_FIRST);
    }

    /**
     * As {@link #of(Map, Activation)}, with the layout the case's {@code x} (and its output) are
     * stored in when it has no {@code "layout"} field of its own (the runner's {@code --layout}). The
     * shapes ({@code input_shape}, {@code y_shape}) stay PyTorch's logical {@code (N, C, *spatial)}
     * in every layout; {@code "layout"} is one of {@code "ncl"}/{@code "nlc"} (dims 1),
     * {@code "nchw"}/{@code "nhwc"} (dims 2), {@code "ncdhw"}/{@code "ndhwc"} (dims 3), or
     * {@code "channels_first"}/{@code "channels_last"}.
     *
     * @param json       one parsed line
     * @param activation the activation of a case without one
     * @param layout     the layout of a case without one
     * @return the case, its problem in the case's layout
     */
    public static PyTorchCase of(Map<String, Object> json, Activation activation, Layout layout) {
        Fields f = fields(json);
        ConvTransposeSpec.Builder b = ConvTransposeSpec.builder(f.dims(), f.inChannels(), f.outChannels(), f.kernel())
                .stride(f.stride())
                .padding(f.padding())
                .outputPadding(f.outputPadding())
                .dilation(f.dilation())
                .groups(f.groups())
                .bias(f.bias())
                .activation(f.activation() == null ? activation : f.activation().build());
        if (f.paddingMode() != null) {
            b.paddingMode(f.paddingMode());
        }
        ConvTransposeSpec spec = b.build();
        Problem problem = spec.problem(f.inputShape());
        if (f.outputSize() != null) {
            problem = problem.withOutputSize(f.outputSize());
            spec = problem.spec();
        }
        problem = problem.withLayout(f.layout() == null ? layout : f.layout());
        if (f.x().length != problem.inputLength()) {
            throw new FormatException("x has " + f.x().length + " values, but input_shape needs " + problem.inputLength());
        }
        if (f.weight().length != problem.weightLength()) {
            throw new FormatException("weight has " + f.weight().length + " values, but the weight shape "
                    + Arrays.toString(spec.weightShape()) + " needs " + problem.weightLength());
        }
        if (spec.hasBias() && (f.biasValues() == null || f.biasValues().length != spec.outChannels())) {
            throw new FormatException("bias=true needs " + spec.outChannels() + " bias_values");
        }
        if (!spec.hasBias() && f.biasValues() != null) {
            throw new FormatException("bias=false but bias_values are given");
        }
        return new PyTorchCase(id(json), problem, f.x(), f.weight(), f.biasValues(), f.yShape(), f.y(), f.y64());
    }

    private static Object field(Map<String, Object> json, String name) {
        if (!json.containsKey(name)) {
            throw new FormatException("missing field '" + name + "'");
        }
        return json.get(name);
    }

    private static int[] ints(Map<String, Object> json, String name) {
        return Json.ints(name, field(json, name));
    }
}
