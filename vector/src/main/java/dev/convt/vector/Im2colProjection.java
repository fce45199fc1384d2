package dev.convt.vector;

import dev.convt.Activation;
import dev.convt.Problem;
import dev.convt.kernel.DryRun;
import dev.convt.vector.gemm.Blocking;
import dev.convt.vector.gemm.Packing;
import dev.convt.vector.gemm.Sgemm;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

import java.lang.foreign.MemorySegment;

/**
 * im2col's plan for a layer that is one GEMM whose result is the output, with no col2im
 * ({@link #applies}: dilation 1, no padding, no output_padding, and every tap landing on an output
 * position of its own): a layer whose input has one spatial position and whose output is exactly the
 * kernel, as a DCGAN generator's first layer (a latent vector projected to 512 × 4 × 4), and, channels
 * last, a layer whose stride equals its kernel (U-Net's and Mask R-CNN's 2 × 2 up-convolutions). Then
 * {@code Y[row][(co, tap)] = bias + X[row][ci] · W[ci][(co, tap)]}, one row per input position.
 *
 * <p>The roles of im2col's GEMM are swapped: the weights, in PyTorch's {@code (Cin, Cout/g, *k)}
 * layout already row-major {@code K × M} ({@code M = Cout/g · Πk}), are the packed B, packed once per
 * spec ({@link Weights}), so the long dimension M runs along the vectors; the rows of A, packed per
 * execute ({@link Blocking#MC} at a time), are the images (one input position) or, channels last,
 * the input positions of every image, each a contiguous run of its channels in the caller's input.
 * Each row's result is written straight to the output with the bias as it is copied there, then the
 * spec's activation ({@link Epilogue}) while it is still in cache: each output is written once, whole,
 * so the activation is applied once per element whatever the split.
 * <ul>
 *   <li>Channels first (one input position): B's columns in the weights' order {@code (co, tap)}, so
 *       a row's result is its image's output block, contiguous in {@code y}.
 *   <li>Channels last ({@link #tapMajor}): B's columns reordered to {@code (tap, co)} when packed, so
 *       a row's result is, per tap, the channels of one output position: a contiguous run of the
 *       channels-last output at the position the tap reaches ({@code stride·i + tap} along each
 *       axis). No transpose on either side: the channels-last layout is the GEMM's natural one here,
 *       where channels first would need the column-major im2col GEMM and its col2im.
 * </ul>
 *
 * <p>Float32 order: the same as im2col's ({@code bias + (−0 + Σ products by FMA over the input
 * channels in order)}), so the result is bit-identical to the col2im path's and to the other layout's.
 */
final class Im2colProjection {
    private static final VectorSpecies<Float> S = VectorConfig.SPECIES;
    private static final int L = S.length();
    private static final int MR = Blocking.MR;
    private static final int NR = Blocking.NR;
    private static final int MC = Blocking.MC;

    private final int groups, k, m, cin, cout, coPerG, taps, batch, nc, packedGroupLength;
    /** Whether B's columns are {@code (tap, co)} and the rows the input positions ({@link #tapMajor}). */
    private final boolean tapMajor;
    /** Input and output positions per image, and the input's sizes along the three axes ({@link Problem#in3()}). */
    private final int inPlane, outPlane, inH, inW;
    /** The kernel's sizes along the three axes, equal to the strides along every axis with more than one input position. */
    private final int kD, kH, kW;
    /** Per tap, where it lands in the output plane relative to its input position's first output. */
    private final int[] tapOffset;
    /** The weights as packed B: per group, {@code K × M} in whole NR panels. */
    private final MemorySegment packedW;
    /** The bias of each output column of every group ({@code Cout · Πk} values; zeros without bias). */
    private final float[] biasRow;
    /** The spec's activation, applied to each stored run. */
    private final Activation activation;
    private final ThreadLocal<Workspace> workspace;

    /**
     * Whether the problem is one GEMM whose result is the output: one input position, or channels last
     * ({@link #tapMajor}) with a stride equal to the kernel along every axis with more than one input
     * position (each tap its own output position, every output reached); dilation 1, no padding, no
     * output_padding; wide enough that whole B panels at most double its weights
     * ({@code M ≥ NR/2}: a layer of a handful of outputs per position would pack mostly zeros); and its
     * packed weights and workspace fit Java arrays, the workspace at its largest ({@code MC} rows,
     * whatever the batch: the answer names the packed layout, which must not depend on the batch,
     * {@link dev.convt.kernel.Kernel#packLayout}). Else im2col's general path plans it, or declines
     * it with its own reason.
     */
    static boolean applies(Problem p) {
        if (2L * p.spec().outChannelsPerGroup() * p.spec().kernelVolume() < NR) {
            return false;
        }
        dev.convt.ConvTransposeSpec s = p.spec();
        boolean tapMajor = tapMajor(p);
        for (int i = 0; i < s.rank(); i++) {
            if (s.dilation(i) != 1 || s.padBegin(i) != 0 || s.padEnd(i) != 0 || s.outputPadding(i) != 0) {
                return false;
            }
            if (p.inputSpatialSize(i) > 1 && (!tapMajor || s.stride(i) != s.kernelSize(i))) {
                return false;
            }
        }
        int k = s.inChannelsPerGroup();
        return packedWeightFloats(p) <= Im2colKernel.MAX_STRUCTURE_FLOATS
                && (long) MC * (k + (long) nc(k)) <= Im2colKernel.MAX_STRUCTURE_FLOATS;
    }

    /**
     * Whether a problem the projection {@link #applies} to is computed tap-major: channels last, B's
     * columns ordered {@code (tap, co)} and one row per input position (see the class comment).
     */
    static boolean tapMajor(Problem p) {
        return p.layout() == dev.convt.Layout.CHANNELS_LAST;
    }

    /** Floats of the packed weights: per group, {@code M} rounded up to whole NR panels, times {@code K}. */
    static long packedWeightFloats(Problem p) {
        long m = (long) p.spec().outChannelsPerGroup() * p.spec().kernelVolume();
        return Math.ceilDiv(m, NR) * NR * p.spec().inChannels();
    }

    /** Floats of one thread's workspace: the packed A block ({@link #blockRows} rows of depth K) and the result block ({@code blockRows × nc}). */
    static long workspaceFloats(Problem p) {
        int k = p.spec().inChannelsPerGroup();
        return (long) blockRows(rowCount(p)) * (k + (long) nc(k));
    }

    /** The rows of A: the images, or with {@link #tapMajor} every input position of every image. */
    private static long rowCount(Problem p) {
        return tapMajor(p) ? (long) p.batch() * p.inputPlane() : p.batch();
    }

    /** Rows of the A and result blocks: all rows in whole MR panels, at most {@code MC}. */
    private static int blockRows(long rows) {
        return (int) Math.min(MC, (rows + MR - 1) / MR * MR);
    }

    /** The N tile: {@link Blocking#ncFor} in whole NR panels, so every tile starts on a panel of the packed weights. */
    private static int nc(int k) {
        return Math.max(NR, Blocking.ncFor(k) / NR * NR);
    }

    /**
     * The packed B of every problem of one spec that {@link #applies}: it depends on the spec alone
     * (never on the batch), so the plans of every batch share it ({@link dev.convt.PackedWeights}).
     */
    static final class Weights {
        /** Per group, {@code K × M} in whole NR panels. */
        final MemorySegment packedW;
        final int packedGroupLength;
        /** The bias of each output column of every group ({@code Cout · Πk} values; zeros without bias). */
        final float[] biasRow;

        /** Whether the columns are {@code (tap, co)} ({@link #tapMajor}) rather than the weights' {@code (co, tap)}. */
        final boolean tapMajor;

        /** Packs the weights, tap-major or not; {@code bias} is the pack's copy (Cout values) or null. */
        Weights(dev.convt.ConvTransposeSpec spec, boolean tapMajor, float[] weight, int weightOffset, float[] bias) {
            this.tapMajor = tapMajor;
            int groups = spec.groups(), k = spec.inChannelsPerGroup(), taps = spec.kernelVolume();
            int coPerG = spec.outChannelsPerGroup(), m = coPerG * taps;
            packedGroupLength = Packing.packedBLength(k, m);
            packedW = Packing.newPackedB(Math.multiplyExact(packedGroupLength, groups));
            // tap-major: each group's K × M block with its columns reordered, (co, tap) → (tap, co)
            float[] reordered = tapMajor ? new float[k * m] : null;
            for (int g = 0; g < groups; g++) {
                int from = weightOffset + g * k * m;
                if (tapMajor) {
                    for (int ci = 0; ci < k; ci++) {
                        for (int co = 0; co < coPerG; co++) {
                            for (int t = 0; t < taps; t++) {
                                reordered[ci * m + t * coPerG + co] = weight[from + ci * m + co * taps + t];
                            }
                        }
                    }
                }
                Packing.packB(k, m, tapMajor ? reordered : weight, tapMajor ? 0 : from, m, packedW, g * packedGroupLength);
            }
            int cout = spec.outChannels();
            biasRow = new float[cout * taps];
            if (bias != null) {
                for (int co = 0; co < cout; co++) {
                    int g = co / coPerG, c = co - g * coPerG;
                    for (int t = 0; t < taps; t++) {
                        biasRow[tapMajor ? g * m + t * coPerG + c : co * taps + t] = bias[co];
                    }
                }
            }
        }

        /** Bytes of the packed weights and the bias row. */
        long bytes() {
            return packedW.byteSize() + 4L * biasRow.length;
        }
    }

    /** A plan of {@code p} over packed weights made for its spec: nothing is copied. */
    Im2colProjection(Problem p, Weights weights) {
        groups = p.spec().groups();
        coPerG = p.spec().outChannelsPerGroup();
        taps = p.spec().kernelVolume();
        k = p.spec().inChannelsPerGroup();
        m = coPerG * taps;
        cin = p.spec().inChannels();
        cout = p.spec().outChannels();
        batch = p.batch();
        activation = p.spec().activation();
        nc = nc(k);
        packedGroupLength = weights.packedGroupLength;
        packedW = weights.packedW;
        biasRow = weights.biasRow;
        tapMajor = weights.tapMajor;
        inPlane = p.inputPlane();
        outPlane = p.outputPlane();
        int[] in = p.in3(), kernel = p.kernel3(), out = p.out3();
        inH = in[1];
        inW = in[2];
        kD = kernel[0];
        kH = kernel[1];
        kW = kernel[2];
        tapOffset = new int[taps];
        for (int td = 0, t = 0; td < kD; td++) {
            for (int th = 0; th < kH; th++) {
                for (int tw = 0; tw < kW; tw++, t++) {
                    tapOffset[t] = (td * out[1] + th) * out[2] + tw;
                }
            }
        }
        outH = out[1];
        outW = out[2];
        int blockRows = blockRows(rowCount(p));
        int aLength = blockRows * k, cLength = blockRows * nc;
        workspace = ThreadLocal.withInitial(() -> new Workspace(aLength, cLength));
        this.aLength = aLength;
        this.cLength = cLength;
    }

    /** The lengths of one workspace's A block and result block. */
    private final int aLength, cLength;
    /** The output's rows and columns ({@link Problem#out3()}). */
    private final int outH, outW;

    /** Whether this plan's rows are input positions and its columns {@code (tap, co)} ({@link #tapMajor}). */
    boolean tapMajor() {
        return tapMajor;
    }

    /** Where input position q's first tap lands in the output plane (the stride equals the kernel). */
    private int firstOutput(int q) {
        int qw = q % inW, rest = q / inW;
        int qh = rest % inH, qd = rest / inH;
        return ((qd * kD) * outH + qh * kH) * outW + qw * kW;
    }

    /** Makes the calling thread's workspace now, if it has none ({@link dev.convt.kernel.KernelPlan#prepareWorkspace}). */
    void prepareWorkspace() {
        workspace.get();
    }

    /** A workspace of its own for a caller's scratchpad. */
    Object newWorkspace() {
        return new Workspace(aLength, cLength);
    }

    /** Bytes of the packed weights and the bias row (shared with every plan of the same {@link Weights}). */
    long packedWeightBytes() {
        return packedW.byteSize() + 4L * biasRow.length;
    }

    /** Bytes of one thread's workspace. */
    long workspaceBytes() {
        return 4L * aLength + 4L * cLength;
    }

    // BEGIN template for gen_segments.py
    /**
     * Group g's output channels {@code [co0, co1)} of images {@code [n0, n1)}: every element of that
     * region is written once, with its whole sum and then the activation (so any split into such
     * regions is bit-identical). Tap-major, the rows are the input positions from {@code qA} of image
     * n0 to {@code qB} of image n1 − 1 and only output positions in {@code [pA, pB)} of each image's
     * plane are written (a band of the output: a row whose taps straddle its edge is computed by both
     * bands, each writing its own positions); else the rows are the images.
     */
    void run(int g, int co0, int co1, int n0, int n1, int pA, int pB, int qA, int qB,
             float[] x, int xOffset, float[] y, int yOffset, Object workspace) {
        Workspace ws = workspace == null ? this.workspace.get() : (Workspace) workspace;
        if (!tapMajor) {
            rows(g, co0 * taps, co1 * taps, 1, n0, n1, 0, outPlane, x, xOffset, y, yOffset, ws);
        } else if (co0 == 0 && co1 == coPerG) {
            rows(g, 0, m, 1, n0 * inPlane + qA, (n1 - 1) * inPlane + qB, pA, pB, x, xOffset, y, yOffset, ws);
        } else {
            // part of the channels: their columns of each tap
            rows(g, co0, co1, taps, n0 * inPlane + qA, (n1 - 1) * inPlane + qB, pA, pB, x, xOffset, y, yOffset, ws);
        }
    }

    /**
     * Columns {@code [colFrom + s·coPerG, colTo + s·coPerG)} for {@code s < spans} of group g for A rows
     * {@code [r0, r1)}: the rows packed {@link Blocking#MC} at a time, each block multiplied by the
     * packed weights one N tile of each span at a time, each result row stored with its bias and
     * activation.
     */
    private void rows(int g, int colFrom, int colTo, int spans, int r0, int r1, int pA, int pB,
                      float[] x, int xOffset, float[] y, int yOffset, Workspace ws) {
        for (int rb = r0; rb < r1; rb += MC) {
            int h = Math.min(MC, r1 - rb);
            int mPadded = (h + MR - 1) / MR * MR;
            // A: the block's rows, row r = x[r, g·K .. g·K + K)
            Packing.packA(h, k, x, xOffset + rb * cin + g * k, cin, 1, ws.a, 0);
            for (int span = 0; span < spans; span++) {
                int spanFrom = colFrom + span * coPerG, spanTo = colTo + span * coPerG;
                for (int jt = spanFrom / NR * NR; jt < spanTo; jt += nc) {
                    int width = Math.min(nc, spanTo - jt);
                    int ldc = Blocking.paddedColumns(width);
                    Sgemm.multiplyPacked(k, ws.a, 0, mPadded, 0, mPadded / MR, packedW, g * packedGroupLength + jt * k,
                            width, ws.c, 0, ldc);
                    int from = Math.max(jt, spanFrom);
                    for (int i = 0; i < h; i++) {
                        if (tapMajor) {
                            storeTaps(g, rb + i, from, jt + width, pA, pB, y, yOffset, ws.c, i * ldc - jt);
                        } else {
                            int yRow = yOffset + ((rb + i) * cout + g * coPerG) * taps;
                            int count = width - (from - jt);
                            store(y, yRow + from, biasRow, g * m + from, ws.c, i * ldc + from - jt, count);
                            Epilogue.apply(activation, y, yRow + from, yRow + from + count);
                        }
                    }
                }
            }
        }
    }

    /**
     * Row r's tap-major columns {@code [from, to)} (result column c at {@code c[ci + c]}): each tap's
     * run of channels to the output position the tap reaches, where that position is in {@code [pA, pB)}.
     */
    private void storeTaps(int g, int r, int from, int to, int pA, int pB, float[] y, int yOffset, float[] c, int ci) {
        int n = r / inPlane;
        int first = firstOutput(r - n * inPlane);
        for (int col = from; col < to; ) {
            int t = col / coPerG, runEnd = Math.min((t + 1) * coPerG, to);
            int o = first + tapOffset[t];
            if (o >= pA && o < pB) {
                int yi = yOffset + (n * outPlane + o) * cout + g * coPerG + col - t * coPerG;
                store(y, yi, biasRow, g * m + col, c, ci + col, runEnd - col);
                Epilogue.apply(activation, y, yi, yi + runEnd - col);
            }
            col = runEnd;
        }
    }

    /** {@code y[yi + t] = bias[bi + t] + c[ci + t]} for {@code t < count}: the bias plus the one sum, as the reference's bias + products. */
    private static void store(float[] y, int yi, float[] bias, int bi, float[] c, int ci, int count) {
        if (DryRun.active()) {
            return;
        }
        int t = 0;
        for (int upper = count - L; t <= upper; t += L) {
            FloatVector.fromArray(S, bias, bi + t).add(FloatVector.fromArray(S, c, ci + t)).intoArray(y, yi + t);
        }
        for (; t < count; t++) {
            y[yi + t] = bias[bi + t] + c[ci + t];
        }
    }
    // END template
    // BEGIN GENERATED by gen_segments.py from the template above (x, y as native MemorySegments, float i at byte 4·i); do not edit: change the template and rerun the script.
    /** How the generated segment variants read and write one float: native order, any alignment. */
    private static final java.lang.foreign.ValueLayout.OfFloat SEG_FLOAT = java.lang.foreign.ValueLayout.JAVA_FLOAT_UNALIGNED;
    /** The byte order of the generated segment variants' vector loads and stores. */
    private static final java.nio.ByteOrder SEG_ORDER = java.nio.ByteOrder.nativeOrder();

    /**
     * Group g's output channels {@code [co0, co1)} of images {@code [n0, n1)}: every element of that
     * region is written once, with its whole sum and then the activation (so any split into such
     * regions is bit-identical). Tap-major, the rows are the input positions from {@code qA} of image
     * n0 to {@code qB} of image n1 − 1 and only output positions in {@code [pA, pB)} of each image's
     * plane are written (a band of the output: a row whose taps straddle its edge is computed by both
     * bands, each writing its own positions); else the rows are the images.
     */
    void run(int g, int co0, int co1, int n0, int n1, int pA, int pB, int qA, int qB,
             MemorySegment x, int xOffset, MemorySegment y, int yOffset, Object workspace) {
        Workspace ws = workspace == null ? this.workspace.get() : (Workspace) workspace;
        if (!tapMajor) {
            rows(g, co0 * taps, co1 * taps, 1, n0, n1, 0, outPlane, x, xOffset, y, yOffset, ws);
        } else if (co0 == 0 && co1 == coPerG) {
            rows(g, 0, m, 1, n0 * inPlane + qA, (n1 - 1) * inPlane + qB, pA, pB, x, xOffset, y, yOffset, ws);
        } else {
            // part of the channels: their columns of each tap
            rows(g, co0, co1, taps, n0 * inPlane + qA, (n1 - 1) * inPlane + qB, pA, pB, x, xOffset, y, yOffset, ws);
        }
    }

    /**
     * Columns {@code [colFrom + s·coPerG, colTo + s·coPerG)} for {@code s < spans} of group g for A rows
     * {@code [r0, r1)}: the rows packed {@link Blocking#MC} at a time, each block multiplied by the
     * packed weights one N tile of each span at a time, each result row stored with its bias and
     * activation.
     */
    private void rows(int g, int colFrom, int colTo, int spans, int r0, int r1, int pA, int pB,
                      MemorySegment x, int xOffset, MemorySegment y, int yOffset, Workspace ws) {
        for (int rb = r0; rb < r1; rb += MC) {
            int h = Math.min(MC, r1 - rb);
            int mPadded = (h + MR - 1) / MR * MR;
            // A: the block's rows, row r = x[r, g·K .. g·K + K)
            Packing.packA(h, k, x, xOffset + rb * cin + g * k, cin, 1, ws.a, 0);
            for (int span = 0; span < spans; span++) {
                int spanFrom = colFrom + span * coPerG, spanTo = colTo + span * coPerG;
                for (int jt = spanFrom / NR * NR; jt < spanTo; jt += nc) {
                    int width = Math.min(nc, spanTo - jt);
                    int ldc = Blocking.paddedColumns(width);
                    Sgemm.multiplyPacked(k, ws.a, 0, mPadded, 0, mPadded / MR, packedW, g * packedGroupLength + jt * k,
                            width, ws.c, 0, ldc);
                    int from = Math.max(jt, spanFrom);
                    for (int i = 0; i < h; i++) {
                        if (tapMajor) {
                            storeTaps(g, rb + i, from, jt + width, pA, pB, y, yOffset, ws.c, i * ldc - jt);
                        } else {
                            int yRow = yOffset + ((rb + i) * cout + g * coPerG) * taps;
                            int count = width - (from - jt);
                            store(y, yRow + from, biasRow, g * m + from, ws.c, i * ldc + from - jt, count);
                            Epilogue.apply(activation, y, yRow + from, yRow + from + count);
                        }
                    }
                }
            }
        }
    }

    /**
     * Row r's tap-major columns {@code [from, to)} (result column c at {@code c[ci + c]}): each tap's
     * run of channels to the output position the tap reaches, where that position is in {@code [pA, pB)}.
     */
    private void storeTaps(int g, int r, int from, int to, int pA, int pB, MemorySegment y, int yOffset, float[] c, int ci) {
        int n = r / inPlane;
        int first = firstOutput(r - n * inPlane);
        for (int col = from; col < to; ) {
            int t = col / coPerG, runEnd = Math.min((t + 1) * coPerG, to);
            int o = first + tapOffset[t];
            if (o >= pA && o < pB) {
                int yi = yOffset + (n * outPlane + o) * cout + g * coPerG + col - t * coPerG;
                store(y, yi, biasRow, g * m + col, c, ci + col, runEnd - col);
                Epilogue.apply(activation, y, yi, yi + runEnd - col);
            }
            col = runEnd;
        }
    }

    /** {@code y[yi + t] = bias[bi + t] + c[ci + t]} for {@code t < count}: the bias plus the one sum, as the reference's bias + products. */
    private static void store(MemorySegment y, int yi, float[] bias, int bi, float[] c, int ci, int count) {
        if (DryRun.active()) {
            return;
        }
        int t = 0;
        for (int upper = count - L; t <= upper; t += L) {
            FloatVector.fromArray(S, bias, bi + t).add(FloatVector.fromArray(S, c, ci + t)).intoMemorySegment(y, 4L * (yi + t), SEG_ORDER);
        }
        for (; t < count; t++) {
            y.set(SEG_FLOAT, 4L * (yi + t), bias[bi + t] + c[ci + t]);
        }
    }
    // END GENERATED

    /** One thread's buffers: the packed A block and the result block. */
    private static final class Workspace {
        final float[] a;
        final float[] c;

        Workspace(int aLength, int cLength) {
            a = new float[aLength];
            c = new float[cLength];
        }
    }
}
