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
 * threads may execute one plan at once on distinct outputs (workspace is per thread). The input
 * and the output must not overlap (the same array is allowed with disjoint ranges); an overlap is
 * rejected before anything is written. An empty batch (N = 0) computes nothing and writes nothing.
 *
 * <h2>Numerics: what every kernel promises against the reference</h2>
 * The {@link dev.convt.kernel.ReferenceKernel reference} defines the result: each output starts at its
 * bias (+0 without bias) and adds each product {@code x·w}, rounded to float32, with a float32
 * addition, in its documented order. The fast kernels sum the same products in other orders, with
 * fused multiply-adds (one rounding per product and addition). So:
 * <ol>
 * <li><b>Exact data</b>: where every product and every partial sum is exactly representable in float32
 *     (for example small integers, including ±0, with sums below 2<sup>24</sup>), every kernel returns
 *     the reference's result <em>bitwise</em>, including the sign of zero (a result is −0 exactly when
 *     the bias and every product landing on it are −0).</li>
 * <li><b>Finite data</b> whose products and sums stay in the normal float32 range: within DESIGN.md's
 *     bound {@code |y − y64| ≤ 2·n·u·Σ|x·w| + |bias|·u} of the float64 result ({@code n} products,
 *     {@code u = 2^-24}); the bits may differ from the reference's.</li>
 * <li><b>NaN and infinities in the data</b>: an output is NaN in a fast kernel exactly where it is
 *     NaN in the reference, and ±Inf where the reference has the same infinity, as long as no finite
 *     product or sum overflows (item 4).</li>
 * <li><b>Overflow</b>: where a product or partial sum of finite data passes {@code Float.MAX_VALUE}
 *     the kernels may disagree. The reference rounds each product before adding, so
 *     {@code 0 + (−MAX) + round(2·MAX) = +Inf}; a fused multiply-add keeps the exact product,
 *     {@code fma(2, MAX, −MAX) = MAX}, finite. Either may be ±Inf, NaN or finite where the other is not.</li>
 * <li><b>Underflow</b>: where a product is subnormal or rounds to zero, the absolute error may exceed
 *     the bound by about {@code n·2^-149}, and the sign of a zero result may differ: the reference
 *     gives {@code +0 + round(−tiny) = +0 + −0 = +0}, a fused multiply-add from +0 gives
 *     {@code round(+0 − tiny) = −0}.</li>
 * </ol>
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
