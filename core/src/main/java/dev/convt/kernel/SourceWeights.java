package dev.convt.kernel;

/**
 * The weights and bias as the caller gave them, in PyTorch's {@code (Cin, Cout/groups, *kernel)}
 * layout: the {@link KernelPack} of a kernel that packs nothing ({@link Kernel#packLayout} null).
 * {@link dev.convt.PackedWeights} makes one over its own private copy of the caller's arrays, never
 * written afterwards, so a kernel's {@link Kernel#plan} may read these arrays without copying them,
 * and must not write them.
 */
public final class SourceWeights implements KernelPack {
    private final float[] weight;
    private final float[] bias;

    /**
     * Wraps arrays that nobody writes any more (they are not copied).
     *
     * @param weight the weights, {@code (Cin, Cout/groups, *kernel)} row-major from index 0
     * @param bias   Cout values from index 0, or null when the spec has no bias
     */
    public SourceWeights(float[] weight, float[] bias) {
        this.weight = java.util.Objects.requireNonNull(weight, "weight");
        this.bias = bias;
    }

    /** {@return the weights, {@code (Cin, Cout/groups, *kernel)} row-major from index 0; read only} */
    public float[] weight() { return weight; }

    /** {@return the bias, Cout values from index 0, or null when the spec has no bias; read only} */
    public float[] bias() { return bias; }

    /** {@return the bytes of the weight and bias arrays} */
    @Override
    public long packedWeightBytes() {
        return 4L * weight.length + 4L * (bias == null ? 0 : bias.length);
    }
}
