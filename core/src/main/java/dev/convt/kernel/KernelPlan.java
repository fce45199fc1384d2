package dev.convt.kernel;

/**
 * A kernel's prepared computation for one problem. Callers use {@link dev.convt.Plan}, which checks
 * buffers before delegating here (sizes, offsets, and that input and output do not overlap) and
 * never calls it for an empty batch; implementations may assume valid, large-enough, disjoint buffers.
 */
public interface KernelPlan {
    /**
     * Computes {@code y = convT(x)} for the whole batch, overwriting the output region (and nothing else).
     * Must allocate nothing on the Java heap once warm: after the calling thread's first call (which may
     * make its workspace) and the JIT's compilation of the kernel.
     */
    void execute(float[] x, int xOffset, float[] y, int yOffset);

    /** Bytes of workspace the plan keeps per executing thread (not counting prepacked weights). */
    default long workspaceBytes() { return 0; }

    /** Bytes of prepacked weights the plan holds. */
    default long packedWeightBytes() { return 0; }
}
