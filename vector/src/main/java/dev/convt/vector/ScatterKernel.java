package dev.convt.vector;

import dev.convt.Problem;
import dev.convt.kernel.Kernel;
import dev.convt.kernel.KernelPlan;
import dev.convt.vector.scatter.ScatterPlan;
import dev.convt.vector.scatter.ScatterTuning;

/**
 * Direct scatter on the Vector API: no column buffer; the products of each input element and kernel
 * tap go straight into the output, summed in registers per output tile (see {@link ScatterPlan}).
 * Computes every rank-1 and rank-2 problem (batch, groups, stride, dilation, asymmetric pads,
 * output_padding, bias); declines rank 3.
 *
 * <p><b>Automatic choice</b> (measured on the layer suite, see the README): the planner takes this
 * kernel for grouped layers with at most {@value ScatterTuning#AUTO_MAX_IN_PER_GROUP} input channels
 * per group (depthwise included), for every rank-1 layer (long rows fill the register tiles), and for
 * rank-2 layers in the tap-vector shape (width stride {@link ScatterTuning#TAP_V}, dilation 1,
 * kernel width a multiple of it, as FCN's 16/8 upsampling). Other rank-2 layers, whose short rows
 * leave much work to the scalar edges, go to a GEMM.
 */
public final class ScatterKernel implements Kernel {
    /** The kernel's name: {@value}. */
    public static final String NAME = "scatter";

    /** The kernel; stateless (plans hold the prepacked weights and workspace). */
    public ScatterKernel() {}

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String declineReason(Problem problem) {
        if (problem.rank() > 2) {
            return "the scatter kernel supports spatial rank 1 and 2, not " + problem.rank();
        }
        return null;
    }

    @Override
    public String autoDeclineReason(Problem problem) {
        String why = declineReason(problem);
        if (why != null) {
            return why;
        }
        boolean grouped = problem.spec().groups() > 1
                && problem.spec().inChannelsPerGroup() <= ScatterTuning.AUTO_MAX_IN_PER_GROUP;
        if (grouped || problem.rank() == 1 || ScatterPlan.tapVectorApplies(problem)) {
            return null;
        }
        return "a GEMM is expected to be faster on a rank-2 problem that is neither grouped with Cin/groups <= "
                + ScatterTuning.AUTO_MAX_IN_PER_GROUP + " nor of width stride " + ScatterTuning.TAP_V
                + " with dilation 1 and kernel width a multiple of " + ScatterTuning.TAP_V;
    }

    @Override
    public KernelPlan prepare(Problem problem, float[] weight, int weightOffset, float[] bias, int biasOffset) {
        return new ScatterPlan(problem, weight, weightOffset, bias, biasOffset);
    }
}
