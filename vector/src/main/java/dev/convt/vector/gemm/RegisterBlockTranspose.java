package dev.convt.vector.gemm;

import dev.convt.kernel.BlockTranspose;

/**
 * The vector kernels' {@link BlockTranspose} for the layout stage around their plans
 * ({@link dev.convt.kernel.Kernel#layoutTranspose}): blocks of {@link Blocking#LANES} ×
 * {@link Blocking#LANES} floats through the register transpose of {@link TransposeMicroKernels}.
 */
public final class RegisterBlockTranspose implements BlockTranspose {
    /** The one instance (stateless), or null where this JVM's width has no register transpose ({@link TransposeMicroKernels#AVAILABLE}). */
    public static final RegisterBlockTranspose INSTANCE = TransposeMicroKernels.AVAILABLE ? new RegisterBlockTranspose() : null;

    private RegisterBlockTranspose() {}

    @Override
    public int size() {
        return Blocking.LANES;
    }

    @Override
    public void transpose(float[] src, int s, int ss, float[] dst, int d, int ds) {
        TransposeMicroKernels.transpose(src, s, ss, dst, d, ds);
    }
}
