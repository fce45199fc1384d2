package dev.convt.kernel;

import dev.convt.ConvTransposeSpec;
import dev.convt.Problem;

/**
 * Shrinks a problem into a cheap proxy for plan-time warm-up ({@link Kernel#warmUpProblems}): the same
 * kernel, stride, padding, dilation, output_padding, bias and activation, so a plan of the proxy runs the same
 * code paths as the problem's (the same micro-kernel variants, the same kinds of row and channel
 * tails), on a batch of one, at most {@value #MAX_GROUPS} groups, few channels and a small spatial
 * size.
 *
 * <p>Sizes that select code paths keep their residues: a channel count per group above the cap
 * becomes {@code cap + c % }{@value #RESIDUE}, and an input width above {@code 2·}{@value #WIDTH_RESIDUE}
 * becomes {@code }{@value #WIDTH_RESIDUE}{@code  + w % }{@value #WIDTH_RESIDUE}, so vector loops still run
 * whole vectors and the same tail lengths at every vector width up to 64 floats. The other spatial
 * dimensions are cut to {@value #MAX_OUTER} positions (enough for a first, an inner and a last row of
 * taps with the padding cropped at both ends).
 */
public final class WarmUpProblem {
    private WarmUpProblem() {}

    /** Groups kept in a proxy: two, so per-group offsets are exercised. */
    public static final int MAX_GROUPS = 2;

    /** Channel counts keep their residue modulo this (a multiple of every register-tile row count up to 8). */
    public static final int RESIDUE = 8;

    /** The input width keeps its residue modulo this (the most floats in one vector of any width the Vector API offers). */
    public static final int WIDTH_RESIDUE = 64;

    /** Positions kept along the spatial dimensions other than the width. */
    public static final int MAX_OUTER = 4;

    /**
     * A proxy of {@code problem} with at most {@code channelCap} (plus the residue) input and output
     * channels per group, or the problem's own sizes where a shrunk size would give an empty or
     * invalid output.
     *
     * @param problem    the problem a plan is being made for
     * @param channelCap channels per group kept as they are up to this count
     * @return the proxy, a batched problem of batch 1
     */
    public static Problem shrink(Problem problem, int channelCap) {
        return shrink(problem, channelCap, channelCap);
    }

    /**
     * As {@link #shrink(Problem, int)}, with separate caps for input and output channels per group.
     *
     * @param problem the problem a plan is being made for
     * @param inCap   input channels per group kept as they are up to this count
     * @param outCap  output channels per group kept as they are up to this count
     * @return the proxy, a batched problem of batch 1
     */
    public static Problem shrink(Problem problem, int inCap, int outCap) {
        ConvTransposeSpec s = problem.spec();
        return resize(problem, channels(s.inChannelsPerGroup(), inCap), channels(s.outChannelsPerGroup(), outCap));
    }

    /**
     * A proxy of {@code problem} with exactly {@code in} input and {@code out} output channels per group
     * (for kernels whose code paths do not depend on the channel counts), the rest as
     * {@link #shrink(Problem, int)}.
     *
     * @param problem the problem a plan is being made for
     * @param in      input channels per group of the proxy
     * @param out     output channels per group of the proxy
     * @return the proxy, a batched problem of batch 1
     */
    public static Problem resize(Problem problem, int in, int out) {
        ConvTransposeSpec s = problem.spec();
        int groups = Math.min(s.groups(), MAX_GROUPS);
        ConvTransposeSpec proxy = ConvTransposeSpec.builder(s.rank(), in * groups, out * groups, s.kernelSize())
                .stride(s.stride()).pads(s.padBegin(), s.padEnd()).outputPadding(s.outputPadding())
                .dilation(s.dilation()).groups(groups).bias(s.hasBias()).activation(s.activation()).build();
        int[] spatial = problem.inputSpatial();
        int[] small = spatial.clone();
        int last = small.length - 1;
        for (int d = 0; d < last; d++) {
            small[d] = Math.min(small[d], MAX_OUTER);
        }
        if (small[last] > 2 * WIDTH_RESIDUE) {
            small[last] = WIDTH_RESIDUE + small[last] % WIDTH_RESIDUE;
        }
        try {
            return proxy.problem(1, small);
        } catch (IllegalArgumentException tooSmall) {
            // padding larger than the shrunk output: keep the spatial size
            return proxy.problem(1, spatial);
        }
    }

    private static int channels(int c, int cap) {
        return c <= cap ? c : Math.min(c, cap + c % RESIDUE);
    }
}
