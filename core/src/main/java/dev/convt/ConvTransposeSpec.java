package dev.convt;

import java.util.Arrays;
import java.util.Objects;

/**
 * The hyper-parameters of one transposed convolution (PyTorch {@code ConvTranspose1d/2d/3d},
 * ONNX {@code ConvTranspose}): immutable, validated on construction.
 *
 * <p>Layouts: input {@code (N, Cin, *spatial)} or {@code (Cin, *spatial)}, weight
 * {@code (Cin, Cout/groups, *kernel)}, bias {@code (Cout)}, output {@code (N, Cout, *outSpatial)},
 * all row-major float32. Per spatial dimension {@code i}:
 * {@code out = (in - 1)*stride - padBegin - padEnd + dilation*(kernel - 1) + outputPadding + 1}.
 * PyTorch's symmetric {@code padding} sets {@code padBegin = padEnd}; ONNX's {@code pads}
 * (begin..., end...) may differ.
 *
 * <p>An optional {@link Activation} is applied to the output, {@code y = act(conv + bias)}, fused
 * into every kernel's output stage (none by default).
 *
 * <p>Validation follows PyTorch's rules and wording where it has them; every violation is an
 * {@link IllegalArgumentException} naming the parameter, its value and the rule.
 */
public final class ConvTransposeSpec {
    private final int rank;
    private final int inChannels;
    private final int outChannels;
    private final int groups;
    private final boolean bias;
    private final int[] kernel;
    private final int[] stride;
    private final int[] padBegin;
    private final int[] padEnd;
    private final int[] outputPadding;
    private final int[] dilation;
    private final Activation activation;
    /** Π kernel, Cin/groups and Cout/groups, computed once: planning asks for them many times per plan. */
    private final int kernelVolume, inChannelsPerGroup, outChannelsPerGroup;

    private ConvTransposeSpec(Builder b) {
        this.rank = b.rank;
        this.inChannels = b.inChannels;
        this.outChannels = b.outChannels;
        this.groups = b.groups;
        this.bias = b.bias;
        this.kernel = b.kernel.clone();
        this.stride = b.stride.clone();
        this.padBegin = b.padBegin.clone();
        this.padEnd = b.padEnd.clone();
        this.outputPadding = b.outputPadding.clone();
        this.dilation = b.dilation.clone();
        this.activation = b.activation;
        validate();
        this.kernelVolume = Sizes.elements("kernel_size", kernel);
        this.inChannelsPerGroup = inChannels / groups;
        this.outChannelsPerGroup = outChannels / groups;
    }

    /**
     * Starts a spec of the given spatial rank with PyTorch's defaults: stride 1, padding 0,
     * output_padding 0, dilation 1, groups 1, bias true.
     *
     * @param rank        spatial rank, 1, 2 or 3
     * @param inChannels  Cin ≥ 1
     * @param outChannels Cout ≥ 1
     * @param kernelSize  one value for every dimension, or one per dimension
     * @return a builder; the other rules are checked by {@link Builder#build()}
     * @throws IllegalArgumentException if the rank is not 1, 2 or 3 or a tuple has the wrong length
     */
    public static Builder builder(int rank, int inChannels, int outChannels, int... kernelSize) {
        return new Builder(rank, inChannels, outChannels, kernelSize);
    }

    /**
     * Shorthand for {@code builder(1, ...)}: PyTorch's {@code ConvTranspose1d}.
     *
     * @param inChannels  Cin ≥ 1
     * @param outChannels Cout ≥ 1
     * @param kernelSize  the kernel length ≥ 1
     * @return a builder with PyTorch's defaults
     */
    public static Builder builder1d(int inChannels, int outChannels, int kernelSize) {
        return builder(1, inChannels, outChannels, kernelSize);
    }

    /**
     * Shorthand for {@code builder(2, ...)}: PyTorch's {@code ConvTranspose2d}.
     *
     * @param inChannels  Cin ≥ 1
     * @param outChannels Cout ≥ 1
     * @param kernelSize  one value for both dimensions, or {@code (kH, kW)}
     * @return a builder with PyTorch's defaults
     * @throws IllegalArgumentException if {@code kernelSize} has the wrong length
     */
    public static Builder builder2d(int inChannels, int outChannels, int... kernelSize) {
        return builder(2, inChannels, outChannels, kernelSize);
    }

    /**
     * Shorthand for {@code builder(3, ...)}: PyTorch's {@code ConvTranspose3d}.
     *
     * @param inChannels  Cin ≥ 1
     * @param outChannels Cout ≥ 1
     * @param kernelSize  one value for every dimension, or {@code (kD, kH, kW)}
     * @return a builder with PyTorch's defaults
     * @throws IllegalArgumentException if {@code kernelSize} has the wrong length
     */
    public static Builder builder3d(int inChannels, int outChannels, int... kernelSize) {
        return builder(3, inChannels, outChannels, kernelSize);
    }

    /** {@return a new builder pre-filled with this spec's values, for a variant of it} */
    public Builder toBuilder() {
        Builder b = new Builder(rank, inChannels, outChannels, kernel);
        b.stride = stride.clone();
        b.padBegin = padBegin.clone();
        b.padEnd = padEnd.clone();
        b.outputPadding = outputPadding.clone();
        b.dilation = dilation.clone();
        b.groups = groups;
        b.bias = bias;
        b.activation = activation;
        return b;
    }

    private void validate() {
        String name = "ConvTranspose" + rank + "d";
        if (inChannels < 1) {
            throw new IllegalArgumentException("in_channels must be a positive integer, but got in_channels=" + inChannels);
        }
        if (outChannels < 1) {
            throw new IllegalArgumentException("out_channels must be a positive integer, but got out_channels=" + outChannels);
        }
        if (groups < 1) {
            throw new IllegalArgumentException("groups must be a positive integer, but got groups=" + groups);
        }
        if (inChannels % groups != 0) {
            throw new IllegalArgumentException("in_channels must be divisible by groups, but got in_channels="
                    + inChannels + " and groups=" + groups);
        }
        if (outChannels % groups != 0) {
            throw new IllegalArgumentException("out_channels must be divisible by groups, but got out_channels="
                    + outChannels + " and groups=" + groups);
        }
        requireAll("kernel_size", kernel, 1, "kernel size should be greater than zero");
        requireAll("stride", stride, 1, "stride should be greater than zero");
        requireAll("dilation", dilation, 1, "dilation should be greater than zero");
        requireAll("padding", padBegin, 0, "negative padding is not supported");
        requireAll("padding", padEnd, 0, "negative padding is not supported");
        requireAll("output_padding", outputPadding, 0, "negative output_padding is not supported");
        for (int i = 0; i < rank; i++) {
            if (outputPadding[i] >= stride[i] && outputPadding[i] >= dilation[i]) {
                throw new IllegalArgumentException("output padding must be smaller than either stride or dilation, but got output_padding="
                        + Arrays.toString(outputPadding) + ", stride=" + Arrays.toString(stride)
                        + ", dilation=" + Arrays.toString(dilation) + " (" + name + ", dimension " + i + ")");
            }
        }
        // Guard the arithmetic of the output-size formula against int overflow of its terms.
        for (int i = 0; i < rank; i++) {
            long span = (long) dilation[i] * (kernel[i] - 1) + 1;
            if (span > Integer.MAX_VALUE) {
                throw new IllegalArgumentException("dilation*(kernel_size-1)+1 must fit an int, but got dilation="
                        + dilation[i] + ", kernel_size=" + kernel[i] + " (dimension " + i + ")");
            }
        }
        // A weight no Java array holds cannot be given to a plan or a layer: reject the spec itself, so
        // no size derived from it (kernel volume, weight length, init bound) can wrap.
        Sizes.elements("the weight (in_channels, out_channels/groups, *kernel_size)", weightShape());
    }

    private static void requireAll(String param, int[] values, int min, String rule) {
        for (int v : values) {
            if (v < min) {
                throw new IllegalArgumentException(rule + ", but got " + param + "=" + Arrays.toString(values));
            }
        }
    }

    /** {@return the spatial rank: 1, 2 or 3} */
    public int rank() { return rank; }
    /** {@return Cin, the input channels} */
    public int inChannels() { return inChannels; }
    /** {@return Cout, the output channels} */
    public int outChannels() { return outChannels; }
    /** {@return the groups, dividing both Cin and Cout} */
    public int groups() { return groups; }
    /** {@return whether the convolution adds a bias of Cout values} */
    public boolean hasBias() { return bias; }
    /** {@return the activation applied to the output, {@code y = act(conv + bias)}; {@link Activation#none()} by default} */
    public Activation activation() { return activation; }
    /** {@return Cin / groups: input channels seen by one group} */
    public int inChannelsPerGroup() { return inChannelsPerGroup; }
    /** {@return Cout / groups: output channels produced by one group} */
    public int outChannelsPerGroup() { return outChannelsPerGroup; }

    /** {@return a copy of the kernel size, one value per spatial dimension, outermost first} */
    public int[] kernelSize() { return kernel.clone(); }
    /** {@return a copy of the stride, one value per spatial dimension} */
    public int[] stride() { return stride.clone(); }
    /** {@return a copy of the padding cropped from the beginning of each output dimension} */
    public int[] padBegin() { return padBegin.clone(); }
    /** {@return a copy of the padding cropped from the end of each output dimension} */
    public int[] padEnd() { return padEnd.clone(); }
    /** {@return a copy of the output padding added to the end of each output dimension} */
    public int[] outputPadding() { return outputPadding.clone(); }
    /** {@return a copy of the dilation, one value per spatial dimension} */
    public int[] dilation() { return dilation.clone(); }

    /**
     * The kernel size of one dimension.
     *
     * @param dim the spatial dimension, {@code 0 <= dim < rank()}
     * @return {@code kernelSize()[dim]}
     */
    public int kernelSize(int dim) { return kernel[dim]; }
    /**
     * The stride of one dimension.
     *
     * @param dim the spatial dimension, {@code 0 <= dim < rank()}
     * @return {@code stride()[dim]}
     */
    public int stride(int dim) { return stride[dim]; }
    /**
     * The beginning padding of one dimension.
     *
     * @param dim the spatial dimension, {@code 0 <= dim < rank()}
     * @return {@code padBegin()[dim]}
     */
    public int padBegin(int dim) { return padBegin[dim]; }
    /**
     * The end padding of one dimension.
     *
     * @param dim the spatial dimension, {@code 0 <= dim < rank()}
     * @return {@code padEnd()[dim]}
     */
    public int padEnd(int dim) { return padEnd[dim]; }
    /**
     * The output padding of one dimension.
     *
     * @param dim the spatial dimension, {@code 0 <= dim < rank()}
     * @return {@code outputPadding()[dim]}
     */
    public int outputPadding(int dim) { return outputPadding[dim]; }
    /**
     * The dilation of one dimension.
     *
     * @param dim the spatial dimension, {@code 0 <= dim < rank()}
     * @return {@code dilation()[dim]}
     */
    public int dilation(int dim) { return dilation[dim]; }

    /** {@return Π kernel: taps of one filter (it fits an int: the spec's weight, which holds it, does)} */
    public int kernelVolume() {
        return kernelVolume;
    }

    /** {@return the weight's shape, {@code (Cin, Cout/groups, *kernel)} (a new array)} */
    public int[] weightShape() {
        int[] s = new int[rank + 2];
        s[0] = inChannels;
        s[1] = outChannels / groups; // not the field: validate() calls this before the fields are set
        System.arraycopy(kernel, 0, s, 2, rank);
        return s;
    }

    /** {@return the number of weight elements, {@code Cin * Cout/groups * Π kernel}} */
    public int weightLength() {
        return Sizes.elements("the weight (in_channels, out_channels/groups, *kernel_size)", weightShape());
    }

    /**
     * The output size of one spatial dimension for an input size, as a {@code long} (may be ≤ 0 for
     * bad parameters; see {@link #outputSpatial(int[])} for the checked version).
     *
     * @param dim the spatial dimension, {@code 0 <= dim < rank()}
     * @param in  the input size along it
     * @return {@code (in - 1)*stride - padBegin - padEnd + dilation*(kernel - 1) + outputPadding + 1}
     */
    public long rawOutputSize(int dim, long in) {
        return (in - 1) * stride[dim] - padBegin[dim] - padEnd[dim]
                + (long) dilation[dim] * (kernel[dim] - 1) + outputPadding[dim] + 1;
    }

    /**
     * The output spatial sizes for the given input spatial sizes.
     *
     * @param inputSpatial the input's spatial sizes, {@code rank()} of them, each ≥ 1
     * @return the output's spatial sizes, each in {@code [1, Integer.MAX_VALUE]}
     * @throws IllegalArgumentException if the length is not the rank, an input size is &lt; 1, or an
     *                                  output size is ≤ 0 or does not fit an int
     */
    public int[] outputSpatial(int... inputSpatial) {
        checkSpatial("input size", inputSpatial);
        int[] out = new int[rank];
        boolean bad = false;
        long[] raw = new long[rank];
        for (int i = 0; i < rank; i++) {
            raw[i] = rawOutputSize(i, inputSpatial[i]);
            bad |= raw[i] <= 0 || raw[i] > Integer.MAX_VALUE;
        }
        if (bad) {
            throw new IllegalArgumentException("Given input size per channel: " + Arrays.toString(inputSpatial)
                    + ". Calculated output size per channel: " + Arrays.toString(raw)
                    + ". Output size is too small" + (Arrays.stream(raw).anyMatch(v -> v > Integer.MAX_VALUE)
                    ? " or too large (each must be in [1, " + Integer.MAX_VALUE + "])" : "")
                    + " (out = (in - 1)*stride - pad_begin - pad_end + dilation*(kernel_size - 1) + output_padding + 1)");
        }
        for (int i = 0; i < rank; i++) {
            out[i] = (int) raw[i];
        }
        return out;
    }

    void checkSpatial(String what, int[] spatial) {
        Objects.requireNonNull(spatial, what);
        if (spatial.length != rank) {
            throw new IllegalArgumentException(what + " must have " + rank + " spatial dimension(s) for ConvTranspose"
                    + rank + "d, but got " + Arrays.toString(spatial));
        }
        for (int v : spatial) {
            if (v < 1) {
                throw new IllegalArgumentException(what + " must be positive in every dimension, but got " + Arrays.toString(spatial));
            }
        }
    }

    /**
     * The problem this spec solves on an input of the given shape, {@code (Cin, *spatial)}
     * (unbatched) or {@code (N, Cin, *spatial)} (batched), as PyTorch accepts.
     *
     * @param inputShape the input's shape
     * @return the problem, its sizes checked to fit Java arrays
     * @throws IllegalArgumentException if the shape has the wrong rank or channel count
     */
    public Problem problem(int... inputShape) {
        return Problem.of(this, inputShape);
    }

    /**
     * The problem for a batch of inputs of the given spatial size (batched shapes).
     *
     * @param batch        N ≥ 0 (0 is an empty batch that computes nothing)
     * @param inputSpatial the input's spatial sizes
     * @return the problem on input {@code (batch, Cin, *inputSpatial)}
     * @throws IllegalArgumentException if the batch is negative, a spatial size is wrong, or a size does not fit
     */
    public Problem problem(int batch, int[] inputSpatial) {
        return Problem.batched(this, batch, inputSpatial);
    }

    /**
     * A spec equal to this one but with the {@code output_padding} that makes the output the given
     * size, as PyTorch's {@code _output_padding}.
     *
     * @param inputSpatial the input's spatial sizes
     * @param outputSize   the requested output: spatial sizes, or the full shape (N, Cout, *spatial) or (Cout, *spatial)
     *                     (either full form is accepted here; {@link Problem#withOutputSize} accepts only the
     *                     one matching the input, as PyTorch does)
     * @throws IllegalArgumentException if the length is wrong or a size is outside the legal range
     *                                  {@code [min, min + stride - 1]}, min being the size with output_padding 0
     *                                  (PyTorch's rule and message)
     * @return the spec with the computed {@code output_padding}
     */
    public ConvTransposeSpec withOutputSize(int[] inputSpatial, int[] outputSize) {
        return toBuilder().outputPadding(OutputSize.outputPadding(this, inputSpatial, outputSize)).build();
    }

    static long product(int[] a) {
        return Sizes.product("shape", a);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ConvTransposeSpec s && rank == s.rank && inChannels == s.inChannels
                && outChannels == s.outChannels && groups == s.groups && bias == s.bias
                && Arrays.equals(kernel, s.kernel) && Arrays.equals(stride, s.stride)
                && Arrays.equals(padBegin, s.padBegin) && Arrays.equals(padEnd, s.padEnd)
                && Arrays.equals(outputPadding, s.outputPadding) && Arrays.equals(dilation, s.dilation)
                && activation.equals(s.activation);
    }

    @Override
    public int hashCode() {
        return Objects.hash(rank, inChannels, outChannels, groups, bias, Arrays.hashCode(kernel),
                Arrays.hashCode(stride), Arrays.hashCode(padBegin), Arrays.hashCode(padEnd),
                Arrays.hashCode(outputPadding), Arrays.hashCode(dilation), activation);
    }

    @Override
    public String toString() {
        boolean symmetric = Arrays.equals(padBegin, padEnd);
        return "ConvTranspose" + rank + "d(" + inChannels + ", " + outChannels
                + ", kernel_size=" + Arrays.toString(kernel) + ", stride=" + Arrays.toString(stride)
                + (symmetric ? ", padding=" + Arrays.toString(padBegin)
                             : ", pads=" + Arrays.toString(padBegin) + "+" + Arrays.toString(padEnd))
                + ", output_padding=" + Arrays.toString(outputPadding) + ", dilation=" + Arrays.toString(dilation)
                + ", groups=" + groups + ", bias=" + bias
                + (activation.isNone() ? "" : ", activation=" + activation) + ")";
    }

    /**
     * Builds a {@link ConvTransposeSpec}. Every tuple setter takes one value (applied to every spatial
     * dimension, as PyTorch's int form) or exactly {@code rank} values.
     */
    public static final class Builder {
        private final int rank;
        private final int inChannels;
        private final int outChannels;
        private int[] kernel;
        private int[] stride;
        private int[] padBegin;
        private int[] padEnd;
        private int[] outputPadding;
        private int[] dilation;
        private int groups = 1;
        private boolean bias = true;
        private Activation activation = Activation.none();

        private Builder(int rank, int inChannels, int outChannels, int[] kernelSize) {
            if (rank < 1 || rank > 3) {
                throw new IllegalArgumentException("spatial rank must be 1, 2 or 3, but got " + rank);
            }
            this.rank = rank;
            this.inChannels = inChannels;
            this.outChannels = outChannels;
            this.kernel = tuple("kernel_size", kernelSize);
            this.stride = tuple("stride", 1);
            this.padBegin = tuple("padding", 0);
            this.padEnd = tuple("padding", 0);
            this.outputPadding = tuple("output_padding", 0);
            this.dilation = tuple("dilation", 1);
        }

        private int[] tuple(String param, int... values) {
            Objects.requireNonNull(values, param);
            if (values.length == 1) {
                int[] t = new int[rank];
                Arrays.fill(t, values[0]);
                return t;
            }
            if (values.length != rank) {
                throw new IllegalArgumentException(param + " must be an int or a tuple of " + rank
                        + " ints for ConvTranspose" + rank + "d, but got " + Arrays.toString(values));
            }
            return values.clone();
        }

        /**
         * PyTorch's {@code stride} (default 1).
         *
         * @param stride one value, or one per dimension; each ≥ 1 (checked by {@link #build()})
         * @return this builder
         * @throws IllegalArgumentException if the tuple has the wrong length
         */
        public Builder stride(int... stride) { this.stride = tuple("stride", stride); return this; }

        /**
         * Symmetric zero padding (PyTorch's {@code padding}): the same at the beginning and the end.
         *
         * @param padding one value, or one per dimension; each ≥ 0 (checked by {@link #build()})
         * @return this builder
         * @throws IllegalArgumentException if the tuple has the wrong length
         */
        public Builder padding(int... padding) {
            this.padBegin = tuple("padding", padding);
            this.padEnd = this.padBegin.clone();
            return this;
        }

        /**
         * Asymmetric padding (ONNX's {@code pads} split into begin and end).
         *
         * @param begin the padding at the beginning of each dimension (one value, or one per dimension)
         * @param end   the padding at the end of each dimension (one value, or one per dimension)
         * @return this builder
         * @throws IllegalArgumentException if a tuple has the wrong length
         */
        public Builder pads(int[] begin, int[] end) {
            this.padBegin = tuple("pads (begin)", begin);
            this.padEnd = tuple("pads (end)", end);
            return this;
        }

        /**
         * PyTorch's {@code output_padding} (default 0).
         *
         * @param outputPadding one value, or one per dimension; each below its stride or dilation (checked by {@link #build()})
         * @return this builder
         * @throws IllegalArgumentException if the tuple has the wrong length
         */
        public Builder outputPadding(int... outputPadding) { this.outputPadding = tuple("output_padding", outputPadding); return this; }
        /**
         * PyTorch's {@code dilation} (default 1).
         *
         * @param dilation one value, or one per dimension; each ≥ 1 (checked by {@link #build()})
         * @return this builder
         * @throws IllegalArgumentException if the tuple has the wrong length
         */
        public Builder dilation(int... dilation) { this.dilation = tuple("dilation", dilation); return this; }
        /**
         * PyTorch's {@code groups} (default 1).
         *
         * @param groups ≥ 1, dividing both Cin and Cout (checked by {@link #build()})
         * @return this builder
         */
        public Builder groups(int groups) { this.groups = groups; return this; }
        /**
         * PyTorch's {@code bias} (default true).
         *
         * @param bias whether the convolution adds a bias of Cout values
         * @return this builder
         */
        public Builder bias(boolean bias) { this.bias = bias; return this; }

        /**
         * The activation fused into the output stage, {@code y = act(conv + bias)} (default
         * {@link Activation#none()}). Its parameters were validated when it was made
         * ({@link Activation#leakyRelu}, {@link Activation#clamp}).
         *
         * @param activation the activation
         * @return this builder
         * @throws NullPointerException if {@code activation} is null
         */
        public Builder activation(Activation activation) {
            this.activation = Objects.requireNonNull(activation, "activation");
            return this;
        }

        /**
         * PyTorch's {@code padding_mode}: only {@code "zeros"} is defined for transposed convolution.
         *
         * @param mode {@code "zeros"}
         * @return this builder
         * @throws IllegalArgumentException for any other mode, with PyTorch's message
         */
        public Builder paddingMode(String mode) {
            if (!"zeros".equals(mode)) {
                throw new IllegalArgumentException("Only \"zeros\" padding mode is supported for ConvTranspose" + rank
                        + "d, but got padding_mode=" + (mode == null ? "null" : "\"" + mode + "\""));
            }
            return this;
        }

        /**
         * Validates every parameter and makes the spec.
         *
         * @return the immutable spec
         * @throws IllegalArgumentException if any parameter breaks a rule (see the class comment)
         */
        public ConvTransposeSpec build() {
            return new ConvTransposeSpec(this);
        }
    }
}
