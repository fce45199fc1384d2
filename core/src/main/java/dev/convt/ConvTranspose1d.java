package dev.convt;

/**
 * PyTorch's {@code torch.nn.ConvTranspose1d}: input {@code (N, Cin, L)} or
 * {@code (Cin, L)}, weight {@code (Cin, Cout/groups, *kernel)}, bias {@code (Cout)}.
 * See {@link ConvTransposeNd} for initialisation and planning, {@link ConvTransposeSpec} for the
 * output size and the rules.
 *
 * <pre>{@code
 * var layer = ConvTranspose1d.builder(16, 8, 3).stride(2).padding(1).outputPadding(1).seed(42).build();
 * Tensor y = layer.forward(x);
 * }</pre>
 */
public final class ConvTranspose1d extends ConvTransposeNd {
    /**
     * {@code ConvTranspose1d(inChannels, outChannels, kernelSize)} with PyTorch's defaults (stride 1,
     * padding 0, output_padding 0, groups 1, bias true, dilation 1, padding_mode "zeros") and
     * {@link #DEFAULT_SEED}.
     *
     * @throws IllegalArgumentException if a parameter breaks a rule of {@link ConvTransposeSpec}
     */
    public ConvTranspose1d(int inChannels, int outChannels, int kernelSize) {
        this(ConvTransposeSpec.builder(1, inChannels, outChannels, kernelSize).build(), DEFAULT_SEED);
    }

    /**
     * PyTorch's full parameter list in its order (int forms; use {@link #builder} for per-dimension tuples),
     * plus the initialisation seed.
     *
     * @throws IllegalArgumentException if a parameter breaks a rule of {@link ConvTransposeSpec}, or
     *                                  {@code paddingMode} is not {@code "zeros"}
     */
    public ConvTranspose1d(int inChannels, int outChannels, int kernelSize, int stride, int padding,
                           int outputPadding, int groups, boolean bias, int dilation, String paddingMode, long seed) {
        this(ConvTransposeSpec.builder(1, inChannels, outChannels, kernelSize).stride(stride).padding(padding)
                .outputPadding(outputPadding).groups(groups).bias(bias).dilation(dilation).paddingMode(paddingMode)
                .build(), seed);
    }

    /**
     * A layer for a spec of spatial rank 1, initialised from {@code seed}.
     *
     * @throws IllegalArgumentException if the spec's rank is not 1
     */
    public ConvTranspose1d(ConvTransposeSpec spec, long seed) {
        super(spec, 1, seed);
    }

    /** Starts a layer with PyTorch's defaults; set keyword parameters, then {@code build()}. */
    public static Builder<ConvTranspose1d> builder(int inChannels, int outChannels, int kernelSize) {
        return new Builder<>(ConvTransposeSpec.builder(1, inChannels, outChannels, kernelSize), ConvTranspose1d::new);
    }
}
