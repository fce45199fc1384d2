package dev.convt.vector;

import dev.convt.Activation;
import dev.convt.Problem;
import dev.convt.vector.gemm.Blocking;
import dev.convt.vector.gemm.Packing;
import dev.convt.vector.gemm.Sgemm;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

import java.lang.foreign.MemorySegment;

/**
 * im2col's plan for a layer whose input has one spatial position and whose output is exactly the
 * kernel ({@link #applies}: dilation 1, no padding, no output_padding), as a DCGAN generator's first
 * layer (a latent vector projected to 512 × 4 × 4): each tap lands on its own output position, so
 * the whole layer is one GEMM per group whose result is the output,
 * {@code Y[n][(co, taps)] = bias + X[n][ci] · W[ci][(co, taps)]}, with no col2im.
 *
 * <p>The roles of im2col's GEMM are swapped: its column count would be the batch (one column per
 * image, a mostly empty B panel) and col2im would scatter one value per image and tap. Here the
 * weights, in PyTorch's {@code (Cin, Cout/g, *k)} layout already row-major {@code K × M}
 * ({@code M = Cout/g · Πk}), are the packed B, packed once per spec ({@link Weights}), so the long dimension M runs
 * along the vectors; the images are the rows of A, packed per execute ({@link Blocking#MC} at a
 * time); each row of the result is one image's output of the group, contiguous in {@code y}, and
 * gets the bias as it is copied there, then the spec's activation ({@link Epilogue}) while it is
 * still in cache: each output is written once, whole, so the activation is applied once per element
 * whatever the split.
 *
 * <p>Float32 order: the same as im2col's ({@code bias + (−0 + Σ products by FMA over the input
 * channels in order)}), so the result is bit-identical to the col2im path's.
 */
final class Im2colProjection {
    private static final VectorSpecies<Float> S = VectorConfig.SPECIES;
    private static final int L = S.length();
    private static final int MR = Blocking.MR;
    private static final int NR = Blocking.NR;
    private static final int MC = Blocking.MC;

    private final int groups, k, m, cin, cout, coPerG, taps, batch, nc, packedGroupLength;
    /** The weights as packed B: per group, {@code K × M} in whole NR panels. */
    private final MemorySegment packedW;
    /** The bias of each output column of every group ({@code Cout · Πk} values; zeros without bias). */
    private final float[] biasRow;
    /** The spec's activation, applied to each stored run. */
    private final Activation activation;
    private final ThreadLocal<Workspace> workspace;

    /**
     * Whether the problem is one GEMM whose result is the output (one input position, every tap its
     * own output position), wide enough that whole B panels at most double its weights
     * ({@code M ≥ NR/2}: a layer of a handful of outputs per image would pack mostly zeros), and its
     * packed weights and workspace fit Java arrays, the workspace at its largest ({@code MC} rows,
     * whatever the batch: the answer names the packed layout, which must not depend on the batch,
     * {@link dev.convt.kernel.Kernel#packLayout}). Else im2col's general path plans it, or declines
     * it with its own reason.
     */
    static boolean applies(Problem p) {
        if (p.inputPlane() != 1 || 2L * p.spec().outChannelsPerGroup() * p.spec().kernelVolume() < NR) {
            return false;
        }
        dev.convt.ConvTransposeSpec s = p.spec();
        for (int i = 0; i < s.rank(); i++) {
            if (s.dilation(i) != 1 || s.padBegin(i) != 0 || s.padEnd(i) != 0 || s.outputPadding(i) != 0) {
                return false;
            }
        }
        int k = s.inChannelsPerGroup();
        return packedWeightFloats(p) <= Im2colKernel.MAX_STRUCTURE_FLOATS
                && (long) MC * (k + (long) nc(k)) <= Im2colKernel.MAX_STRUCTURE_FLOATS;
    }

    /** Floats of the packed weights: per group, {@code M} rounded up to whole NR panels, times {@code K}. */
    static long packedWeightFloats(Problem p) {
        long m = (long) p.spec().outChannelsPerGroup() * p.spec().kernelVolume();
        return Math.ceilDiv(m, NR) * NR * p.spec().inChannels();
    }

    /** Floats of one thread's workspace: the packed A block ({@link #blockRows} images of depth K) and the result block ({@code blockRows × nc}). */
    static long workspaceFloats(Problem p) {
        int k = p.spec().inChannelsPerGroup();
        return (long) blockRows(p.batch()) * (k + (long) nc(k));
    }

    /** Rows of the A and result blocks: the batch in whole MR panels, at most {@code MC}. */
    private static int blockRows(int batch) {
        return (int) Math.min(MC, ((long) batch + MR - 1) / MR * MR);
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

        /** Packs the weights; {@code bias} is the pack's copy (Cout values) or null. */
        Weights(dev.convt.ConvTransposeSpec spec, float[] weight, int weightOffset, float[] bias) {
            int groups = spec.groups(), k = spec.inChannelsPerGroup(), taps = spec.kernelVolume();
            int m = spec.outChannelsPerGroup() * taps;
            packedGroupLength = Packing.packedBLength(k, m);
            packedW = Packing.newPackedB(Math.multiplyExact(packedGroupLength, groups));
            for (int g = 0; g < groups; g++) {
                Packing.packB(k, m, weight, weightOffset + g * k * m, m, packedW, g * packedGroupLength);
            }
            int cout = spec.outChannels();
            biasRow = new float[cout * taps];
            if (bias != null) {
                for (int co = 0; co < cout; co++) {
                    java.util.Arrays.fill(biasRow, co * taps, (co + 1) * taps, bias[co]);
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
        int aLength = blockRows(batch) * k, cLength = blockRows(batch) * nc;
        workspace = ThreadLocal.withInitial(() -> new Workspace(aLength, cLength));
        this.aLength = aLength;
        this.cLength = cLength;
    }

    /** The lengths of one workspace's A block and result block. */
    private final int aLength, cLength;

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
        return 4L * blockRows(batch) * (k + (long) nc);
    }

    // BEGIN template for gen_segments.py
    /**
     * Group g's output channels {@code [co0, co1)} of images {@code [n0, n1)}: every element of that
     * region is written once, with its whole sum and then the activation (so any split into such
     * regions is bit-identical).
     */
    void run(int g, int co0, int co1, int n0, int n1, float[] x, int xOffset, float[] y, int yOffset, Object workspace) {
        Workspace ws = workspace == null ? this.workspace.get() : (Workspace) workspace;
        int colFrom = co0 * taps, colTo = co1 * taps;
        for (int nb = n0; nb < n1; nb += MC) {
            int h = Math.min(MC, n1 - nb);
            int mPadded = (h + MR - 1) / MR * MR;
            // A: the block's images, row n = x[n, g·K .. g·K + K)
            Packing.packA(h, k, x, xOffset + nb * cin + g * k, cin, 1, ws.a, 0);
            for (int jt = colFrom / NR * NR; jt < colTo; jt += nc) {
                int width = Math.min(nc, colTo - jt);
                int ldc = Blocking.paddedColumns(width);
                Sgemm.multiplyPacked(k, ws.a, 0, mPadded, 0, mPadded / MR, packedW, g * packedGroupLength + jt * k,
                        width, ws.c, 0, ldc);
                int from = Math.max(jt, colFrom);
                for (int i = 0; i < h; i++) {
                    int yRow = yOffset + ((nb + i) * cout + g * coPerG) * taps;
                    int count = width - (from - jt);
                    store(y, yRow + from, biasRow, g * m + from, ws.c, i * ldc + from - jt, count);
                    Epilogue.apply(activation, y, yRow + from, yRow + from + count);
                }
            }
        }
    }

    /** {@code y[yi + t] = bias[bi + t] + c[ci + t]} for {@code t < count}: the bias plus the one sum, as the reference's bias + products. */
    private static void store(float[] y, int yi, float[] bias, int bi, float[] c, int ci, int count) {
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
     * regions is bit-identical).
     */
    void run(int g, int co0, int co1, int n0, int n1, MemorySegment x, int xOffset, MemorySegment y, int yOffset, Object workspace) {
        Workspace ws = workspace == null ? this.workspace.get() : (Workspace) workspace;
        int colFrom = co0 * taps, colTo = co1 * taps;
        for (int nb = n0; nb < n1; nb += MC) {
            int h = Math.min(MC, n1 - nb);
            int mPadded = (h + MR - 1) / MR * MR;
            // A: the block's images, row n = x[n, g·K .. g·K + K)
            Packing.packA(h, k, x, xOffset + nb * cin + g * k, cin, 1, ws.a, 0);
            for (int jt = colFrom / NR * NR; jt < colTo; jt += nc) {
                int width = Math.min(nc, colTo - jt);
                int ldc = Blocking.paddedColumns(width);
                Sgemm.multiplyPacked(k, ws.a, 0, mPadded, 0, mPadded / MR, packedW, g * packedGroupLength + jt * k,
                        width, ws.c, 0, ldc);
                int from = Math.max(jt, colFrom);
                for (int i = 0; i < h; i++) {
                    int yRow = yOffset + ((nb + i) * cout + g * coPerG) * taps;
                    int count = width - (from - jt);
                    store(y, yRow + from, biasRow, g * m + from, ws.c, i * ldc + from - jt, count);
                    Epilogue.apply(activation, y, yRow + from, yRow + from + count);
                }
            }
        }
    }

    /** {@code y[yi + t] = bias[bi + t] + c[ci + t]} for {@code t < count}: the bias plus the one sum, as the reference's bias + products. */
    private static void store(MemorySegment y, int yi, float[] bias, int bi, float[] c, int ci, int count) {
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
