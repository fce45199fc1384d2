package dev.convt.testkit;

import dev.convt.ConvTransposeSpec;
import dev.convt.Plan;
import dev.convt.Planner;
import dev.convt.Problem;
import dev.convt.kernel.Kernel;
import dev.convt.kernel.KernelChoice;
import dev.convt.kernel.KernelPlan;

import java.util.Objects;

/**
 * A transposed-convolution implementation under test: anything that maps a {@link Problem} and its
 * data to an output. {@link Agreement} judges one against convt's scalar reference.
 *
 * <p>Adapters: {@link #of(Kernel)} (a convt kernel), {@link #of(KernelChoice)} (through the planner),
 * {@link #ofPlans(String, PlanMaker)} (anything that makes a {@link Plan}), {@link #ofArrays(String, ArrayConvolution)}
 * (a plain function over arrays and PyTorch's parameters, for engines that know nothing of convt),
 * or a lambda over the problem.
 */
@FunctionalInterface
public interface Engine {
    /**
     * Computes the output.
     *
     * @param problem the spec and input shape (with {@link Problem#toString()} naming both)
     * @param x       the input, {@link Problem#inputLength()} values, row-major (N, C, *spatial)
     * @param weight  the weight, (C_in, C_out/groups, *kernel) as PyTorch's
     * @param bias    C_out values, or null when the spec has no bias
     * @return the output, {@link Problem#outputLength()} values, row-major (N, C_out, *spatial)
     */
    float[] compute(Problem problem, float[] x, float[] weight, float[] bias);

    /**
     * The name used in failure reports.
     *
     * @return "engine" unless given by {@link #named(String, Engine)} or an adapter
     */
    default String name() {
        return "engine";
    }

    /**
     * An engine with a name for reports.
     *
     * @param name   the name
     * @param engine the implementation
     * @return the named engine
     */
    static Engine named(String name, Engine engine) {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(engine, "engine");
        return new Engine() {
            @Override
            public float[] compute(Problem problem, float[] x, float[] weight, float[] bias) {
                return engine.compute(problem, x, weight, bias);
            }

            @Override
            public String name() {
                return name;
            }
        };
    }

    /**
     * A convt kernel, planned directly (its prepare and execute, no planner around it).
     *
     * @param kernel the kernel
     * @return the engine; it throws {@link UnsupportedOperationException} with the kernel's reason on a problem the kernel declines
     */
    static Engine of(Kernel kernel) {
        return named(kernel.name(), (p, x, w, b) -> {
            String why = kernel.declineReason(p);
            if (why != null) {
                throw new UnsupportedOperationException(kernel.name() + " declines: " + why);
            }
            KernelPlan plan = kernel.prepare(p, w, 0, b, 0);
            float[] y = new float[p.outputLength()];
            plan.execute(x, 0, y, 0);
            return y;
        });
    }

    /**
     * A kernel chosen through {@link Planner} (with its buffer checks).
     *
     * @param choice the kernel, or {@link KernelChoice#AUTO}
     * @return the engine
     */
    static Engine of(KernelChoice choice) {
        return ofPlans(choice.kernelName(), (p, w, b) -> Planner.plan(p, w, 0, b, 0, choice));
    }

    /** Makes a plan for a problem and its weights. */
    @FunctionalInterface
    interface PlanMaker {
        /**
         * Makes the plan.
         *
         * @param problem the problem
         * @param weight  the weight
         * @param bias    the bias, or null
         * @return a plan for exactly this problem
         */
        Plan plan(Problem problem, float[] weight, float[] bias);
    }

    /**
     * Anything that makes a {@link Plan}; the plan's {@link Plan#execute(float[])} computes.
     *
     * @param name  the name for reports
     * @param maker makes the plan
     * @return the engine
     */
    static Engine ofPlans(String name, PlanMaker maker) {
        return named(name, (p, x, w, b) -> maker.plan(p, w, b).execute(x));
    }

    /** A transposed convolution as a plain function over arrays and PyTorch's parameters. */
    @FunctionalInterface
    interface ArrayConvolution {
        /**
         * Computes the output.
         *
         * @param x             the input, row-major
         * @param xShape        (N, C_in, *spatial), or (C_in, *spatial) for an unbatched problem
         * @param weight        the weight, row-major
         * @param weightShape   (C_in, C_out/groups, *kernel)
         * @param bias          C_out values or null
         * @param stride        per spatial dimension
         * @param padBegin      padding at the beginning of each spatial dimension (PyTorch's padding, ONNX's pads[0:r])
         * @param padEnd        padding at the end of each spatial dimension (ONNX's pads[r:2r]; PyTorch: equal to padBegin)
         * @param outputPadding per spatial dimension
         * @param dilation      per spatial dimension
         * @param groups        the number of groups
         * @return the output, row-major (N, C_out, *spatial)
         */
        float[] apply(float[] x, int[] xShape, float[] weight, int[] weightShape, float[] bias, int[] stride,
                      int[] padBegin, int[] padEnd, int[] outputPadding, int[] dilation, int groups);
    }

    /**
     * A plain function over arrays (for engines that know nothing of convt's types).
     *
     * @param name the name for reports
     * @param f    the function
     * @return the engine
     */
    static Engine ofArrays(String name, ArrayConvolution f) {
        return named(name, (p, x, w, b) -> {
            ConvTransposeSpec s = p.spec();
            return f.apply(x, p.inputShape(), w, s.weightShape(), b, s.stride(), s.padBegin(), s.padEnd(),
                    s.outputPadding(), s.dilation(), s.groups());
        });
    }
}
