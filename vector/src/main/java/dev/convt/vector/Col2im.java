package dev.convt.vector;

import dev.convt.Problem;
import dev.convt.kernel.DryRun;
import dev.convt.vector.gemm.Blocking;
import dev.convt.vector.gemm.Sgemm;
import dev.convt.vector.gemm.SgemmMicroKernel;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorShuffle;
import jdk.incubator.vector.VectorSpecies;

import java.lang.foreign.MemorySegment;

/**
 * col2im for problems of rank 1 to 3: scatter-adds a block of the column buffer
 * {@code cols[(co, kd, kh, kw)][(n, id, ih, iw)]} into the output, {@code y[n, co, id·sd − pd + kd·dd,
 * ih·sh − ph + kh·dh, iw·sw − pw + kw·dw] += cols[...]}, skipping the products that padding crops.
 *
 * <p>The in-range input columns of each tap are precomputed per kernel row and column, so the
 * inner loop is a plain (strided) run with no bounds test: a vector add when the stride is 1, a
 * scalar strided add otherwise. Every rank is rank 3 with leading size-1 dimensions
 * ({@link Problem#in3()}): the column walk goes one (image, input depth) slice at a time
 * ({@link #sliceBase}) and within a slice row by row, so rank 1 and 2 (depth 1) walk as before.
 *
 * <p>When every output element receives exactly one (tap, input position) pair ({@link #singleCover}:
 * stride = kernel, dilation 1, no padding, no output_padding, as in U-Net's and Mask R-CNN's 2×2
 * stride-2 up-convolutions) the output need not be pre-filled: col2im writes {@code bias + cols}
 * once, saving a full read and write of the output. Where such a cover also has kernel width 2 and
 * the GEMM one K block ({@link #zips}), the GEMM and this scatter run as one pass
 * ({@link #multiplyZipped}): the register tiles store their row pairs zipped straight into the
 * output, and the column block is never written.
 */
final class Col2im {
    private static final VectorSpecies<Float> S = VectorConfig.SPECIES;
    private static final int L = S.length();
    /** Zips the low (high) halves of two vectors: a0 b0 a1 b1 … */
    private static final VectorShuffle<Float> ZIP_LO = VectorShuffle.makeZip(S, 0);
    private static final VectorShuffle<Float> ZIP_HI = VectorShuffle.makeZip(S, 1);
    /** The largest stride whose taps interleave ({@link #octRun}): 8 taps × stride 8 (HiFi-GAN, Conv-TasNet, FCN's 16/8 up-sampling). */
    static final int GL = 8;
    /**
     * Floats a column block must have past its last row's last column, at least: {@link #pairRow}
     * reads a whole vector where fewer than L columns of a row remain, so at most one vector past the
     * block's {@code rows · ldc} floats.
     */
    static final int BLOCK_SLACK = L;
    private static final int MR = Blocking.MR, NR = Blocking.NR;
    /** Row pairs per register tile: {@link #multiplyZipped} zips rows {@code 2p} and {@code 2p + 1}. */
    static final int TILE_PAIRS = MR / 2;
    /**
     * Floats of {@link #multiplyZipped}'s tile buffer: {@link #TILE_PAIRS} zipped pairs of {@code 2·NR}
     * values ({@link #TILE_AT}), and a vector past them, read whole by {@link #spillTile}'s last copy.
     */
    static final int TILE_FLOATS = MR * NR + L;
    /** Where each row pair of a tile stored in the tile buffer starts. */
    private static final int[] TILE_AT = tileAt();

    private static int[] tileAt() {
        int[] at = new int[TILE_PAIRS];
        for (int p = 0; p < TILE_PAIRS; p++) {
            at[p] = p * 2 * NR;
        }
        return at;
    }
    /**
     * Stride 3: three taps' runs of L input columns interleave into 3 output vectors
     * ({@code out[3t + j] = tap j's value at t}). Output vector v, lane i takes tap
     * {@code (L·v + i) % 3} at {@code t = (L·v + i) / 3}: one permute per tap, two blends.
     */
    private static final boolean TRIPLES_OK = S.vectorBitSize() >= 256;
    private static final VectorShuffle<Float> TRI_0 = triShuffle(0), TRI_1 = triShuffle(1), TRI_2 = triShuffle(2);
    /** Lanes of output vector v that come from tap 1 (tap 2). */
    private static final VectorMask<Float> TRI_0_TAP1 = triMask(0, 1), TRI_1_TAP1 = triMask(1, 1), TRI_2_TAP1 = triMask(2, 1);
    private static final VectorMask<Float> TRI_0_TAP2 = triMask(0, 2), TRI_1_TAP2 = triMask(1, 2), TRI_2_TAP2 = triMask(2, 2);

    /** The source lane of each lane of interleaved output vector {@code v} (the same t for all three taps). */
    private static VectorShuffle<Float> triShuffle(int v) {
        int[] idx = new int[L];
        for (int i = 0; i < L; i++) {
            idx[i] = (L * v + i) / 3;
        }
        return VectorShuffle.fromArray(S, idx, 0);
    }

    private static VectorMask<Float> triMask(int v, int tap) {
        boolean[] bits = new boolean[L];
        for (int i = 0; i < L; i++) {
            bits[i] = (L * v + i) % 3 == tap;
        }
        return VectorMask.fromArray(S, bits, 0);
    }

    /** The lanes of one vector as bits of a long. */
    private static final long LANE_BITS = -1L >>> (64 - L);
    /** The even (odd) bits of a long: a zip's lanes from its first (second) vector. */
    private static final long EVEN_BITS = 0x5555_5555_5555_5555L, ODD_BITS = EVEN_BITS << 1;

    /** The first input column either of a pair's taps reaches, of their ranges {@code [a0, e0)} and {@code [a1, e1)} (either may be empty). */
    private static int pairFrom(int a0, int e0, int a1, int e1) {
        return a0 >= e0 ? a1 : a1 >= e1 ? a0 : Math.min(a0, a1);
    }

    /** One past the last input column either of a pair's taps reaches (see {@link #pairFrom}). */
    private static int pairTo(int a0, int e0, int a1, int e1) {
        return a0 >= e0 ? e1 : a1 >= e1 ? e0 : Math.max(e0, e1);
    }

    /** Where the last chunk of L input columns from {@code from} starts, for a span {@code [from, to)}. */
    private static int lastChunk(int from, int to) {
        return to <= from ? from : from + (to - 1 - from) / L * L;
    }

    /**
     * The lanes, as bits of a long (2L of them: the two zipped vectors of the L input columns from
     * {@code iw}), that a pair's taps reach: lane 2k when the first tap's range {@code [a0, e0)} holds
     * {@code iw + k}, lane 2k + 1 when the second's {@code [a1, e1)} does.
     */
    private static long pairBits(int a0, int e0, int a1, int e1, int iw) {
        return columnBits(a0 - iw, e0 - iw) & EVEN_BITS | columnBits(a1 - iw, e1 - iw) & ODD_BITS;
    }

    /** Both lanes of each column of {@code [k0, k1) ∩ [0, L)} of a zipped pair, as bits 2k0 … 2k1 − 1. */
    private static long columnBits(int k0, int k1) {
        int from = Math.max(0, k0), to = Math.min(L, k1);
        return from >= to ? 0 : -1L >>> (64 - 2 * (to - from)) << 2 * from;
    }

    /**
     * Input positions of one (image, input depth) slice, {@code inH·inW}, and the input depth: the
     * column walk goes slice by slice, so depth is the outer part of the image walk (rank 1 and 2
     * have depth 1 and their slice is the image).
     */
    private final int slice, inD;
    private final int inW, outW, outSlice, taps, kHW, kW, sD, sH, sW, pD, pH, pW, dD, dH, dW, coPerG;
    /**
     * Where output {@code (n, co, position)} lies in the destination, {@code yOff + n·imageStride +
     * co·channelStride + position}: the output itself, {@code (Cout·plane, plane)}; or a channels-first
     * window of the output planes, {@code (plane, window)}, which the im2col kernel moves to a
     * channels-last output as its regions become final ({@link OutputFrontier}), with {@code yOff}
     * placing the window's first channel and position at index 0.
     */
    private final int imageStride, channelStride;
    /**
     * Whether input rows are short enough for {@link #pairRows}: {@code inW} divides {@code L / 2}, so a
     * zipped vector of a pair's two taps holds whole input rows.
     */
    private final boolean shortRows;
    /** Per kernel column kw: the input columns {@code [iwLo, iwHi)} whose products land inside the output. */
    private final int[] iwLo, iwHi;
    /** Per kernel row kh: the input rows {@code [ihLo, ihHi)} whose products land inside the output. */
    private final int[] ihLo, ihHi;
    /** Per kernel depth kd: the input depths {@code [idLo, idHi)} whose products land inside the output. */
    private final int[] idLo, idHi;
    /** Whether each output element receives exactly one column value (see the class comment). */
    final boolean singleCover;
    /**
     * Whether the geometry allows {@link #multiplyZipped}: a single cover of kernel width 2 (so the
     * block's rows pair up as the two taps of a kernel row) with kernel and input depth 1. Any input
     * width: where rows are narrower than a column panel every tile goes through the tile buffer,
     * which still costs less than writing the column block and reading it back.
     */
    private final boolean zipGeometry;
    /** The bias (Cout values) used in single-cover mode, or null for none. */
    private final float[] bias;
    /**
     * The plane path's tables ({@link #addPlanes}) where the output rows are short and the reached
     * outputs fill whole vectors, else null: built from this col2im's in-range tables, so a band's
     * are its own (or null).
     */
    private final Planes planes;

    /**
     * @param bias   Cout values or null; used only when {@link #singleCover}
     * @param window 0 to write the output itself; else the positions per channel of the
     *               channels-first window written instead (see {@link #imageStride})
     */
    Col2im(Problem p, float[] bias, int window) {
        this.bias = bias;
        int[] in = p.in3(), out = p.out3(), k = p.kernel3(), s = p.stride3(), pad = p.padBegin3(), d = p.dilation3();
        slice = in[1] * in[2];
        inD = in[0];
        inW = in[2];
        outW = out[2];
        int outPlane = p.outputPlane();
        imageStride = window > 0 ? outPlane : p.spec().outChannels() * outPlane;
        channelStride = window > 0 ? window : outPlane;
        outSlice = out[1] * out[2];
        taps = k[0] * k[1] * k[2];
        kHW = k[1] * k[2];
        kW = k[2];
        sD = s[0];
        sH = s[1];
        sW = s[2];
        pD = pad[0];
        pH = pad[1];
        pW = pad[2];
        dD = d[0];
        dH = d[1];
        dW = d[2];
        coPerG = p.spec().outChannelsPerGroup();
        singleCover = singleCover(p);
        shortRows = (L / 2) % inW == 0;
        zipGeometry = zipGeometry(p);
        idLo = new int[k[0]];
        idHi = new int[k[0]];
        ranges(idLo, idHi, dD, pD, sD, in[0], out[0]);
        ihLo = new int[k[1]];
        ihHi = new int[k[1]];
        ranges(ihLo, ihHi, dH, pH, sH, in[1], out[1]);
        iwLo = new int[k[2]];
        iwHi = new int[k[2]];
        ranges(iwLo, iwHi, dW, pW, sW, in[2], out[2]);
        planes = planesFor(p, this);
    }

    /**
     * Whether {@link #zips} may hold for some piece of the problem: a kernel of two columns (1-D or
     * 2-D) whose taps cover every output once (stride = kernel, no padding, output padding or dilation).
     */
    static boolean zipGeometry(Problem p) {
        int[] k = p.kernel3();
        return singleCover(p) && k[2] == 2 && k[0] == 1 && p.in3()[0] == 1;
    }

    /** Whether the taps cover every output once: stride = kernel, no padding, output padding or dilation. */
    private static boolean singleCover(Problem p) {
        int[] k = p.kernel3(), s = p.stride3(), pad = p.padBegin3(), d = p.dilation3();
        boolean single = true;
        for (int i = 0; i < 3; i++) {
            single &= d[i] == 1 && s[i] == k[i] && pad[i] == 0 && p.padEnd3()[i] == 0 && p.outputPadding3()[i] == 0;
        }
        return single;
    }

    /** Per tap t of one axis: the inputs {@code [lo[t], hi[t])} of {@code n} whose output {@code i·s − p + t·d} is inside {@code [0, out)}. */
    private static void ranges(int[] lo, int[] hi, int d, int p, int s, int n, int out) {
        for (int t = 0; t < lo.length; t++) {
            lo[t] = lo((long) t * d - p, s, n);
            hi[t] = hi((long) t * d - p, s, n, out);
        }
    }

    /** A copy with other in-range bounds (see {@link #band}). */
    private Col2im(Col2im o, int[][] lo, int[][] hi) {
        this(o, lo, hi, o.imageStride, o.channelStride);
    }

    /** A copy with other in-range bounds and destination strides (see {@link #band}, {@link #withWindow}). */
    private Col2im(Col2im o, int[][] lo, int[][] hi, int imageStride, int channelStride) {
        bias = o.bias;
        slice = o.slice; inD = o.inD; inW = o.inW; outW = o.outW; outSlice = o.outSlice;
        this.imageStride = imageStride;
        this.channelStride = channelStride;
        taps = o.taps; kHW = o.kHW; kW = o.kW;
        sD = o.sD; sH = o.sH; sW = o.sW; pD = o.pD; pH = o.pH; pW = o.pW; dD = o.dD; dH = o.dH; dW = o.dW;
        coPerG = o.coPerG;
        singleCover = o.singleCover;
        shortRows = o.shortRows;
        zipGeometry = o.zipGeometry;
        idLo = lo[0]; idHi = hi[0]; ihLo = lo[1]; ihHi = hi[1]; iwLo = lo[2]; iwHi = hi[2];
        // the same in-range tables (a window): the same planes; a band's: its own
        boolean sameRanges = lo[0] == o.idLo && lo[1] == o.ihLo && lo[2] == o.iwLo && hi[0] == o.idHi && hi[1] == o.ihHi && hi[2] == o.iwHi;
        planes = o.planes == null ? null : sameRanges ? o.planes : Planes.of(this);
    }

    /**
     * This col2im, made with window 0 for {@code p}, writing into a channels-first window of
     * {@code window} positions per channel instead (as {@code new Col2im(p, bias, window)}), sharing
     * its tables: the window depends on the batch, the tables on the input shape alone.
     */
    Col2im withWindow(Problem p, int window) {
        if (window == 0) {
            return this;
        }
        return new Col2im(this, new int[][] {idLo, ihLo, iwLo}, new int[][] {idHi, ihHi, iwHi}, p.outputPlane(), window);
    }

    /**
     * This col2im writing only the outputs whose index along {@code axis} (0 depth, 1 rows, 2 columns
     * of the 3-D view {@link Problem#out3()}) is in {@code [from, to)}: a band for one thread.
     */
    Col2im band(int axis, int from, int to) {
        int[][] lo = {idLo, ihLo, iwLo}, hi = {idHi, ihHi, iwHi};
        int[] d = {dD, dH, dW}, p = {pD, pH, pW}, s = {sD, sH, sW};
        lo[axis] = lo[axis].clone();
        hi[axis] = hi[axis].clone();
        band(lo[axis], hi[axis], d[axis], p[axis], s[axis], from, to);
        return new Col2im(this, lo, hi);
    }

    /** Narrows each tap's input range to the inputs i whose output {@code i·s − p + t·d} is in {@code [from, to)}. */
    private static void band(int[] lo, int[] hi, int d, int p, int s, int from, int to) {
        for (int t = 0; t < lo.length; t++) {
            long off = (long) t * d - p;
            lo[t] = Math.max(lo[t], lo(off - from, s, Integer.MAX_VALUE));
            hi[t] = Math.max(lo[t], Math.min(hi[t], hi(off, s, Integer.MAX_VALUE, to)));
        }
    }

    /** Ints of the per-tap input-range tables this object holds (for the plan's byte count). */
    long tableInts() {
        return (long) iwLo.length + iwHi.length + ihLo.length + ihHi.length + idLo.length + idHi.length
                + (planes == null ? 0 : planes.ints());
    }

    /**
     * The plane path's tables for a col2im of {@code p}, or null where it does not apply: outputs
     * that several taps reach (not a single cover, which stores once instead), rank 1 or 2, output
     * rows shorter than a zipped pair's two vectors (where the row walks' masked partial vectors
     * cost most), and a plane of at most {@link Planes#MAX_VECTORS} vectors.
     */
    private static Planes planesFor(Problem p, Col2im c) {
        int[] in = p.in3(), k = p.kernel3();
        if (c.singleCover || in[0] != 1 || k[0] != 1 || p.out3()[0] != 1 || c.pD != 0 || c.outW >= 2 * L
                || (long) c.outSlice > (long) Planes.MAX_VECTORS * L) {
            return null;
        }
        return Planes.of(c);
    }

    /**
     * The plane path's tables: for each vector of L consecutive outputs of one (image, channel)
     * plane, from the first output any tap reaches to the last, the (tap, input vector) pairs that
     * reach some of its lanes, in tap order, each with the source lane of each lane it reaches (a
     * {@code selectFrom} index vector) and those lanes as bits. Every output receives its taps' values
     * in tap order, as in the row walk, so the sums are the same bits. Made only where every lane of
     * every vector is an output some tap reaches ({@link #of}).
     */
    static final class Planes {
        /** The most output vectors per plane the path takes. */
        static final int MAX_VECTORS = 32;
        /** The first output position the vectors cover (in the plane), and their count. */
        final int start, vectors;
        /** Vector q's pairs are {@code [first[q], first[q + 1])}. */
        final int[] first;
        /** Per pair: its tap, and where its input vector starts in the image's columns. */
        final int[] tap, column;
        /** Per pair, L floats: the source lane of each lane (0 where the pair does not reach it). */
        final float[] index;
        /** Per pair: the lanes it reaches. */
        final long[] lanes;

        private Planes(int start, int vectors, int[] first, int[] tap, int[] column, float[] index, long[] lanes) {
            this.start = start;
            this.vectors = vectors;
            this.first = first;
            this.tap = tap;
            this.column = column;
            this.index = index;
            this.lanes = lanes;
        }

        long ints() {
            return (long) first.length + tap.length + column.length + index.length + 2L * lanes.length;
        }

        /** One (tap, input vector) step of an output vector while the tables are made. */
        private record Step(int tap, int column, long lanes, float[] index) {}

        /** The tables of col2im {@code c} (rank 1 or 2: one input and output depth), from its in-range tables, or null where a vector would not be whole. */
        static Planes of(Col2im c) {
            int taps = c.taps, outSlice = c.outSlice;
            // source[t][o]: the input position tap t adds to output position o, or -1
            int[][] source = new int[taps][outSlice];
            int lo = outSlice, hi = -1;
            // (a band of output depths that holds none of the one input depth's outputs: no tap reaches)
            for (int t = 0; t < taps && c.idLo[0] < c.idHi[0]; t++) {
                java.util.Arrays.fill(source[t], -1);
                int kh = t / c.kW, kw = t - kh * c.kW;
                for (int ih = c.ihLo[kh]; ih < c.ihHi[kh]; ih++) {
                    int oh = ih * c.sH - c.pH + kh * c.dH;
                    for (int iw = c.iwLo[kw]; iw < c.iwHi[kw]; iw++) {
                        int o = oh * c.outW + iw * c.sW - c.pW + kw * c.dW;
                        source[t][o] = ih * c.inW + iw;
                        lo = Math.min(lo, o);
                        hi = Math.max(hi, o);
                    }
                }
            }
            int vectors = hi < lo ? 0 : (hi - lo) / L + 1;
            int inVectors = (c.slice + L - 1) / L;
            int[] first = new int[vectors + 1];
            java.util.List<Step> steps = new java.util.ArrayList<>();
            float[] idx = new float[L];
            for (int q = 0; q < vectors; q++) {
                first[q] = steps.size();
                long reach = 0;
                for (int t = 0; t < taps; t++) {
                    // this tap's input vectors that reach vector q, in order (each output takes one value per tap)
                    for (int v = 0; v < inVectors; v++) {
                        long m = 0;
                        for (int i = 0; i < L; i++) {
                            int o = lo + q * L + i;
                            int src = o < outSlice ? source[t][o] : -1;
                            boolean here = src >= 0 && src / L == v;
                            idx[i] = here ? src - v * L : 0;
                            m |= here ? 1L << i : 0;
                        }
                        if (m != 0) {
                            steps.add(new Step(t, v * L, m, idx.clone()));
                            reach |= m;
                        }
                    }
                }
                if (reach != LANE_BITS) {
                    // whole vectors of reached outputs only: no masked load or store (whose fallback
                    // code C2 would compile too in a fresh JVM), and a band never writes past itself
                    return null;
                }
            }
            first[vectors] = steps.size();
            int n = steps.size();
            int[] tap = new int[n], column = new int[n];
            float[] index = new float[n * L];
            long[] lanes = new long[n];
            for (int e = 0; e < n; e++) {
                Step st = steps.get(e);
                tap[e] = st.tap;
                column[e] = st.column;
                lanes[e] = st.lanes;
                System.arraycopy(st.index, 0, index, e * L, L);
            }
            return new Planes(lo, vectors, first, tap, column, index, lanes);
        }
    }

    /** Smallest i ≥ 0 with {@code i·s + off ≥ 0}, at most {@code n}. */
    private static int lo(long off, int s, int n) {
        return off >= 0 ? 0 : (int) Math.min(n, Math.ceilDiv(-off, s));
    }

    /** One past the largest i < n with {@code i·s + off ≤ out − 1}, at least 0. */
    private static int hi(long off, int s, int n, int out) {
        long last = Math.floorDiv(out - 1 - off, s);
        return (int) Math.max(0, Math.min(n, last + 1));
    }

    /**
     * Whether depth tap {@code kd} puts input depth slice {@code sl} (= n · inD + id) outside the
     * output depth (cropped by padding): then that slice adds nothing through the tap.
     */
    private boolean sliceCropped(int sl, int kd) {
        int id = inD == 1 ? 0 : sl % inD;
        return id < idLo[kd] || id >= idHi[kd];
    }

    /**
     * The destination index of row 0, column 0 of the output depth slice that input depth slice
     * {@code sl} (= n · inD + id) reaches through depth tap {@code kd}, in output channel {@code co},
     * for a slice that tap does not crop ({@link #sliceCropped}). In a window the index may be below
     * 0 (the window can start inside the slice) while every index written from it is inside; the
     * sum wraps like any int sum, so it is the true index even where a term alone would not fit.
     */
    private int sliceBase(int sl, int kd, int co, int yOff) {
        int n = inD == 1 ? sl : sl / inD;
        int id = sl - n * inD;
        return yOff + n * imageStride + co * channelStride + (id * sD + kd * dD - pD) * outSlice;
    }

    /**
     * Whether {@link #multiplyZipped} computes a piece over images {@code [n0, n1)} and input
     * positions {@code [qA, qB)} of each (at any depth): where the geometry allows it
     * ({@link #zipGeometry}) and the piece's columns are exactly the inputs whose outputs this col2im writes, through every tap alike (the whole input, or a band of whole input
     * rows, or a part of one row of one image), so every column it computes is stored whole.
     */
    boolean zips(int n0, int n1, int qA, int qB) {
        if (!zipGeometry) {
            return false;
        }
        for (int t = 1; t < kW; t++) {
            if (iwLo[t] != iwLo[0] || iwHi[t] != iwHi[0]) {
                return false;
            }
        }
        for (int t = 1; t < ihLo.length; t++) {
            if (ihLo[t] != ihLo[0] || ihHi[t] != ihHi[0]) {
                return false;
            }
        }
        int first = ihLo[0] * inW, rows = ihHi[0] - ihLo[0];
        if (iwLo[0] == 0 && iwHi[0] == inW) {
            // one image, or whole images: a product that is zero when either holds, not an "or", whose
            // second test only a piece of several images reaches; the warm-up proxies, of one image,
            // never did, C2 compiled it as a trap, and Mask R-CNN's first execute (16 images) sprang it
            return qA == first && qB == first + rows * inW && (long) (n1 - n0 - 1) * (rows * inW - slice) == 0;
        }
        return n1 - n0 == 1 && rows == 1 && qA == first + iwLo[0] && qB == first + iwHi[0];
    }

    /**
     * The index in the output (less a row pair's part, {@code pairAt}) of column {@code j}'s first
     * output when columns {@code [j, j + NR)} lie inside one input row; else −1.
     */
    private int panelAt(int j) {
        int n = j / slice;
        int pos = j - n * slice;
        int ih = pos / inW;
        int iw = pos - ih * inW;
        return iw + NR <= inW ? n * imageStride + ih * sH * outW + 2 * iw : -1;
    }

    // BEGIN template for gen_segments.py
    /**
     * Adds rows {@code [rowFrom, rowTo)} of group {@code g} (row = local output channel · taps + tap,
     * tap = (kd · kH + kh) · kW + kw) and columns {@code [j0, j0 + width)} (column = n · inPlane + input
     * position; the walk takes them one (image, input depth) slice of {@code inH · inW} at a time) of the block
     * {@code c} (row {@code rowFrom} at index 0, leading dimension {@code ldc}) into {@code y}.
     *
     * <p>With stride 2 and dilation 1 along the width, the rows of taps {@code kw} and {@code kw + 1}
     * (adjacent in the block) land on interleaved output columns: they are zipped with vector
     * shuffles into one contiguous run instead of two strided scalar loops; with strides 3, 4 and 8, the
     * rows of 3, 4 or 8 taps ({@link #addInterleaved}).
     */
    void add(int g, int rowFrom, int rowTo, int j0, int width, float[] c, int ldc, float[] y, int yOff) {
        if (planes != null && j0 % slice == 0 && width % slice == 0) {
            addPlanes(g, rowFrom, rowTo, j0, width, c, ldc, y, yOff);
            return;
        }
        int end = j0 + width;
        boolean pairs = sW == 2 && dW == 1 && kW >= 2;
        // taps interleaved in groups of 3, 4 or 8 (strides 3, 4 and 8), else 0
        int interleave = dW == 1 && kW >= sW && (sW == 3 && TRIPLES_OK || sW == 4 || sW == GL) ? sW : 0;
        for (int row = rowFrom; row < rowTo; row++) {
            int col = row / taps;
            int tap = row - col * taps;
            int kd = tap / kHW;
            int kh = (tap - kd * kHW) / kW;
            int kw = tap - kd * kHW - kh * kW;
            if (interleave > 0 && kw % interleave == 0 && kw + interleave <= kW && row + interleave <= rowTo) {
                addInterleaved(interleave, g, col, kd, kh, kw, row - rowFrom, j0, end, c, ldc, y, yOff);
                row += interleave - 1;
                continue;
            }
            boolean pair = pairs && (kw & 1) == 0 && kw + 1 < kW && row + 1 < rowTo;
            int ihA0 = ihLo[kh], ihB0 = ihHi[kh];
            int lo0 = iwLo[kw], hi0 = iwHi[kw];
            int lo1 = pair ? iwLo[kw + 1] : 0, hi1 = pair ? iwHi[kw + 1] : 0;
            int co = g * coPerG + col;
            float b = bias == null ? 0f : bias[co];
            int owOff = kw * dW - pW;
            int ohOff = kh * dH - pH;
            int cRow = (row - rowFrom) * ldc;
            // a pair over short rows: lane 2·iw (2·iw + 1) of a row's zipped part when tap kw (kw + 1)
            // reaches the output from iw (a whole row from column 0: inW ≤ L / 2)
            long rowLanes = pair && shortRows ? pairBits(lo0, hi0, lo1, hi1, 0) : 0;
            // a pair over whole input rows: the columns either tap reaches, in chunks of L, and the lanes of the first and last chunk
            int spanFrom = pair ? pairFrom(lo0, hi0, lo1, hi1) : 0, spanTo = pair ? pairTo(lo0, hi0, lo1, hi1) : 0;
            long spanFirst = pair ? pairBits(lo0, hi0, lo1, hi1, spanFrom) : 0;
            long spanLast = pair ? pairBits(lo0, hi0, lo1, hi1, lastChunk(spanFrom, spanTo)) : 0;
            if (ihA0 < ihB0 && idLo[kd] < idHi[kd] && (lo0 < hi0 || lo1 < hi1)) {
                int j = j0;
                while (j < end) {
                    int sl = j / slice;
                    int p0 = j - sl * slice;
                    int pEnd = Math.min(slice, p0 + end - j);
                    int cBase = cRow + (j - j0) - p0;
                    int yBase = sliceBase(sl, kd, co, yOff);
                    int ihA = Math.max(p0 / inW, ihA0);
                    int ihB = sliceCropped(sl, kd) ? ihA : Math.min((pEnd - 1) / inW + 1, ihB0);
                    if (pair && shortRows && p0 == 0 && pEnd == slice) {
                        pairRows(y, yBase + ohOff * outW + owOff, c, cBase, cBase + ldc, ihA, ihB, rowLanes, b);
                        j += pEnd - p0;
                        continue;
                    }
                    for (int ih = ihA; ih < ihB; ih++) {
                        int a = ih * inW;
                        int iwA = Math.max(0, p0 - a);
                        int iwB = Math.min(inW, pEnd - a);
                        // y index of input column iw for tap kw: yRow + iw·sW; for kw + 1 one more
                        int yRow = yBase + (ih * sH + ohOff) * outW + owOff;
                        int cIn = cBase + a;
                        if (pair && iwA == 0 && iwB == inW) {
                            pairRow(y, yRow, c, cIn, cIn + ldc, spanFrom, spanTo, spanFirst, spanLast, b);
                        } else if (pair) {
                            int a0 = Math.max(iwA, lo0), e0 = Math.min(iwB, hi0), a1 = Math.max(iwA, lo1), e1 = Math.min(iwB, hi1);
                            int from = pairFrom(a0, e0, a1, e1), to = pairTo(a0, e0, a1, e1);
                            pairRow(y, yRow, c, cIn, cIn + ldc, from, to, pairBits(a0, e0, a1, e1, from),
                                    pairBits(a0, e0, a1, e1, lastChunk(from, to)), b);
                        } else {
                            run(y, yRow, c, cIn, iwA, iwB, lo0, hi0, b);
                        }
                    }
                    j += pEnd - p0;
                }
            }
            if (pair) {
                row++;
            }
        }
    }

    /**
     * {@link #add} by whole planes ({@link Planes}) for columns of whole images: each vector of an
     * (image, channel) plane's outputs is read once, receives the block's rows of that channel in tap
     * order (each a permute of one input vector of the tap's row, added in the lanes it reaches) and
     * is stored once, where the row walk would read and write each short output row once per pair
     * of taps through masks. Every lane of every vector is an output some tap reaches (see
     * {@link Planes#of}), so a band writes nothing outside itself.
     */
    private void addPlanes(int g, int rowFrom, int rowTo, int j0, int width, float[] c, int ldc, float[] y, int yOff) {
        if (DryRun.active()) {
            return;
        }
        Planes pl = planes;
        for (int col = rowFrom / taps, colEnd = (rowTo - 1) / taps; col <= colEnd; col++) {
            // the taps of this channel inside the block's rows
            int tapLo = Math.max(0, rowFrom - col * taps), tapHi = Math.min(taps, rowTo - col * taps);
            int co = g * coPerG + col;
            int cRow = (col * taps - rowFrom) * ldc;
            for (int j = j0; j < j0 + width; j += slice) {
                int yBase = sliceBase(j / slice, 0, co, yOff) + pl.start;
                int cBase = cRow + (j - j0);
                for (int q = 0; q < pl.vectors; q++) {
                    int yi = yBase + q * L;
                    FloatVector acc = FloatVector.fromArray(S, y, yi);
                    for (int e = pl.first[q], eEnd = pl.first[q + 1]; e < eEnd; e++) {
                        int t = pl.tap[e];
                        if (t >= tapLo && t < tapHi) {
                            FloatVector v = FloatVector.fromArray(S, c, cBase + t * ldc + pl.column[e]);
                            // an add and a blend, not the masked add, which C2 left on the API's Java fallback here
                            acc = acc.blend(acc.add(FloatVector.fromArray(S, pl.index, e * L).selectFrom(v)), VectorMask.fromLong(S, pl.lanes[e]));
                        }
                    }
                    acc.intoArray(y, yi);
                }
            }
        }
    }

    /**
     * Stride n (3, 4 or 8), dilation 1: the taps {@code kw0 .. kw0 + n} of one kernel row (n adjacent
     * rows of the block) land on n consecutive output columns per input column; where all n are
     * inside the output, one interleaved contiguous run ({@link #tripleRun}, {@link #quadRun},
     * {@link #octRun}).
     */
    private void addInterleaved(int n, int g, int col, int kd, int kh, int kw0, int blockRow, int j0, int end, float[] c,
                                int ldc, float[] y, int yOff) {
        int ihA0 = ihLo[kh], ihB0 = ihHi[kh];
        if (ihA0 >= ihB0 || idLo[kd] >= idHi[kd]) {
            return;
        }
        int lo = 0, hi = inW;
        for (int t = 0; t < n; t++) {
            lo = Math.max(lo, iwLo[kw0 + t]);
            hi = Math.min(hi, iwHi[kw0 + t]);
        }
        int co = g * coPerG + col;
        float b = bias == null ? 0f : bias[co];
        int owOff = kw0 * dW - pW;
        int ohOff = kh * dH - pH;
        int cRow = blockRow * ldc;
        int j = j0;
        while (j < end) {
            int sl = j / slice;
            int p0 = j - sl * slice;
            int pEnd = Math.min(slice, p0 + end - j);
            int cBase = cRow + (j - j0) - p0;
            int yBase = sliceBase(sl, kd, co, yOff);
            int ihA = Math.max(p0 / inW, ihA0);
            int ihB = sliceCropped(sl, kd) ? ihA : Math.min((pEnd - 1) / inW + 1, ihB0);
            for (int ih = ihA; ih < ihB; ih++) {
                int a = ih * inW;
                int iwA = Math.max(0, p0 - a);
                int iwB = Math.min(inW, pEnd - a);
                int yRow = yBase + (ih * sH + ohOff) * outW + owOff;
                int cIn = cBase + a;
                int cs = Math.max(iwA, lo);
                int ce = Math.min(iwB, hi);
                if (cs < ce) {
                    if (n == 3) {
                        tripleRun(y, yRow + cs * 3, c, cIn + cs, ldc, ce - cs, b);
                    } else if (n == 4) {
                        quadRun(y, yRow + cs * 4, c, cIn + cs, ldc, ce - cs, b);
                    } else {
                        octRun(y, yRow + cs * 8, c, cIn + cs, ldc, ce - cs, b);
                    }
                } else {
                    cs = ce = iwB;
                }
                // the edges, where only some of the n taps land inside the output
                for (int t = 0; t < n; t++) {
                    int kw = kw0 + t;
                    run(y, yRow + t, c, cIn + t * ldc, iwA, cs, iwLo[kw], iwHi[kw], b);
                    run(y, yRow + t, c, cIn + t * ldc, ce, iwB, iwLo[kw], iwHi[kw], b);
                }
            }
            j += pEnd - p0;
        }
    }

    /** {@code y[yi + 3t + u] (+)= c[c0 + u·ldc + t]} for {@code t < count}, {@code u < 3}. */
    private void tripleRun(float[] y, int yi, float[] c, int c0, int ldc, int count, float b) {
        if (DryRun.active()) {
            return;
        }
        int c1 = c0 + ldc, c2 = c1 + ldc;
        int t = 0;
        FloatVector bv = FloatVector.broadcast(S, b);
        for (int upper = count - L; t <= upper; t += L) {
            FloatVector v0 = FloatVector.fromArray(S, c, c0 + t);
            FloatVector v1 = FloatVector.fromArray(S, c, c1 + t);
            FloatVector v2 = FloatVector.fromArray(S, c, c2 + t);
            FloatVector o0 = v0.rearrange(TRI_0).blend(v1.rearrange(TRI_0), TRI_0_TAP1).blend(v2.rearrange(TRI_0), TRI_0_TAP2);
            FloatVector o1 = v0.rearrange(TRI_1).blend(v1.rearrange(TRI_1), TRI_1_TAP1).blend(v2.rearrange(TRI_1), TRI_1_TAP2);
            FloatVector o2 = v0.rearrange(TRI_2).blend(v1.rearrange(TRI_2), TRI_2_TAP1).blend(v2.rearrange(TRI_2), TRI_2_TAP2);
            int i = yi + 3 * t;
            if (singleCover) {
                bv.add(o0).intoArray(y, i);
                bv.add(o1).intoArray(y, i + L);
                bv.add(o2).intoArray(y, i + 2 * L);
            } else {
                FloatVector.fromArray(S, y, i).add(o0).intoArray(y, i);
                FloatVector.fromArray(S, y, i + L).add(o1).intoArray(y, i + L);
                FloatVector.fromArray(S, y, i + 2 * L).add(o2).intoArray(y, i + 2 * L);
            }
        }
        interleavedTail(3, y, yi, c, c0, ldc, t, count, b);
    }

    /**
     * {@code y[yi + 4t + u] (+)= c[c0 + u·ldc + t]} for {@code t < count}, {@code u < 4}: two levels of
     * zips, {@code zip(zip(t0, t2), zip(t1, t3))}, put the four taps of each input column side by side.
     */
    private void quadRun(float[] y, int yi, float[] c, int c0, int ldc, int count, float b) {
        if (DryRun.active()) {
            return;
        }
        int c1 = c0 + ldc, c2 = c1 + ldc, c3 = c2 + ldc;
        int t = 0;
        FloatVector bv = FloatVector.broadcast(S, b);
        for (int upper = count - L; t <= upper; t += L) {
            FloatVector v0 = FloatVector.fromArray(S, c, c0 + t);
            FloatVector v1 = FloatVector.fromArray(S, c, c1 + t);
            FloatVector v2 = FloatVector.fromArray(S, c, c2 + t);
            FloatVector v3 = FloatVector.fromArray(S, c, c3 + t);
            FloatVector e0 = v0.rearrange(ZIP_LO, v2), e1 = v0.rearrange(ZIP_HI, v2); // t0 t2 per column
            FloatVector d0 = v1.rearrange(ZIP_LO, v3), d1 = v1.rearrange(ZIP_HI, v3); // t1 t3 per column
            FloatVector o0 = e0.rearrange(ZIP_LO, d0), o1 = e0.rearrange(ZIP_HI, d0);
            FloatVector o2 = e1.rearrange(ZIP_LO, d1), o3 = e1.rearrange(ZIP_HI, d1);
            int i = yi + 4 * t;
            if (singleCover) {
                bv.add(o0).intoArray(y, i);
                bv.add(o1).intoArray(y, i + L);
                bv.add(o2).intoArray(y, i + 2 * L);
                bv.add(o3).intoArray(y, i + 3 * L);
            } else {
                FloatVector.fromArray(S, y, i).add(o0).intoArray(y, i);
                FloatVector.fromArray(S, y, i + L).add(o1).intoArray(y, i + L);
                FloatVector.fromArray(S, y, i + 2 * L).add(o2).intoArray(y, i + 2 * L);
                FloatVector.fromArray(S, y, i + 3 * L).add(o3).intoArray(y, i + 3 * L);
            }
        }
        interleavedTail(4, y, yi, c, c0, ldc, t, count, b);
    }

    /**
     * {@code y[yi + 8t + u] (+)= c[c0 + u·ldc + t]} for {@code t < count}, {@code u < 8}: three levels of
     * zips, {@code zip(zip(zip(t0, t4), zip(t2, t6)), zip(zip(t1, t5), zip(t3, t7)))}, put the eight taps
     * of each input column side by side.
     */
    private void octRun(float[] y, int yi, float[] c, int c0, int ldc, int count, float b) {
        if (DryRun.active()) {
            return;
        }
        int t = 0;
        FloatVector bv = FloatVector.broadcast(S, b);
        for (int upper = count - L; t <= upper; t += L) {
            int ct = c0 + t;
            FloatVector v0 = FloatVector.fromArray(S, c, ct), v4 = FloatVector.fromArray(S, c, ct + 4 * ldc);
            FloatVector v2 = FloatVector.fromArray(S, c, ct + 2 * ldc), v6 = FloatVector.fromArray(S, c, ct + 6 * ldc);
            FloatVector v1 = FloatVector.fromArray(S, c, ct + ldc), v5 = FloatVector.fromArray(S, c, ct + 5 * ldc);
            FloatVector v3 = FloatVector.fromArray(S, c, ct + 3 * ldc), v7 = FloatVector.fromArray(S, c, ct + 7 * ldc);
            // per half of the columns h: t0 t4, t2 t6, t1 t5, t3 t7
            FloatVector a0 = v0.rearrange(ZIP_LO, v4), a1 = v0.rearrange(ZIP_HI, v4);
            FloatVector b0 = v2.rearrange(ZIP_LO, v6), b1 = v2.rearrange(ZIP_HI, v6);
            FloatVector d0 = v1.rearrange(ZIP_LO, v5), d1 = v1.rearrange(ZIP_HI, v5);
            FloatVector e0 = v3.rearrange(ZIP_LO, v7), e1 = v3.rearrange(ZIP_HI, v7);
            // per quarter q: t0 t2 t4 t6 and t1 t3 t5 t7
            FloatVector p0 = a0.rearrange(ZIP_LO, b0), p1 = a0.rearrange(ZIP_HI, b0);
            FloatVector p2 = a1.rearrange(ZIP_LO, b1), p3 = a1.rearrange(ZIP_HI, b1);
            FloatVector q0 = d0.rearrange(ZIP_LO, e0), q1 = d0.rearrange(ZIP_HI, e0);
            FloatVector q2 = d1.rearrange(ZIP_LO, e1), q3 = d1.rearrange(ZIP_HI, e1);
            int i = yi + 8 * t;
            FloatVector o0 = p0.rearrange(ZIP_LO, q0), o1 = p0.rearrange(ZIP_HI, q0);
            FloatVector o2 = p1.rearrange(ZIP_LO, q1), o3 = p1.rearrange(ZIP_HI, q1);
            FloatVector o4 = p2.rearrange(ZIP_LO, q2), o5 = p2.rearrange(ZIP_HI, q2);
            FloatVector o6 = p3.rearrange(ZIP_LO, q3), o7 = p3.rearrange(ZIP_HI, q3);
            if (singleCover) {
                bv.add(o0).intoArray(y, i);
                bv.add(o1).intoArray(y, i + L);
                bv.add(o2).intoArray(y, i + 2 * L);
                bv.add(o3).intoArray(y, i + 3 * L);
                bv.add(o4).intoArray(y, i + 4 * L);
                bv.add(o5).intoArray(y, i + 5 * L);
                bv.add(o6).intoArray(y, i + 6 * L);
                bv.add(o7).intoArray(y, i + 7 * L);
            } else {
                FloatVector.fromArray(S, y, i).add(o0).intoArray(y, i);
                FloatVector.fromArray(S, y, i + L).add(o1).intoArray(y, i + L);
                FloatVector.fromArray(S, y, i + 2 * L).add(o2).intoArray(y, i + 2 * L);
                FloatVector.fromArray(S, y, i + 3 * L).add(o3).intoArray(y, i + 3 * L);
                FloatVector.fromArray(S, y, i + 4 * L).add(o4).intoArray(y, i + 4 * L);
                FloatVector.fromArray(S, y, i + 5 * L).add(o5).intoArray(y, i + 5 * L);
                FloatVector.fromArray(S, y, i + 6 * L).add(o6).intoArray(y, i + 6 * L);
                FloatVector.fromArray(S, y, i + 7 * L).add(o7).intoArray(y, i + 7 * L);
            }
        }
        interleavedTail(8, y, yi, c, c0, ldc, t, count, b);
    }

    /**
     * The columns {@code [from, count)} of an interleaved run of n taps that fill no whole vector, value
     * by value: {@code y[yi + n·t + u] (+)= c[c0 + u·ldc + t]}.
     */
    private void interleavedTail(int n, float[] y, int yi, float[] c, int c0, int ldc, int from, int count, float b) {
        for (int t = from; t < count; t++) {
            for (int u = 0; u < n; u++) {
                int i = yi + n * t + u;
                if (singleCover) {
                    y[i] = b + c[c0 + u * ldc + t];
                } else {
                    y[i] += c[c0 + u * ldc + t];
                }
            }
        }
    }

    /** One tap's input columns {@code [from, to) ∩ [lo, hi)} of one input row: {@code y[yRow + iw·sW] (+)= c[cIn + iw]}. */
    private void run(float[] y, int yRow, float[] c, int cIn, int from, int to, int lo, int hi, float b) {
        int a = Math.max(from, lo);
        int e = Math.min(to, hi);
        if (a < e) {
            if (singleCover) {
                storeRun(y, yRow + a * sW, sW, b, c, cIn + a, e - a);
            } else {
                addRun(y, yRow + a * sW, sW, c, cIn + a, e - a);
            }
        }
    }

    /**
     * One input row of a pair: {@code y[yRow + 2·iw] (+)= c[c0 + iw]} where tap kw reaches the output
     * from {@code iw}, and {@code y[yRow + 2·iw + 1] (+)= c[c1 + iw]} where tap kw + 1 does, over the
     * input columns {@code [from, to)} either reaches. The zip of the two block rows, L input columns
     * at a time, gives two output vectors. The first and the last chunk are masked steps
     * ({@link #pairStep}), their lanes {@code first} and {@code last} those of the columns each tap
     * reaches ({@link #pairBits}), so the columns where padding crops one tap of the two take no
     * part-vector step or scalar values of their own; every chunk between has all its lanes set
     * (adjacent taps at stride 2 reach the same input columns but at most one at either end, also in a
     * band for one thread) and is a whole-vector step. Each output gets the same one addition (or, in
     * a single cover, bias plus value).
     *
     * <p>The block's rows are read as whole vectors ({@link #BLOCK_SLACK} keeps them inside the
     * block): their lanes past a tap's range only reach unset lanes.
     */
    private void pairRow(float[] y, int yRow, float[] c, int c0, int c1, int from, int to, long first, long last, float b) {
        if (from >= to) {
            return;
        }
        int lastAt = lastChunk(from, to);
        pairStep(y, yRow, c, c0, c1, from, first, b);
        // a dry run (DryRun) skips the whole vectors between the two steps, which see their own dry calls
        if (!DryRun.active()) {
            FloatVector bv = FloatVector.broadcast(S, b);
            for (int iw = from + L; iw < lastAt; iw += L) {
                // all lanes set, so all inside the output: whole vectors
                FloatVector v0 = FloatVector.fromArray(S, c, c0 + iw);
                FloatVector v1 = FloatVector.fromArray(S, c, c1 + iw);
                int i = yRow + 2 * iw;
                if (singleCover) {
                    bv.add(v0.rearrange(ZIP_LO, v1)).intoArray(y, i);
                    bv.add(v0.rearrange(ZIP_HI, v1)).intoArray(y, i + L);
                } else {
                    FloatVector.fromArray(S, y, i).add(v0.rearrange(ZIP_LO, v1)).intoArray(y, i);
                    FloatVector.fromArray(S, y, i + L).add(v0.rearrange(ZIP_HI, v1)).intoArray(y, i + L);
                }
            }
        }
        if (lastAt > from) {
            pairStep(y, yRow, c, c0, c1, lastAt, last, b);
        }
    }

    /**
     * The chunk of {@link #pairRow} at input column {@code iw}, its lanes {@code bits}, as two masked
     * steps. A method of its own, taking no vector argument (nothing is boxed at the call), so that
     * the JIT compiles the row's loop and this step as separate units.
     */
    private void pairStep(float[] y, int yRow, float[] c, int c0, int c1, int iw, long bits, float b) {
        if (DryRun.active()) {
            return;
        }
        FloatVector bv = FloatVector.broadcast(S, b);
        FloatVector v0 = FloatVector.fromArray(S, c, c0 + iw);
        FloatVector v1 = FloatVector.fromArray(S, c, c1 + iw);
        int i = yRow + 2 * iw;
        long lo = bits & LANE_BITS, hi = bits >>> L;
        // no step with an empty mask: its vector may lie outside the output; at the output's ends a
        // vector would lie partly outside it, and the Vector API would take its out-of-range path:
        // value by value there instead. Inside, the output is read whole (a plain load: the masked
        // one measured slower) and stored through the mask, so the unset lanes stay untouched.
        if (lo != 0 && (i < 0 || i > y.length - L)) {
            pairLanes(y, i, c, c0 + iw, c1 + iw, lo, b);
        } else if (lo != 0) {
            VectorMask<Float> m = VectorMask.fromLong(S, lo);
            if (singleCover) {
                bv.add(v0.rearrange(ZIP_LO, v1)).intoArray(y, i, m);
            } else {
                FloatVector.fromArray(S, y, i).add(v0.rearrange(ZIP_LO, v1)).intoArray(y, i, m);
            }
        }
        i += L;
        if (hi != 0 && (i < 0 || i > y.length - L)) {
            pairLanes(y, i, c, c0 + iw + L / 2, c1 + iw + L / 2, hi, b);
        } else if (hi != 0) {
            VectorMask<Float> m = VectorMask.fromLong(S, hi);
            if (singleCover) {
                bv.add(v0.rearrange(ZIP_HI, v1)).intoArray(y, i, m);
            } else {
                FloatVector.fromArray(S, y, i).add(v0.rearrange(ZIP_HI, v1)).intoArray(y, i, m);
            }
        }
    }

    /**
     * The set lanes of {@code y[i + l] (+)= c[(l even ? c0 : c1) + l / 2]} over {@code l < 64}: a
     * pair's zipped lanes value by value, where a vector would lie partly outside the output.
     */
    private void pairLanes(float[] y, int i, float[] c, int c0, int c1, long lanes, float b) {
        for (long rest = lanes; rest != 0; rest &= rest - 1) {
            int l = Long.numberOfTrailingZeros(rest);
            float value = c[((l & 1) == 0 ? c0 : c1) + l / 2];
            if (singleCover) {
                y[i + l] = b + value;
            } else {
                y[i + l] += value;
            }
        }
    }

    /**
     * A pair's input rows {@code [ihA, ihB)} of one whole image (or input depth slice) whose rows are
     * short ({@link #shortRows}): the zip of the two taps' block rows from {@code c0} and {@code c1}
     * holds {@code L / (2·inW)} whole input rows per vector, and each row is one masked step into its
     * output row at {@code yRow0 + ih·sH·outW}, its lanes {@code rowLanes} (shifted to the row's place
     * in the vector: the lanes of the columns each tap reaches) in place of a part-vector pair step
     * and a scalar value per cropped edge per row. Each output gets the same one addition (or, in a
     * single cover, bias plus value) as from the row-by-row path.
     */
    private void pairRows(float[] y, int yRow0, float[] c, int c0, int c1, int ihA, int ihB, long rowLanes, float b) {
        if (DryRun.active()) {
            return;
        }
        int rows = L / (2 * inW);
        int half = L / 2;
        FloatVector bv = FloatVector.broadcast(S, b);
        for (int z = ihA / rows; z * rows < ihB; z++) {
            FloatVector v = FloatVector.fromArray(S, c, c0 + z * half).rearrange(ZIP_LO, FloatVector.fromArray(S, c, c1 + z * half));
            for (int ih = Math.max(ihA, z * rows), last = Math.min(ihB, (z + 1) * rows); ih < last; ih++) {
                int lane = 2 * inW * (ih - z * rows);
                int yRow = yRow0 + ih * sH * outW;
                if (yRow - lane >= 0 && yRow - lane + L <= y.length) {
                    VectorMask<Float> m = VectorMask.fromLong(S, rowLanes << lane);
                    if (singleCover) {
                        bv.add(v).intoArray(y, yRow - lane, m);
                    } else {
                        // read whole (inside the output), stored through the mask, as in pairStep
                        FloatVector.fromArray(S, y, yRow - lane).add(v).intoArray(y, yRow - lane, m);
                    }
                } else {
                    // at the output's ends the vector would lie partly outside it: value by value
                    pairLanes(y, yRow, c, c0 + ih * inW, c1 + ih * inW, rowLanes, b);
                }
            }
        }
    }

    /** {@code y[yi + t·s] += c[ci + t]} for {@code t < count}. */
    private static void addRun(float[] y, int yi, int s, float[] c, int ci, int count) {
        if (DryRun.active()) {
            return;
        }
        if (s == 1) {
            int t = 0;
            for (int upper = count - L; t <= upper; t += L) {
                FloatVector.fromArray(S, y, yi + t).add(FloatVector.fromArray(S, c, ci + t)).intoArray(y, yi + t);
            }
            for (; t < count; t++) {
                y[yi + t] += c[ci + t];
            }
        } else {
            for (int t = 0; t < count; t++) {
                y[yi + t * s] += c[ci + t];
            }
        }
    }

    /** {@code y[yi + t·s] = b + c[ci + t]} for {@code t < count}: the bias plus the one column value, as the reference's bias + products. */
    private static void storeRun(float[] y, int yi, int s, float b, float[] c, int ci, int count) {
        if (DryRun.active()) {
            return;
        }
        if (s == 1) {
            int t = 0;
            FloatVector bv = FloatVector.broadcast(S, b);
            for (int upper = count - L; t <= upper; t += L) {
                bv.add(FloatVector.fromArray(S, c, ci + t)).intoArray(y, yi + t);
            }
            for (; t < count; t++) {
                y[yi + t] = b + c[ci + t];
            }
        } else {
            for (int t = 0; t < count; t++) {
                y[yi + t * s] = b + c[ci + t];
            }
        }
    }

    /**
     * The GEMM of one M block, rows {@code [rowFrom, rowTo)} of group {@code g} (whole A panels from
     * {@code panelFrom}, {@code mPanels} of them, of a packed A of depth {@code k} and {@code mPadded}
     * rows at {@code apOff}), over columns {@code [j0, j0 + width)} (the packed B tile {@code bp}), with
     * its col2im, for a piece {@link #zips} accepts. A depth of several K blocks computes the blocks
     * before the last into the column block {@code c} as the GEMM does ({@link Sgemm#multiplyLeadingBlocks}),
     * and the last block's tiles go on from those sums: each output's chain of products is the
     * GEMM's whatever the depth. Rows {@code 2p} and
     * {@code 2p + 1} are taps kw = 0 and 1 of one kernel row, so each output row gets their values
     * interleaved: each register tile of a column panel that lies inside one input row stores its row
     * pairs zipped, plus the bias, straight into y ({@link SgemmMicroKernel#computeZip}); a tile with
     * padding rows, or whose panel crosses an input row or the tile's end, stores them into the tile
     * buffer and {@link #spillTile} copies its real rows and columns out run by run. Each output gets
     * {@code bias + column value}, as from {@link #add}.
     *
     * @param pairAt   receives per row pair of the block its output row's index in y (less the column's part)
     * @param pairBias receives per row pair of the block its output channel's bias, or 0
     * @param tile     the tile buffer, {@link #TILE_FLOATS} floats
     * @param c        the column block, for the sums of a depth of several K blocks (at least
     *                 {@code mPanels·MR} rows of {@code width} rounded up to whole NR panels)
     */
    void multiplyZipped(int g, int rowFrom, int rowTo, int k, float[] ap, int apOff, int mPadded, int panelFrom, int mPanels,
                        MemorySegment bp, int j0, int width, float[] y, int yOff, int[] pairAt, float[] pairBias, float[] tile,
                        float[] c) {
        int pairs = (rowTo - rowFrom) / 2;
        for (int p = 0; p < pairs; p++) {
            int row = rowFrom + 2 * p;
            int col = row / taps;
            int kh = (row - col * taps) / kW;
            int co = g * coPerG + col;
            pairAt[p] = yOff + co * channelStride + kh * outW;
            pairBias[p] = bias == null ? 0f : bias[co];
        }
        int nPanels = (width + NR - 1) / NR;
        int ldc = nPanels * NR;
        int kLast = Sgemm.lastBlockStart(k), kc = k - kLast;
        float[] sums = kLast > 0 ? c : null;
        if (sums != null) {
            Sgemm.multiplyLeadingBlocks(k, ap, apOff, mPadded, panelFrom, mPanels, bp, 0, width, sums, 0, ldc);
        }
        int aPanelStride = kc * MR;
        int aBlock = apOff + kLast * mPadded + panelFrom * aPanelStride;
        for (int q = 0; q < nPanels; q++) {
            int b = q * k * NR + kLast * NR;
            int cols = Math.min(NR, width - q * NR);
            int at = cols == NR ? panelAt(j0 + q * NR) : -1;
            for (int r = 0; r < mPanels; r++) {
                int aOff = aBlock + r * aPanelStride;
                int cOff = q * NR + r * MR * ldc;
                int real = Math.min(TILE_PAIRS, pairs - r * TILE_PAIRS);
                if (at >= 0 && real == TILE_PAIRS) {
                    SgemmMicroKernel.computeZip(kc, ap, aOff, bp, b, sums, cOff, ldc, y, at, pairAt, r * TILE_PAIRS, pairBias, r * TILE_PAIRS);
                } else {
                    SgemmMicroKernel.computeZip(kc, ap, aOff, bp, b, sums, cOff, ldc, tile, 0, TILE_AT, 0, pairBias, r * TILE_PAIRS);
                    spillTile(tile, j0 + q * NR, cols, real, pairAt, r * TILE_PAIRS, y);
                }
            }
        }
    }

    /**
     * Copies the real row pairs {@code [0, pairs)} and columns {@code [0, cols)} of a zipped tile in the
     * tile buffer (pair p's values from {@code tile[p·2·NR]}), whose first column is column {@code j},
     * to their outputs: one run per input row the columns cross.
     */
    private void spillTile(float[] tile, int j, int cols, int pairs, int[] pairAt, int atOff, float[] y) {
        if (DryRun.active()) {
            return;
        }
        int s = 0;
        while (s < cols) {
            int n = (j + s) / slice;
            int pos = j + s - n * slice;
            int ih = pos / inW;
            int iw = pos - ih * inW;
            int run = Math.min(cols - s, inW - iw);
            int at = n * imageStride + ih * sH * outW + 2 * iw;
            int count = 2 * run;
            for (int p = 0; p < pairs; p++) {
                int src = p * 2 * NR + 2 * s, dst = pairAt[atOff + p] + at;
                int i = 0;
                for (; i <= count - L; i += L) {
                    FloatVector.fromArray(S, tile, src + i).intoArray(y, dst + i);
                }
                if (i < count) {
                    FloatVector.fromArray(S, tile, src + i).intoArray(y, dst + i, S.indexInRange(i, count));
                }
            }
            s += run;
        }
    }
    // END template
    // BEGIN GENERATED by gen_segments.py from the template above (y as native MemorySegments, float i at byte 4·i); do not edit: change the template and rerun the script.
    /** How the generated segment variants read and write one float: native order, any alignment. */
    private static final java.lang.foreign.ValueLayout.OfFloat SEG_FLOAT = java.lang.foreign.ValueLayout.JAVA_FLOAT_UNALIGNED;
    /** The byte order of the generated segment variants' vector loads and stores. */
    private static final java.nio.ByteOrder SEG_ORDER = java.nio.ByteOrder.nativeOrder();

    /**
     * Adds rows {@code [rowFrom, rowTo)} of group {@code g} (row = local output channel · taps + tap,
     * tap = (kd · kH + kh) · kW + kw) and columns {@code [j0, j0 + width)} (column = n · inPlane + input
     * position; the walk takes them one (image, input depth) slice of {@code inH · inW} at a time) of the block
     * {@code c} (row {@code rowFrom} at index 0, leading dimension {@code ldc}) into {@code y}.
     *
     * <p>With stride 2 and dilation 1 along the width, the rows of taps {@code kw} and {@code kw + 1}
     * (adjacent in the block) land on interleaved output columns: they are zipped with vector
     * shuffles into one contiguous run instead of two strided scalar loops; with strides 3, 4 and 8, the
     * rows of 3, 4 or 8 taps ({@link #addInterleaved}).
     */
    void add(int g, int rowFrom, int rowTo, int j0, int width, float[] c, int ldc, MemorySegment y, int yOff) {
        if (planes != null && j0 % slice == 0 && width % slice == 0) {
            addPlanes(g, rowFrom, rowTo, j0, width, c, ldc, y, yOff);
            return;
        }
        int end = j0 + width;
        boolean pairs = sW == 2 && dW == 1 && kW >= 2;
        // taps interleaved in groups of 3, 4 or 8 (strides 3, 4 and 8), else 0
        int interleave = dW == 1 && kW >= sW && (sW == 3 && TRIPLES_OK || sW == 4 || sW == GL) ? sW : 0;
        for (int row = rowFrom; row < rowTo; row++) {
            int col = row / taps;
            int tap = row - col * taps;
            int kd = tap / kHW;
            int kh = (tap - kd * kHW) / kW;
            int kw = tap - kd * kHW - kh * kW;
            if (interleave > 0 && kw % interleave == 0 && kw + interleave <= kW && row + interleave <= rowTo) {
                addInterleaved(interleave, g, col, kd, kh, kw, row - rowFrom, j0, end, c, ldc, y, yOff);
                row += interleave - 1;
                continue;
            }
            boolean pair = pairs && (kw & 1) == 0 && kw + 1 < kW && row + 1 < rowTo;
            int ihA0 = ihLo[kh], ihB0 = ihHi[kh];
            int lo0 = iwLo[kw], hi0 = iwHi[kw];
            int lo1 = pair ? iwLo[kw + 1] : 0, hi1 = pair ? iwHi[kw + 1] : 0;
            int co = g * coPerG + col;
            float b = bias == null ? 0f : bias[co];
            int owOff = kw * dW - pW;
            int ohOff = kh * dH - pH;
            int cRow = (row - rowFrom) * ldc;
            // a pair over short rows: lane 2·iw (2·iw + 1) of a row's zipped part when tap kw (kw + 1)
            // reaches the output from iw (a whole row from column 0: inW ≤ L / 2)
            long rowLanes = pair && shortRows ? pairBits(lo0, hi0, lo1, hi1, 0) : 0;
            // a pair over whole input rows: the columns either tap reaches, in chunks of L, and the lanes of the first and last chunk
            int spanFrom = pair ? pairFrom(lo0, hi0, lo1, hi1) : 0, spanTo = pair ? pairTo(lo0, hi0, lo1, hi1) : 0;
            long spanFirst = pair ? pairBits(lo0, hi0, lo1, hi1, spanFrom) : 0;
            long spanLast = pair ? pairBits(lo0, hi0, lo1, hi1, lastChunk(spanFrom, spanTo)) : 0;
            if (ihA0 < ihB0 && idLo[kd] < idHi[kd] && (lo0 < hi0 || lo1 < hi1)) {
                int j = j0;
                while (j < end) {
                    int sl = j / slice;
                    int p0 = j - sl * slice;
                    int pEnd = Math.min(slice, p0 + end - j);
                    int cBase = cRow + (j - j0) - p0;
                    int yBase = sliceBase(sl, kd, co, yOff);
                    int ihA = Math.max(p0 / inW, ihA0);
                    int ihB = sliceCropped(sl, kd) ? ihA : Math.min((pEnd - 1) / inW + 1, ihB0);
                    if (pair && shortRows && p0 == 0 && pEnd == slice) {
                        pairRows(y, yBase + ohOff * outW + owOff, c, cBase, cBase + ldc, ihA, ihB, rowLanes, b);
                        j += pEnd - p0;
                        continue;
                    }
                    for (int ih = ihA; ih < ihB; ih++) {
                        int a = ih * inW;
                        int iwA = Math.max(0, p0 - a);
                        int iwB = Math.min(inW, pEnd - a);
                        // y index of input column iw for tap kw: yRow + iw·sW; for kw + 1 one more
                        int yRow = yBase + (ih * sH + ohOff) * outW + owOff;
                        int cIn = cBase + a;
                        if (pair && iwA == 0 && iwB == inW) {
                            pairRow(y, yRow, c, cIn, cIn + ldc, spanFrom, spanTo, spanFirst, spanLast, b);
                        } else if (pair) {
                            int a0 = Math.max(iwA, lo0), e0 = Math.min(iwB, hi0), a1 = Math.max(iwA, lo1), e1 = Math.min(iwB, hi1);
                            int from = pairFrom(a0, e0, a1, e1), to = pairTo(a0, e0, a1, e1);
                            pairRow(y, yRow, c, cIn, cIn + ldc, from, to, pairBits(a0, e0, a1, e1, from),
                                    pairBits(a0, e0, a1, e1, lastChunk(from, to)), b);
                        } else {
                            run(y, yRow, c, cIn, iwA, iwB, lo0, hi0, b);
                        }
                    }
                    j += pEnd - p0;
                }
            }
            if (pair) {
                row++;
            }
        }
    }

    /**
     * {@link #add} by whole planes ({@link Planes}) for columns of whole images: each vector of an
     * (image, channel) plane's outputs is read once, receives the block's rows of that channel in tap
     * order (each a permute of one input vector of the tap's row, added in the lanes it reaches) and
     * is stored once, where the row walk would read and write each short output row once per pair
     * of taps through masks. Every lane of every vector is an output some tap reaches (see
     * {@link Planes#of}), so a band writes nothing outside itself.
     */
    private void addPlanes(int g, int rowFrom, int rowTo, int j0, int width, float[] c, int ldc, MemorySegment y, int yOff) {
        if (DryRun.active()) {
            return;
        }
        Planes pl = planes;
        for (int col = rowFrom / taps, colEnd = (rowTo - 1) / taps; col <= colEnd; col++) {
            // the taps of this channel inside the block's rows
            int tapLo = Math.max(0, rowFrom - col * taps), tapHi = Math.min(taps, rowTo - col * taps);
            int co = g * coPerG + col;
            int cRow = (col * taps - rowFrom) * ldc;
            for (int j = j0; j < j0 + width; j += slice) {
                int yBase = sliceBase(j / slice, 0, co, yOff) + pl.start;
                int cBase = cRow + (j - j0);
                for (int q = 0; q < pl.vectors; q++) {
                    int yi = yBase + q * L;
                    FloatVector acc = FloatVector.fromMemorySegment(S, y, 4L * yi, SEG_ORDER);
                    for (int e = pl.first[q], eEnd = pl.first[q + 1]; e < eEnd; e++) {
                        int t = pl.tap[e];
                        if (t >= tapLo && t < tapHi) {
                            FloatVector v = FloatVector.fromArray(S, c, cBase + t * ldc + pl.column[e]);
                            // an add and a blend, not the masked add, which C2 left on the API's Java fallback here
                            acc = acc.blend(acc.add(FloatVector.fromArray(S, pl.index, e * L).selectFrom(v)), VectorMask.fromLong(S, pl.lanes[e]));
                        }
                    }
                    acc.intoMemorySegment(y, 4L * yi, SEG_ORDER);
                }
            }
        }
    }

    /**
     * Stride n (3, 4 or 8), dilation 1: the taps {@code kw0 .. kw0 + n} of one kernel row (n adjacent
     * rows of the block) land on n consecutive output columns per input column; where all n are
     * inside the output, one interleaved contiguous run ({@link #tripleRun}, {@link #quadRun},
     * {@link #octRun}).
     */
    private void addInterleaved(int n, int g, int col, int kd, int kh, int kw0, int blockRow, int j0, int end, float[] c,
                                int ldc, MemorySegment y, int yOff) {
        int ihA0 = ihLo[kh], ihB0 = ihHi[kh];
        if (ihA0 >= ihB0 || idLo[kd] >= idHi[kd]) {
            return;
        }
        int lo = 0, hi = inW;
        for (int t = 0; t < n; t++) {
            lo = Math.max(lo, iwLo[kw0 + t]);
            hi = Math.min(hi, iwHi[kw0 + t]);
        }
        int co = g * coPerG + col;
        float b = bias == null ? 0f : bias[co];
        int owOff = kw0 * dW - pW;
        int ohOff = kh * dH - pH;
        int cRow = blockRow * ldc;
        int j = j0;
        while (j < end) {
            int sl = j / slice;
            int p0 = j - sl * slice;
            int pEnd = Math.min(slice, p0 + end - j);
            int cBase = cRow + (j - j0) - p0;
            int yBase = sliceBase(sl, kd, co, yOff);
            int ihA = Math.max(p0 / inW, ihA0);
            int ihB = sliceCropped(sl, kd) ? ihA : Math.min((pEnd - 1) / inW + 1, ihB0);
            for (int ih = ihA; ih < ihB; ih++) {
                int a = ih * inW;
                int iwA = Math.max(0, p0 - a);
                int iwB = Math.min(inW, pEnd - a);
                int yRow = yBase + (ih * sH + ohOff) * outW + owOff;
                int cIn = cBase + a;
                int cs = Math.max(iwA, lo);
                int ce = Math.min(iwB, hi);
                if (cs < ce) {
                    if (n == 3) {
                        tripleRun(y, yRow + cs * 3, c, cIn + cs, ldc, ce - cs, b);
                    } else if (n == 4) {
                        quadRun(y, yRow + cs * 4, c, cIn + cs, ldc, ce - cs, b);
                    } else {
                        octRun(y, yRow + cs * 8, c, cIn + cs, ldc, ce - cs, b);
                    }
                } else {
                    cs = ce = iwB;
                }
                // the edges, where only some of the n taps land inside the output
                for (int t = 0; t < n; t++) {
                    int kw = kw0 + t;
                    run(y, yRow + t, c, cIn + t * ldc, iwA, cs, iwLo[kw], iwHi[kw], b);
                    run(y, yRow + t, c, cIn + t * ldc, ce, iwB, iwLo[kw], iwHi[kw], b);
                }
            }
            j += pEnd - p0;
        }
    }

    /** {@code y[yi + 3t + u] (+)= c[c0 + u·ldc + t]} for {@code t < count}, {@code u < 3}. */
    private void tripleRun(MemorySegment y, int yi, float[] c, int c0, int ldc, int count, float b) {
        if (DryRun.active()) {
            return;
        }
        int c1 = c0 + ldc, c2 = c1 + ldc;
        int t = 0;
        FloatVector bv = FloatVector.broadcast(S, b);
        for (int upper = count - L; t <= upper; t += L) {
            FloatVector v0 = FloatVector.fromArray(S, c, c0 + t);
            FloatVector v1 = FloatVector.fromArray(S, c, c1 + t);
            FloatVector v2 = FloatVector.fromArray(S, c, c2 + t);
            FloatVector o0 = v0.rearrange(TRI_0).blend(v1.rearrange(TRI_0), TRI_0_TAP1).blend(v2.rearrange(TRI_0), TRI_0_TAP2);
            FloatVector o1 = v0.rearrange(TRI_1).blend(v1.rearrange(TRI_1), TRI_1_TAP1).blend(v2.rearrange(TRI_1), TRI_1_TAP2);
            FloatVector o2 = v0.rearrange(TRI_2).blend(v1.rearrange(TRI_2), TRI_2_TAP1).blend(v2.rearrange(TRI_2), TRI_2_TAP2);
            int i = yi + 3 * t;
            if (singleCover) {
                bv.add(o0).intoMemorySegment(y, 4L * i, SEG_ORDER);
                bv.add(o1).intoMemorySegment(y, 4L * (i + L), SEG_ORDER);
                bv.add(o2).intoMemorySegment(y, 4L * (i + 2 * L), SEG_ORDER);
            } else {
                FloatVector.fromMemorySegment(S, y, 4L * i, SEG_ORDER).add(o0).intoMemorySegment(y, 4L * i, SEG_ORDER);
                FloatVector.fromMemorySegment(S, y, 4L * (i + L), SEG_ORDER).add(o1).intoMemorySegment(y, 4L * (i + L), SEG_ORDER);
                FloatVector.fromMemorySegment(S, y, 4L * (i + 2 * L), SEG_ORDER).add(o2).intoMemorySegment(y, 4L * (i + 2 * L), SEG_ORDER);
            }
        }
        interleavedTail(3, y, yi, c, c0, ldc, t, count, b);
    }

    /**
     * {@code y[yi + 4t + u] (+)= c[c0 + u·ldc + t]} for {@code t < count}, {@code u < 4}: two levels of
     * zips, {@code zip(zip(t0, t2), zip(t1, t3))}, put the four taps of each input column side by side.
     */
    private void quadRun(MemorySegment y, int yi, float[] c, int c0, int ldc, int count, float b) {
        if (DryRun.active()) {
            return;
        }
        int c1 = c0 + ldc, c2 = c1 + ldc, c3 = c2 + ldc;
        int t = 0;
        FloatVector bv = FloatVector.broadcast(S, b);
        for (int upper = count - L; t <= upper; t += L) {
            FloatVector v0 = FloatVector.fromArray(S, c, c0 + t);
            FloatVector v1 = FloatVector.fromArray(S, c, c1 + t);
            FloatVector v2 = FloatVector.fromArray(S, c, c2 + t);
            FloatVector v3 = FloatVector.fromArray(S, c, c3 + t);
            FloatVector e0 = v0.rearrange(ZIP_LO, v2), e1 = v0.rearrange(ZIP_HI, v2); // t0 t2 per column
            FloatVector d0 = v1.rearrange(ZIP_LO, v3), d1 = v1.rearrange(ZIP_HI, v3); // t1 t3 per column
            FloatVector o0 = e0.rearrange(ZIP_LO, d0), o1 = e0.rearrange(ZIP_HI, d0);
            FloatVector o2 = e1.rearrange(ZIP_LO, d1), o3 = e1.rearrange(ZIP_HI, d1);
            int i = yi + 4 * t;
            if (singleCover) {
                bv.add(o0).intoMemorySegment(y, 4L * i, SEG_ORDER);
                bv.add(o1).intoMemorySegment(y, 4L * (i + L), SEG_ORDER);
                bv.add(o2).intoMemorySegment(y, 4L * (i + 2 * L), SEG_ORDER);
                bv.add(o3).intoMemorySegment(y, 4L * (i + 3 * L), SEG_ORDER);
            } else {
                FloatVector.fromMemorySegment(S, y, 4L * i, SEG_ORDER).add(o0).intoMemorySegment(y, 4L * i, SEG_ORDER);
                FloatVector.fromMemorySegment(S, y, 4L * (i + L), SEG_ORDER).add(o1).intoMemorySegment(y, 4L * (i + L), SEG_ORDER);
                FloatVector.fromMemorySegment(S, y, 4L * (i + 2 * L), SEG_ORDER).add(o2).intoMemorySegment(y, 4L * (i + 2 * L), SEG_ORDER);
                FloatVector.fromMemorySegment(S, y, 4L * (i + 3 * L), SEG_ORDER).add(o3).intoMemorySegment(y, 4L * (i + 3 * L), SEG_ORDER);
            }
        }
        interleavedTail(4, y, yi, c, c0, ldc, t, count, b);
    }

    /**
     * {@code y[yi + 8t + u] (+)= c[c0 + u·ldc + t]} for {@code t < count}, {@code u < 8}: three levels of
     * zips, {@code zip(zip(zip(t0, t4), zip(t2, t6)), zip(zip(t1, t5), zip(t3, t7)))}, put the eight taps
     * of each input column side by side.
     */
    private void octRun(MemorySegment y, int yi, float[] c, int c0, int ldc, int count, float b) {
        if (DryRun.active()) {
            return;
        }
        int t = 0;
        FloatVector bv = FloatVector.broadcast(S, b);
        for (int upper = count - L; t <= upper; t += L) {
            int ct = c0 + t;
            FloatVector v0 = FloatVector.fromArray(S, c, ct), v4 = FloatVector.fromArray(S, c, ct + 4 * ldc);
            FloatVector v2 = FloatVector.fromArray(S, c, ct + 2 * ldc), v6 = FloatVector.fromArray(S, c, ct + 6 * ldc);
            FloatVector v1 = FloatVector.fromArray(S, c, ct + ldc), v5 = FloatVector.fromArray(S, c, ct + 5 * ldc);
            FloatVector v3 = FloatVector.fromArray(S, c, ct + 3 * ldc), v7 = FloatVector.fromArray(S, c, ct + 7 * ldc);
            // per half of the columns h: t0 t4, t2 t6, t1 t5, t3 t7
            FloatVector a0 = v0.rearrange(ZIP_LO, v4), a1 = v0.rearrange(ZIP_HI, v4);
            FloatVector b0 = v2.rearrange(ZIP_LO, v6), b1 = v2.rearrange(ZIP_HI, v6);
            FloatVector d0 = v1.rearrange(ZIP_LO, v5), d1 = v1.rearrange(ZIP_HI, v5);
            FloatVector e0 = v3.rearrange(ZIP_LO, v7), e1 = v3.rearrange(ZIP_HI, v7);
            // per quarter q: t0 t2 t4 t6 and t1 t3 t5 t7
            FloatVector p0 = a0.rearrange(ZIP_LO, b0), p1 = a0.rearrange(ZIP_HI, b0);
            FloatVector p2 = a1.rearrange(ZIP_LO, b1), p3 = a1.rearrange(ZIP_HI, b1);
            FloatVector q0 = d0.rearrange(ZIP_LO, e0), q1 = d0.rearrange(ZIP_HI, e0);
            FloatVector q2 = d1.rearrange(ZIP_LO, e1), q3 = d1.rearrange(ZIP_HI, e1);
            int i = yi + 8 * t;
            FloatVector o0 = p0.rearrange(ZIP_LO, q0), o1 = p0.rearrange(ZIP_HI, q0);
            FloatVector o2 = p1.rearrange(ZIP_LO, q1), o3 = p1.rearrange(ZIP_HI, q1);
            FloatVector o4 = p2.rearrange(ZIP_LO, q2), o5 = p2.rearrange(ZIP_HI, q2);
            FloatVector o6 = p3.rearrange(ZIP_LO, q3), o7 = p3.rearrange(ZIP_HI, q3);
            if (singleCover) {
                bv.add(o0).intoMemorySegment(y, 4L * i, SEG_ORDER);
                bv.add(o1).intoMemorySegment(y, 4L * (i + L), SEG_ORDER);
                bv.add(o2).intoMemorySegment(y, 4L * (i + 2 * L), SEG_ORDER);
                bv.add(o3).intoMemorySegment(y, 4L * (i + 3 * L), SEG_ORDER);
                bv.add(o4).intoMemorySegment(y, 4L * (i + 4 * L), SEG_ORDER);
                bv.add(o5).intoMemorySegment(y, 4L * (i + 5 * L), SEG_ORDER);
                bv.add(o6).intoMemorySegment(y, 4L * (i + 6 * L), SEG_ORDER);
                bv.add(o7).intoMemorySegment(y, 4L * (i + 7 * L), SEG_ORDER);
            } else {
                FloatVector.fromMemorySegment(S, y, 4L * i, SEG_ORDER).add(o0).intoMemorySegment(y, 4L * i, SEG_ORDER);
                FloatVector.fromMemorySegment(S, y, 4L * (i + L), SEG_ORDER).add(o1).intoMemorySegment(y, 4L * (i + L), SEG_ORDER);
                FloatVector.fromMemorySegment(S, y, 4L * (i + 2 * L), SEG_ORDER).add(o2).intoMemorySegment(y, 4L * (i + 2 * L), SEG_ORDER);
                FloatVector.fromMemorySegment(S, y, 4L * (i + 3 * L), SEG_ORDER).add(o3).intoMemorySegment(y, 4L * (i + 3 * L), SEG_ORDER);
                FloatVector.fromMemorySegment(S, y, 4L * (i + 4 * L), SEG_ORDER).add(o4).intoMemorySegment(y, 4L * (i + 4 * L), SEG_ORDER);
                FloatVector.fromMemorySegment(S, y, 4L * (i + 5 * L), SEG_ORDER).add(o5).intoMemorySegment(y, 4L * (i + 5 * L), SEG_ORDER);
                FloatVector.fromMemorySegment(S, y, 4L * (i + 6 * L), SEG_ORDER).add(o6).intoMemorySegment(y, 4L * (i + 6 * L), SEG_ORDER);
                FloatVector.fromMemorySegment(S, y, 4L * (i + 7 * L), SEG_ORDER).add(o7).intoMemorySegment(y, 4L * (i + 7 * L), SEG_ORDER);
            }
        }
        interleavedTail(8, y, yi, c, c0, ldc, t, count, b);
    }

    /**
     * The columns {@code [from, count)} of an interleaved run of n taps that fill no whole vector, value
     * by value: {@code y[yi + n·t + u] (+)= c[c0 + u·ldc + t]}.
     */
    private void interleavedTail(int n, MemorySegment y, int yi, float[] c, int c0, int ldc, int from, int count, float b) {
        for (int t = from; t < count; t++) {
            for (int u = 0; u < n; u++) {
                int i = yi + n * t + u;
                if (singleCover) {
                    y.set(SEG_FLOAT, 4L * i, b + c[c0 + u * ldc + t]);
                } else {
                    y.set(SEG_FLOAT, 4L * i, y.get(SEG_FLOAT, 4L * i) + c[c0 + u * ldc + t]);
                }
            }
        }
    }

    /** One tap's input columns {@code [from, to) ∩ [lo, hi)} of one input row: {@code y[yRow + iw·sW] (+)= c[cIn + iw]}. */
    private void run(MemorySegment y, int yRow, float[] c, int cIn, int from, int to, int lo, int hi, float b) {
        int a = Math.max(from, lo);
        int e = Math.min(to, hi);
        if (a < e) {
            if (singleCover) {
                storeRun(y, yRow + a * sW, sW, b, c, cIn + a, e - a);
            } else {
                addRun(y, yRow + a * sW, sW, c, cIn + a, e - a);
            }
        }
    }

    /**
     * One input row of a pair: {@code y[yRow + 2·iw] (+)= c[c0 + iw]} where tap kw reaches the output
     * from {@code iw}, and {@code y[yRow + 2·iw + 1] (+)= c[c1 + iw]} where tap kw + 1 does, over the
     * input columns {@code [from, to)} either reaches. The zip of the two block rows, L input columns
     * at a time, gives two output vectors. The first and the last chunk are masked steps
     * ({@link #pairStep}), their lanes {@code first} and {@code last} those of the columns each tap
     * reaches ({@link #pairBits}), so the columns where padding crops one tap of the two take no
     * part-vector step or scalar values of their own; every chunk between has all its lanes set
     * (adjacent taps at stride 2 reach the same input columns but at most one at either end, also in a
     * band for one thread) and is a whole-vector step. Each output gets the same one addition (or, in
     * a single cover, bias plus value).
     *
     * <p>The block's rows are read as whole vectors ({@link #BLOCK_SLACK} keeps them inside the
     * block): their lanes past a tap's range only reach unset lanes.
     */
    private void pairRow(MemorySegment y, int yRow, float[] c, int c0, int c1, int from, int to, long first, long last, float b) {
        if (from >= to) {
            return;
        }
        int lastAt = lastChunk(from, to);
        pairStep(y, yRow, c, c0, c1, from, first, b);
        // a dry run (DryRun) skips the whole vectors between the two steps, which see their own dry calls
        if (!DryRun.active()) {
            FloatVector bv = FloatVector.broadcast(S, b);
            for (int iw = from + L; iw < lastAt; iw += L) {
                // all lanes set, so all inside the output: whole vectors
                FloatVector v0 = FloatVector.fromArray(S, c, c0 + iw);
                FloatVector v1 = FloatVector.fromArray(S, c, c1 + iw);
                int i = yRow + 2 * iw;
                if (singleCover) {
                    bv.add(v0.rearrange(ZIP_LO, v1)).intoMemorySegment(y, 4L * i, SEG_ORDER);
                    bv.add(v0.rearrange(ZIP_HI, v1)).intoMemorySegment(y, 4L * (i + L), SEG_ORDER);
                } else {
                    FloatVector.fromMemorySegment(S, y, 4L * i, SEG_ORDER).add(v0.rearrange(ZIP_LO, v1)).intoMemorySegment(y, 4L * i, SEG_ORDER);
                    FloatVector.fromMemorySegment(S, y, 4L * (i + L), SEG_ORDER).add(v0.rearrange(ZIP_HI, v1)).intoMemorySegment(y, 4L * (i + L), SEG_ORDER);
                }
            }
        }
        if (lastAt > from) {
            pairStep(y, yRow, c, c0, c1, lastAt, last, b);
        }
    }

    /**
     * The chunk of {@link #pairRow} at input column {@code iw}, its lanes {@code bits}, as two masked
     * steps. A method of its own, taking no vector argument (nothing is boxed at the call), so that
     * the JIT compiles the row's loop and this step as separate units.
     */
    private void pairStep(MemorySegment y, int yRow, float[] c, int c0, int c1, int iw, long bits, float b) {
        if (DryRun.active()) {
            return;
        }
        FloatVector bv = FloatVector.broadcast(S, b);
        FloatVector v0 = FloatVector.fromArray(S, c, c0 + iw);
        FloatVector v1 = FloatVector.fromArray(S, c, c1 + iw);
        int i = yRow + 2 * iw;
        long lo = bits & LANE_BITS, hi = bits >>> L;
        // no step with an empty mask: its vector may lie outside the output; at the output's ends a
        // vector would lie partly outside it, and the Vector API would take its out-of-range path:
        // value by value there instead. Inside, the output is read whole (a plain load: the masked
        // one measured slower) and stored through the mask, so the unset lanes stay untouched.
        if (lo != 0 && (i < 0 || i > (y.byteSize() / 4) - L)) {
            pairLanes(y, i, c, c0 + iw, c1 + iw, lo, b);
        } else if (lo != 0) {
            VectorMask<Float> m = VectorMask.fromLong(S, lo);
            if (singleCover) {
                bv.add(v0.rearrange(ZIP_LO, v1)).intoMemorySegment(y, 4L * i, SEG_ORDER, m);
            } else {
                FloatVector.fromMemorySegment(S, y, 4L * i, SEG_ORDER).add(v0.rearrange(ZIP_LO, v1)).intoMemorySegment(y, 4L * i, SEG_ORDER, m);
            }
        }
        i += L;
        if (hi != 0 && (i < 0 || i > (y.byteSize() / 4) - L)) {
            pairLanes(y, i, c, c0 + iw + L / 2, c1 + iw + L / 2, hi, b);
        } else if (hi != 0) {
            VectorMask<Float> m = VectorMask.fromLong(S, hi);
            if (singleCover) {
                bv.add(v0.rearrange(ZIP_HI, v1)).intoMemorySegment(y, 4L * i, SEG_ORDER, m);
            } else {
                FloatVector.fromMemorySegment(S, y, 4L * i, SEG_ORDER).add(v0.rearrange(ZIP_HI, v1)).intoMemorySegment(y, 4L * i, SEG_ORDER, m);
            }
        }
    }

    /**
     * The set lanes of {@code y[i + l] (+)= c[(l even ? c0 : c1) + l / 2]} over {@code l < 64}: a
     * pair's zipped lanes value by value, where a vector would lie partly outside the output.
     */
    private void pairLanes(MemorySegment y, int i, float[] c, int c0, int c1, long lanes, float b) {
        for (long rest = lanes; rest != 0; rest &= rest - 1) {
            int l = Long.numberOfTrailingZeros(rest);
            float value = c[((l & 1) == 0 ? c0 : c1) + l / 2];
            if (singleCover) {
                y.set(SEG_FLOAT, 4L * (i + l), b + value);
            } else {
                y.set(SEG_FLOAT, 4L * (i + l), y.get(SEG_FLOAT, 4L * (i + l)) + value);
            }
        }
    }

    /**
     * A pair's input rows {@code [ihA, ihB)} of one whole image (or input depth slice) whose rows are
     * short ({@link #shortRows}): the zip of the two taps' block rows from {@code c0} and {@code c1}
     * holds {@code L / (2·inW)} whole input rows per vector, and each row is one masked step into its
     * output row at {@code yRow0 + ih·sH·outW}, its lanes {@code rowLanes} (shifted to the row's place
     * in the vector: the lanes of the columns each tap reaches) in place of a part-vector pair step
     * and a scalar value per cropped edge per row. Each output gets the same one addition (or, in a
     * single cover, bias plus value) as from the row-by-row path.
     */
    private void pairRows(MemorySegment y, int yRow0, float[] c, int c0, int c1, int ihA, int ihB, long rowLanes, float b) {
        if (DryRun.active()) {
            return;
        }
        int rows = L / (2 * inW);
        int half = L / 2;
        FloatVector bv = FloatVector.broadcast(S, b);
        for (int z = ihA / rows; z * rows < ihB; z++) {
            FloatVector v = FloatVector.fromArray(S, c, c0 + z * half).rearrange(ZIP_LO, FloatVector.fromArray(S, c, c1 + z * half));
            for (int ih = Math.max(ihA, z * rows), last = Math.min(ihB, (z + 1) * rows); ih < last; ih++) {
                int lane = 2 * inW * (ih - z * rows);
                int yRow = yRow0 + ih * sH * outW;
                if (yRow - lane >= 0 && yRow - lane + L <= (y.byteSize() / 4)) {
                    VectorMask<Float> m = VectorMask.fromLong(S, rowLanes << lane);
                    if (singleCover) {
                        bv.add(v).intoMemorySegment(y, 4L * (yRow - lane), SEG_ORDER, m);
                    } else {
                        // read whole (inside the output), stored through the mask, as in pairStep
                        FloatVector.fromMemorySegment(S, y, 4L * (yRow - lane), SEG_ORDER).add(v).intoMemorySegment(y, 4L * (yRow - lane), SEG_ORDER, m);
                    }
                } else {
                    // at the output's ends the vector would lie partly outside it: value by value
                    pairLanes(y, yRow, c, c0 + ih * inW, c1 + ih * inW, rowLanes, b);
                }
            }
        }
    }

    /** {@code y[yi + t·s] += c[ci + t]} for {@code t < count}. */
    private static void addRun(MemorySegment y, int yi, int s, float[] c, int ci, int count) {
        if (DryRun.active()) {
            return;
        }
        if (s == 1) {
            int t = 0;
            for (int upper = count - L; t <= upper; t += L) {
                FloatVector.fromMemorySegment(S, y, 4L * (yi + t), SEG_ORDER).add(FloatVector.fromArray(S, c, ci + t)).intoMemorySegment(y, 4L * (yi + t), SEG_ORDER);
            }
            for (; t < count; t++) {
                y.set(SEG_FLOAT, 4L * (yi + t), y.get(SEG_FLOAT, 4L * (yi + t)) + c[ci + t]);
            }
        } else {
            for (int t = 0; t < count; t++) {
                y.set(SEG_FLOAT, 4L * (yi + t * s), y.get(SEG_FLOAT, 4L * (yi + t * s)) + c[ci + t]);
            }
        }
    }

    /** {@code y[yi + t·s] = b + c[ci + t]} for {@code t < count}: the bias plus the one column value, as the reference's bias + products. */
    private static void storeRun(MemorySegment y, int yi, int s, float b, float[] c, int ci, int count) {
        if (DryRun.active()) {
            return;
        }
        if (s == 1) {
            int t = 0;
            FloatVector bv = FloatVector.broadcast(S, b);
            for (int upper = count - L; t <= upper; t += L) {
                bv.add(FloatVector.fromArray(S, c, ci + t)).intoMemorySegment(y, 4L * (yi + t), SEG_ORDER);
            }
            for (; t < count; t++) {
                y.set(SEG_FLOAT, 4L * (yi + t), b + c[ci + t]);
            }
        } else {
            for (int t = 0; t < count; t++) {
                y.set(SEG_FLOAT, 4L * (yi + t * s), b + c[ci + t]);
            }
        }
    }

    /**
     * The GEMM of one M block, rows {@code [rowFrom, rowTo)} of group {@code g} (whole A panels from
     * {@code panelFrom}, {@code mPanels} of them, of a packed A of depth {@code k} and {@code mPadded}
     * rows at {@code apOff}), over columns {@code [j0, j0 + width)} (the packed B tile {@code bp}), with
     * its col2im, for a piece {@link #zips} accepts. A depth of several K blocks computes the blocks
     * before the last into the column block {@code c} as the GEMM does ({@link Sgemm#multiplyLeadingBlocks}),
     * and the last block's tiles go on from those sums: each output's chain of products is the
     * GEMM's whatever the depth. Rows {@code 2p} and
     * {@code 2p + 1} are taps kw = 0 and 1 of one kernel row, so each output row gets their values
     * interleaved: each register tile of a column panel that lies inside one input row stores its row
     * pairs zipped, plus the bias, straight into y ({@link SgemmMicroKernel#computeZip}); a tile with
     * padding rows, or whose panel crosses an input row or the tile's end, stores them into the tile
     * buffer and {@link #spillTile} copies its real rows and columns out run by run. Each output gets
     * {@code bias + column value}, as from {@link #add}.
     *
     * @param pairAt   receives per row pair of the block its output row's index in y (less the column's part)
     * @param pairBias receives per row pair of the block its output channel's bias, or 0
     * @param tile     the tile buffer, {@link #TILE_FLOATS} floats
     * @param c        the column block, for the sums of a depth of several K blocks (at least
     *                 {@code mPanels·MR} rows of {@code width} rounded up to whole NR panels)
     */
    void multiplyZipped(int g, int rowFrom, int rowTo, int k, float[] ap, int apOff, int mPadded, int panelFrom, int mPanels,
                        MemorySegment bp, int j0, int width, MemorySegment y, int yOff, int[] pairAt, float[] pairBias, float[] tile,
                        float[] c) {
        int pairs = (rowTo - rowFrom) / 2;
        for (int p = 0; p < pairs; p++) {
            int row = rowFrom + 2 * p;
            int col = row / taps;
            int kh = (row - col * taps) / kW;
            int co = g * coPerG + col;
            pairAt[p] = yOff + co * channelStride + kh * outW;
            pairBias[p] = bias == null ? 0f : bias[co];
        }
        int nPanels = (width + NR - 1) / NR;
        int ldc = nPanels * NR;
        int kLast = Sgemm.lastBlockStart(k), kc = k - kLast;
        float[] sums = kLast > 0 ? c : null;
        if (sums != null) {
            Sgemm.multiplyLeadingBlocks(k, ap, apOff, mPadded, panelFrom, mPanels, bp, 0, width, sums, 0, ldc);
        }
        int aPanelStride = kc * MR;
        int aBlock = apOff + kLast * mPadded + panelFrom * aPanelStride;
        for (int q = 0; q < nPanels; q++) {
            int b = q * k * NR + kLast * NR;
            int cols = Math.min(NR, width - q * NR);
            int at = cols == NR ? panelAt(j0 + q * NR) : -1;
            for (int r = 0; r < mPanels; r++) {
                int aOff = aBlock + r * aPanelStride;
                int cOff = q * NR + r * MR * ldc;
                int real = Math.min(TILE_PAIRS, pairs - r * TILE_PAIRS);
                if (at >= 0 && real == TILE_PAIRS) {
                    SgemmMicroKernel.computeZip(kc, ap, aOff, bp, b, sums, cOff, ldc, y, at, pairAt, r * TILE_PAIRS, pairBias, r * TILE_PAIRS);
                } else {
                    SgemmMicroKernel.computeZip(kc, ap, aOff, bp, b, sums, cOff, ldc, tile, 0, TILE_AT, 0, pairBias, r * TILE_PAIRS);
                    spillTile(tile, j0 + q * NR, cols, real, pairAt, r * TILE_PAIRS, y);
                }
            }
        }
    }

    /**
     * Copies the real row pairs {@code [0, pairs)} and columns {@code [0, cols)} of a zipped tile in the
     * tile buffer (pair p's values from {@code tile[p·2·NR]}), whose first column is column {@code j},
     * to their outputs: one run per input row the columns cross.
     */
    private void spillTile(float[] tile, int j, int cols, int pairs, int[] pairAt, int atOff, MemorySegment y) {
        if (DryRun.active()) {
            return;
        }
        int s = 0;
        while (s < cols) {
            int n = (j + s) / slice;
            int pos = j + s - n * slice;
            int ih = pos / inW;
            int iw = pos - ih * inW;
            int run = Math.min(cols - s, inW - iw);
            int at = n * imageStride + ih * sH * outW + 2 * iw;
            int count = 2 * run;
            for (int p = 0; p < pairs; p++) {
                int src = p * 2 * NR + 2 * s, dst = pairAt[atOff + p] + at;
                int i = 0;
                for (; i <= count - L; i += L) {
                    FloatVector.fromArray(S, tile, src + i).intoMemorySegment(y, 4L * (dst + i), SEG_ORDER);
                }
                if (i < count) {
                    FloatVector.fromArray(S, tile, src + i).intoMemorySegment(y, 4L * (dst + i), SEG_ORDER, S.indexInRange(i, count));
                }
            }
            s += run;
        }
    }
    // END GENERATED
}
