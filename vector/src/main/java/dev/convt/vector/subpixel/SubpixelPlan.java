package dev.convt.vector.subpixel;

import dev.convt.Activation;
import dev.convt.Problem;
import dev.convt.kernel.DryRun;
import dev.convt.kernel.KernelPlan;
import dev.convt.vector.Epilogue;
import dev.convt.vector.gemm.Blocking;
import dev.convt.vector.gemm.Packing;
import dev.convt.vector.gemm.Sgemm;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

import java.lang.foreign.MemorySegment;
import java.util.Arrays;

/**
 * A prepared sub-pixel computation (see {@link SubpixelKernel}): per group one GEMM
 * {@code C = A · B} whose rows are super-pixels and whose columns are output phases.
 *
 * <ul>
 *   <li><b>B</b> ({@code K × M}, packed once per spec by {@link SubpixelWeights}): row {@code (ci, th, tw)}, column
 *       {@code (co, rh, rw)} holds {@code w[ci][co][rh + s_h·th][rw + s_w·tw]}: every phase's weights
 *       side by side, so one gathered input panel serves all {@code s_h·s_w} phases.</li>
 *   <li><b>A</b> ({@code pixels × K}, gathered per execute, one block of {@link Blocking#MC}
 *       super-pixels at a time): row {@code (n, qh, qw)}, column {@code (ci, th, tw)} holds
 *       {@code x[n][ci][qh − th][qw − tw]}, zero outside the input.</li>
 *   <li>Row {@code (n, qh, qw)} of C, columns {@code (co, rh, ·)}, is the output run
 *       {@code y[n][co][qh·s_h − pad_h + rh][qw·s_w − pad_w + rw]}, contiguous in {@code rw}: it is
 *       written once, as {@code bias + C}, cropped to the output.</li>
 * </ul>
 * For a channels-last output the columns are {@code (rh, rw, co)} instead ({@link SubpixelWeights}):
 * row {@code (n, qh, qw)}, columns {@code (rh, ·, ·)} are the channels of the output pixels
 * {@code (qh·s_h − pad_h + rh, qw·s_w − pad_w + rw)}, each pixel's channels contiguous in both C and
 * the output, so the write-out is plain vector runs ({@link #writeOutChannelsLast}). A channels-last
 * input is gathered in place: only the distances between its channels and positions differ.
 * Each output's final value is written once, in the task that computes it, and the spec's activation
 * ({@link Epilogue}) is applied to it right after, while it is in cache: to each output row's runs
 * as they are written ({@link #writeOut}) and to the bias-only outputs as they are filled
 * ({@link #fillGaps}). So an element gets the activation once, and the bits do not depend on the split.
 *
 * <p>Float32 order: each C element is the SGEMM's FMA chain over {@code (ci, th, tw)} from −0
 * ({@link Sgemm}); the output is the bias (or +0) plus it, as in the im2col kernel. The gathered
 * zeros outside the input add products {@code ±0·w} the reference never computes: they cannot change
 * a nonzero sum, and an output whose bias is −0 and whose computed value is zero is set to −0 exactly
 * when every product the reference adds is −0 ({@link #fixSignOfZero}). Weights with a NaN or an
 * infinity would turn those zeros into NaN: the kernel does not use this plan for them.
 */
final class SubpixelPlan implements KernelPlan {
    private static final VectorSpecies<Float> S = Blocking.SPECIES;
    private static final int LANES = S.length();
    private static final int MR = Blocking.MR;
    private static final int NR = Blocking.NR;
    private static final int KC = Blocking.KC;
    private static final int NEGATIVE_ZERO_BITS = 0x8000_0000;

    final Problem problem;
    final PhaseAxis h, w;
    final int groups, cin, cout, cinG, coutG, batch;
    /** GEMM depth {@code Cin/g · Th · Tw}, columns {@code Cout/g · Ph · Pw}, rows {@code N · Qh · Qw}. */
    final int depth, columns, pixels;
    private final int inH, inW, inPlane, outH, outW, outPlane, kh, kw;
    /** Distances in x between two input channels and two input positions: (inPlane, 1) channels first, (1, Cin) channels last. */
    private final int xChannel, xPosition;
    /** What each GEMM depth index reads ({@link #gather}). */
    private final Taps taps;
    /** Whether the output is channels last (the GEMM's columns {@code (rh, rw, co)}), else channels first ({@code (co, rh, rw)}). */
    final boolean channelsLastOutput;
    /**
     * For a channels-last output, per group the bias of the columns of one row phase,
     * {@code (rw, co)} → {@code bias[g·Cout/g + co]} (0 without bias), so a run of them adds as vectors; else empty.
     */
    private final float[] biasRow;
    /** Super-pixels per GEMM block; columns per GEMM call (a multiple of NR, or all columns). */
    final int blockRows, nc;
    private final boolean gaps;
    private final MemorySegment packedB;
    private final int groupB;
    private final float[] bias;
    /** The spec's activation, applied to each output once it is final. */
    private final Activation activation;
    /** Per output channel: whether its bias is −0 (null when none is); then the weights, for the sign fix-up. */
    private final boolean[] negativeZeroBias;
    private final float[] weights;
    final ThreadLocal<Workspace> workspace;
    /** The bytes of the shared {@link SubpixelWeights}. */
    private final long packBytes;

    /**
     * A plan of {@code p} over the finite weights packed for its spec (shared, not copied): the shape's
     * phase tables and sizes.
     *
     * @param channelsLastOutput whether the plan writes a channels-last output (the pack's columns
     *                           must then be in that order, {@link SubpixelWeights#channelsLast})
     */
    SubpixelPlan(Problem p, SubpixelWeights packed, boolean channelsLastOutput) {
        this(p, new Geometry(p, packed, channelsLastOutput));
    }

    /** The plan of {@code p}'s batch over a geometry made for its input shape (shared, not copied). */
    private SubpixelPlan(Problem p, Geometry g) {
        problem = p;
        channelsLastOutput = g.channelsLastOutput;
        h = g.h;
        w = g.w;
        groups = p.spec().groups();
        cin = p.spec().inChannels();
        cout = p.spec().outChannels();
        cinG = p.spec().inChannelsPerGroup();
        coutG = p.spec().outChannelsPerGroup();
        batch = p.batch();
        kh = g.kh;
        kw = g.kw;
        inH = h.in;
        inW = w.in;
        inPlane = p.inputPlane();
        outH = h.out;
        outW = w.out;
        outPlane = p.outputPlane();
        boolean lastIn = p.layout() == dev.convt.Layout.CHANNELS_LAST;
        xChannel = lastIn ? 1 : inPlane;
        xPosition = lastIn ? cin : 1;
        depth = g.depth;
        columns = g.columns;
        taps = g.taps;
        pixels = (int) ((long) batch * h.count * w.count);
        blockRows = SubpixelKernel.blockRows(pixels);
        nc = g.nc;
        gaps = h.phases < h.stride || w.phases < w.stride;
        SubpixelWeights packed = g.packed;
        groupB = packed.groupB;
        packedB = packed.packedB;
        this.bias = packed.bias;
        activation = p.spec().activation();
        negativeZeroBias = packed.negativeZeroBias;
        weights = packed.weights;
        packBytes = packed.packedWeightBytes();
        biasRow = g.biasRow;
        int aLength = Packing.packedALength(blockRows, depth);
        // a vector of slack: the write-out's run loads read a whole vector from a run's start (addBiasRuns)
        int cLength = blockRows * Blocking.paddedColumns(nc) + LANES;
        int rows = blockRows;
        workspace = ThreadLocal.withInitial(() -> new Workspace(aLength, cLength, rows));
        this.aLength = aLength;
        this.cLength = cLength;
    }

    /**
     * What a sub-pixel plan takes from its input shape alone: the phase tables of both axes, the GEMM's
     * depth, columns and column tile, the bias row of a channels-last output, over the pack. Made once
     * per input shape, shared by the plans of every batch size. Immutable.
     */
    static final class Geometry implements dev.convt.kernel.KernelGeometry {
        final SubpixelWeights packed;
        final boolean channelsLastOutput;
        final PhaseAxis h, w;
        final int kh, kw, depth, columns, nc;
        final float[] biasRow;
        final Taps taps;

        /**
         * @param channelsLastOutput whether the plans write a channels-last output (the pack's columns
         *                           must then be in that order, {@link SubpixelWeights#channelsLast})
         */
        Geometry(Problem p, SubpixelWeights packed, boolean channelsLastOutput) {
            if (packed.channelsLast != channelsLastOutput) {
                throw new IllegalArgumentException("sub-pixel plan: the pack's columns are for a channels-" + (packed.channelsLast ? "last" : "first")
                        + " output, but the plan writes channels " + (channelsLastOutput ? "last" : "first") + " (" + p + ")");
            }
            this.packed = packed;
            this.channelsLastOutput = channelsLastOutput;
            int[] k = p.kernel3(), st = p.stride3(), pad = p.padBegin3(), in = p.in3(), out = p.out3();
            h = new PhaseAxis(k[1], st[1], pad[1], in[1], out[1]);
            w = new PhaseAxis(k[2], st[2], pad[2], in[2], out[2]);
            kh = k[1];
            kw = k[2];
            depth = SubpixelKernel.depth(p);
            columns = SubpixelKernel.columns(p);
            nc = SubpixelKernel.columnTile(columns);
            taps = new Taps(depth, h.taps, w.taps, p.layout() == dev.convt.Layout.CHANNELS_LAST ? 1 : p.inputPlane());
            int groups = p.spec().groups(), coutG = p.spec().outChannelsPerGroup();
            float[] bias = packed.bias;
            int perRow = w.phases * coutG;
            biasRow = new float[channelsLastOutput ? groups * perRow : 0];
            for (int i = 0; i < biasRow.length && bias != null; i++) {
                int g = i / perRow;
                biasRow[i] = bias[g * coutG + i % coutG];
            }
        }

        @Override
        public SubpixelPlan plan(Problem problem) {
            return new SubpixelPlan(problem, this);
        }

        /** The phase tables, the bias row and the depth table. */
        @Override
        public long tableBytes() {
            return 4L * 4 * (h.count + w.count) + 4L * biasRow.length + 4L * 3 * taps.th.length;
        }
    }

    /**
     * Per GEMM depth index {@code kk = (ci·Th + th)·Tw + tw}: the input channel's offset in x and the
     * tap {@code (th, tw)}, decoded once instead of per gathered panel.
     */
    static final class Taps {
        final int[] channel, th, tw;

        Taps(int depth, int tapsH, int tapsW, int xChannel) {
            channel = new int[depth];
            th = new int[depth];
            tw = new int[depth];
            for (int kk = 0; kk < depth; kk++) {
                int ci = kk / (tapsH * tapsW), t = kk % (tapsH * tapsW);
                channel[kk] = ci * xChannel;
                th[kk] = t / tapsW;
                tw[kk] = t % tapsW;
            }
        }
    }

    /** The lengths of one workspace's A block and C block. */
    private final int aLength, cLength;

    @Override
    public void prepareWorkspace() {
        workspace.get();
    }

    @Override
    public Object newWorkspace() {
        return new Workspace(aLength, cLength, blockRows);
    }

    @Override
    public long workspaceBytes() {
        return 4L * (Packing.packedALength(blockRows, depth) + (long) blockRows * Blocking.paddedColumns(nc) + LANES)
                + 4L * Workspace.PIXEL_INTS * blockRows;
    }

    @Override
    public long packedWeightBytes() {
        long tables = 4L * 4 * (h.count + w.count) + 4L * biasRow.length;
        return packBytes + tables;
    }

    @Override
    public Tasks tasks(int threads, long minTaskWork) {
        return SubpixelSplit.make(this, threads, minTaskWork);
    }

    /**
     * Yes: the gather, write-out and gap fill have generated native-segment twins (below). Each of them,
     * with what C2 inlines into it, stays under C2's parse-time inlining budget (checked with delayed
     * inlining off by {@code ZeroAllocationTest}); the fused tanh that took the write-out's JVMs past it
     * in some runs is now a loop C2 compiles on its own ({@link Epilogue}).
     */
    @Override
    public boolean executesSegments() {
        return true;
    }

    /** {@code y[from .. to) = v} in a native segment: the segment twins' {@code Arrays.fill} ({@link dev.convt.vector.gemm.SegmentFill}). */
    private static void fill(MemorySegment y, int from, int to, float v) {
        dev.convt.vector.gemm.SegmentFill.fill(y, from, to, v);
    }

    /**
     * Whether a part over super-pixels {@code [pA, pB)} and GEMM columns {@code [jA, jB)} writes any
     * output (of any group: every group's geometry is the same): some super-pixel has an output phase
     * whose columns meet the range, or the range holds a channel's first column (whose part fills the
     * outputs no phase reaches) and the super-pixel has such outputs. Near an edge the padding crops,
     * a band of super-pixels may have no phase among a band of columns; {@link SubpixelSplit} leaves
     * such parts out rather than give a thread work that writes nothing.
     */
    boolean writesAny(int pA, int pB, int jA, int jB) {
        int pw = w.phases, ph = h.phases;
        int perImage = h.count * w.count;
        long perChannel = (long) ph * pw;
        boolean firstColumns = channelsLastOutput ? Math.min(jA, coutG) < Math.min(jB, coutG)
                : (jA + perChannel - 1) / perChannel < Math.min(coutG, (jB + perChannel - 1) / perChannel);
        for (int p = pA; p < pB; p++) {
            int rest = p % perImage;
            int uh = rest / w.count, uw = rest - uh * w.count;
            long rwLo = Math.min(w.lo[uw], pw), rwHi = Math.min(w.hi[uw], pw);
            for (int rh = h.lo[uh]; rh < Math.min(h.hi[uh], ph) && rwLo < rwHi; rh++) {
                if (channelsLastOutput) {
                    // columns (rh, rw, co): one range over every channel
                    long first = (long) rh * pw * coutG;
                    if (first + rwLo * coutG < jB && first + rwHi * coutG > jA) {
                        return true;
                    }
                } else {
                    // columns (co, rh, rw): a run of pw per channel
                    for (long co = 0; co < coutG; co++) {
                        long run = (co * ph + rh) * pw;
                        if (run + rwLo < jB && run + rwHi > jA) {
                            return true;
                        }
                    }
                }
            }
            if (gaps && firstColumns) {
                for (int rh = h.lo[uh]; rh < h.hi[uh]; rh++) {
                    if ((rh >= ph ? w.lo[uw] : Math.max(w.lo[uw], pw)) < w.hi[uw]) {
                        return true;
                    }
                }
            }
        }
        return false;
    }

    // BEGIN template for gen_segments.py
    @Override
    public void execute(float[] x, int xOffset, float[] y, int yOffset, Object workspace) {
        Workspace ws = workspace == null ? this.workspace.get() : (Workspace) workspace;
        for (int g = 0; g < groups; g++) {
            runPart(g, 0, pixels, 0, columns, x, xOffset, y, yOffset, ws);
        }
    }

    /**
     * One piece: group g, super-pixels {@code [pA, pB)}, GEMM columns {@code [jA, jB)} (jA a multiple
     * of NR), and the bias-only outputs of those super-pixels for the output channels whose first
     * column lies in {@code [jA, jB)}. Every C element is the same full-depth chain whichever piece
     * computes it, so any cut gives the bits of {@link #execute}.
     */
    void runPart(int g, int pA, int pB, int jA, int jB, float[] x, int xOffset, float[] y, int yOffset, Workspace ws) {
        for (int p0 = pA; p0 < pB; p0 += blockRows) {
            int rows = Math.min(blockRows, pB - p0);
            int panels = (rows + MR - 1) / MR;
            gather(g, p0, rows, x, xOffset, ws);
            for (int j0 = jA; j0 < jB; j0 += nc) {
                int n = Math.min(nc, jB - j0);
                int ldc = Blocking.paddedColumns(n);
                Sgemm.multiplyPacked(depth, ws.a, 0, panels * MR, 0, panels, packedB, g * groupB + (j0 / NR) * depth * NR,
                        n, ws.c, 0, ldc);
                if (channelsLastOutput) {
                    writeOutChannelsLast(g, p0, rows, j0, n, ws.c, ldc, x, xOffset, y, yOffset);
                } else {
                    writeOut(g, p0, rows, j0, n, ws.c, ldc, x, xOffset, y, yOffset);
                }
            }
            if (gaps && channelsLastOutput) {
                fillGapsChannelsLast(g, p0, rows, jA, jB, y, yOffset);
            } else if (gaps) {
                fillGaps(g, p0, rows, jA, jB, y, yOffset);
            }
        }
    }

    /**
     * Gathers A rows {@code [p0, p0 + rows)} of group g into the packed-A layout of {@link Packing}
     * (K blocks of {@link Blocking#KC}, panels of MR rows, MR values per k), zero outside the input
     * and past the last row.
     */
    private void gather(int g, int p0, int rows, float[] x, int xOffset, Workspace ws) {
        int mPadded = (rows + MR - 1) / MR * MR;
        int perImage = h.count * w.count;
        float[] a = ws.a;
        int[] base = ws.base, top = ws.top, left = ws.left;
        int[] tapChannel = taps.channel, tapH = taps.th, tapW = taps.tw;
        for (int row = 0; row < rows; row++) {
            int p = p0 + row;
            int n = p / perImage;
            int rest = p - n * perImage;
            int uh = rest / w.count;
            int uw = rest - uh * w.count;
            base[row] = xOffset + n * cin * inPlane + g * cinG * xChannel;
            top[row] = h.top[uh];
            left[row] = w.top[uw];
        }
        // panel by panel, each written front to back: storing k by k across the panels would put
        // consecutive stores one panel (kc·MR floats, a power of two in full K blocks) apart, all in the
        // same few cache sets
        for (int pc = 0; pc < depth; pc += KC) {
            int kc = Math.min(KC, depth - pc);
            for (int row0 = 0; row0 < mPadded; row0 += MR) {
                int panel = pc * mPadded + row0 * kc;
                int last = row0 + MR - 1;
                // MR super-pixels side by side in one input row: each k's values are MR neighbours in x
                boolean run = xPosition == 1 && last < rows && base[last] == base[row0] && top[last] == top[row0]
                        && left[last] - left[row0] == MR - 1;
                for (int kk = pc; kk < pc + kc; kk++) {
                    int th = tapH[kk], tw = tapW[kk], channel = tapChannel[kk];
                    int dst = panel + (kk - pc) * MR;
                    int ih = top[row0] - th, iw = left[row0] - tw;
                    if (run && Integer.compareUnsigned(ih, inH) < 0 && iw >= 0 && iw <= inW - MR) {
                        // a copy of constant length MR, which C2 makes plain moves; a masked vector load
                        // and store of MR of 16 lanes showed the Vector API's Java fallback in profiles
                        System.arraycopy(x, base[row0] + channel + ih * inW + iw, a, dst, MR);
                        continue;
                    }
                    for (int i = 0; i < MR; i++) {
                        int row = row0 + i;
                        float v = 0f;
                        if (row < rows) {
                            int rh = top[row] - th, rw = left[row] - tw;
                            if (Integer.compareUnsigned(rh, inH) < 0 && Integer.compareUnsigned(rw, inW) < 0) {
                                v = x[base[row] + channel + (rh * inW + rw) * xPosition];
                            }
                        }
                        a[dst + i] = v;
                    }
                }
            }
        }
    }

    /**
     * Writes C rows {@code [p0, p0 + rows)}, columns {@code [j0, j0 + n)} to the output: each run of
     * one output channel and row phase ({@code w.phases} columns) is a contiguous piece of one output
     * row, cropped to the phases whose outputs lie inside. Where the runs of consecutive super-pixels
     * tile the output row (every column phase has taps) and a vector holds whole runs, the
     * {@code LANES / w.phases} runs of consecutive C rows that fill one vector of the output are
     * written by masked loads and stores ({@link #addBiasRuns}).
     */
    private void writeOut(int g, int p0, int rows, int j0, int n, float[] c, int ldc,
                          float[] x, int xOffset, float[] y, int yOffset) {
        int pw = w.phases, ph = h.phases;
        int perImage = h.count * w.count;
        int uFirst = j0 / pw, uEnd = (j0 + n + pw - 1) / pw;
        boolean vectorRuns = pw == w.stride && pw < LANES && LANES % pw == 0;
        int perVector = LANES / pw;
        int row = 0;
        while (row < rows) {
            int p = p0 + row;
            int img = p / perImage;
            int rest = p - img * perImage;
            int uh = rest / w.count;
            int uw0 = rest - uh * w.count;
            // the super-pixels of this block in one row of super-pixels
            int segment = Math.min(rows - row, w.count - uw0);
            int hLo = h.lo[uh], hHi = Math.min(h.hi[uh], ph);
            int imageBase = yOffset + (img * cout + g * coutG) * outPlane;
            int co = uFirst / ph, rh = uFirst - co * ph;
            for (int u = uFirst; u < uEnd; u++) {
                if (rh >= hLo && rh < hHi) {
                    int runStart = u * pw;
                    boolean whole = runStart >= j0 && runStart + pw <= j0 + n;
                    float b = bias == null ? 0f : bias[g * coutG + co];
                    boolean fix = negativeZeroBias != null && negativeZeroBias[g * coutG + co];
                    boolean fast = vectorRuns && whole && !fix;
                    // output (co, origin_h + rh, origin_w + rw) for rw = column − runStart
                    int outRow = imageBase + co * outPlane + (h.origin[uh] + rh) * outW;
                    // the output run written since the activation was last applied: [doneFrom, doneTo) of this row
                    int doneFrom = outRow, doneTo = outRow;
                    int k = 0;
                    for (;;) {
                        // past the last super-pixel, dst = -1 has what is left activated: one call site of
                        // the activation, so C2 inlines it into this method once
                        boolean more = k < segment;
                        int uw = uw0 + k;
                        int cRow = (row + k) * ldc - j0;
                        int dst = -1, len = 0;
                        if (more && fast && k + perVector <= segment && uw >= w.fullFrom && uw + perVector <= w.fullTo) {
                            dst = outRow + w.origin[uw];
                            len = LANES;
                            addBiasRuns(b, c, cRow + runStart, ldc, perVector, pw, y, dst);
                            k += perVector;
                        } else if (more) {
                            // lo clamped to the phases first: a phase past them (up to the stride, which may be near
                            // the int limit) added to runStart would overflow
                            int from = Math.max(j0, runStart + Math.min(w.lo[uw], pw)), to = Math.min(j0 + n, runStart + Math.min(w.hi[uw], pw));
                            k++;
                            if (from >= to) {
                                continue;
                            }
                            dst = outRow + w.origin[uw] + (from - runStart);
                            len = to - from;
                            addBias(b, c, cRow + from, y, dst, len);
                            if (fix) {
                                fixSignOfZero(g, co, img, uh, uw, rh, from - runStart, to - runStart, x, xOffset, y, dst);
                            }
                        }
                        // runs that tile the row are activated together, a run apart from the last on its own
                        if (dst != doneTo) {
                            Epilogue.apply(activation, y, doneFrom, doneTo);
                            if (!more) {
                                break;
                            }
                            doneFrom = dst;
                        }
                        doneTo = dst + len;
                    }
                }
                if (++rh == ph) {
                    rh = 0;
                    co++;
                }
            }
            row += segment;
        }
    }

    /**
     * {@code y[dst + r·pw + i] = b + c[src + r·ldc + i]} for {@code r < runs}, {@code i < pw}, where
     * {@code runs · pw} is one vector: runs of {@code pw} columns from consecutive C rows, side by side
     * in the output. Each run is loaded with a whole vector placed so its columns land on their lanes
     * (from {@code r·pw} floats before the run: inside the C block, as {@code ldc ≥ pw}; the block has a
     * vector of slack after it), the loads are blended, and one store writes the vector. Plain loads,
     * blends and a store: no gathering load (its fallback code, index vectors and their checks, is a
     * large part of what C2 compiles before this kernel is warm) and no masked load or store (whose
     * bounds branch differs at a buffer's end, so a warm-up would leave one side a trap).
     */
    private static void addBiasRuns(float b, float[] c, int src, int ldc, int runs, int pw, float[] y, int dst) {
        if (DryRun.active()) {
            return;
        }
        // from the last run down, each run's load blended into the lanes below its end: a lower run's
        // lanes are then overwritten by its own (masks of lanes [0, n): the offset-0 form C2 compiles
        // to a compare, where other offsets took the API's boxed fallback)
        int last = runs - 1;
        FloatVector v = FloatVector.fromArray(S, c, src + last * (ldc - pw));
        for (int r = last - 1; r >= 0; r--) {
            v = v.blend(FloatVector.fromArray(S, c, src + r * (ldc - pw)), S.indexInRange(0, (r + 1) * pw));
        }
        v.add(b).intoArray(y, dst);
    }

    /** {@code y[dst + i] = b + c[src + i]} for {@code i < len}: whole vectors, then the rest one by one. */
    private static void addBias(float b, float[] c, int src, float[] y, int dst, int len) {
        if (DryRun.active()) {
            return;
        }
        int i = 0;
        if (len >= LANES) {
            FloatVector bv = FloatVector.broadcast(S, b);
            for (; i <= len - LANES; i += LANES) {
                bv.add(FloatVector.fromArray(S, c, src + i)).intoArray(y, dst + i);
            }
        }
        for (; i < len; i++) {
            y[dst + i] = b + c[src + i];
        }
    }

    /**
     * For an output channel whose bias is −0: an output of phases {@code (rh, rw)}, {@code rw ∈ [rwFrom, rwTo)},
     * written as ±0 is −0 in the reference exactly when every product it adds is −0 (−0 plus −0s);
     * the gathered zeros' products may have made it +0 here, so such outputs are decided from the
     * products themselves. Runs only where a bias is −0 (no trained layer has one).
     */
    private void fixSignOfZero(int g, int co, int img, int uh, int uw, int rh, int rwFrom, int rwTo,
                               float[] x, int xOffset, float[] y, int dst) {
        for (int rw = rwFrom; rw < rwTo; rw++) {
            int at = dst + rw - rwFrom;
            if (y[at] != 0f) {
                continue;
            }
            boolean allNegativeZero = true;
            for (int ci = 0; ci < cinG && allNegativeZero; ci++) {
                int xBase = xOffset + img * cin * inPlane + (g * cinG + ci) * xChannel;
                int wBase = ((g * cinG + ci) * coutG + co) * kh * kw;
                for (int th = 0; th < h.taps && allNegativeZero; th++) {
                    int ih = h.top[uh] - th;
                    if (ih < 0 || ih >= inH) {
                        continue;
                    }
                    for (int tw = 0; tw < w.taps; tw++) {
                        int iw = w.top[uw] - tw;
                        if (iw < 0 || iw >= inW) {
                            continue;
                        }
                        float product = x[xBase + (ih * inW + iw) * xPosition] * weights[wBase + (rh + h.stride * th) * kw + rw + w.stride * tw];
                        if (Float.floatToRawIntBits(product) != NEGATIVE_ZERO_BITS) {
                            allNegativeZero = false;
                            break;
                        }
                    }
                }
            }
            y[at] = allNegativeZero ? -0f : 0f;
        }
    }

    /**
     * Writes the bias to the outputs of super-pixels {@code [p0, p0 + rows)} whose phase has no tap
     * (row phase ≥ {@code h.phases} or column phase ≥ {@code w.phases}, only when the kernel is smaller
     * than the stride), for the output channels whose first GEMM column lies in {@code [jA, jB)},
     * and applies the activation to them.
     */
    private void fillGaps(int g, int p0, int rows, int jA, int jB, float[] y, int yOffset) {
        int perChannel = h.phases * w.phases;
        int coFrom = (jA + perChannel - 1) / perChannel, coTo = Math.min(coutG, (jB + perChannel - 1) / perChannel);
        int perImage = h.count * w.count;
        for (int row = 0; row < rows; row++) {
            int p = p0 + row;
            int img = p / perImage;
            int rest = p - img * perImage;
            int uh = rest / w.count;
            int uw = rest - uh * w.count;
            int wLo = w.lo[uw], wHi = w.hi[uw];
            for (int co = coFrom; co < coTo; co++) {
                float b = bias == null ? 0f : bias[g * coutG + co];
                int channel = yOffset + (img * cout + g * coutG + co) * outPlane;
                for (int rh = h.lo[uh]; rh < h.hi[uh]; rh++) {
                    int from = rh >= h.phases ? wLo : Math.max(wLo, w.phases);
                    if (from < wHi) {
                        int at = channel + (h.origin[uh] + rh) * outW + w.origin[uw];
                        Arrays.fill(y, at + from, at + wHi, b);
                        Epilogue.apply(activation, y, at + from, at + wHi);
                    }
                }
            }
        }
    }


    /**
     * {@link #writeOut} for a channels-last output (columns {@code (rh, rw, co)}): for each super-pixel
     * of C rows {@code [p0, p0 + rows)} and row phase {@code rh} whose outputs lie inside, the columns
     * of its valid column phases that lie in {@code [j0, j0 + n)} are one run of C; each phase's part
     * is the channels of one output pixel of this group, and with one group consecutive pixels'
     * channels follow each other in the output row, so the whole run is one piece of the output.
     * Each piece is written as {@code bias + C} ({@link #biasRow}) and then gets the activation.
     */
    private void writeOutChannelsLast(int g, int p0, int rows, int j0, int n, float[] c, int ldc,
                                      float[] x, int xOffset, float[] y, int yOffset) {
        int pw = w.phases;
        int perImage = h.count * w.count;
        int perRow = pw * coutG;
        int jEnd = j0 + n;
        int rhFirst = j0 / perRow, rhEnd = Math.min(h.phases, (jEnd + perRow - 1) / perRow);
        for (int row = 0; row < rows; row++) {
            int p = p0 + row;
            int img = p / perImage;
            int rest = p - img * perImage;
            int uh = rest / w.count;
            int uw = rest - uh * w.count;
            int rhLo = Math.max(h.lo[uh], rhFirst), rhHi = Math.min(h.hi[uh], rhEnd);
            // both clamped to the phases: rwLo·coutG of a phase up to the stride would overflow
            int rwLo = Math.min(w.lo[uw], pw), rwHi = Math.min(w.hi[uw], pw);
            int cRow = row * ldc - j0;
            for (int rh = rhLo; rh < rhHi; rh++) {
                int first = rh * perRow;
                int from = Math.max(j0, first + rwLo * coutG), to = Math.min(jEnd, first + rwHi * coutG);
                // column first + rw·coutG + co is output (oh, origin_w + rw, g·coutG + co): at yRow + j + rw·(cout − coutG)
                int yRow = yOffset + ((img * outH + h.origin[uh] + rh) * outW + w.origin[uw]) * cout + g * coutG - first;
                int j = from;
                while (j < to) {
                    int rw = (j - first) / coutG;
                    int end = groups == 1 ? to : Math.min(to, first + (rw + 1) * coutG);
                    int dst = yRow + j + rw * (cout - coutG);
                    addBiasRow(biasRow, g * perRow + j - first, c, cRow + j, y, dst, end - j);
                    if (negativeZeroBias != null) {
                        fixSignsOfZeroChannelsLast(g, img, uh, uw, rh, j - first, end - j, x, xOffset, y, dst);
                    }
                    Epilogue.apply(activation, y, dst, dst + end - j);
                    j = end;
                }
            }
        }
    }

    /**
     * {@code y[dst + i] = b[bi + i] + c[src + i]} for {@code i < len}: whole vectors, then, where
     * there was at least one, the last vector of the run again (its overlap with the one before gets
     * the same values), else the rest one by one.
     */
    private static void addBiasRow(float[] b, int bi, float[] c, int src, float[] y, int dst, int len) {
        if (DryRun.active()) {
            return;
        }
        int i = 0;
        for (; i <= len - LANES; i += LANES) {
            FloatVector.fromArray(S, b, bi + i).add(FloatVector.fromArray(S, c, src + i)).intoArray(y, dst + i);
        }
        if (i < len && len >= LANES) {
            int t = len - LANES;
            FloatVector.fromArray(S, b, bi + t).add(FloatVector.fromArray(S, c, src + t)).intoArray(y, dst + t);
        } else {
            for (; i < len; i++) {
                y[dst + i] = b[bi + i] + c[src + i];
            }
        }
    }

    /**
     * {@link #fixSignOfZero} on a channels-last run of {@code len} outputs at {@code dst} (contiguous
     * in y), whose first is row phase {@code rh}'s column {@code col} ({@code rw·coutG + co}).
     */
    private void fixSignsOfZeroChannelsLast(int g, int img, int uh, int uw, int rh, int col, int len,
                                            float[] x, int xOffset, float[] y, int dst) {
        for (int i = 0; i < len; i++) {
            int rw = (col + i) / coutG, co = col + i - rw * coutG;
            if (negativeZeroBias[g * coutG + co]) {
                fixSignOfZero(g, co, img, uh, uw, rh, rw, rw + 1, x, xOffset, y, dst + i);
            }
        }
    }

    /**
     * {@link #fillGaps} for a channels-last output: the bias-only outputs of super-pixels
     * {@code [p0, p0 + rows)} for the output channels whose first GEMM column ({@code (0, 0, co)}, i.e.
     * column {@code co}) lies in {@code [jA, jB)}, each pixel's channels of them contiguous, then the
     * activation.
     */
    private void fillGapsChannelsLast(int g, int p0, int rows, int jA, int jB, float[] y, int yOffset) {
        int coFrom = Math.min(jA, coutG), coTo = Math.min(jB, coutG);
        int perImage = h.count * w.count;
        for (int row = 0; row < rows && coFrom < coTo; row++) {
            int p = p0 + row;
            int img = p / perImage;
            int rest = p - img * perImage;
            int uh = rest / w.count;
            int uw = rest - uh * w.count;
            for (int rh = h.lo[uh]; rh < h.hi[uh]; rh++) {
                int from = rh >= h.phases ? w.lo[uw] : Math.max(w.lo[uw], w.phases);
                for (int rw = from; rw < w.hi[uw]; rw++) {
                    int at = yOffset + ((img * outH + h.origin[uh] + rh) * outW + w.origin[uw] + rw) * cout + g * coutG;
                    for (int co = coFrom; co < coTo; co++) {
                        y[at + co] = bias == null ? 0f : bias[g * coutG + co];
                    }
                    Epilogue.apply(activation, y, at + coFrom, at + coTo);
                }
            }
        }
    }

    // END template
    // BEGIN GENERATED by gen_segments.py from the template above (x, y as native MemorySegments, float i at byte 4·i); do not edit: change the template and rerun the script.
    /** How the generated segment variants read and write one float: native order, any alignment. */
    private static final java.lang.foreign.ValueLayout.OfFloat SEG_FLOAT = java.lang.foreign.ValueLayout.JAVA_FLOAT_UNALIGNED;
    /** The byte order of the generated segment variants' vector loads and stores. */
    private static final java.nio.ByteOrder SEG_ORDER = java.nio.ByteOrder.nativeOrder();

    @Override
    public void execute(MemorySegment x, int xOffset, MemorySegment y, int yOffset, Object workspace) {
        Workspace ws = workspace == null ? this.workspace.get() : (Workspace) workspace;
        for (int g = 0; g < groups; g++) {
            runPart(g, 0, pixels, 0, columns, x, xOffset, y, yOffset, ws);
        }
    }

    /**
     * One piece: group g, super-pixels {@code [pA, pB)}, GEMM columns {@code [jA, jB)} (jA a multiple
     * of NR), and the bias-only outputs of those super-pixels for the output channels whose first
     * column lies in {@code [jA, jB)}. Every C element is the same full-depth chain whichever piece
     * computes it, so any cut gives the bits of {@link #execute}.
     */
    void runPart(int g, int pA, int pB, int jA, int jB, MemorySegment x, int xOffset, MemorySegment y, int yOffset, Workspace ws) {
        for (int p0 = pA; p0 < pB; p0 += blockRows) {
            int rows = Math.min(blockRows, pB - p0);
            int panels = (rows + MR - 1) / MR;
            gather(g, p0, rows, x, xOffset, ws);
            for (int j0 = jA; j0 < jB; j0 += nc) {
                int n = Math.min(nc, jB - j0);
                int ldc = Blocking.paddedColumns(n);
                Sgemm.multiplyPacked(depth, ws.a, 0, panels * MR, 0, panels, packedB, g * groupB + (j0 / NR) * depth * NR,
                        n, ws.c, 0, ldc);
                if (channelsLastOutput) {
                    writeOutChannelsLast(g, p0, rows, j0, n, ws.c, ldc, x, xOffset, y, yOffset);
                } else {
                    writeOut(g, p0, rows, j0, n, ws.c, ldc, x, xOffset, y, yOffset);
                }
            }
            if (gaps && channelsLastOutput) {
                fillGapsChannelsLast(g, p0, rows, jA, jB, y, yOffset);
            } else if (gaps) {
                fillGaps(g, p0, rows, jA, jB, y, yOffset);
            }
        }
    }

    /**
     * Gathers A rows {@code [p0, p0 + rows)} of group g into the packed-A layout of {@link Packing}
     * (K blocks of {@link Blocking#KC}, panels of MR rows, MR values per k), zero outside the input
     * and past the last row.
     */
    private void gather(int g, int p0, int rows, MemorySegment x, int xOffset, Workspace ws) {
        int mPadded = (rows + MR - 1) / MR * MR;
        int perImage = h.count * w.count;
        float[] a = ws.a;
        int[] base = ws.base, top = ws.top, left = ws.left;
        int[] tapChannel = taps.channel, tapH = taps.th, tapW = taps.tw;
        for (int row = 0; row < rows; row++) {
            int p = p0 + row;
            int n = p / perImage;
            int rest = p - n * perImage;
            int uh = rest / w.count;
            int uw = rest - uh * w.count;
            base[row] = xOffset + n * cin * inPlane + g * cinG * xChannel;
            top[row] = h.top[uh];
            left[row] = w.top[uw];
        }
        // panel by panel, each written front to back: storing k by k across the panels would put
        // consecutive stores one panel (kc·MR floats, a power of two in full K blocks) apart, all in the
        // same few cache sets
        for (int pc = 0; pc < depth; pc += KC) {
            int kc = Math.min(KC, depth - pc);
            for (int row0 = 0; row0 < mPadded; row0 += MR) {
                int panel = pc * mPadded + row0 * kc;
                int last = row0 + MR - 1;
                // MR super-pixels side by side in one input row: each k's values are MR neighbours in x
                boolean run = xPosition == 1 && last < rows && base[last] == base[row0] && top[last] == top[row0]
                        && left[last] - left[row0] == MR - 1;
                for (int kk = pc; kk < pc + kc; kk++) {
                    int th = tapH[kk], tw = tapW[kk], channel = tapChannel[kk];
                    int dst = panel + (kk - pc) * MR;
                    int ih = top[row0] - th, iw = left[row0] - tw;
                    if (run && Integer.compareUnsigned(ih, inH) < 0 && iw >= 0 && iw <= inW - MR) {
                        // a copy of constant length MR, which C2 makes plain moves; a masked vector load
                        // and store of MR of 16 lanes showed the Vector API's Java fallback in profiles
                        MemorySegment.copy(x, SEG_FLOAT, 4L * (base[row0] + channel + ih * inW + iw), a, dst, MR);
                        continue;
                    }
                    for (int i = 0; i < MR; i++) {
                        int row = row0 + i;
                        float v = 0f;
                        if (row < rows) {
                            int rh = top[row] - th, rw = left[row] - tw;
                            if (Integer.compareUnsigned(rh, inH) < 0 && Integer.compareUnsigned(rw, inW) < 0) {
                                v = x.get(SEG_FLOAT, 4L * (base[row] + channel + (rh * inW + rw) * xPosition));
                            }
                        }
                        a[dst + i] = v;
                    }
                }
            }
        }
    }

    /**
     * Writes C rows {@code [p0, p0 + rows)}, columns {@code [j0, j0 + n)} to the output: each run of
     * one output channel and row phase ({@code w.phases} columns) is a contiguous piece of one output
     * row, cropped to the phases whose outputs lie inside. Where the runs of consecutive super-pixels
     * tile the output row (every column phase has taps) and a vector holds whole runs, the
     * {@code LANES / w.phases} runs of consecutive C rows that fill one vector of the output are
     * written by masked loads and stores ({@link #addBiasRuns}).
     */
    private void writeOut(int g, int p0, int rows, int j0, int n, float[] c, int ldc,
                          MemorySegment x, int xOffset, MemorySegment y, int yOffset) {
        int pw = w.phases, ph = h.phases;
        int perImage = h.count * w.count;
        int uFirst = j0 / pw, uEnd = (j0 + n + pw - 1) / pw;
        boolean vectorRuns = pw == w.stride && pw < LANES && LANES % pw == 0;
        int perVector = LANES / pw;
        int row = 0;
        while (row < rows) {
            int p = p0 + row;
            int img = p / perImage;
            int rest = p - img * perImage;
            int uh = rest / w.count;
            int uw0 = rest - uh * w.count;
            // the super-pixels of this block in one row of super-pixels
            int segment = Math.min(rows - row, w.count - uw0);
            int hLo = h.lo[uh], hHi = Math.min(h.hi[uh], ph);
            int imageBase = yOffset + (img * cout + g * coutG) * outPlane;
            int co = uFirst / ph, rh = uFirst - co * ph;
            for (int u = uFirst; u < uEnd; u++) {
                if (rh >= hLo && rh < hHi) {
                    int runStart = u * pw;
                    boolean whole = runStart >= j0 && runStart + pw <= j0 + n;
                    float b = bias == null ? 0f : bias[g * coutG + co];
                    boolean fix = negativeZeroBias != null && negativeZeroBias[g * coutG + co];
                    boolean fast = vectorRuns && whole && !fix;
                    // output (co, origin_h + rh, origin_w + rw) for rw = column − runStart
                    int outRow = imageBase + co * outPlane + (h.origin[uh] + rh) * outW;
                    // the output run written since the activation was last applied: [doneFrom, doneTo) of this row
                    int doneFrom = outRow, doneTo = outRow;
                    int k = 0;
                    for (;;) {
                        // past the last super-pixel, dst = -1 has what is left activated: one call site of
                        // the activation, so C2 inlines it into this method once
                        boolean more = k < segment;
                        int uw = uw0 + k;
                        int cRow = (row + k) * ldc - j0;
                        int dst = -1, len = 0;
                        if (more && fast && k + perVector <= segment && uw >= w.fullFrom && uw + perVector <= w.fullTo) {
                            dst = outRow + w.origin[uw];
                            len = LANES;
                            addBiasRuns(b, c, cRow + runStart, ldc, perVector, pw, y, dst);
                            k += perVector;
                        } else if (more) {
                            // lo clamped to the phases first: a phase past them (up to the stride, which may be near
                            // the int limit) added to runStart would overflow
                            int from = Math.max(j0, runStart + Math.min(w.lo[uw], pw)), to = Math.min(j0 + n, runStart + Math.min(w.hi[uw], pw));
                            k++;
                            if (from >= to) {
                                continue;
                            }
                            dst = outRow + w.origin[uw] + (from - runStart);
                            len = to - from;
                            addBias(b, c, cRow + from, y, dst, len);
                            if (fix) {
                                fixSignOfZero(g, co, img, uh, uw, rh, from - runStart, to - runStart, x, xOffset, y, dst);
                            }
                        }
                        // runs that tile the row are activated together, a run apart from the last on its own
                        if (dst != doneTo) {
                            Epilogue.apply(activation, y, doneFrom, doneTo);
                            if (!more) {
                                break;
                            }
                            doneFrom = dst;
                        }
                        doneTo = dst + len;
                    }
                }
                if (++rh == ph) {
                    rh = 0;
                    co++;
                }
            }
            row += segment;
        }
    }

    /**
     * {@code y[dst + r·pw + i] = b + c[src + r·ldc + i]} for {@code r < runs}, {@code i < pw}, where
     * {@code runs · pw} is one vector: runs of {@code pw} columns from consecutive C rows, side by side
     * in the output. Each run is loaded with a whole vector placed so its columns land on their lanes
     * (from {@code r·pw} floats before the run: inside the C block, as {@code ldc ≥ pw}; the block has a
     * vector of slack after it), the loads are blended, and one store writes the vector. Plain loads,
     * blends and a store: no gathering load (its fallback code, index vectors and their checks, is a
     * large part of what C2 compiles before this kernel is warm) and no masked load or store (whose
     * bounds branch differs at a buffer's end, so a warm-up would leave one side a trap).
     */
    private static void addBiasRuns(float b, float[] c, int src, int ldc, int runs, int pw, MemorySegment y, int dst) {
        if (DryRun.active()) {
            return;
        }
        // from the last run down, each run's load blended into the lanes below its end: a lower run's
        // lanes are then overwritten by its own (masks of lanes [0, n): the offset-0 form C2 compiles
        // to a compare, where other offsets took the API's boxed fallback)
        int last = runs - 1;
        FloatVector v = FloatVector.fromArray(S, c, src + last * (ldc - pw));
        for (int r = last - 1; r >= 0; r--) {
            v = v.blend(FloatVector.fromArray(S, c, src + r * (ldc - pw)), S.indexInRange(0, (r + 1) * pw));
        }
        v.add(b).intoMemorySegment(y, 4L * dst, SEG_ORDER);
    }

    /** {@code y[dst + i] = b + c[src + i]} for {@code i < len}: whole vectors, then the rest one by one. */
    private static void addBias(float b, float[] c, int src, MemorySegment y, int dst, int len) {
        if (DryRun.active()) {
            return;
        }
        int i = 0;
        if (len >= LANES) {
            FloatVector bv = FloatVector.broadcast(S, b);
            for (; i <= len - LANES; i += LANES) {
                bv.add(FloatVector.fromArray(S, c, src + i)).intoMemorySegment(y, 4L * (dst + i), SEG_ORDER);
            }
        }
        for (; i < len; i++) {
            y.set(SEG_FLOAT, 4L * (dst + i), b + c[src + i]);
        }
    }

    /**
     * For an output channel whose bias is −0: an output of phases {@code (rh, rw)}, {@code rw ∈ [rwFrom, rwTo)},
     * written as ±0 is −0 in the reference exactly when every product it adds is −0 (−0 plus −0s);
     * the gathered zeros' products may have made it +0 here, so such outputs are decided from the
     * products themselves. Runs only where a bias is −0 (no trained layer has one).
     */
    private void fixSignOfZero(int g, int co, int img, int uh, int uw, int rh, int rwFrom, int rwTo,
                               MemorySegment x, int xOffset, MemorySegment y, int dst) {
        for (int rw = rwFrom; rw < rwTo; rw++) {
            int at = dst + rw - rwFrom;
            if (y.get(SEG_FLOAT, 4L * at) != 0f) {
                continue;
            }
            boolean allNegativeZero = true;
            for (int ci = 0; ci < cinG && allNegativeZero; ci++) {
                int xBase = xOffset + img * cin * inPlane + (g * cinG + ci) * xChannel;
                int wBase = ((g * cinG + ci) * coutG + co) * kh * kw;
                for (int th = 0; th < h.taps && allNegativeZero; th++) {
                    int ih = h.top[uh] - th;
                    if (ih < 0 || ih >= inH) {
                        continue;
                    }
                    for (int tw = 0; tw < w.taps; tw++) {
                        int iw = w.top[uw] - tw;
                        if (iw < 0 || iw >= inW) {
                            continue;
                        }
                        float product = x.get(SEG_FLOAT, 4L * (xBase + (ih * inW + iw) * xPosition)) * weights[wBase + (rh + h.stride * th) * kw + rw + w.stride * tw];
                        if (Float.floatToRawIntBits(product) != NEGATIVE_ZERO_BITS) {
                            allNegativeZero = false;
                            break;
                        }
                    }
                }
            }
            y.set(SEG_FLOAT, 4L * at, allNegativeZero ? -0f : 0f);
        }
    }

    /**
     * Writes the bias to the outputs of super-pixels {@code [p0, p0 + rows)} whose phase has no tap
     * (row phase ≥ {@code h.phases} or column phase ≥ {@code w.phases}, only when the kernel is smaller
     * than the stride), for the output channels whose first GEMM column lies in {@code [jA, jB)},
     * and applies the activation to them.
     */
    private void fillGaps(int g, int p0, int rows, int jA, int jB, MemorySegment y, int yOffset) {
        int perChannel = h.phases * w.phases;
        int coFrom = (jA + perChannel - 1) / perChannel, coTo = Math.min(coutG, (jB + perChannel - 1) / perChannel);
        int perImage = h.count * w.count;
        for (int row = 0; row < rows; row++) {
            int p = p0 + row;
            int img = p / perImage;
            int rest = p - img * perImage;
            int uh = rest / w.count;
            int uw = rest - uh * w.count;
            int wLo = w.lo[uw], wHi = w.hi[uw];
            for (int co = coFrom; co < coTo; co++) {
                float b = bias == null ? 0f : bias[g * coutG + co];
                int channel = yOffset + (img * cout + g * coutG + co) * outPlane;
                for (int rh = h.lo[uh]; rh < h.hi[uh]; rh++) {
                    int from = rh >= h.phases ? wLo : Math.max(wLo, w.phases);
                    if (from < wHi) {
                        int at = channel + (h.origin[uh] + rh) * outW + w.origin[uw];
                        fill(y, at + from, at + wHi, b);
                        Epilogue.apply(activation, y, at + from, at + wHi);
                    }
                }
            }
        }
    }


    /**
     * {@link #writeOut} for a channels-last output (columns {@code (rh, rw, co)}): for each super-pixel
     * of C rows {@code [p0, p0 + rows)} and row phase {@code rh} whose outputs lie inside, the columns
     * of its valid column phases that lie in {@code [j0, j0 + n)} are one run of C; each phase's part
     * is the channels of one output pixel of this group, and with one group consecutive pixels'
     * channels follow each other in the output row, so the whole run is one piece of the output.
     * Each piece is written as {@code bias + C} ({@link #biasRow}) and then gets the activation.
     */
    private void writeOutChannelsLast(int g, int p0, int rows, int j0, int n, float[] c, int ldc,
                                      MemorySegment x, int xOffset, MemorySegment y, int yOffset) {
        int pw = w.phases;
        int perImage = h.count * w.count;
        int perRow = pw * coutG;
        int jEnd = j0 + n;
        int rhFirst = j0 / perRow, rhEnd = Math.min(h.phases, (jEnd + perRow - 1) / perRow);
        for (int row = 0; row < rows; row++) {
            int p = p0 + row;
            int img = p / perImage;
            int rest = p - img * perImage;
            int uh = rest / w.count;
            int uw = rest - uh * w.count;
            int rhLo = Math.max(h.lo[uh], rhFirst), rhHi = Math.min(h.hi[uh], rhEnd);
            // both clamped to the phases: rwLo·coutG of a phase up to the stride would overflow
            int rwLo = Math.min(w.lo[uw], pw), rwHi = Math.min(w.hi[uw], pw);
            int cRow = row * ldc - j0;
            for (int rh = rhLo; rh < rhHi; rh++) {
                int first = rh * perRow;
                int from = Math.max(j0, first + rwLo * coutG), to = Math.min(jEnd, first + rwHi * coutG);
                // column first + rw·coutG + co is output (oh, origin_w + rw, g·coutG + co): at yRow + j + rw·(cout − coutG)
                int yRow = yOffset + ((img * outH + h.origin[uh] + rh) * outW + w.origin[uw]) * cout + g * coutG - first;
                int j = from;
                while (j < to) {
                    int rw = (j - first) / coutG;
                    int end = groups == 1 ? to : Math.min(to, first + (rw + 1) * coutG);
                    int dst = yRow + j + rw * (cout - coutG);
                    addBiasRow(biasRow, g * perRow + j - first, c, cRow + j, y, dst, end - j);
                    if (negativeZeroBias != null) {
                        fixSignsOfZeroChannelsLast(g, img, uh, uw, rh, j - first, end - j, x, xOffset, y, dst);
                    }
                    Epilogue.apply(activation, y, dst, dst + end - j);
                    j = end;
                }
            }
        }
    }

    /**
     * {@code y[dst + i] = b[bi + i] + c[src + i]} for {@code i < len}: whole vectors, then, where
     * there was at least one, the last vector of the run again (its overlap with the one before gets
     * the same values), else the rest one by one.
     */
    private static void addBiasRow(float[] b, int bi, float[] c, int src, MemorySegment y, int dst, int len) {
        if (DryRun.active()) {
            return;
        }
        int i = 0;
        for (; i <= len - LANES; i += LANES) {
            FloatVector.fromArray(S, b, bi + i).add(FloatVector.fromArray(S, c, src + i)).intoMemorySegment(y, 4L * (dst + i), SEG_ORDER);
        }
        if (i < len && len >= LANES) {
            int t = len - LANES;
            FloatVector.fromArray(S, b, bi + t).add(FloatVector.fromArray(S, c, src + t)).intoMemorySegment(y, 4L * (dst + t), SEG_ORDER);
        } else {
            for (; i < len; i++) {
                y.set(SEG_FLOAT, 4L * (dst + i), b[bi + i] + c[src + i]);
            }
        }
    }

    /**
     * {@link #fixSignOfZero} on a channels-last run of {@code len} outputs at {@code dst} (contiguous
     * in y), whose first is row phase {@code rh}'s column {@code col} ({@code rw·coutG + co}).
     */
    private void fixSignsOfZeroChannelsLast(int g, int img, int uh, int uw, int rh, int col, int len,
                                            MemorySegment x, int xOffset, MemorySegment y, int dst) {
        for (int i = 0; i < len; i++) {
            int rw = (col + i) / coutG, co = col + i - rw * coutG;
            if (negativeZeroBias[g * coutG + co]) {
                fixSignOfZero(g, co, img, uh, uw, rh, rw, rw + 1, x, xOffset, y, dst + i);
            }
        }
    }

    /**
     * {@link #fillGaps} for a channels-last output: the bias-only outputs of super-pixels
     * {@code [p0, p0 + rows)} for the output channels whose first GEMM column ({@code (0, 0, co)}, i.e.
     * column {@code co}) lies in {@code [jA, jB)}, each pixel's channels of them contiguous, then the
     * activation.
     */
    private void fillGapsChannelsLast(int g, int p0, int rows, int jA, int jB, MemorySegment y, int yOffset) {
        int coFrom = Math.min(jA, coutG), coTo = Math.min(jB, coutG);
        int perImage = h.count * w.count;
        for (int row = 0; row < rows && coFrom < coTo; row++) {
            int p = p0 + row;
            int img = p / perImage;
            int rest = p - img * perImage;
            int uh = rest / w.count;
            int uw = rest - uh * w.count;
            for (int rh = h.lo[uh]; rh < h.hi[uh]; rh++) {
                int from = rh >= h.phases ? w.lo[uw] : Math.max(w.lo[uw], w.phases);
                for (int rw = from; rw < w.hi[uw]; rw++) {
                    int at = yOffset + ((img * outH + h.origin[uh] + rh) * outW + w.origin[uw] + rw) * cout + g * coutG;
                    for (int co = coFrom; co < coTo; co++) {
                        y.set(SEG_FLOAT, 4L * (at + co), bias == null ? 0f : bias[g * coutG + co]);
                    }
                    Epilogue.apply(activation, y, at + coFrom, at + coTo);
                }
            }
        }
    }

    // END GENERATED

    /** One thread's buffers: a gathered A block, its C block, and the per-row gather state of one panel. */
    static final class Workspace {
        /** Ints of per-row state per panel row: base, top, left. */
        static final int PIXEL_INTS = 3;
        final float[] a, c;
        final int[] base, top, left;

        Workspace(int aLength, int cLength, int rows) {
            a = new float[aLength];
            c = new float[cLength];
            base = new int[rows];
            top = new int[rows];
            left = new int[rows];
        }
    }
}
