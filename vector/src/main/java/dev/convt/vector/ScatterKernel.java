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
 * <p><b>Automatic choice.</b> The planner takes this kernel when a GEMM formulation would have a
 * tiny dimension: grouped layers with at most {@value ScatterTuning#AUTO_MAX_IN_PER_GROUP} input
 * channels per group (depthwise included), or at most {@value ScatterTuning#AUTO_MAX_OUT_PER_GROUP}
 * output channels per group.
 */
public final class ScatterKernel implements Kernel {
    /** The kernel's name: {@value}. */
    public static final String NAME = "scatter";

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
        int ciPerG = problem.spec().inChannelsPerGroup();
        int coPerG = problem.spec().outChannelsPerGroup();
        boolean grouped = problem.spec().groups() > 1 && ciPerG <= ScatterTuning.AUTO_MAX_IN_PER_GROUP;
        if (grouped || coPerG <= ScatterTuning.AUTO_MAX_OUT_PER_GROUP) {
            return null;
        }
        return "a GEMM is expected to be faster: Cout/groups = " + coPerG + " > " + ScatterTuning.AUTO_MAX_OUT_PER_GROUP
                + " and not grouped with Cin/groups ≤ " + ScatterTuning.AUTO_MAX_IN_PER_GROUP;
    }

    @Override
    public KernelPlan prepare(Problem problem, float[] weight, int weightOffset, float[] bias, int biasOffset) {
        return new ScatterPlan(problem, weight, weightOffset, bias, biasOffset);
    }
}
