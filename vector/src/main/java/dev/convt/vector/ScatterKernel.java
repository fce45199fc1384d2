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
 * <p><b>Automatic choice</b> (measured on the layer suite with {@code bench/convt suite}, see the
 * README): the planner takes this kernel for grouped layers with at most
 * {@value ScatterTuning#AUTO_MAX_IN_PER_GROUP} input channels per group (depthwise included:
 * dilated_1d 0.62 ms against im2col's 0.83; fcn8s_up_dw 2.3 against 3.6 at 512 bits in phase mode,
 * 0.5 in the tap-vector mode at 256 bits), and for layers with
 * fewer than {@value Im2colKernel#AUTO_MIN_CHANNELS_PER_GROUP} input channels per group, which the
 * GEMM declines. Everything else goes to the im2col GEMM, which was faster on every other suite layer
 * (including the long rank-1 layers and FCN's 16/8 upsampling, where this kernel's tap-vector mode
 * came second).
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
        int perGroup = problem.spec().inChannelsPerGroup();
        boolean grouped = problem.spec().groups() > 1 && perGroup <= ScatterTuning.AUTO_MAX_IN_PER_GROUP;
        if (grouped || perGroup < Im2colKernel.AUTO_MIN_CHANNELS_PER_GROUP) {
            return null;
        }
        return "the im2col GEMM is expected to be faster: the problem is not grouped with Cin/groups <= "
                + ScatterTuning.AUTO_MAX_IN_PER_GROUP + " and has Cin/groups >= " + Im2colKernel.AUTO_MIN_CHANNELS_PER_GROUP;
    }

    @Override
    public KernelPlan prepare(Problem problem, float[] weight, int weightOffset, float[] bias, int biasOffset) {
        return new ScatterPlan(problem, weight, weightOffset, bias, biasOffset);
    }
}
