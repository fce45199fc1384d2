package dev.convt.testkit;

import dev.convt.ConvTransposeSpec;
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
 * @param x      the input
 * @param weight the weight, laid out as PyTorch's {@code (C_in, C_out/groups, *kernel)}
 * @param bias   the bias values, or null without bias
 * @param yShape PyTorch's output shape, or null when the line has none
 * @param y      PyTorch's float32 output, or null when the line has none
 * @param y64    the float64 output, or null when the line has none
 */
public record PyTorchCase(String id, Problem problem, float[] x, float[] weight, float[] bias,
                          int[] yShape, float[] y, double[] y64) {

    /** Every field of the format; any other field is a mistake (a misspelt parameter must not be ignored). */
    public static final Set<String> FIELDS = Set.of("id", "dims", "batched", "input_shape", "in_channels", "out_channels",
            "kernel_size", "stride", "padding", "output_padding", "dilation", "groups", "bias", "padding_mode",
            "output_size", "weight_shape", "x", "weight", "bias_values", "y_shape", "y", "y64", "tags");

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
                          int[] outputSize, float[] x, float[] weight, float[] biasValues, int[] yShape, float[] y, double[] y64) {}

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
                    json.get("y64") == null ? null : Json.numbers("y64", json.get("y64")));
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
        Fields f = fields(json);
        ConvTransposeSpec.Builder b = ConvTransposeSpec.builder(f.dims(), f.inChannels(), f.outChannels(), f.kernel())
                .stride(f.stride())
                .padding(f.padding())
                .outputPadding(f.outputPadding())
                .dilation(f.dilation())
                .groups(f.groups())
                .bias(f.bias());
        if (f.paddingMode() != null) {
            b.paddingMode(f.paddingMode());
        }
        ConvTransposeSpec spec = b.build();
        Problem problem = spec.problem(f.inputShape());
        if (f.outputSize() != null) {
            problem = problem.withOutputSize(f.outputSize());
            spec = problem.spec();
        }
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
