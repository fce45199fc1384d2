package dev.convt;

/**
 * PyTorch's {@code torch.nn.ConvTranspose2d}: input {@code (N, Cin, H, W)} or
 * {@code (Cin, H, W)}, weight {@code (Cin, Cout/groups, *kernel)}, bias {@code (Cout)}.
 * See {@link ConvTransposeNd} for initialisation and planning, {@link ConvTransposeSpec} for the
 * output size and the rules.
 *
 * <pre>{@code
 * var layer = ConvTranspose2d.builder(16, 8, 3).stride(2).padding(1).outputPadding(1).seed(42).build();
 * Tensor y = layer.forward(x);
 * }</pre>
 */
public final class ConvTranspose2d extends ConvTransposeNd {
    /**
     * {@code ConvTranspose2d(inChannels, outChannels, kernelSize)} with PyTorch's defaults (stride 1,
     * padding 0, output_padding 0, groups 1, bias true, dilation 1, padding_mode "zeros") and
     * {@link #DEFAULT_SEED}.
     *
     * @param inChannels  Cin, the channels of the input, at least 1
     * @param outChannels Cout, the channels of the output, at least 1
     * @param kernelSize  the kernel size, the same in every spatial dimension, at least 1
     * @throws IllegalArgumentException if a parameter breaks a rule of {@link ConvTransposeSpec}
     */
    public ConvTranspose2d(int inChannels, int outChannels, int kernelSize) {
        this(ConvTransposeSpec.builder(2, inChannels, outChannels, kernelSize).build(), DEFAULT_SEED);
    }

    /**
     * PyTorch's full parameter list in its order (int forms; use {@link #builder} for per-dimension tuples),
     * plus the initialisation seed.
     *
     * @param inChannels    Cin, the channels of the input, at least 1
     * @param outChannels   Cout, the channels of the output, at least 1
     * @param kernelSize    the kernel size, the same in every spatial dimension, at least 1
     * @param stride        the stride, the same in every spatial dimension, at least 1
     * @param padding       the implicit padding removed from both ends of the output, the same in every spatial dimension, at least 0
     * @param outputPadding the size added to one end of the output, the same in every spatial dimension, less than stride or dilation
     * @param groups        the groups, dividing both Cin and Cout
     * @param bias          whether the layer adds a learnable bias of Cout values
     * @param dilation      the spacing between kernel taps, the same in every spatial dimension, at least 1
     * @param paddingMode   PyTorch's {@code padding_mode}; only {@code "zeros"} exists for transposed convolution
     * @param seed          the seed of the weight and bias initialisation
     * @throws IllegalArgumentException if a parameter breaks a rule of {@link ConvTransposeSpec}, or
     *                                  {@code paddingMode} is not {@code "zeros"}
     */
    public ConvTranspose2d(int inChannels, int outChannels, int kernelSize, int stride, int padding,
                           int outputPadding, int groups, boolean bias, int dilation, String paddingMode, long seed) {
        this(ConvTransposeSpec.builder(2, inChannels, outChannels, kernelSize).stride(stride).padding(padding)
                .outputPadding(outputPadding).groups(groups).bias(bias).dilation(dilation).paddingMode(paddingMode)
                .build(), seed);
    }

    /**
     * A layer for a spec of spatial rank 2, initialised from {@code seed}.
     *
     * @param spec the hyper-parameters
     * @param seed the seed of the weight and bias initialisation
     * @throws IllegalArgumentException if the spec's rank is not 2
     */
    public ConvTranspose2d(ConvTransposeSpec spec, long seed) {
        this(spec, seed, Layout.CHANNELS_FIRST);
    }

    private ConvTranspose2d(ConvTransposeSpec spec, long seed, Layout layout) {
        super(spec, 2, seed, layout);
    }

    /**
     * Starts a layer with PyTorch's defaults; set keyword parameters, then {@code build()}.
     *
     * @param inChannels  Cin, the channels of the input
     * @param outChannels Cout, the channels of the output
     * @param kernelSize  the kernel size: one value (every dimension) or one per dimension
     * @return a builder; nothing is checked until {@link Builder#build()}
     */
    public static Builder<ConvTranspose2d> builder(int inChannels, int outChannels, int... kernelSize) {
        return new Builder<>(ConvTransposeSpec.builder(2, inChannels, outChannels, kernelSize), ConvTranspose2d::new);
    }
}
