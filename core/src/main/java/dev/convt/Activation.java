package dev.convt;

import java.util.Locale;
import java.util.Objects;

/**
 * The activation a transposed convolution applies to its output, fused into the kernel's output
 * stage (oneDNN's eltwise post-op, XNNPACK's output min/max): {@code y = act(conv(x) + bias)}.
 * Immutable and validated on construction; carried by {@link ConvTransposeSpec} (see
 * {@link ConvTransposeSpec.Builder#activation}), so every kernel, plan and layer of the spec applies it.
 *
 * <h2>Definitions (PyTorch's CPU eager ops, float32)</h2>
 * <ul>
 * <li>{@link #none()}: {@code v}.</li>
 * <li>{@link #relu()} ({@code torch.relu}, which ATen computes as {@code clamp_min(v, 0)}):
 *     {@code v < 0 ? +0 : v}. So {@code relu(NaN) = NaN} (propagated, as PyTorch does) and
 *     {@code relu(−0) = −0}: only values below zero are replaced, as on PyTorch's CPU (its CUDA
 *     kernel returns +0 for −0; the two zeros compare equal).</li>
 * <li>{@link #leakyRelu(float)} ({@code F.leaky_relu(v, negative_slope)}): {@code v > 0 ? v : v·alpha},
 *     the product rounded to float32. NaN propagates; {@code −0} gives {@code −0·alpha}.</li>
 * <li>{@link #clamp(float, float)} ({@code torch.clamp(v, min, max)}):
 *     {@code v < min ? min : (v > max ? max : v)}. NaN propagates; a zero inside the range keeps its
 *     sign. Infinite bounds are allowed ({@code clamp(-∞, 6)} is a ReLU6-style cap).</li>
 * <li>{@link #tanh()} ({@code torch.tanh}): the hyperbolic tangent; odd, so {@code tanh(−0) = −0}.</li>
 * <li>{@link #sigmoid()} ({@code torch.sigmoid}): {@code 1 / (1 + e^−v)}.</li>
 * </ul>
 * NaN in gives NaN out for every kind. ReLU, LeakyReLU and clamp are exact functions of their
 * float32 input (a comparison and at most one rounded product), so every kernel applies them to the
 * same bits. {@link #apply(float)} is the definition the reference kernel uses: for tanh and sigmoid
 * it evaluates in float64 ({@code Math.tanh}, {@code 1/(1 + Math.exp(−v))}) and rounds once to
 * float32, which is within about half an ulp of the exact value; the vector kernels evaluate them
 * with IEEE operations alone (the same bits at every vector width, thread count and JIT state),
 * within 2 ulp (tanh) and 3 ulp (sigmoid) of the exact value of their own float32 convolution
 * result (see {@link Plan}, "Numerics").
 *
 * <p>The cost models count the convolution only: an activation adds no multiplications or additions
 * to {@link dev.convt.cost.CostModels}' counts.
 */
public final class Activation {
    /** The activation functions. */
    public enum Kind {
        /** No activation: the identity. */
        NONE("none"),
        /** {@code torch.relu}. */
        RELU("relu"),
        /** {@code torch.nn.functional.leaky_relu}, with {@link Activation#alpha()} as its negative slope. */
        LEAKY_RELU("leaky_relu"),
        /** {@code torch.clamp}, between {@link Activation#min()} and {@link Activation#max()}. */
        CLAMP("clamp"),
        /** {@code torch.tanh}. */
        TANH("tanh"),
        /** {@code torch.sigmoid}. */
        SIGMOID("sigmoid");

        private final String pytorchName;

        Kind(String pytorchName) {
            this.pytorchName = pytorchName;
        }

        /** {@return PyTorch's lower-case name of the function ({@code "relu"}, {@code "leaky_relu"}, ...)} */
        public String pytorchName() {
            return pytorchName;
        }

        /**
         * The kind with this PyTorch name (case-insensitive).
         *
         * @param name a name as {@link #pytorchName()} spells it, in any case
         * @return the kind
         * @throws NullPointerException if {@code name} is null
         * @throws IllegalArgumentException naming the accepted names if there is none
         */
        public static Kind of(String name) {
            Objects.requireNonNull(name, "activation kind");
            for (Kind k : values()) {
                if (k.pytorchName.equals(name.toLowerCase(Locale.ROOT))) {
                    return k;
                }
            }
            throw new IllegalArgumentException("activation kind must be one of none, relu, leaky_relu, clamp, tanh, sigmoid, but got '"
                    + name + "'");
        }
    }

    private static final Activation NONE = new Activation(Kind.NONE, 0, 0, 0);
    private static final Activation RELU = new Activation(Kind.RELU, 0, 0, 0);
    private static final Activation TANH = new Activation(Kind.TANH, 0, 0, 0);
    private static final Activation SIGMOID = new Activation(Kind.SIGMOID, 0, 0, 0);

    private final Kind kind;
    private final float alpha;
    private final float min;
    private final float max;

    private Activation(Kind kind, float alpha, float min, float max) {
        this.kind = kind;
        this.alpha = alpha;
        this.min = min;
        this.max = max;
    }

    /** {@return no activation, the identity (the default of every spec)} */
    public static Activation none() { return NONE; }

    /** {@return ReLU, {@code v < 0 ? +0 : v}: NaN and −0 pass through unchanged} */
    public static Activation relu() { return RELU; }

    /** {@return tanh, the hyperbolic tangent: odd ({@code tanh(−0) = −0}), ±1 at ±∞, NaN for NaN} */
    public static Activation tanh() { return TANH; }

    /** {@return sigmoid, {@code 1 / (1 + e^−v)}: 0 at −∞, 1 at +∞, {@code 0.5} at ±0, NaN for NaN} */
    public static Activation sigmoid() { return SIGMOID; }

    /**
     * LeakyReLU with PyTorch's {@code negative_slope}: {@code v > 0 ? v : v·alpha}.
     *
     * @param alpha the slope below zero, finite (PyTorch's default is 0.01)
     * @return the activation ({@code −0} gives {@code −0·alpha}; NaN passes through)
     * @throws IllegalArgumentException if {@code alpha} is NaN or infinite
     */
    public static Activation leakyRelu(float alpha) {
        if (!Float.isFinite(alpha)) {
            throw new IllegalArgumentException("leaky_relu: negative_slope must be a finite number, but got negative_slope=" + alpha);
        }
        return new Activation(Kind.LEAKY_RELU, alpha, 0, 0);
    }

    /**
     * Clamp to {@code [min, max]}: {@code v < min ? min : (v > max ? max : v)}.
     *
     * @param min the lower bound, not NaN (may be −∞)
     * @param max the upper bound, not NaN (may be +∞), at least {@code min}
     * @return the activation (a zero inside the range keeps its sign; NaN passes through)
     * @throws IllegalArgumentException if a bound is NaN or {@code min > max}
     */
    public static Activation clamp(float min, float max) {
        if (Float.isNaN(min) || Float.isNaN(max)) {
            throw new IllegalArgumentException("clamp: min and max must not be NaN, but got min=" + min + ", max=" + max);
        }
        if (min > max) {
            throw new IllegalArgumentException("clamp: min must be less than or equal to max, but got min=" + min + ", max=" + max);
        }
        return new Activation(Kind.CLAMP, 0, min, max);
    }

    /** {@return which function this is} */
    public Kind kind() { return kind; }

    /** {@return whether this is {@link #none()}: the output is the convolution's} */
    public boolean isNone() { return kind == Kind.NONE; }

    /** {@return LeakyReLU's negative slope (0 for the other kinds)} */
    public float alpha() { return alpha; }

    /** {@return clamp's lower bound (0 for the other kinds)} */
    public float min() { return min; }

    /** {@return clamp's upper bound (0 for the other kinds)} */
    public float max() { return max; }

    /**
     * The definition: this activation of one float32 value, as the reference kernel applies it
     * (see the class comment). Exact for none, ReLU, LeakyReLU (one rounded product) and clamp;
     * tanh and sigmoid are evaluated in float64 and rounded once.
     *
     * @param v the value, any float including NaN, ±∞ and ±0
     * @return the activated value (NaN for NaN)
     */
    public float apply(float v) {
        return switch (kind) {
            case NONE -> v;
            case RELU -> v < 0 ? 0f : v;
            case LEAKY_RELU -> v > 0 ? v : v * alpha;
            case CLAMP -> v < min ? min : (v > max ? max : v);
            case TANH, SIGMOID -> (float) apply((double) v);
        };
    }

    /**
     * This activation evaluated in float64 (for error bounds): the same formulas on doubles.
     *
     * @param v the value, any double including NaN, ±∞ and ±0
     * @return the activated value (NaN for NaN)
     */
    public double apply(double v) {
        return switch (kind) {
            case NONE -> v;
            case RELU -> v < 0 ? 0d : v;
            case LEAKY_RELU -> v > 0 ? v : v * alpha;
            case CLAMP -> v < min ? min : (v > max ? max : v);
            case TANH -> Math.tanh(v);
            case SIGMOID -> 1 / (1 + Math.exp(-v));
        };
    }

    /**
     * Applies {@link #apply(float)} to {@code y[from .. to)} in place (the scalar output stage).
     *
     * @param y    the values
     * @param from the first index
     * @param to   the index past the last; nothing is done when {@code to <= from}
     * @throws ArrayIndexOutOfBoundsException if the range leaves {@code y} and this is not
     *         {@link #none()} (values before the bad index are already replaced)
     */
    public void apply(float[] y, int from, int to) {
        if (kind == Kind.NONE) {
            return;
        }
        for (int i = from; i < to; i++) {
            y[i] = apply(y[i]);
        }
    }

    /**
     * The largest slope of the function, {@code sup |act'|}: how far an error in the input can move the
     * output.
     *
     * @return 1 for none, ReLU, tanh and clamp, 1/4 for sigmoid, {@code max(1, |alpha|)} for
     *         LeakyReLU, 0 for a clamp to a single point
     */
    public double lipschitz() {
        return switch (kind) {
            case NONE, RELU, TANH -> 1;
            case LEAKY_RELU -> Math.max(1, Math.abs(alpha));
            case CLAMP -> min == max ? 0 : 1;
            case SIGMOID -> 0.25;
        };
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Activation a && kind == a.kind && Float.floatToIntBits(alpha) == Float.floatToIntBits(a.alpha)
                && Float.floatToIntBits(min) == Float.floatToIntBits(a.min) && Float.floatToIntBits(max) == Float.floatToIntBits(a.max);
    }

    @Override
    public int hashCode() {
        return Objects.hash(kind, Float.floatToIntBits(alpha), Float.floatToIntBits(min), Float.floatToIntBits(max));
    }

    /** PyTorch's spelling: {@code relu}, {@code leaky_relu(negative_slope=0.25)}, {@code clamp(min=0.0, max=6.0)}, ... */
    @Override
    public String toString() {
        return switch (kind) {
            case LEAKY_RELU -> "leaky_relu(negative_slope=" + alpha + ")";
            case CLAMP -> "clamp(min=" + min + ", max=" + max + ")";
            default -> kind.pytorchName();
        };
    }
}
