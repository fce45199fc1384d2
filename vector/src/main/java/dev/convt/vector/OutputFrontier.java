package dev.convt.vector;

import dev.convt.Activation;
import dev.convt.Problem;
import dev.convt.vector.gemm.TransposeMicroKernels;

import java.lang.foreign.MemorySegment;

/**
 * Where the im2col kernel's output is final as its input columns are consumed, so the activation
 * ({@link Epilogue}) runs on each output region right after col2im finished it, while it is still in
 * cache, instead of in a pass of its own over the whole output.
 *
 * <p>Positions are flattened as {@code image · outPlane + position in the plane}. Input columns are
 * consumed in order (image, then plane position in row-major order); along the outermost spatial
 * axis with more than one input position, output slice {@code o} receives products only from input
 * slices {@code i ≤ ⌊(o + pad)/stride⌋}, so once the first {@code s} input slices of an image are
 * consumed, its output slices {@code o < s·stride − pad} are final; once all of an image's columns
 * are, the whole image is. Finishing each output element exactly once (the frontier only moves
 * forward) keeps the result independent of how a computation is cut into tasks.
 *
 * <p>For a channels-last output the same regions, once final, are moved from the channels-first
 * accumulator col2im wrote into the caller's output ({@link #finish}), in cache like the activation.
 */
final class OutputFrontier {
    private final Activation act;
    private final int inPlane, outPlane, cout;
    /** The axis: input positions per slice, output positions per slice, input slices, output slices, stride, pad begin. */
    private final int unit, outUnit, slices, outSlices, stride, pad;
    /** Whether the output is channels last: final regions are moved out of the channels-first accumulator. */
    private final boolean channelsLast;
    /** The gather of one position's channels from a channels-first accumulator: lane i at {@code i · outPlane}. */
    private final int[] channelGather;

    OutputFrontier(Problem p) {
        act = p.spec().activation();
        // one channel or one position: both layouts are the same memory, and col2im writes y directly
        channelsLast = p.layout() == dev.convt.Layout.CHANNELS_LAST
                && !dev.convt.Layout.storedAlike(p.spec().outChannels(), p.outputPlane());
        channelGather = new int[VectorConfig.SPECIES.length()];
        for (int i = 0; i < channelGather.length; i++) {
            channelGather[i] = i * p.outputPlane();
        }
        inPlane = p.inputPlane();
        outPlane = p.outputPlane();
        cout = p.spec().outChannels();
        int[] in = p.in3(), out = p.out3();
        int a = 0;
        while (a < 2 && in[a] == 1) {
            a++;
        }
        unit = Im2colSplit.inner(in, a);
        outUnit = Im2colSplit.inner(out, a);
        slices = in[a];
        outSlices = out[a];
        stride = p.stride3()[a];
        pad = p.padBegin3()[a];
    }

    /** Whether there is an activation to apply. */
    boolean active() {
        return !act.isNone();
    }

    /** {@return whether final regions are moved to a channels-last output} */
    boolean channelsLast() {
        return channelsLast;
    }

    /**
     * The flattened position below which outputs are final once the input columns before {@code jEnd}
     * (over the batch) are consumed, for a piece whose columns of an image end at plane position
     * {@code qB} and whose outputs end at {@code pB}.
     */
    int finalBefore(int jEnd, int qB, int pB) {
        int n = (jEnd - 1) / inPlane;
        int q = jEnd - n * inPlane;
        if (q >= qB) {
            return n * outPlane + pB;
        }
        long s = q / unit;
        long o = s >= slices ? outSlices : Math.clamp(s * stride - pad, 0, outSlices);
        return n * outPlane + (int) o * outUnit;
    }

    private static final jdk.incubator.vector.VectorSpecies<Float> S = VectorConfig.SPECIES;
    private static final int L = S.length();

    // BEGIN template for gen_segments.py
    /**
     * Finishes the outputs in flattened positions {@code [done, upTo)} that lie in plane positions
     * {@code [pA, pB)}, for {@code channels} output channels from {@code c0}: a channels-first output
     * gets the activation in {@code out} itself; for a channels-last one, col2im accumulated channels
     * first in {@code acc} (from index 0), which gets the activation, and the region moves to
     * {@code out}. Returns the new frontier, {@code max(done, upTo)}.
     */
    int finish(int done, int upTo, int pA, int pB, int c0, int channels, float[] acc, float[] out, int outOffset) {
        if (!active() && !channelsLast) {
            return upTo;
        }
        while (done < upTo) {
            int n = done / outPlane;
            int base = n * outPlane;
            int end = Math.min(upTo - base, outPlane);
            int from = Math.max(done - base, pA), to = Math.min(end, pB);
            if (to > from) {
                int at = (n * cout + c0) * outPlane + from;
                if (!channelsLast) {
                    Epilogue.apply(act, out, outOffset + at, to - from, channels, outPlane);
                } else {
                    if (active()) {
                        Epilogue.apply(act, acc, at, to - from, channels, outPlane);
                    }
                    toChannelsLast(acc, at, out, outOffset + (n * outPlane + from) * cout + c0, to - from, channels);
                }
            }
            done = base + end;
        }
        return done;
    }

    /**
     * {@code out[d + q·cout + c] = y[s + c·outPlane + q]} for {@code q < positions}, {@code c < channels}.
     * With at least {@code L} of each, by blocks of {@code L} positions × {@code L} channels through
     * the register transpose ({@link TransposeMicroKernels}), positions outer so the output is written
     * in order while the {@code L} source rows of a block stay in L1; the last block of each axis
     * overlaps the one before rather than leave a tail (the move only copies, so writing an element
     * twice is harmless, and the block stays inside this call's positions and channels).
     * Otherwise per position, a vector of channels at a time gathered from {@code L} channel rows of
     * {@code y} ({@link #channelGather}), the channels past the last whole vector one by one.
     */
    private void toChannelsLast(float[] y, int s, float[] out, int d, int positions, int channels) {
        if (positions >= L && channels >= L && TransposeMicroKernels.AVAILABLE) {
            for (int q0 = 0; q0 < positions; q0 += L) {
                int q = Math.min(q0, positions - L);
                for (int c0 = 0; c0 < channels; c0 += L) {
                    int c = Math.min(c0, channels - L);
                    TransposeMicroKernels.transpose(y, s + c * outPlane + q, outPlane, out, d + q * cout + c, cout);
                }
            }
            return;
        }
        int vectorChannels = channels - channels % L;
        for (int q = 0; q < positions; q++) {
            int to = d + q * cout;
            int c = 0;
            for (; c < vectorChannels; c += L) {
                jdk.incubator.vector.FloatVector.fromArray(S, y, s + c * outPlane + q, channelGather, 0).intoArray(out, to + c);
            }
            for (; c < channels; c++) {
                out[to + c] = y[s + c * outPlane + q];
            }
        }
    }
    // END template
    // BEGIN GENERATED by gen_segments.py from the template above (out as native MemorySegments, float i at byte 4·i); do not edit: change the template and rerun the script.
    /** How the generated segment variants read and write one float: native order, any alignment. */
    private static final java.lang.foreign.ValueLayout.OfFloat SEG_FLOAT = java.lang.foreign.ValueLayout.JAVA_FLOAT_UNALIGNED;
    /** The byte order of the generated segment variants' vector loads and stores. */
    private static final java.nio.ByteOrder SEG_ORDER = java.nio.ByteOrder.nativeOrder();

    /**
     * Finishes the outputs in flattened positions {@code [done, upTo)} that lie in plane positions
     * {@code [pA, pB)}, for {@code channels} output channels from {@code c0}: a channels-first output
     * gets the activation in {@code out} itself; for a channels-last one, col2im accumulated channels
     * first in {@code acc} (from index 0), which gets the activation, and the region moves to
     * {@code out}. Returns the new frontier, {@code max(done, upTo)}.
     */
    int finish(int done, int upTo, int pA, int pB, int c0, int channels, float[] acc, MemorySegment out, int outOffset) {
        if (!active() && !channelsLast) {
            return upTo;
        }
        while (done < upTo) {
            int n = done / outPlane;
            int base = n * outPlane;
            int end = Math.min(upTo - base, outPlane);
            int from = Math.max(done - base, pA), to = Math.min(end, pB);
            if (to > from) {
                int at = (n * cout + c0) * outPlane + from;
                if (!channelsLast) {
                    Epilogue.apply(act, out, outOffset + at, to - from, channels, outPlane);
                } else {
                    if (active()) {
                        Epilogue.apply(act, acc, at, to - from, channels, outPlane);
                    }
                    toChannelsLast(acc, at, out, outOffset + (n * outPlane + from) * cout + c0, to - from, channels);
                }
            }
            done = base + end;
        }
        return done;
    }

    /**
     * {@code out[d + q·cout + c] = y[s + c·outPlane + q]} for {@code q < positions}, {@code c < channels}.
     * With at least {@code L} of each, by blocks of {@code L} positions × {@code L} channels through
     * the register transpose ({@link TransposeMicroKernels}), positions outer so the output is written
     * in order while the {@code L} source rows of a block stay in L1; the last block of each axis
     * overlaps the one before rather than leave a tail (the move only copies, so writing an element
     * twice is harmless, and the block stays inside this call's positions and channels).
     * Otherwise per position, a vector of channels at a time gathered from {@code L} channel rows of
     * {@code y} ({@link #channelGather}), the channels past the last whole vector one by one.
     */
    private void toChannelsLast(float[] y, int s, MemorySegment out, int d, int positions, int channels) {
        if (positions >= L && channels >= L && TransposeMicroKernels.AVAILABLE) {
            for (int q0 = 0; q0 < positions; q0 += L) {
                int q = Math.min(q0, positions - L);
                for (int c0 = 0; c0 < channels; c0 += L) {
                    int c = Math.min(c0, channels - L);
                    TransposeMicroKernels.transpose(y, s + c * outPlane + q, outPlane, out, d + q * cout + c, cout);
                }
            }
            return;
        }
        int vectorChannels = channels - channels % L;
        for (int q = 0; q < positions; q++) {
            int to = d + q * cout;
            int c = 0;
            for (; c < vectorChannels; c += L) {
                jdk.incubator.vector.FloatVector.fromArray(S, y, s + c * outPlane + q, channelGather, 0).intoMemorySegment(out, 4L * (to + c), SEG_ORDER);
            }
            for (; c < channels; c++) {
                out.set(SEG_FLOAT, 4L * (to + c), y[s + c * outPlane + q]);
            }
        }
    }
    // END GENERATED
}
