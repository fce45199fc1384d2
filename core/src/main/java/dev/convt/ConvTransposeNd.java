package dev.convt;

import java.util.Arrays;
import java.util.Objects;
import java.util.SplittableRandom;

/**
 * What the PyTorch-style layers {@link ConvTranspose1d}, {@link ConvTranspose2d} and
 * {@link ConvTranspose3d} share: a {@link ConvTransposeSpec}, a weight and an optional bias, and
 * {@code forward} through the {@link Planner}'s automatic kernel choice.
 *
 * <h2>Parameters</h2>
 * The weight has shape {@code (Cin, Cout/groups, *kernel)} and the bias {@code (Cout)}, both
 * initialised as PyTorch does, from {@code U(-√k, √k)} with {@code k = groups / (Cout · Π kernel)}
 * (PyTorch's {@code kaiming_uniform_(a=√5)} for the weight and its fan-in bound for the bias), drawn
 * from a {@link SplittableRandom} with the caller's seed: first every weight element in row-major
 * order, then every bias element. The values are not PyTorch's (its RNG differs); the distribution is.
 * {@link #weight()} and {@link #bias()} return the live tensors: write into their {@code data()} to
 * load trained weights (for example PyTorch's {@code state_dict}, whose layout is the same).
 *
 * <h2>Activation</h2>
 * A spec with an {@link Activation} ({@link Builder#activation}) makes the layer PyTorch's
 * {@code nn.Sequential(ConvTranspose2d(...), nn.ReLU())} (or LeakyReLU, Hardtanh-style clamp, Tanh,
 * Sigmoid) in one step: the activation is applied in the kernel's output stage, not in a pass of its own.
 *
 * <h2>Plans</h2>
 * The layer keeps {@link PackedWeights} made from a snapshot of its weights and bias, and the plan of
 * the last input shape made from them. A new input shape or output size gets a new plan over the same
 * packed weights ({@link Planner#plan(Problem, PackedWeights)}: no repacking, so a new batch size costs
 * a small fraction of packing); only when some weight or bias value differs from the snapshot are the
 * weights packed again. So writes into the live arrays always take effect, at the cost of one
 * comparison of the weights per call.
 *
 * <h2>Layout</h2>
 * By default the layer's tensors are channels first, PyTorch's default memory format. A layer built
 * with {@link Builder#layout Builder.layout(Layout.CHANNELS_LAST)} reads its input and writes its
 * output channels last ({@code (N, *spatial, C)} in memory, as PyTorch's {@code channels_last} and
 * {@code channels_last_3d} memory formats and ONNX Runtime's NHWC kernels): shapes stay logical,
 * {@code (N, C, *spatial)}, in every argument and result, as PyTorch reports a channels-last tensor's
 * shape; only where element {@code (n, c, *s)} sits in the data changes. The weights keep PyTorch's
 * layout {@code (Cin, Cout/groups, *kernel)} either way.
 *
 * <p>Not thread-safe for concurrent {@code forward} calls while the weights are being written;
 * concurrent {@code forward} calls with fixed weights are safe (each may make its own plan, and two
 * calls may each pack the weights once when they find the snapshot stale at the same time).
 */
public abstract sealed class ConvTransposeNd permits ConvTranspose1d, ConvTranspose2d, ConvTranspose3d {
    /** The seed the constructors without one use. */
    public static final long DEFAULT_SEED = 0;

    private final ConvTransposeSpec spec;
    private final Tensor weight;
    private final Tensor bias;
    private final Layout layout;
    private volatile Cached cached;

    /** The packed weights of a snapshot of the weights, and the plan of the last problem from them (both null before a forward). */
    private record Cached(PackedWeights packed, Problem problem, Plan plan) {}

    ConvTransposeNd(ConvTransposeSpec spec, int rank, long seed, Layout layout) {
        this.spec = Objects.requireNonNull(spec, "spec");
        this.layout = Objects.requireNonNull(layout, "layout");
        if (spec.rank() != rank) {
            throw new IllegalArgumentException("ConvTranspose" + rank + "d needs a spec of spatial rank " + rank
                    + ", but got " + spec);
        }
        this.weight = new Tensor(spec.weightShape(), new float[spec.weightLength()]);
        this.bias = spec.hasBias() ? new Tensor(new int[] {spec.outChannels()}, new float[spec.outChannels()]) : null;
        reset(seed);
    }

    /**
     * Re-initialises weight and bias from {@code U(-√k, √k)}, {@code k = groups / (Cout · Π kernel)},
     * with a {@link SplittableRandom} of the given seed (weights first, then bias).
     *
     * @param seed the seed; the same seed gives the same values on every JVM
     */
    public final void reset(long seed) {
        double bound = initBound(spec);
        SplittableRandom r = new SplittableRandom(seed);
        fill(weight.data(), bound, r);
        if (bias != null) {
            fill(bias.data(), bound, r);
        }
    }

    /**
     * {@code √(groups / (Cout · Π kernel))}: PyTorch's initialisation bound for the weight and the bias.
     *
     * @param spec the layer's hyper-parameters
     * @return the bound {@code b} of the uniform distribution {@code U(-b, b)}
     */
    public static double initBound(ConvTransposeSpec spec) {
        return Math.sqrt((double) spec.groups() / ((double) spec.outChannels() * spec.kernelVolume()));
    }

    private static void fill(float[] a, double bound, SplittableRandom r) {
        for (int i = 0; i < a.length; i++) {
            a[i] = (float) (bound * (2 * r.nextDouble() - 1));
        }
    }

    /** {@return how the layer's input and output tensors are stored (channels first unless built with {@link Builder#layout})} */
    public final Layout layout() { return layout; }

    /** {@return the layer's hyper-parameters} */
    public final ConvTransposeSpec spec() { return spec; }

    /** {@return the live weight, shape {@code (Cin, Cout/groups, *kernel)}} */
    public final Tensor weight() { return weight; }

    /** {@return the live bias, shape {@code (Cout)}, or null when the layer has none} */
    public final Tensor bias() { return bias; }

    /**
     * Applies the layer to {@code x} of shape {@code (N, Cin, *spatial)} or {@code (Cin, *spatial)}.
     *
     * @param x the input, stored in the layer's {@link #layout()} (by default channels before spatial
     *          dimensions, row-major)
     * @return a new tensor {@code (N, Cout, *out)} or {@code (Cout, *out)}, stored in the layer's layout
     * @throws IllegalArgumentException if the shape has the wrong rank or channel count, or the output
     *                                  would be empty or too large
     */
    public final Tensor forward(Tensor x) {
        Problem p = spec.problem(x.shape()).withLayout(layout);
        return new Tensor(p.outputShape(), plan(p).execute(x.data()));
    }

    /**
     * PyTorch's {@code forward(x, output_size)}: the output_padding is chosen to give the requested
     * size (the layer's own output_padding is not used).
     *
     * @param x          the input, as for {@link #forward(Tensor)}
     * @param outputSize the spatial sizes, or the full output shape in the input's form
     * @return a new tensor of the requested output size
     * @throws IllegalArgumentException as {@link #forward(Tensor)}, or if a size is outside
     *                                  {@code [min, min + stride - 1]} (PyTorch's message)
     */
    public final Tensor forward(Tensor x, int... outputSize) {
        Problem p = spec.problem(x.shape()).withOutputSize(outputSize).withLayout(layout);
        return new Tensor(p.outputShape(), plan(p).execute(x.data()));
    }

    /**
     * The entry for engines: computes into the caller's buffer.
     *
     * @param x          input {@code (N, Cin, *spatial)} or {@code (Cin, *spatial)} from {@code xOffset}, stored
     *                   in the layer's {@link #layout()}
     * @param xOffset    where the input starts in {@code x}
     * @param inputShape the input's logical shape, {@code (N, Cin, *spatial)} in either layout
     * @param y          output from {@code yOffset}, of {@link #outputShape(int...)} {@code (inputShape)}, stored
     *                   in the layer's layout; overwritten, nothing outside it is written
     * @param yOffset    where the output starts in {@code y}
     * @throws IllegalArgumentException if the shape is invalid, an offset is negative, a buffer is too
     *                                  small, or {@code x} and {@code y} are the same array with overlapping
     *                                  ranges (then nothing is written)
     */
    public final void forward(float[] x, int xOffset, int[] inputShape, float[] y, int yOffset) {
        Problem p = spec.problem(inputShape).withLayout(layout);
        p.checkExecution(x, xOffset, y, yOffset);
        plan(p).execute(x, xOffset, y, yOffset);
    }

    /**
     * The output shape for an input shape.
     *
     * @param inputShape {@code (N, Cin, *spatial)} or {@code (Cin, *spatial)}
     * @return {@code (N, Cout, *out)} or {@code (Cout, *out)}, in the input's form
     * @throws IllegalArgumentException if the shape has the wrong rank or channel count, or the output
     *                                  would be empty or too large
     */
    public final int[] outputShape(int... inputShape) {
        return spec.problem(inputShape).outputShape();
    }

    /** The plan for a problem of this layer's spec: the last one while shape and weights are unchanged, else a new one over the packed weights. */
    private Plan plan(Problem p) {
        Cached c = cached;
        PackedWeights packed = c != null && c.packed.holds(weight.data(), bias == null ? null : bias.data()) ? c.packed : null;
        if (packed != null && p.equals(c.problem)) {
            return c.plan;
        }
        if (packed == null) {
            packed = Planner.pack(spec, weight.data(), bias == null ? null : bias.data());
        }
        Plan plan = Planner.plan(p, packed);
        cached = new Cached(packed, p, plan);
        return plan;
    }

    /**
     * The packed weights of the layer's current weight and bias values, to share with other code
     * (see {@link PackedWeights}): the ones the last {@code forward} used while the weights are unchanged
     * since, else new ones from a snapshot of them (which the next {@code forward} then uses).
     *
     * @return packed weights equal to the live weight and bias now; later writes to them do not reach it
     */
    public final PackedWeights packedWeights() {
        Cached c = cached;
        float[] w = weight.data(), b = bias == null ? null : bias.data();
        if (c != null && c.packed.holds(w, b)) {
            return c.packed;
        }
        PackedWeights packed = Planner.pack(spec, w, b);
        cached = new Cached(packed, null, null);
        return packed;
    }

    /** {@return the name of the kernel the last forward call used ({@link Plan#kernelName()}), or null before the first (and after {@link #packedWeights()} found the weights changed since)} */
    public final String lastKernelName() {
        Cached c = cached;
        return c == null || c.plan == null ? null : c.plan.kernelName();
    }

    @Override
    public String toString() {
        return spec.toString();
    }

    /**
     * PyTorch's keyword parameters, for layers beyond the short constructor. Every tuple setter takes
     * one value (all dimensions) or one per dimension.
     *
     * @param <L> the layer type built
     */
    public static final class Builder<L extends ConvTransposeNd> {
        @FunctionalInterface
        interface Factory<L> {
            L make(ConvTransposeSpec spec, long seed, Layout layout);
        }

        private final ConvTransposeSpec.Builder spec;
        private final Factory<L> factory;
        private long seed = DEFAULT_SEED;
        private Layout layout = Layout.CHANNELS_FIRST;

        Builder(ConvTransposeSpec.Builder spec, Factory<L> factory) {
            this.spec = spec;
            this.factory = factory;
        }

        /**
         * PyTorch's {@code stride} (default 1).
         *
         * @param v one value for every dimension, or one per dimension, each at least 1
         * @return this builder
         */
        public Builder<L> stride(int... v) { spec.stride(v); return this; }
        /**
         * PyTorch's {@code padding}: cropped from both ends of each output dimension (default 0).
         *
         * @param v one value for every dimension, or one per dimension, each at least 0
         * @return this builder
         */
        public Builder<L> padding(int... v) { spec.padding(v); return this; }
        /**
         * PyTorch's {@code output_padding}: added to the far end of each output dimension (default 0).
         *
         * @param v one value for every dimension, or one per dimension, each below its stride or dilation
         * @return this builder
         */
        public Builder<L> outputPadding(int... v) { spec.outputPadding(v); return this; }
        /**
         * PyTorch's {@code groups} (default 1).
         *
         * @param v the groups, dividing both Cin and Cout
         * @return this builder
         */
        public Builder<L> groups(int v) { spec.groups(v); return this; }
        /**
         * PyTorch's {@code bias} (default true).
         *
         * @param v whether the layer adds a learnable bias of Cout values
         * @return this builder
         */
        public Builder<L> bias(boolean v) { spec.bias(v); return this; }
        /**
         * PyTorch's {@code dilation} (default 1).
         *
         * @param v one value for every dimension, or one per dimension, each at least 1
         * @return this builder
         */
        public Builder<L> dilation(int... v) { spec.dilation(v); return this; }
        /**
         * The activation fused into the output, {@code y = act(conv + bias)} (default {@link Activation#none()}).
         *
         * @param v the activation (see {@link Activation} for each kind's definition, NaN and −0)
         * @return this builder
         * @throws NullPointerException if {@code v} is null
         */
        public Builder<L> activation(Activation v) { spec.activation(v); return this; }
        /**
         * PyTorch's {@code padding_mode}.
         *
         * @param mode {@code "zeros"}, the only mode transposed convolution defines
         * @return this builder
         * @throws IllegalArgumentException for any mode but {@code "zeros"} (PyTorch's message)
         */
        public Builder<L> paddingMode(String mode) { spec.paddingMode(mode); return this; }
        /**
         * The seed of the weight and bias initialisation (default {@link #DEFAULT_SEED}).
         *
         * @param v the seed
         * @return this builder
         */
        public Builder<L> seed(long v) { seed = v; return this; }
        /**
         * How the layer's input and output tensors are stored (default {@link Layout#CHANNELS_FIRST},
         * PyTorch's default memory format): {@link Layout#CHANNELS_LAST} for PyTorch's
         * {@code channels_last} tensors, NHWC (NLC, NDHWC). Shapes stay logical either way; see the
         * class documentation.
         *
         * @param v the layout
         * @return this builder
         * @throws NullPointerException if {@code v} is null
         */
        public Builder<L> layout(Layout v) { layout = Objects.requireNonNull(v, "layout"); return this; }

        /**
         * Validates the parameters and makes the layer, its weight and bias initialised from the seed.
         *
         * @return the new layer
         * @throws IllegalArgumentException if a parameter breaks a rule of {@link ConvTransposeSpec}
         */
        public L build() {
            return factory.make(spec.build(), seed, layout);
        }
    }
}
