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
 * <p>For a channels-last output, col2im accumulates channels first in a window of the output
 * positions ({@link #window}: a few slices of rows per GEMM column tile, not the whole output), and
 * the same regions, once final, are moved from the window into the caller's output ({@link #finish}),
 * in cache like the activation. The window slides: positions enter it as the columns that reach them
 * ({@link #reachBefore}) come, and leave it once final ({@link #windowStart}).
 */
final class OutputFrontier {
    private final Activation act;
    private final int inPlane, outPlane, cout;
    /** The axis: input positions per slice, output positions per slice, input slices, output slices, stride, pad begin. */
    private final int unit, outUnit, slices, outSlices, stride, pad;
    /** Output slices one input slice reaches along the axis: {@code (k − 1)·dilation + 1}; output_padding along it. */
    private final int reach, outputPadding;
    /**
     * Whether every output axis outside the frontier's axis has one position, so the output slices
     * an input slice reaches are a range of flattened positions; else (an outer output axis that a
     * single input position spans) a column may write anywhere in its image.
     */
    private final boolean ordered;
    /** Whether the output is channels last: final regions are moved out of the channels-first window. */
    private final boolean channelsLast;
    /** The distance between two channels in the channels-first window (its positions per channel). */
    private final int accStride;

    /**
     * @param p      the problem
     * @param window for a channels-last output, the window's positions per channel ({@link #window}); else ignored
     */
    OutputFrontier(Problem p, int window) {
        act = p.spec().activation();
        channelsLast = stagesChannelsLast(p);
        inPlane = p.inputPlane();
        outPlane = p.outputPlane();
        cout = p.spec().outChannels();
        accStride = channelsLast ? window : outPlane;
        int[] in = p.in3(), out = p.out3();
        int a = 0;
        while (a < 2 && in[a] == 1) {
            a++;
        }
        boolean outerSingle = true;
        for (int b = 0; b < a; b++) {
            outerSingle &= out[b] == 1;
        }
        ordered = outerSingle;
        unit = Im2colSplit.inner(in, a);
        outUnit = Im2colSplit.inner(out, a);
        slices = in[a];
        outSlices = out[a];
        stride = p.stride3()[a];
        pad = p.padBegin3()[a];
        reach = (p.kernel3()[a] - 1) * p.dilation3()[a] + 1;
        outputPadding = p.outputPadding3()[a];
    }

    /** This frontier with another channels-first window ({@link #window}): the same axis, other channel distances. */
    OutputFrontier withWindow(int window) {
        return !channelsLast || window == accStride ? this : new OutputFrontier(this, window);
    }

    private OutputFrontier(OutputFrontier o, int window) {
        act = o.act;
        channelsLast = o.channelsLast;
        inPlane = o.inPlane;
        outPlane = o.outPlane;
        cout = o.cout;
        accStride = window;
        ordered = o.ordered;
        unit = o.unit;
        outUnit = o.outUnit;
        slices = o.slices;
        outSlices = o.outSlices;
        stride = o.stride;
        pad = o.pad;
        reach = o.reach;
        outputPadding = o.outputPadding;
    }

    /**
     * Whether the im2col kernel's general path accumulates the problem's output channels first and
     * moves it to a channels-last output: a channels-last problem whose two layouts are not the same
     * memory (one channel, or one position: col2im then writes y directly).
     */
    static boolean stagesChannelsLast(Problem p) {
        return p.layout() == dev.convt.Layout.CHANNELS_LAST && !dev.convt.Layout.storedAlike(p.spec().outChannels(), p.outputPlane());
    }

    /**
     * The positions per channel of the channels-first window of a channels-last output, enough for
     * every GEMM column tile of at most {@code nc} columns of any piece of the computation: at most
     * the whole output ({@code batch · outPlane}). A tile reaches, past the frontier before it, the
     * output slices of the input slices it spans ({@code (nc − 1)/unit + 2} of them, across at most
     * one image boundary plus the {@code (nc − 1)/inPlane} whole images it may hold), each
     * {@code stride} output slices on, plus the kernel's reach at both ends of an image, one stride
     * of slack for a band's first tile (whose window starts at its band), one for the outputs a tile
     * makes final past its reach (a stride wider than the kernel leaves outputs no column reaches),
     * and an image's last output slices, which output_padding puts past every column's reach.
     * Without {@link #ordered} positions, every image a tile touches whole.
     */
    static int window(Problem p, int nc) {
        return new OutputFrontier(p, 1).window(p.batch(), nc);
    }

    /** {@link #window(Problem, int)} for a batch of this frontier's problem's input shape (made with any window). */
    int window(int batch, int nc) {
        OutputFrontier f = this;
        long whole = (long) batch * f.outPlane;
        long images = (nc - 1L) / f.inPlane;
        long need;
        if (f.ordered) {
            long slicesSpanned = (nc - 1L) / f.unit + 4;
            need = (slicesSpanned * f.stride + 2L * f.reach + f.outputPadding) * f.outUnit + images * f.outPlane;
        } else {
            need = (images + 2) * f.outPlane;
        }
        return (int) Math.max(1, Math.min(whole, need));
    }

    /** Whether there is an activation to apply. */
    boolean active() {
        return !act.isNone();
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

    /**
     * The flattened position from which no output has to be in the window once the input columns
     * before {@code jEnd} (over the batch) are consumed, for a piece whose columns of an image end at
     * plane position {@code qB} and whose outputs lie in plane positions {@code [pA, pB)}: the end of
     * the output slices the last column's slice reaches, clamped to the piece's positions of its
     * image; or that image's {@code pB} where the columns finish the piece's part of the image (its
     * last outputs, which no column may reach, are then final: {@link #finalBefore}) or the
     * positions are not {@link #ordered}.
     */
    int reachBefore(int jEnd, int qB, int pA, int pB) {
        int n = (jEnd - 1) / inPlane;
        int q = jEnd - n * inPlane;
        if (!ordered || q >= qB) {
            return n * outPlane + pB;
        }
        long s = (q - 1) / unit;
        long o = Math.clamp(s * stride - pad + reach, 0, outSlices);
        return n * outPlane + (int) Math.clamp(o * outUnit, pA, pB);
    }

    /**
     * The first position of the window once the outputs before {@code finished} are final, for a
     * piece whose outputs lie in plane positions {@code [pA, pB)}: {@code finished}, or the next
     * position of the piece where {@code finished} lies outside them (nothing is written there).
     */
    int windowStart(int finished, int pA, int pB) {
        int n = finished / outPlane;
        int q = finished - n * outPlane;
        return q < pA ? n * outPlane + pA : q >= pB ? (n + 1) * outPlane + pA : finished;
    }

    private static final jdk.incubator.vector.VectorSpecies<Float> S = VectorConfig.SPECIES;
    private static final int L = S.length();

    // BEGIN template for gen_segments.py
    /**
     * Finishes the outputs in flattened positions {@code [done, upTo)} that lie in plane positions
     * {@code [pA, pB)}, for {@code channels} output channels from {@code c0}: a channels-first output
     * gets the activation in {@code out} itself; for a channels-last one, col2im accumulated channels
     * first in the window {@code acc} (output {@code (c, position)} at {@code accOffset + c·}{@link #accStride}
     * {@code + position}), which gets the activation, and the region moves to {@code out}. Returns
     * the new frontier, {@code max(done, upTo)}.
     */
    int finish(int done, int upTo, int pA, int pB, int c0, int channels, float[] acc, int accOffset, float[] out, int outOffset) {
        if (!active() && !channelsLast) {
            return upTo;
        }
        while (done < upTo) {
            int n = done / outPlane;
            int base = n * outPlane;
            int end = Math.min(upTo - base, outPlane);
            int from = Math.max(done - base, pA), to = Math.min(end, pB);
            if (to > from) {
                if (!channelsLast) {
                    Epilogue.apply(act, out, outOffset + (n * cout + c0) * outPlane + from, to - from, channels, outPlane);
                } else {
                    int at = accOffset + c0 * accStride + n * outPlane + from;
                    if (active()) {
                        Epilogue.apply(act, acc, at, to - from, channels, accStride);
                    }
                    toChannelsLast(acc, at, out, outOffset + (n * outPlane + from) * cout + c0, to - from, channels);
                }
            }
            done = base + end;
        }
        return done;
    }

    /**
     * {@code out[d + q·cout + c] = y[s + c·accStride + q]} for {@code q < positions}, {@code c < channels}.
     * With at least {@code L} of each, by blocks of {@code L} positions × {@code L} channels through
     * the register transpose ({@link TransposeMicroKernels}), positions outer so the output is written
     * in order while the {@code L} source rows of a block stay in L1; the last block of each axis
     * overlaps the one before rather than leave a tail (the move only copies, so writing an element
     * twice is harmless, and the block stays inside this call's positions and channels).
     * Otherwise (fewer than {@code L} positions or channels) element by element: a vector gather
     * (a load through an index map) is a real gather only where C2 found its call site hot in the
     * profile it compiled from, and this rare branch left it cold in some JVMs, which then ran the
     * Vector API's allocating fallback here for good.
     */
    private void toChannelsLast(float[] y, int s, float[] out, int d, int positions, int channels) {
        // no dry return here (DryRun): the register transpose returns on its own
        if (positions >= L && channels >= L && TransposeMicroKernels.AVAILABLE) {
            for (int q0 = 0; q0 < positions; q0 += L) {
                int q = Math.min(q0, positions - L);
                for (int c0 = 0; c0 < channels; c0 += L) {
                    int c = Math.min(c0, channels - L);
                    TransposeMicroKernels.transpose(y, s + c * accStride + q, accStride, out, d + q * cout + c, cout);
                }
            }
            return;
        }
        for (int q = 0; q < positions; q++) {
            int to = d + q * cout;
            for (int c = 0; c < channels; c++) {
                out[to + c] = y[s + c * accStride + q];
            }
        }
    }
    // END template
    // BEGIN GENERATED by gen_segments.py from the template above (out as native MemorySegments, float i at byte 4·i); do not edit: change the template and rerun the script.
    /** How the generated segment variants read and write one float: native order, any alignment. */
    private static final java.lang.foreign.ValueLayout.OfFloat SEG_FLOAT = java.lang.foreign.ValueLayout.JAVA_FLOAT_UNALIGNED;

    /**
     * Finishes the outputs in flattened positions {@code [done, upTo)} that lie in plane positions
     * {@code [pA, pB)}, for {@code channels} output channels from {@code c0}: a channels-first output
     * gets the activation in {@code out} itself; for a channels-last one, col2im accumulated channels
     * first in the window {@code acc} (output {@code (c, position)} at {@code accOffset + c·}{@link #accStride}
     * {@code + position}), which gets the activation, and the region moves to {@code out}. Returns
     * the new frontier, {@code max(done, upTo)}.
     */
    int finish(int done, int upTo, int pA, int pB, int c0, int channels, float[] acc, int accOffset, MemorySegment out, int outOffset) {
        if (!active() && !channelsLast) {
            return upTo;
        }
        while (done < upTo) {
            int n = done / outPlane;
            int base = n * outPlane;
            int end = Math.min(upTo - base, outPlane);
            int from = Math.max(done - base, pA), to = Math.min(end, pB);
            if (to > from) {
                if (!channelsLast) {
                    Epilogue.apply(act, out, outOffset + (n * cout + c0) * outPlane + from, to - from, channels, outPlane);
                } else {
                    int at = accOffset + c0 * accStride + n * outPlane + from;
                    if (active()) {
                        Epilogue.apply(act, acc, at, to - from, channels, accStride);
                    }
                    toChannelsLast(acc, at, out, outOffset + (n * outPlane + from) * cout + c0, to - from, channels);
                }
            }
            done = base + end;
        }
        return done;
    }

    /**
     * {@code out[d + q·cout + c] = y[s + c·accStride + q]} for {@code q < positions}, {@code c < channels}.
     * With at least {@code L} of each, by blocks of {@code L} positions × {@code L} channels through
     * the register transpose ({@link TransposeMicroKernels}), positions outer so the output is written
     * in order while the {@code L} source rows of a block stay in L1; the last block of each axis
     * overlaps the one before rather than leave a tail (the move only copies, so writing an element
     * twice is harmless, and the block stays inside this call's positions and channels).
     * Otherwise (fewer than {@code L} positions or channels) element by element: a vector gather
     * (a load through an index map) is a real gather only where C2 found its call site hot in the
     * profile it compiled from, and this rare branch left it cold in some JVMs, which then ran the
     * Vector API's allocating fallback here for good.
     */
    private void toChannelsLast(float[] y, int s, MemorySegment out, int d, int positions, int channels) {
        // no dry return here (DryRun): the register transpose returns on its own
        if (positions >= L && channels >= L && TransposeMicroKernels.AVAILABLE) {
            for (int q0 = 0; q0 < positions; q0 += L) {
                int q = Math.min(q0, positions - L);
                for (int c0 = 0; c0 < channels; c0 += L) {
                    int c = Math.min(c0, channels - L);
                    TransposeMicroKernels.transpose(y, s + c * accStride + q, accStride, out, d + q * cout + c, cout);
                }
            }
            return;
        }
        for (int q = 0; q < positions; q++) {
            int to = d + q * cout;
            for (int c = 0; c < channels; c++) {
                out.set(SEG_FLOAT, 4L * (to + c), y[s + c * accStride + q]);
            }
        }
    }
    // END GENERATED
}
