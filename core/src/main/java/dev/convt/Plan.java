package dev.convt;

import dev.convt.kernel.KernelPlan;

/**
 * A prepared transposed convolution: one {@link Problem}, one chosen kernel, weights prepacked
 * (the plan keeps its own copy; later changes to the caller's weight array do not affect it).
 * Made by {@link Planner}.
 *
 * <p>{@link #execute} checks the buffers, then writes only the output region
 * {@code y[yOffset .. yOffset + problem().outputLength())}; on a bad buffer it throws before
 * writing anything. Once warm on a thread (its workspace made on the first call, the Vector API code
 * compiled by C2 after a few calls; before that the Vector API's interpreted code allocates) it
 * allocates nothing on the heap. Distinct
 * threads may execute one plan at once on distinct outputs (workspace is per thread).
 */
public final class Plan {
    private final Problem problem;
    private final String kernelName;
    private final KernelPlan kernelPlan;

    Plan(Problem problem, String kernelName, KernelPlan kernelPlan) {
        this.problem = problem;
        this.kernelName = kernelName;
        this.kernelPlan = kernelPlan;
    }

    public Problem problem() { return problem; }

    /** The name of the kernel that computes this plan ({@code "im2col"}, {@code "scatter"}, {@code "reference"}, ...). */
    public String kernelName() { return kernelName; }

    /** Workspace bytes per executing thread. */
    public long workspaceBytes() { return kernelPlan.workspaceBytes(); }

    /** Bytes of prepacked weights. */
    public long packedWeightBytes() { return kernelPlan.packedWeightBytes(); }

    /**
     * Computes {@code y = convT(x)} (plus bias) for the whole batch.
     *
     * @param x input {@code (N, Cin, *in)} row-major from {@code xOffset}
     * @param y output {@code (N, Cout, *out)} row-major from {@code yOffset}; overwritten
     * @throws NullPointerException     if a buffer is null
     * @throws IllegalArgumentException if an offset is negative, a buffer is too small, or {@code x} and
     *                                  {@code y} are the same array with overlapping ranges (nothing is written)
     */
    public void execute(float[] x, int xOffset, float[] y, int yOffset) {
        problem.checkExecution(x, xOffset, y, yOffset);
        if (!problem.isEmpty()) {
            kernelPlan.execute(x, xOffset, y, yOffset);
        }
    }

    /**
     * {@link #execute} into a new output array.
     *
     * @throws NullPointerException     if {@code x} is null
     * @throws IllegalArgumentException if {@code x} is shorter than the problem's input
     */
    public float[] execute(float[] x) {
        problem.checkInput(x, 0);
        float[] y = new float[problem.outputLength()];
        if (!problem.isEmpty()) {
            kernelPlan.execute(x, 0, y, 0);
        }
        return y;
    }

    /**
     * Computes the output tensor for an input tensor of exactly the problem's input shape.
     *
     * @throws IllegalArgumentException if the tensor's shape is not {@link Problem#inputShape()}
     */
    public Tensor forward(Tensor x) {
        if (!java.util.Arrays.equals(x.shape(), problem.inputShape())) {
            throw new IllegalArgumentException("this plan was made for input shape "
                    + java.util.Arrays.toString(problem.inputShape()) + ", but got " + java.util.Arrays.toString(x.shape()));
        }
        return new Tensor(problem.outputShape(), execute(x.data()));
    }

    @Override
    public String toString() {
        return "Plan[" + kernelName + ": " + problem + "]";
    }
}
