package dev.convt.onnx;

import dev.convt.ConvTransposeSpec;
import dev.convt.Problem;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Maps an ONNX {@code ConvTranspose} node (opsets 1, 11, 22) to a {@link Problem}, following the
 * operator specification (onnx/docs/Operators.md).
 *
 * <p>Tensors: {@code X (N, C, D1, ..., Dn)} with n = 1, 2 or 3, {@code W (C, M/group, k1, ..., kn)},
 * optional {@code B (M)}; output {@code Y (N, M, *out)}. All row-major, as {@link Problem} lays them out.
 *
 * <h2>Pads</h2>
 * <ul>
 *   <li>{@code auto_pad = NOTSET} (default) without {@code output_shape}: {@code pads} as given
 *       (begin values, then end values; default 0).</li>
 *   <li>{@code VALID} without {@code output_shape}: pads 0 ({@code pads} ignored).</li>
 *   <li>{@code SAME_UPPER}/{@code SAME_LOWER} without {@code output_shape}: the target output is
 *       {@code in·stride}.</li>
 *   <li>With {@code output_shape} (spatial sizes, or the full shape N, M, *spatial) or a SAME target,
 *       {@code pads} are ignored and
 *       {@code total = stride·(in−1) + output_padding + ((k−1)·dilation + 1) − output_shape};
 *       {@code SAME_UPPER} puts {@code total/2} at the beginning and the rest (the odd extra) at the
 *       end; every other mode puts the odd extra at the beginning, as the operator spec writes it.
 *       The node test {@code test_convtranspose_autopad_same} (odd total, SAME_UPPER, crops the last
 *       row and column) agrees. ONNX Runtime's CPU kernel ({@code conv_transpose_attributes.h},
 *       {@code ComputeTransposePadAndOutputShape}) splits an odd total the other way round in both
 *       branches, so where the total is odd its output is shifted by one position from this mapping's;
 *       the ONNX reference implementation ({@code op_conv_transpose.py}) ignores the split under NOTSET
 *       and crops only at the end.</li>
 *   <li>A negative total (the requested output is larger than the full result): pads are 0 and the
 *       deficit is added to {@code output_padding}, so the extra positions are at the end and hold
 *       only the bias. This is what ONNX Runtime (which clamps the total at 0 and allocates the requested
 *       size) and, under NOTSET, the ONNX reference implementation compute, and what the node test
 *       {@code test_convtranspose_output_shape} expects (it equals {@code test_convtranspose_pad}).
 *       The resulting {@code output_padding} must still be smaller than the stride or the dilation
 *       (PyTorch's rule, enforced by {@link ConvTransposeSpec}); a larger deficit is rejected with an
 *       {@link IllegalArgumentException} naming {@code output_shape}.</li>
 * </ul>
 *
 * <p>{@code kernel_shape}, when present, must equal W's spatial dimensions. {@code output_padding}
 * must be smaller than the stride or the dilation in each dimension, as in PyTorch (ONNX Runtime does
 * not check it).
 */
public final class OnnxConvTranspose {
    private OnnxConvTranspose() {}

    /** ONNX's {@code auto_pad}: how the pads are found (see the class comment, "Pads"). */
    public enum AutoPad {
        /** The default: {@code pads} as given, or derived from {@code output_shape} when it is set. */
        NOTSET,
        /** Output {@code in·stride} (or {@code output_shape}); an odd total padding puts the extra at the end. */
        SAME_UPPER,
        /** Output {@code in·stride} (or {@code output_shape}); an odd total padding puts the extra at the beginning. */
        SAME_LOWER,
        /** No padding; {@code pads} is ignored. */
        VALID;

        /**
         * Parses an attribute value, case-sensitively as ONNX writes it.
         *
         * @param value the attribute's string, e.g. {@code "SAME_UPPER"}
         * @return the constant of that name
         * @throws IllegalArgumentException for any other value, naming the valid ones
         */
        public static AutoPad parse(String value) {
            for (AutoPad a : values()) {
                if (a.name().equals(value)) {
                    return a;
                }
            }
            throw new IllegalArgumentException("auto_pad must be one of NOTSET, SAME_UPPER, SAME_LOWER, VALID, but got auto_pad="
                    + (value == null ? "null" : "\"" + value + "\""));
        }
    }

    /**
     * Starts an empty attribute set (every attribute at its ONNX default).
     *
     * @return a new mutable attribute set
     */
    public static Attributes attributes() {
        return new Attributes();
    }

    /**
     * The attributes of one node, as ONNX names them; unset ones take ONNX's defaults (strides 1,
     * pads 0, dilations 1, group 1, output_padding 0, auto_pad NOTSET, kernel_shape from W, no
     * output_shape). A mutable builder; {@link #problem} does not keep it.
     */
    public static final class Attributes {
        private int[] kernelShape;
        private int[] strides;
        private int[] pads;
        private int[] dilations;
        private int group = 1;
        private int[] outputPadding;
        private int[] outputShape;
        private AutoPad autoPad = AutoPad.NOTSET;

        private Attributes() {}

        /**
         * {@code kernel_shape}: checked against W's spatial dimensions by {@link #problem}.
         *
         * @param v the n kernel sizes (copied), or null for "from W"
         * @return this attribute set
         */
        public Attributes kernelShape(int... v) { kernelShape = copy(v); return this; }
        /**
         * {@code strides} (default 1 in every dimension).
         *
         * @param v the n strides (copied), or null for the default
         * @return this attribute set
         */
        public Attributes strides(int... v) { strides = copy(v); return this; }
        /**
         * {@code pads}: the n begin values, then the n end values (default 0); ignored under
         * {@code output_shape}, VALID or SAME.
         *
         * @param v 2n pads (copied), or null for the default
         * @return this attribute set
         */
        public Attributes pads(int... v) { pads = copy(v); return this; }
        /**
         * {@code dilations} (default 1 in every dimension).
         *
         * @param v the n dilations (copied), or null for the default
         * @return this attribute set
         */
        public Attributes dilations(int... v) { dilations = copy(v); return this; }
        /**
         * {@code group} (default 1).
         *
         * @param v the groups, dividing C and M
         * @return this attribute set
         */
        public Attributes group(int v) { group = v; return this; }
        /**
         * {@code output_padding} (default 0), smaller than the stride or the dilation in each dimension.
         *
         * @param v the n output paddings (copied), or null for the default
         * @return this attribute set
         */
        public Attributes outputPadding(int... v) { outputPadding = copy(v); return this; }
        /**
         * {@code output_shape}: the n spatial sizes, or the full shape (N, M, *spatial).
         *
         * @param v the requested output shape (copied), or null for none
         * @return this attribute set
         */
        public Attributes outputShape(int... v) { outputShape = copy(v); return this; }
        /**
         * {@code auto_pad} (default {@link AutoPad#NOTSET}).
         *
         * @param v the mode
         * @return this attribute set
         * @throws NullPointerException if {@code v} is null
         */
        public Attributes autoPad(AutoPad v) { autoPad = Objects.requireNonNull(v, "auto_pad"); return this; }
        /**
         * {@code auto_pad} as ONNX writes it.
         *
         * @param v {@code "NOTSET"}, {@code "SAME_UPPER"}, {@code "SAME_LOWER"} or {@code "VALID"}
         * @return this attribute set
         * @throws IllegalArgumentException for a value other than NOTSET, SAME_UPPER, SAME_LOWER, VALID
         */
        public Attributes autoPad(String v) { autoPad = AutoPad.parse(v); return this; }

        private static int[] copy(int[] v) { return v == null ? null : v.clone(); }

        @Override
        public String toString() {
            return "ConvTranspose{kernel_shape=" + Arrays.toString(kernelShape) + ", strides=" + Arrays.toString(strides)
                    + ", pads=" + Arrays.toString(pads) + ", dilations=" + Arrays.toString(dilations) + ", group=" + group
                    + ", output_padding=" + Arrays.toString(outputPadding) + ", output_shape=" + Arrays.toString(outputShape)
                    + ", auto_pad=" + autoPad + "}";
        }
    }

    /**
     * Reads attributes from a map of ONNX attribute names to values, as JSON gives them: integer
     * lists as {@code List<Number>} (or {@code int[]}), {@code group} as a {@code Number},
     * {@code auto_pad} as a {@code String}.
     *
     * @param attrs the node's attributes by ONNX name
     * @return a new attribute set; values are checked against the shapes by {@link #problem}
     * @throws IllegalArgumentException for an unknown or null attribute name or a value of the wrong type
     */
    public static Attributes attributes(Map<String, ?> attrs) {
        Objects.requireNonNull(attrs, "attributes");
        Attributes a = new Attributes();
        for (Map.Entry<String, ?> e : attrs.entrySet()) {
            String name = e.getKey();
            Object v = e.getValue();
            if (name == null) {
                throw new IllegalArgumentException("attribute names must not be null, but got a null name (with value " + v
                        + "): expected auto_pad, dilations, group, kernel_shape, output_padding, output_shape, pads, strides");
            }
            switch (name) {
                case "kernel_shape" -> a.kernelShape(ints(name, v));
                case "strides" -> a.strides(ints(name, v));
                case "pads" -> a.pads(ints(name, v));
                case "dilations" -> a.dilations(ints(name, v));
                case "output_padding" -> a.outputPadding(ints(name, v));
                case "output_shape" -> a.outputShape(ints(name, v));
                case "group" -> a.group(integer(name, v));
                case "auto_pad" -> {
                    if (!(v instanceof String s)) {
                        throw new IllegalArgumentException("attribute auto_pad must be a string, but got " + v);
                    }
                    a.autoPad(s);
                }
                default -> throw new IllegalArgumentException("unknown ConvTranspose attribute '" + name
                        + "': expected auto_pad, dilations, group, kernel_shape, output_padding, output_shape, pads, strides");
            }
        }
        return a;
    }

    /**
     * {@link #problem(Attributes, int[], int[], boolean)} with attributes read by {@link #attributes(Map)}.
     *
     * @param attrs   the node's attributes by ONNX name
     * @param xShape  X's shape (N, C, *spatial)
     * @param wShape  W's shape (C, M/group, *kernel)
     * @param hasBias whether the node has the input B
     * @return the problem the node computes
     * @throws IllegalArgumentException as {@link #attributes(Map)} and {@link #problem(Attributes, int[], int[], boolean)}
     */
    public static Problem problem(Map<String, ?> attrs, int[] xShape, int[] wShape, boolean hasBias) {
        return problem(attributes(attrs), xShape, wShape, hasBias);
    }

    /**
     * The problem an ONNX ConvTranspose node computes.
     *
     * @param a       the node's attributes (read, not kept)
     * @param xShape  X's shape (N, C, *spatial), 1 to 3 spatial dimensions
     * @param wShape  W's shape (C, M/group, *kernel)
     * @param hasBias whether the node has the input B (of length M = W[1]·group)
     * @return the problem, batched, whose spec carries the resolved pads and output_padding
     * @throws IllegalArgumentException if the shapes disagree with each other or with the attributes,
     *                                  an attribute has the wrong length or value, or the output would be
     *                                  empty (each message names the attribute or tensor)
     */
    public static Problem problem(Attributes a, int[] xShape, int[] wShape, boolean hasBias) {
        Objects.requireNonNull(a, "attributes");
        Objects.requireNonNull(xShape, "X shape");
        Objects.requireNonNull(wShape, "W shape");
        int n = xShape.length - 2;
        if (n < 1 || n > 3) {
            throw new IllegalArgumentException("X must have shape (N, C, D1, ..., Dn) with 1 to 3 spatial dimensions, but got X shape "
                    + Arrays.toString(xShape));
        }
        if (wShape.length != xShape.length) {
            throw new IllegalArgumentException("W must have as many dimensions as X (" + xShape.length
                    + "), (C, M/group, *kernel), but got W shape " + Arrays.toString(wShape) + " for X shape " + Arrays.toString(xShape));
        }
        if (wShape[0] != xShape[1]) {
            throw new IllegalArgumentException("W's first dimension must equal X's channels C=" + xShape[1]
                    + ", but got W shape " + Arrays.toString(wShape));
        }
        if (a.group < 1) {
            throw new IllegalArgumentException("group must be a positive integer, but got group=" + a.group);
        }
        int[] kernel = Arrays.copyOfRange(wShape, 2, wShape.length);
        if (a.kernelShape != null && !Arrays.equals(a.kernelShape, kernel)) {
            throw new IllegalArgumentException("kernel_shape must equal W's spatial dimensions " + Arrays.toString(kernel)
                    + ", but got kernel_shape=" + Arrays.toString(a.kernelShape));
        }
        long m = (long) wShape[1] * a.group;
        if (wShape[1] < 1 || m > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("W's second dimension M/group must be positive and M=W[1]*group must fit an int, but got W shape "
                    + Arrays.toString(wShape) + " and group=" + a.group);
        }
        int[] in = Arrays.copyOfRange(xShape, 2, xShape.length);
        int[] strides = orDefault("strides", a.strides, n, 1);
        int[] dilations = orDefault("dilations", a.dilations, n, 1);
        int[] outputPadding = orDefault("output_padding", a.outputPadding, n, 0);
        // ONNX's names in the messages: the spec would report these under PyTorch's
        requirePositive("strides", strides);
        requirePositive("dilations", dilations);
        requireNonNegative("output_padding", outputPadding);
        int[] padBegin = new int[n];
        int[] padEnd = new int[n];
        int[] target = target(a, xShape, m, strides, n);
        if (target == null) {
            if (a.autoPad == AutoPad.NOTSET) {
                int[] pads = orDefault("pads", a.pads, 2 * n, 0);
                requireNonNegative("pads", pads);
                System.arraycopy(pads, 0, padBegin, 0, n);
                System.arraycopy(pads, n, padEnd, 0, n);
            }
        } else {
            // the spec checks these too, but the pad arithmetic below needs them first
            requirePositive("X spatial dimensions", in);
            requirePositive("kernel_shape", kernel);
            for (int i = 0; i < n; i++) {
                long total = (long) strides[i] * (in[i] - 1) + outputPadding[i]
                        + ((long) (kernel[i] - 1) * dilations[i] + 1) - target[i];
                if (total < 0) {
                    long op = outputPadding[i] - total;
                    if (op >= strides[i] && op >= dilations[i]) {
                        throw new IllegalArgumentException("output_shape=" + Arrays.toString(a.outputShape)
                                + " asks for " + (-total) + " more positions than the input can produce in dimension " + i
                                + "; they would need output_padding=" + op + ", but output padding must be smaller than either stride ("
                                + strides[i] + ") or dilation (" + dilations[i] + ")");
                    }
                    outputPadding[i] = (int) op;
                } else {
                    long small = total / 2;
                    long begin = a.autoPad == AutoPad.SAME_UPPER ? small : total - small;
                    if (total - small > Integer.MAX_VALUE) {
                        throw new IllegalArgumentException("the pads that give " + (a.outputShape != null
                                ? "output_shape=" + Arrays.toString(a.outputShape) : "auto_pad=" + a.autoPad + "'s output " + target[i])
                                + " in dimension " + i + " total strides*(X-1) + output_padding + (kernel_shape-1)*dilations + 1 - output = "
                                + strides[i] + "*" + (in[i] - 1) + " + " + outputPadding[i] + " + " + (kernel[i] - 1) + "*" + dilations[i]
                                + " + 1 - " + target[i] + " = " + total + "; each of the two pads must be at most " + Integer.MAX_VALUE);
                    }
                    padBegin[i] = (int) begin;
                    padEnd[i] = (int) (total - begin);
                }
            }
        }
        ConvTransposeSpec spec = ConvTransposeSpec.builder(n, xShape[1], (int) m, kernel)
                .stride(strides)
                .dilation(dilations)
                .pads(padBegin, padEnd)
                .outputPadding(outputPadding)
                .groups(a.group)
                .bias(hasBias)
                .build();
        Problem p = spec.problem(xShape);
        if (target != null && !Arrays.equals(p.outputSpatial(), target)) {
            throw new AssertionError("pads " + Arrays.toString(padBegin) + "+" + Arrays.toString(padEnd)
                    + " give " + Arrays.toString(p.outputSpatial()) + ", not " + Arrays.toString(target));
        }
        return p;
    }

    /** The output size the pads must produce, or null when the pads are given (or VALID). */
    private static int[] target(Attributes a, int[] xShape, long m, int[] strides, int n) {
        int[] in = Arrays.copyOfRange(xShape, 2, xShape.length);
        if (a.outputShape != null) {
            int[] s = a.outputShape;
            if (s.length == n + 2) {
                if (s[0] != xShape[0] || s[1] != m) {
                    throw new IllegalArgumentException("a full output_shape (N, M, *spatial) must start with X's N=" + xShape[0]
                            + " and M=W[1]*group=" + m + ", but got output_shape=" + Arrays.toString(s));
                }
                s = Arrays.copyOfRange(s, 2, s.length);
            } else if (s.length != n) {
                throw new IllegalArgumentException("output_shape must have " + n + " (spatial) or " + (n + 2)
                        + " (N, M, *spatial) values, but got output_shape=" + Arrays.toString(a.outputShape));
            }
            requirePositive("output_shape", s);
            return s.clone();
        }
        if (a.autoPad == AutoPad.SAME_UPPER || a.autoPad == AutoPad.SAME_LOWER) {
            int[] t = new int[n];
            for (int i = 0; i < n; i++) {
                long size = (long) in[i] * strides[i];
                if (size > Integer.MAX_VALUE) {
                    throw new IllegalArgumentException("auto_pad=" + a.autoPad + " asks for an output of X's size times strides = "
                            + in[i] + "*" + strides[i] + " = " + size + " in dimension " + i + ", more than " + Integer.MAX_VALUE
                            + " (strides=" + Arrays.toString(strides) + ")");
                }
                t[i] = (int) size;
            }
            return t;
        }
        return null;
    }

    private static void requirePositive(String name, int[] v) {
        for (int x : v) {
            if (x < 1) {
                throw new IllegalArgumentException(name + " must be positive, but got " + name + "=" + Arrays.toString(v));
            }
        }
    }

    private static void requireNonNegative(String name, int[] v) {
        for (int x : v) {
            if (x < 0) {
                throw new IllegalArgumentException(name + " must be non-negative, but got " + name + "=" + Arrays.toString(v));
            }
        }
    }

    private static int[] orDefault(String name, int[] v, int length, int fill) {
        if (v == null) {
            int[] d = new int[length];
            Arrays.fill(d, fill);
            return d;
        }
        if (v.length != length) {
            throw new IllegalArgumentException(name + " must have " + length + " values for " + (name.equals("pads") ? length / 2 : length)
                    + " spatial dimension(s), but got " + name + "=" + Arrays.toString(v));
        }
        return v.clone();
    }

    private static int integer(String name, Object v) {
        if (!(v instanceof Number num) || num.doubleValue() != Math.rint(num.doubleValue())
                || num.doubleValue() > Integer.MAX_VALUE || num.doubleValue() < Integer.MIN_VALUE) {
            throw new IllegalArgumentException("attribute " + name + " must be an integer, but got " + v);
        }
        return num.intValue();
    }

    private static int[] ints(String name, Object v) {
        if (v instanceof int[] arr) {
            return arr.clone();
        }
        if (!(v instanceof List<?> list)) {
            throw new IllegalArgumentException("attribute " + name + " must be a list of integers, but got " + v);
        }
        int[] r = new int[list.size()];
        for (int i = 0; i < r.length; i++) {
            r[i] = integer(name, list.get(i));
        }
        return r;
    }
}
