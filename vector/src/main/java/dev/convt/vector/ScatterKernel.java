package dev.convt.vector;

import dev.convt.ConvTransposeSpec;
import dev.convt.Problem;
import dev.convt.kernel.Kernel;
import dev.convt.kernel.KernelPack;
import dev.convt.kernel.KernelPlan;
import dev.convt.kernel.WarmUpProblem;
import dev.convt.kernel.BlockTranspose;
import dev.convt.vector.scatter.ScatterPlan;
import dev.convt.vector.scatter.ScatterTuning;
import dev.convt.vector.scatter.ScatterWeights;

import java.util.List;

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
 * GEMM declines, and for rank-1 layers of kernel 4 and stride 2 with at least
 * {@value ScatterTuning#CO_BLOCK} output and at most {@value ScatterTuning#AUTO_MAX_IN_PAIRED} input
 * channels per group ({@link ScatterPlan#pairsDensely}, HiFi-GAN's last upsampling among them):
 * its paired tiles skip the GEMM's column buffer and overlap-add; from 256 input channels per group
 * the GEMM's deep K blocks measured faster). Everything else goes to the im2col GEMM, which was faster on every other
 * suite layer (including the long rank-1 layers of larger strides and FCN's 16/8 upsampling, where
 * this kernel's tap-vector mode came second).
 */
public final class ScatterKernel implements Kernel {
    /** The kernel's name: {@value}. */
    public static final String NAME = "scatter";

    /** The kernel; stateless (plans hold the prepacked weights and workspace). */
    public ScatterKernel() {}

    /** The register transpose ({@link dev.convt.vector.gemm.RegisterBlockTranspose}; null where the width has none) for the layout stage around this kernel's plans. */
    @Override
    public BlockTranspose layoutTranspose() {
        return dev.convt.vector.gemm.RegisterBlockTranspose.INSTANCE;
    }

    @Override
    public String name() {
        return NAME;
    }

    /**
     * Room kept below {@code Integer.MAX_VALUE} past the padded output frame of each dimension: the
     * phase arithmetic steps a register tile (at most 8 vectors of 16 lanes) and a stride beyond the
     * last output it computes.
     */
    static final long INT_HEADROOM = 1 << 16;

    /** Planning steps allowed per element of output and weight (see {@link #declineReason}). */
    static final long WORK_PER_ELEMENT = 64;

    /** Planning steps always allowed, so tiny problems with a stride wider than their output still run here. */
    static final long WORK_ALLOWANCE = 1 << 16;

    /**
     * Declines, with the reason: rank 3; a problem whose phase arithmetic (in {@code int}, per
     * dimension: output position + pad begin + pad end + stride, plus {@link #INT_HEADROOM}) could leave
     * the {@code int} range; a problem whose packed weights (in the tap-vector mode, several copies of
     * each tap) would not fit a Java array; and a problem whose plan would be disproportionate to its data. The
     * plan's phase table and per-row phase loop grow with the width stride, its row table with
     * {@code out_h · kernel_h}, so the kernel takes a problem only while
     * {@code stride_w·kernel_w + out_h·kernel_h + out_h·stride_w ≤ 64·(output + weight elements) + 65 536}:
     * planning time and memory then stay proportional to the data, never to a stride, dilation or
     * pad alone. Declined problems go to the next kernel (the reference takes every one).
     */
    @Override
    public String declineReason(Problem problem) {
        String why = rankReason(problem);
        if (why != null) {
            return why;
        }
        why = intRangeReason(problem);
        if (why == null) {
            why = packedSizeReason(problem);
        }
        return why != null ? why : planWorkReason(problem);
    }

    private static String rankReason(Problem p) {
        return p.rank() > 2 ? "the scatter kernel supports spatial rank 1 and 2, not " + p.rank() : null;
    }

    /** The packed weights hold TAP_V / stride copies of each tap in the tap-vector mode: they must fit a Java array. */
    private static String packedSizeReason(Problem p) {
        long copies = ScatterPlan.tapVectorApplies(p) ? ScatterTuning.TAP_V / p.spec().stride(p.rank() - 1) : 1;
        long floats = copies * p.weightLength();
        if (floats > Integer.MAX_VALUE - 16) {
            return "its packed weights (" + copies + " x " + p.weightLength() + " = " + floats
                    + " floats) would not fit a Java array (limit " + (Integer.MAX_VALUE - 16) + ")";
        }
        return null;
    }

    private static String intRangeReason(Problem p) {
        int rank = p.rank();
        int[] outSize = p.outputSpatial();
        for (int d = 0; d < rank; d++) {
            var s = p.spec();
            long frame = (long) outSize[d] + s.padBegin(d) + s.padEnd(d) + s.stride(d);
            if (frame + INT_HEADROOM > Integer.MAX_VALUE) {
                return "its phase arithmetic would leave the int range: in dimension " + d + " output size "
                        + outSize[d] + " + pad_begin " + s.padBegin(d) + " + pad_end " + s.padEnd(d)
                        + " + stride " + s.stride(d) + " = " + frame + ", above the limit " + (Integer.MAX_VALUE - INT_HEADROOM);
            }
        }
        return null;
    }

    private static String planWorkReason(Problem p) {
        int[] out = p.out3(), k = p.kernel3(), st = p.stride3();
        long limit = WORK_PER_ELEMENT * ((long) p.outputLength() + p.weightLength()) + WORK_ALLOWANCE;
        long phases = (long) st[2] * k[2];
        long rows = (long) out[1] * k[1];
        long rowPhases = (long) out[1] * st[2];
        // each term is below 2^62, so the sum is compared only once every term is below the limit
        if (phases > limit || rows > limit || rowPhases > limit || phases + rows + rowPhases > limit) {
            return "its plan would be disproportionate to the data: stride_w*kernel_w + out_h*kernel_h + out_h*stride_w = "
                    + st[2] + "*" + k[2] + " + " + out[1] + "*" + k[1] + " + " + out[1] + "*" + st[2]
                    + " steps, more than " + WORK_PER_ELEMENT + "*(output + weight elements) + " + WORK_ALLOWANCE + " = " + limit;
        }
        return null;
    }

    @Override
    public String autoDeclineReason(Problem problem) {
        String why = declineReason(problem);
        return why != null ? why : preferenceReason(problem);
    }

    /** The rank and the automatic choice's preference: both the spec's alone, whatever the batch. */
    @Override
    public String shapeDeclineReason(Problem problem) {
        String why = rankReason(problem);
        return why != null ? why : preferenceReason(problem);
    }

    /** Why the automatic choice prefers another kernel for a problem this kernel computes, or null (the spec's alone). */
    private static String preferenceReason(Problem problem) {
        int perGroup = problem.spec().inChannelsPerGroup();
        boolean grouped = problem.spec().groups() > 1 && perGroup <= ScatterTuning.AUTO_MAX_IN_PER_GROUP;
        boolean paired = ScatterPlan.pairsDensely(problem) && perGroup <= ScatterTuning.AUTO_MAX_IN_PAIRED;
        if (grouped || paired || perGroup < Im2colKernel.AUTO_MIN_CHANNELS_PER_GROUP) {
            return null;
        }
        return "the im2col GEMM is expected to be faster: the problem is not grouped with Cin/groups <= "
                + ScatterTuning.AUTO_MAX_IN_PER_GROUP + ", not 1-D of kernel 4 and stride 2 with Cout/groups >= "
                + ScatterTuning.CO_BLOCK + " and Cin/groups <= " + ScatterTuning.AUTO_MAX_IN_PAIRED
                + ", and has Cin/groups >= " + Im2colKernel.AUTO_MIN_CHANNELS_PER_GROUP;
    }

    /**
     * Images in a scatter proxy: two, so that both ways of each test of a tile's reads against the
     * ends of the input array are in the profiles (a tile at the right edge of the first image reads
     * on into the second; one at the left edge of the second reads back into the first). A layer
     * whose input channels span several channel blocks takes both ways too (its first blocks' edge
     * tiles lie inside the array, the last block's do not), while a proxy of one image and one block
     * took only the array-end way; C2 compiled the other as a trap, and the layer's first execute
     * threw the compiled tile away and ran on in the interpreter (HiFi-GAN's last upsampling, in a
     * third of fresh JVMs).
     */
    static final int PROXY_IMAGES = 2;

    /**
     * The default proxy ({@link WarmUpProblem#shrink}: {@value #WARM_UP_CHANNELS} channels per group,
     * a width of {@link WarmUpProblem#WIDTH_RESIDUE} plus the width's residue), one
     * {@link WarmUpProblem#WIDTH_RESIDUE} wider where the problem is: a shrunk row's interior (its
     * width less the edges) falls short of the phase mode's widest tile ({@link ScatterTuning#TILE_WIDE_CO}
     * vectors), so the full tile of a wide row (the dilated 1-D layer's) went unwarmed, and C2
     * compiled it as a trap that the layer's first execute sprang. Of {@value #PROXY_IMAGES} images
     * (see there).
     */
    @Override
    public List<Problem> warmUpProblems(Problem problem) {
        // a problem of several channel passes gets a proxy of two: the later passes' paths (adding to
        // the partial sums stored) are then in the profiles, not left as traps for the first execute
        int pass = ScatterPlan.channelsPerPass(problem);
        int inCap = problem.spec().inChannelsPerGroup() > pass ? pass + WARM_UP_CHANNELS : WARM_UP_CHANNELS;
        Problem proxy = WarmUpProblem.shrink(problem, inCap, WARM_UP_CHANNELS);
        int[] spatial = proxy.inputSpatial();
        int last = spatial.length - 1;
        int wider = spatial[last] + WarmUpProblem.WIDTH_RESIDUE;
        if (wider <= problem.inputSpatial()[last]) {
            spatial[last] = wider;
        }
        return List.of(proxy.spec().problem(PROXY_IMAGES, spatial));
    }

    /**
     * The other width mode's proxy, for warm-up's profile census: both modes run through one row loop
     * ({@code ScatterPlan.rows}), whose branch on the mode C2 compiled as a trap while only one mode
     * had run, so the first plan of the other mode threw the compiled loop away (a deoptimization log
     * of the 17 workload layers: {@code rows} bci 304, in the dilated 1-D layer's plan). The row
     * loop also branches to the rank-1 paired rows ({@code pairedBlocks}): a problem that does not
     * take them gets a paired proxy too, and a paired problem's own proxy takes them while its
     * census proxy does not, so both ways are profiled whichever family comes first.
     */
    @Override
    public List<Problem> profileProblems(Problem problem) {
        Problem otherMode = ScatterPlan.tapVectorApplies(problem) ? PHASE_MODE_PROXY : TAP_VECTOR_MODE_PROXY;
        return ScatterPlan.pairsDensely(problem) ? List.of(otherMode) : List.of(otherMode, PAIRED_PROXY);
    }

    /** A census proxy of the rank-1 paired rows: kernel 4, stride 2, padding 1, 8 channels (HiFi-GAN's last upsampling's family). */
    private static final Problem PAIRED_PROXY = ConvTransposeSpec.builder1d(8, 8, 4).stride(2).padding(1).build()
            .problem(1, new int[] {2 * WarmUpProblem.WIDTH_RESIDUE});

    /** A phase-mode census proxy: 1-D, stride 1, dilation 2, two groups of 8 channels (the dilated 1-D layer's family). */
    private static final Problem PHASE_MODE_PROXY = ConvTransposeSpec.builder1d(16, 16, 3).padding(2).dilation(2).groups(2).build()
            .problem(1, new int[] {2 * WarmUpProblem.WIDTH_RESIDUE});

    /**
     * A tap-vector census proxy: 2-D, two groups of one channel, kernel 2V at stride V/2 (a bilinear
     * upsampling's family), or at stride V at 128 bits, where V/2 is 2, a stride the phase mode's
     * paired tiles take.
     */
    private static final Problem TAP_VECTOR_MODE_PROXY = ConvTransposeSpec.builder2d(2, 2, 2 * ScatterTuning.TAP_V)
            .stride(ScatterTuning.TAP_V / 2 > 2 ? ScatterTuning.TAP_V / 2 : ScatterTuning.TAP_V).padding(ScatterTuning.TAP_V / 4)
            .groups(2).bias(false).build()
            .problem(1, new int[] {4, 2 * ScatterTuning.TAP_V});

    /** Yes: each output row of a channel block gets the activation as soon as it is summed. */
    @Override
    public boolean fusesActivation() {
        return true;
    }

    @Override
    public KernelPlan prepare(Problem problem, float[] weight, int weightOffset, float[] bias, int biasOffset) {
        return plan(problem, pack(problem, weight, weightOffset, bias, biasOffset));
    }

    /** The width mode's weight order, {@code "tap-vector"} or {@code "phase"}: a function of the spec alone. */
    @Override
    public String packLayout(Problem problem) {
        return ScatterPlan.tapVectorApplies(problem) ? "tap-vector" : "phase";
    }

    /** The weights in the width mode's order per channel block, and the bias ({@link ScatterWeights}). */
    @Override
    public KernelPack pack(Problem problem, float[] weight, int weightOffset, float[] bias, int biasOffset) {
        return new ScatterWeights(problem, weight, weightOffset, bias, biasOffset);
    }

    /** The per-shape plan over the pack: its geometry's plan ({@link #geometry}). */
    @Override
    public KernelPlan plan(Problem problem, KernelPack pack) {
        return geometry(problem, pack).plan(problem);
    }

    /** The input shape's phase and output-row tables over the pack; each batch's plan adds its workspace size. */
    @Override
    public ScatterPlan.Geometry geometry(Problem problem, KernelPack pack) {
        return new ScatterPlan.Geometry(problem, (ScatterWeights) pack);
    }
}
