package dev.convt.internal;

import dev.convt.ConvTransposeSpec;
import dev.convt.Problem;

import java.util.List;
import java.util.Map;

/**
 * One case in the format of {@code shared/conformance/pytorch-golden.jsonl} (a PyTorch
 * {@code ConvTranspose1d/2d} module, its input, and optionally its outputs), mapped to a
 * {@link Problem} the way PyTorch builds it: module parameters, then {@code forward(x, output_size)}.
 * Not part of the public API: the bench runner's {@code cases} command and the conformance tests use it.
 *
 * @param y   PyTorch's float32 output, or null when the line has none
 * @param y64 the float64 output, or null when the line has none
 */
public record PyTorchCase(String id, Problem problem, float[] x, float[] weight, float[] bias,
                          int[] yShape, float[] y, double[] y64) {

    /** Reads the case's id alone (for error reports on lines that fail to map). */
    public static String id(Map<String, Object> json) {
        Object id = json.get("id");
        return id == null ? null : String.valueOf(id);
    }

    /**
     * Maps one parsed JSON line to a case.
     *
     * @throws IllegalArgumentException if the library rejects the parameters (its own message), or a
     *                                  field is missing or of the wrong type
     */
    public static PyTorchCase of(Map<String, Object> json) {
        int dims = intField(json, "dims");
        int[] inputShape = ints(json, "input_shape");
        ConvTransposeSpec.Builder b = ConvTransposeSpec.builder(dims, intField(json, "in_channels"),
                        intField(json, "out_channels"), ints(json, "kernel_size"))
                .stride(ints(json, "stride"))
                .padding(ints(json, "padding"))
                .outputPadding(ints(json, "output_padding"))
                .dilation(ints(json, "dilation"))
                .groups(intField(json, "groups"))
                .bias(Boolean.TRUE.equals(json.get("bias")));
        Object mode = json.get("padding_mode");
        if (mode != null) {
            b.paddingMode(String.valueOf(mode));
        }
        ConvTransposeSpec spec = b.build();
        Problem problem = spec.problem(inputShape);
        if (json.get("output_size") != null) {
            problem = problem.withOutputSize(ints(json, "output_size"));
            spec = problem.spec();
        }
        float[] x = floats(json, "x");
        float[] w = floats(json, "weight");
        float[] bias = json.get("bias_values") == null ? null : floats(json, "bias_values");
        if (x.length != problem.inputLength()) {
            throw new IllegalArgumentException("x has " + x.length + " values, but input_shape needs " + problem.inputLength());
        }
        if (w.length != problem.weightLength()) {
            throw new IllegalArgumentException("weight has " + w.length + " values, but the weight shape "
                    + java.util.Arrays.toString(spec.weightShape()) + " needs " + problem.weightLength());
        }
        if (spec.hasBias() && (bias == null || bias.length != spec.outChannels())) {
            throw new IllegalArgumentException("bias=true needs " + spec.outChannels() + " bias_values");
        }
        if (!spec.hasBias() && bias != null) {
            throw new IllegalArgumentException("bias=false but bias_values are given");
        }
        int[] yShape = json.get("y_shape") == null ? null : ints(json, "y_shape");
        float[] y = json.get("y") == null ? null : floats(json, "y");
        double[] y64 = json.get("y64") == null ? null : doubles(json, "y64");
        return new PyTorchCase(id(json), problem, x, w, bias, yShape, y, y64);
    }

    private static Object field(Map<String, Object> json, String name) {
        if (!json.containsKey(name)) {
            throw new IllegalArgumentException("missing field '" + name + "'");
        }
        return json.get(name);
    }

    private static int intField(Map<String, Object> json, String name) {
        Object v = field(json, name);
        if (!(v instanceof Number n) || n.doubleValue() != Math.rint(n.doubleValue())) {
            throw new IllegalArgumentException("field '" + name + "' must be an integer, but got " + v);
        }
        return Math.toIntExact(n.longValue());
    }

    /** An int or a list of ints, as PyTorch's int-or-tuple parameters. */
    private static int[] ints(Map<String, Object> json, String name) {
        Object v = field(json, name);
        if (v instanceof Number) {
            return new int[] {intField(json, name)};
        }
        if (!(v instanceof List<?> l)) {
            throw new IllegalArgumentException("field '" + name + "' must be an int or a list of ints, but got " + v);
        }
        int[] r = new int[l.size()];
        for (int i = 0; i < r.length; i++) {
            if (!(l.get(i) instanceof Number n)) {
                throw new IllegalArgumentException("field '" + name + "' must hold numbers, but got " + l.get(i));
            }
            r[i] = Math.toIntExact(n.longValue());
        }
        return r;
    }

    private static float[] floats(Map<String, Object> json, String name) {
        double[] d = doubles(json, name);
        float[] f = new float[d.length];
        for (int i = 0; i < d.length; i++) {
            f[i] = (float) d[i];
        }
        return f;
    }

    private static double[] doubles(Map<String, Object> json, String name) {
        Object v = field(json, name);
        if (!(v instanceof List<?> l)) {
            throw new IllegalArgumentException("field '" + name + "' must be a list of numbers, but got " + v);
        }
        double[] r = new double[l.size()];
        for (int i = 0; i < r.length; i++) {
            if (!(l.get(i) instanceof Number n)) {
                throw new IllegalArgumentException("field '" + name + "' must hold numbers, but got " + l.get(i));
            }
            r[i] = n.doubleValue();
        }
        return r;
    }
}
