package dev.convt.vector.scatter;

import dev.convt.Problem;
import dev.convt.kernel.KernelPlan;

import java.lang.foreign.MemorySegment;

/**
 * The prepared direct-scatter computation of one rank-1 or rank-2 problem: no column buffer; every
 * output element is summed in registers from the products that land on it, starting at its bias
 * (or +0), and stored once per pass of input channels (later passes add to the stored sums).
 *
 * <p>Work is cut into output rows of one register block of output channels (of one group, one batch
 * item). For each row and pass a <em>tap list</em> names every (input channel, kernel row, kernel
 * column) whose products land on that row (built per row in phase mode; in tap-vector mode made once
 * at planning for each class of rows, with the edges' lists: {@link TapVectorLists}); along the width the row is covered by register tiles
 * (micro-kernels of {@link PhaseMicroKernels} or {@link TapVectorMicroKernels}) where every tap of
 * every lane reads inside the input, and at the edges (cropped taps, padding, output_padding tails,
 * rows too short for a tile) by vector edge columns (tap-vector mode) or a scalar loop (phase mode)
 * that checks each tap. Outputs that receive no product get the bias, or +0 without bias, exactly as
 * the reference. Once a row of a channel block has all its passes, the spec's activation is applied
 * to it ({@link dev.convt.vector.Epilogue}) while it is still in cache.
 *
 * <p>Two width modes, chosen at planning:
 * <ul>
 * <li><b>phase</b> (any stride and dilation): outputs of one residue class {@code ow + pad ≡ r (mod
 * stride)} read consecutive inputs; tiles run over that class; with stride 1 they store directly,
 * otherwise through a small per-thread buffer to the strided outputs. At stride 2, where the odd
 * phase's taps read the even phase's inputs ({@link #pairedRange}), paired tiles sum both phases of a
 * block of 4 channels at once and store them zipped, contiguous, over the range where both are
 * interior; rank-1 rows take those tiles across all their channel blocks per tile
 * ({@code pairedBlocks}), over a dense tap list where the kernel is 4 wide. Rank-1 stride-1 rows of
 * kernel 3 take their tiles over a dense tap list too ({@link PhaseMicroKernels#c4wideDense3}).</li>
 * <li><b>tap-vector</b> (stride s &gt; 2, s = V or V/2 for {@link ScatterTuning#TAP_V} = V lanes, dilation 1,
 * kernel width a multiple of s): each input pixel is broadcast against a contiguous vector of taps,
 * and V consecutive outputs are stored as one vector; a vector covers {@code qs = V/s} input
 * columns' output blocks. Per kernel row, {@code kW/s} entries: with {@code qs = 1}, entry j holds
 * taps {@code j·s + lane} of input {@code q − j}; with {@code qs = 2}, entries {@code j < kW/s − 1}
 * hold taps {@code j·s + lane} of input {@code q − j} (all V lanes), and the last, a pair entry,
 * taps {@code kW − s + lane} of input {@code q − (kW/s − 1)} on the low half and taps
 * {@code lane − s} of input {@code q + 1} on the high half.</li>
 * </ul>
 *
 * <p>Weights are prepacked once per spec ({@link ScatterWeights}, shared by the plans of every input
 * shape): per group and channel block, {@code [ciL][kh][kw][c]} (phase) or
 * {@code [ciL][kh][entry][c][lane]} (tap-vector). Workspace is per
 * thread (a {@link ThreadLocal}), sized at planning; {@code execute} allocates nothing after the
 * thread's first call.
 */
public final class ScatterPlan implements KernelPlan {
    private static final int PV = ScatterTuning.PHASE_V;
    private static final int TV = ScatterTuning.TAP_V;

    /**
     * Whether the vector of {@link #PV} positions from input index {@code from} reads, through every tap
     * of the workspace's list, inside an input of {@code length} floats (an edge vector that does not
     * is left to {@code phaseScalar}).
     */
    private static boolean tapsReadInside(long from, Workspace ws, long length) {
        return from + ws.minTapX >= 0 && from + ws.maxTapX + PV <= length;
    }

    /** {@code n} rounded up to a multiple of {@code m} (n ≥ 0, m > 0). */
    private static int roundUp(int n, int m) {
        return (n + m - 1) / m * m;
    }

    private final int batch, cin, cout, ciPerG, coPerG, groups;
    private final int inH, inW, outH, outW, kH, kW, sH, sW, pH, pW, dH, dW;
    private final int inPlane, outPlane, taps;
    private final boolean tapVector;
    /** Tap-vector mode: entries per kernel row ({@code kW/s}), input columns per vector ({@code V/s}), plain entries per row. */
    private final int tapEntries, qs, plainEntries;
    /** Packed floats per output channel. */
    private final int wPerChannel;
    private final float[] packed;
    private final float[] bias;
    private final int[] blockStart;
    private final int[] blockSize;
    /** The bytes of the shared {@link ScatterWeights}. */
    private final long packBytes;
    private final ThreadLocal<Workspace> workspace;
    /** Phase mode: the kernel columns of phase r are phaseKw[phaseStart[r] .. phaseStart[r+1]), ascending, with input shift phaseShift. */
    private final int[] phaseStart, phaseKw, phaseShift;
    /**
     * Tap-vector mode: the vector positions q of an output row (the same for every row, found once
     * here: no division per row), from tvMin to tvMax in steps of qs; those from tvLo to tvHi have
     * all V outputs in the row and every entry's input inside the input row (none if tvLo &gt; tvHi).
     */
    private final int tvMin, tvMax, tvLo, tvHi;
    /**
     * Paired phases (see {@link #pairedRange}): the q of {@code [pairA, pairB)} (whole
     * {@link ScatterTuning#TILE_PAIRED}-vector tiles) take both phases of stride 2 at once; empty
     * where the phases do not pair.
     */
    private final int pairA, pairB;
    /**
     * Paired phases over a dense tap list of two shifts ({@link PhaseMicroKernels#p4wideDense2}): rank 1,
     * a kernel of width 4 whose even phase has columns 0 and 2 at shifts 0 and 1 (and the odd phase
     * 1 and 3).
     */
    private final boolean pairDense;
    /**
     * Stride-1 phase tiles over a dense tap list of three taps ({@link PhaseMicroKernels#c4wideDense3}):
     * rank 1, a kernel of width 3 (every tap in the one phase, at the shifts of {@code phaseShift}).
     */
    private final boolean phaseDense;
    /** Input channels per pass (see {@link ScatterTuning#MAX_TAPS_PER_PASS}). */
    private final int ciPass;
    /** Tap-vector mode: every row's tap lists, made with the geometry (else null). */
    private final TapVectorLists tapLists;
    /** The fused activation, applied to each output row of a channel block once it is summed. */
    private final dev.convt.Activation activation;
    /** The (kh, ih) pairs whose products land on output row oh: rowKh/rowIh[rowStart[oh] .. rowStart[oh+1]). */
    private final int[] rowStart, rowKh, rowIh;

    /** Per-thread scratch: the current row's kernel rows and tap list (phase mode), and the strided-store buffer. */
    private static final class Workspace {
        final int[] tapX, tapW, tapC;
        /** Where the current output row's kernel rows start in rowKh/rowIh. */
        int rowBase;
        final float[] tmp;
        /** The largest and the least entry of tapX in the current list (0 when empty, or when none is below 0). */
        int maxTapX, minTapX;
        /** Whether the current list is dense ({@link #phaseDense}, one kernel row), and its first input channel and count. */
        boolean dense;
        int denseFrom, denseCount;

        Workspace(int maxTaps) {
            tapX = new int[maxTaps];
            tapW = new int[maxTaps];
            tapC = new int[maxTaps];
            tmp = new float[Math.max(ScatterTuning.CO_BLOCK * ScatterTuning.TILE_WIDE_CO, ScatterTuning.TILE_ONE_CO) * PV];
        }
    }

    /**
     * Whether the tap-vector width mode applies: a width stride s above 2 equal to the lane count
     * or half of it, dilation 1, a kernel width that is a multiple of s (so every lane of every entry
     * is a real tap).
     *
     * @param p a rank-1 or rank-2 problem
     * @return whether a plan of {@code p} uses the tap-vector mode
     */
    public static boolean tapVectorApplies(Problem p) {
        int r = p.rank();
        int s = p.spec().stride(r - 1);
        // stride 2 (2s = V at 128 bits) stays in phase mode, whose paired tiles it takes
        return s > 2 && (s == TV || 2 * s == TV) && p.spec().dilation(r - 1) == 1 && p.spec().kernelSize(r - 1) % s == 0;
    }

    /**
     * The input channels a plan of {@code p} sums per pass ({@link ScatterTuning#MAX_TAPS_PER_PASS}):
     * a group of more channels takes several passes, each after the first adding to the partial sums
     * the ones before stored.
     *
     * @param p a rank-1 or rank-2 problem
     * @return the channels per pass, at most the input channels per group
     */
    public static int channelsPerPass(Problem p) {
        var s = p.spec();
        int r = p.rank();
        int kH = r == 2 ? s.kernelSize(0) : 1, sH = r == 2 ? s.stride(0) : 1;
        return channelsPerPass(kH, sH, s.kernelSize(r - 1), s.stride(r - 1), s.inChannelsPerGroup());
    }

    private static int channelsPerPass(int kH, int sH, int kW, int sW, int ciPerG) {
        int tapsPerChannel = Math.max(1, Math.ceilDiv(kH, sH) * Math.ceilDiv(kW, sW));
        return Math.clamp(ScatterTuning.MAX_TAPS_PER_PASS / tapsPerChannel, 1, ciPerG);
    }

    /**
     * Whether a plan of {@code p} takes the dense paired-phase tiles ({@link PhaseMicroKernels#p4wideDense2})
     * where its rows are long enough: rank 1, kernel 4, stride 2, dilation 1 (any padding), at
     * least {@link ScatterTuning#CO_BLOCK} output channels per group.
     *
     * @param p a problem
     * @return whether its spec pairs the phases densely
     */
    public static boolean pairsDensely(Problem p) {
        var s = p.spec();
        return p.rank() == 1 && s.kernelSize(0) == 4 && s.stride(0) == 2 && s.dilation(0) == 1
                && s.outChannelsPerGroup() >= ScatterTuning.CO_BLOCK;
    }

    /**
     * Plans a rank-1 or rank-2 problem, packing its weights for it alone.
     *
     * @param p            the problem, of rank 1 or 2
     * @param weight       (Cin, Cout/groups, *kernel) from {@code weightOffset}; packed, not kept
     * @param weightOffset where the weights start in {@code weight}
     * @param bias         Cout values from {@code biasOffset}, or null without bias; copied
     * @param biasOffset   where the bias starts in {@code bias}
     * @throws IllegalArgumentException if the problem's rank is not 1 or 2
     */
    public ScatterPlan(Problem p, float[] weight, int weightOffset, float[] bias, int biasOffset) {
        this(p, new ScatterWeights(p, weight, weightOffset, bias, biasOffset));
    }

    /**
     * Plans a rank-1 or rank-2 problem over weights packed for its spec (shared, not copied): only the
     * shape's tables (phases, output rows) and workspace size are made here.
     *
     * @param p       the problem, of rank 1 or 2, of the spec {@code weights} was packed for
     * @param weights the packed weights of the problem's spec
     * @throws IllegalArgumentException if the problem's rank is not 1 or 2
     */
    public ScatterPlan(Problem p, ScatterWeights weights) {
        this(p, new Geometry(p, weights));
    }

    /** The plan of {@code p}'s batch over a geometry made for its input shape (shared, not copied). */
    private ScatterPlan(Problem p, Geometry g) {
        batch = p.batch();
        cin = g.cin;
        cout = g.cout;
        groups = g.groups;
        ciPerG = g.ciPerG;
        coPerG = g.coPerG;
        inH = g.inH;
        inW = g.inW;
        outH = g.outH;
        outW = g.outW;
        kH = g.kH;
        kW = g.kW;
        sH = g.sH;
        sW = g.sW;
        pH = g.pH;
        pW = g.pW;
        dH = g.dH;
        dW = g.dW;
        inPlane = g.inPlane;
        outPlane = g.outPlane;
        taps = g.taps;
        activation = g.activation;
        tapVector = g.tapVector;
        tapEntries = g.tapEntries;
        qs = g.qs;
        plainEntries = g.plainEntries;
        wPerChannel = g.wPerChannel;
        blockStart = g.blockStart;
        blockSize = g.blockSize;
        packed = g.packed;
        bias = g.bias;
        packBytes = g.packBytes;
        phaseStart = g.phaseStart;
        phaseKw = g.phaseKw;
        phaseShift = g.phaseShift;
        rowStart = g.rowStart;
        rowKh = g.rowKh;
        rowIh = g.rowIh;
        tvMin = g.tvMin;
        tvMax = g.tvMax;
        tvLo = g.tvLo;
        tvHi = g.tvHi;
        pairA = g.pairA;
        pairB = g.pairB;
        pairDense = g.pairDense;
        phaseDense = g.phaseDense;
        ciPass = g.ciPass;
        tapLists = g.tapLists;
        maxTaps = g.maxTaps;
        int capacity = g.maxTaps;
        this.workspace = ThreadLocal.withInitial(() -> new Workspace(capacity));
    }

    /** The tap-list capacity of one workspace. */
    private final int maxTaps;

    /**
     * Everything of a plan but its batch (and its per-thread workspace): the spec's sizes, the pack,
     * and the input shape's tables (phases, output rows, the tap-vector positions of a row), made once
     * per input shape and shared by the plans of every batch size ({@link dev.convt.PackedWeights}).
     * Immutable.
     */
    public static final class Geometry implements dev.convt.kernel.KernelGeometry {
        private final int cin, cout, ciPerG, coPerG, groups;
        private final int inH, inW, outH, outW, kH, kW, sH, sW, pH, pW, dH, dW;
        private final int inPlane, outPlane, taps;
        private final boolean tapVector;
        private final int tapEntries, qs, plainEntries;
        private final int wPerChannel;
        private final float[] packed;
        private final float[] bias;
        private final int[] blockStart;
        private final int[] blockSize;
        private final long packBytes;
        private final int[] phaseStart, phaseKw, phaseShift;
        private final int tvMin, tvMax, tvLo, tvHi;
        private final int pairA, pairB;
        private final boolean pairDense;
        private final boolean phaseDense;
        private final int ciPass;
        private final TapVectorLists tapLists;
        private final dev.convt.Activation activation;
        private final int[] rowStart, rowKh, rowIh;
        private final int maxTaps;

        /**
         * The geometry of {@code p}'s input shape over weights packed for its spec.
         *
         * @param p       a problem of rank 1 or 2 (its batch is not used)
         * @param weights the packed weights of the problem's spec
         * @throws IllegalArgumentException if the problem's rank is not 1 or 2
         */
        public Geometry(Problem p, ScatterWeights weights) {
            if (p.rank() > 2) {
                throw new IllegalArgumentException("the scatter kernel supports spatial rank 1 and 2, but got rank " + p.rank());
            }
            int[] in = p.in3(), out = p.out3(), k = p.kernel3(), s = p.stride3(), pad = p.padBegin3(), d = p.dilation3();
            cin = p.spec().inChannels();
            cout = p.spec().outChannels();
            groups = p.spec().groups();
            ciPerG = p.spec().inChannelsPerGroup();
            coPerG = p.spec().outChannelsPerGroup();
            inH = in[1]; inW = in[2]; outH = out[1]; outW = out[2];
            kH = k[1]; kW = k[2]; sH = s[1]; sW = s[2]; pH = pad[1]; pW = pad[2]; dH = d[1]; dW = d[2];
            inPlane = inH * inW;
            outPlane = outH * outW;
            taps = kH * kW;
            activation = p.spec().activation();
            tapVector = weights.tapVector;
            tapEntries = weights.tapEntries;
            qs = weights.qs;
            plainEntries = weights.plainEntries;
            wPerChannel = weights.wPerChannel;
            blockStart = weights.blockStart;
            blockSize = weights.blockSize;
            packed = weights.packed;
            bias = weights.bias;
            packBytes = weights.packedWeightBytes();
            phaseStart = new int[sW + 1];
            phaseKw = new int[kW];
            phaseShift = new int[kW];
            int e = 0;
            for (int r = 0; r < sW; r++) {
                phaseStart[r] = e;
                for (int kw = 0; kw < kW; kw++) {
                    if ((kw * dW - r) % sW == 0) {
                        phaseKw[e] = kw;
                        phaseShift[e] = (kw * dW - r) / sW;
                        e++;
                    }
                }
            }
            phaseStart[sW] = e;
            int[] pair = tapVector ? new int[2] : pairedRange(sW, inW, outW, pW, phaseStart, phaseKw, phaseShift);
            pairA = pair[0];
            pairB = pair[1];
            boolean dense = pairA < pairB && kH == 1 && inH == 1 && kW == 4 && phaseStart[1] == 2;
            for (int i = 0; dense && i < phaseStart[1]; i++) {
                dense = phaseKw[i] == 2 * i && phaseShift[i] == i;
            }
            pairDense = dense;
            phaseDense = !tapVector && sW == 1 && kW == 3 && kH == 1 && inH == 1 && outH == 1;
            rowStart = new int[outH + 1];
            int[] rowKhFill = null, rowIhFill = null;
            for (int pass = 0; pass < 2; pass++) { // count, then fill
                int m = 0;
                for (int oh = 0; oh < outH; oh++) {
                    rowStart[oh] = m;
                    for (int kh = 0; kh < kH; kh++) {
                        int u = oh + pH - kh * dH;
                        if (u >= 0 && u % sH == 0 && u / sH < inH) {
                            if (pass == 1) {
                                rowKhFill[m] = kh;
                                rowIhFill[m] = u / sH;
                            }
                            m++;
                        }
                    }
                }
                rowStart[outH] = m;
                if (pass == 0) {
                    rowKhFill = new int[m];
                    rowIhFill = new int[m];
                }
            }
            rowKh = rowKhFill;
            rowIh = rowIhFill;
            tvMin = pW / sW;
            tvMax = (outW - 1 + pW) / sW;
            tvLo = Math.max(Math.ceilDiv(pW, sW), tapEntries - 1);
            tvHi = Math.min(Math.floorDiv(outW + pW - TV, sW), inW - qs);
            ciPass = channelsPerPass(kH, sH, kW, sW, ciPerG);
            tapLists = tapVector ? new TapVectorLists(outH, inH, inW, kH, ciPerG, ciPass, tapEntries, plainEntries, qs,
                    rowStart, rowKh, rowIh, blockSize, tvMin, tvMax, tvLo, tvHi) : null;
            maxTaps = ciPerG * taps;
        }

        /** {@return the plan of {@code problem}, a problem of this geometry's spec and input shape with any batch} */
        @Override
        public ScatterPlan plan(Problem problem) {
            return new ScatterPlan(problem, this);
        }

        @Override
        public long tableBytes() {
            return 4L * (rowStart.length + rowKh.length + rowIh.length + phaseStart.length + phaseKw.length + phaseShift.length)
                    + (tapLists == null ? 0 : tapLists.bytes());
        }
    }

    /**
     * The q range {@code [a, b)} whose outputs the paired-phase tiles compute, as {@code {a, b}}
     * (empty where the phases do not pair): with stride 2, where the odd phase's taps are the even
     * phase's, each one kernel column on (an even kernel width, dilation 1), both phases read the
     * same inputs at every q, so one tile sums both and stores their outputs zipped, contiguous
     * (output {@code 2q − pad} and the next), where the strided phase tiles write through the
     * workspace one output in two. The range is where both phases are interior (every tap of
     * every lane inside the input row and the output row), cut to whole tiles from its start;
     * the rest of each phase, edges included, goes the phase way.
     */
    static int[] pairedRange(int sW, int inW, int outW, int pW, int[] phaseStart, int[] phaseKw, int[] phaseShift) {
        int[] none = {0, 0};
        if (sW != 2) {
            return none;
        }
        int n = phaseStart[1] - phaseStart[0];
        if (n == 0 || phaseStart[2] - phaseStart[1] != n) {
            return none;
        }
        for (int i = 0; i < n; i++) {
            if (phaseShift[n + i] != phaseShift[i] || phaseKw[n + i] != phaseKw[i] + 1) {
                return none;
            }
        }
        long lo = Long.MIN_VALUE, hi = Long.MAX_VALUE;
        for (int r = 0; r < 2; r++) {
            long qFirst = Math.ceilDiv(pW - r, 2), qLast = Math.floorDiv(outW - 1L + pW - r, 2);
            int cMin = phaseShift[phaseStart[r]], cMax = phaseShift[phaseStart[r + 1] - 1];
            lo = Math.max(lo, Math.max(qFirst, cMax));
            hi = Math.min(hi, Math.min(qLast, inW - 1L + cMin));
        }
        long span = (long) ScatterTuning.TILE_PAIRED * PV;
        long tiles = lo <= hi ? (hi - lo + 1) / span : 0;
        return tiles == 0 ? none : new int[] {(int) lo, (int) (lo + tiles * span)};
    }

    @Override
    public void prepareWorkspace() {
        workspace.get();
    }

    @Override
    public Object newWorkspace() {
        return new Workspace(maxTaps);
    }

    @Override
    public long packedWeightBytes() {
        return packBytes + 4L * (rowStart.length + rowKh.length + rowIh.length)
                + 4L * (phaseStart.length + phaseKw.length + phaseShift.length) + (tapLists == null ? 0 : tapLists.bytes());
    }

    @Override
    public long workspaceBytes() {
        return 4L * (3L * ciPerG * taps
                + (long) Math.max(ScatterTuning.CO_BLOCK * ScatterTuning.TILE_WIDE_CO, ScatterTuning.TILE_ONE_CO) * PV);
    }

    /** {@return whether this plan uses the tap-vector width mode (else the phase mode)} */
    public boolean usesTapVector() {
        return tapVector;
    }

    /**
     * The output rows of the whole computation, in its order: row {@code f} is output row
     * {@code f % outH} of channel block {@code (f / outH) % blocks} of group {@code (f / outH / blocks) % groups}
     * of image {@code f / outH / blocks / groups}.
     *
     * @return the number of output rows: the unit {@link #rows} takes and tasks are cut in
     */
    public int rowCount() {
        return batch * groups * blockStart.length * outH;
    }

    /**
     * The cost of the whole computation in multiply-adds, for sizing tasks: the multiply-adds (an
     * estimate counting cropped taps) plus {@link ScatterTuning#OUTPUT_WORK} for each output element.
     * A layer with few taps per output (an upsampling depthwise layer) is bound by writing its output
     * and by the per-row edges, not by its multiply-adds, which alone would cut it into too few tasks
     * to balance two busy cores.
     *
     * @return the estimated work, in multiply-add equivalents
     */
    public long work() {
        return (long) batch * cout * ciPerG * taps * inPlane + ScatterTuning.OUTPUT_WORK * batch * cout * outPlane;
    }

    /** {@return the output rows per plane (1 for rank 1)} */
    public int outputRows() {
        return outH;
    }

    /** {@return the floats of output per output row ({@link #rowCount} order): rows of one channel block start this far apart within a plane} */
    public int outputWidth() {
        return outW;
    }

    @Override
    public Tasks tasks(int threads, long minTaskWork) {
        return ScatterSplit.make(this, threads, minTaskWork);
    }

    /** Yes: the rows, tiles and micro-kernels have generated native-segment twins (below). */
    @Override
    public boolean executesSegments() {
        return true;
    }

    /** Points the workspace at the (kh, ih) pairs whose products land on output row oh; returns their count. */
    private int kernelRows(int oh, Workspace ws) {
        ws.rowBase = rowStart[oh];
        return rowStart[oh + 1] - rowStart[oh];
    }

    /**
     * Fills the workspace's tap list of phase r for input channels {@code [ci0, ci1)} of the current
     * output row ({@link #kernelRows}): per tap its input index less q ({@code tapX}), its shift
     * ({@code tapC}) and its weight's index in the channel block ({@code tapW}); the kernel columns
     * and shifts come from the tables made at planning (no division here).
     *
     * @return the number of taps
     */
    private int phaseTaps(int r, int ci0, int ci1, int cb, int rows, Workspace ws) {
        int k0 = phaseStart[r], k1 = phaseStart[r + 1];
        int nt = 0;
        int maxTapX = 0, minTapX = 0;
        if (k1 > k0) {
            int[] tapX = ws.tapX, tapW = ws.tapW, tapC = ws.tapC;
            for (int ciL = ci0; ciL < ci1; ciL++) {
                for (int i = 0; i < rows; i++) {
                    int kh = rowKh[ws.rowBase + i];
                    int xRow = (ciL * inH + rowIh[ws.rowBase + i]) * inW;
                    int wRow = ciL * taps + kh * kW;
                    for (int e = k0; e < k1; e++) {
                        int c = phaseShift[e];
                        tapX[nt] = xRow - c;
                        tapC[nt] = c;
                        tapW[nt] = (wRow + phaseKw[e]) * cb;
                        maxTapX = Math.max(maxTapX, xRow - c);
                        minTapX = Math.min(minTapX, xRow - c);
                        nt++;
                    }
                }
            }
        }
        ws.maxTapX = maxTapX;
        ws.minTapX = minTapX;
        ws.dense = phaseDense && rows == 1;
        ws.denseFrom = ci0;
        ws.denseCount = ci1 - ci0;
        return nt;
    }

    // BEGIN template for gen_segments.py
    @Override
    public void execute(float[] x, int xOffset, float[] y, int yOffset, Object workspace) {
        rows(0, rowCount(), x, xOffset, y, yOffset, workspace);
    }

    /**
     * Computes rows {@code [f0, f1)} of {@link #rowCount} order. Each row's outputs are summed over
     * every input channel within the row, so any cut of the rows gives the same bits; two cuts
     * write disjoint outputs.
     *
     * @param f0      the first row, in {@code [0, rowCount()]}
     * @param f1      the row after the last, in {@code [f0, rowCount()]}
     * @param x       the input, {@code (N, Cin, *in)} row-major from {@code xOffset}
     * @param xOffset where the input starts in {@code x}
     * @param y       the output, {@code (N, Cout, *out)} row-major from {@code yOffset}; only these rows are written
     * @param yOffset where the output starts in {@code y}
     * @param workspace a workspace from {@link #newWorkspace()} (used by one call at a time), or null for the
     *                calling thread's own
     */
    public void rows(int f0, int f1, float[] x, int xOffset, float[] y, int yOffset, Object workspace) {
        Workspace ws = workspace == null ? this.workspace.get() : (Workspace) workspace;
        int blocks = blockStart.length;
        for (int f = f0; f < f1; ) {
            int unit = f / outH;
            int ohFrom = f - unit * outH;
            int ohTo = Math.min(outH, ohFrom + (f1 - f));
            int b = unit % blocks;
            int g = unit / blocks % groups;
            int n = unit / blocks / groups;
            int xg = xOffset + (n * cin + g * ciPerG) * inPlane;
            int yg = yOffset + (n * cout + g * coPerG) * outPlane;
            if (outH == 1 && pairA < pairB) {
                // rank 1, paired phases: this image and group's blocks of the range together
                int bEnd = Math.min(blocks, b + (f1 - f));
                pairedBlocks(xg, yg, g, b, bEnd, x, y, ws);
                f += bEnd - b;
                continue;
            }
            int co0 = blockStart[b], cb = blockSize[b];
            int wb = (g * coPerG + co0) * wPerChannel;
            int bi = g * coPerG + co0;
            for (int oh = ohFrom; oh < ohTo; oh++) {
                int rows = kernelRows(oh, ws);
                int yRow = yg + co0 * outPlane + oh * outW;
                // input channels in passes, so the input rows of one pass stay in L1 across
                // the tiles and phases of the row; later passes add to the stored sums
                for (int ci0 = 0; ci0 < ciPerG; ci0 += ciPass) {
                    int ci1 = Math.min(ciPerG, ci0 + ciPass);
                    boolean more = ci0 > 0;
                    if (more && rows == 0) {
                        break;
                    }
                    if (tapVector) {
                        rowTapVector(ci0 / ciPass, more, x, xg + tapLists.rowShift(oh), wb, bi, cb, tapLists.rowClass(oh), y, yRow, ws);
                    } else if (sW > outW) {
                        // a stride wider than the row leaves at most one output per phase and most phases
                        // empty: visit only the outputs' phases (distinct, as outputs lie less than sW
                        // apart), so the work follows the output, not the stride; phases write disjoint
                        // outputs, so the order does not change any bit
                        for (int ow = 0; ow < outW; ow++) {
                            rowPhase((int) Math.floorMod((long) ow + pW, (long) sW), ci0, ci1, more, x, xg, wb, bi, cb, rows, y, yRow, ws, 0, 0);
                        }
                    } else if (pairA < pairB && cb == ScatterTuning.CO_BLOCK) {
                        rowPaired(ci0, ci1, more, x, xg, wb, bi, cb, rows, y, yRow, ws);
                    } else {
                        for (int r = 0; r < sW; r++) {
                            rowPhase(r, ci0, ci1, more, x, xg, wb, bi, cb, rows, y, yRow, ws, 0, 0);
                        }
                    }
                }
                dev.convt.vector.Epilogue.apply(activation, y, yRow, outW, cb, outPlane);
            }
            f += ohTo - ohFrom;
        }
    }

    // ---- phase mode -------------------------------------------------------------------------

    /**
     * A rank-1 row of channel blocks {@code [b0, b1)} of one image and group (input from {@code xg},
     * output from {@code yg}) with paired phases ({@link #pairedRange}): over the paired range, tile by tile, every block of 4 channels in turn, each
     * over all the group's input channels at once, so the input under a tile is read from memory
     * once for all blocks (block by block over the whole row, a long row's input left the caches
     * between blocks); then, block by block, the rest of each phase (and blocks of fewer channels
     * whole) as {@link #rowPhase} does it in passes of input channels, and the activation. Each
     * output's taps are summed in the same order either way, so its bits are those of the phase
     * tiles.
     */
    private void pairedBlocks(int xg, int yg, int g, int b0, int b1, float[] x, float[] y, Workspace ws) {
        int rows = kernelRows(0, ws);
        // dense only where the row has its one kernel row (a rank-2 problem of one output row may have none)
        boolean dense = rows == 1 && pairDense;
        int span = ScatterTuning.TILE_PAIRED * PV;
        int nt = dense ? 0 : phaseTaps(0, 0, ciPerG, ScatterTuning.CO_BLOCK, rows, ws);
        for (int q = pairA; q < pairB; q += span) {
            for (int b = b0; b < b1; b++) {
                if (blockSize[b] != ScatterTuning.CO_BLOCK) {
                    continue;
                }
                int co = g * coPerG + blockStart[b];
                int yq = yg + blockStart[b] * outPlane + 2 * q - pW;
                if (dense) {
                    PhaseMicroKernels.p4wideDense2(x, xg + q, inW, ciPerG, packed, co * wPerChannel,
                            bias[co], bias[co + 1], bias[co + 2], bias[co + 3], y, yq, outPlane);
                } else {
                    PhaseMicroKernels.p4wide(x, xg + q, ws.tapX, nt, packed, co * wPerChannel, ws.tapW, ScatterTuning.CO_BLOCK,
                            bias[co], bias[co + 1], bias[co + 2], bias[co + 3], y, yq, outPlane, false);
                }
            }
        }
        for (int b = b0; b < b1; b++) {
            int co0 = blockStart[b], cb = blockSize[b];
            int co = g * coPerG + co0;
            int yRow = yg + co0 * outPlane;
            boolean skip = cb == ScatterTuning.CO_BLOCK;
            for (int ci0 = 0; ci0 < ciPerG; ci0 += ciPass) {
                int ci1 = Math.min(ciPerG, ci0 + ciPass);
                for (int r = 0; r < 2; r++) {
                    rowPhase(r, ci0, ci1, ci0 > 0, x, xg, co * wPerChannel, co, cb, rows, y, yRow, ws, skip ? pairA : 0, skip ? pairB : 0);
                }
            }
            dev.convt.vector.Epilogue.apply(activation, y, yRow, outW, cb, outPlane);
        }
    }

    /**
     * Both phases of stride 2 over the paired range ({@link #pairedRange}), and the rest of each
     * phase as {@link #rowPhase} does it. The tiles sum the taps of the even phase's list in its
     * order, each with the odd phase's weight beside it, so every output gets the bits the phase
     * tiles give it.
     */
    private void rowPaired(int ci0, int ci1, boolean more, float[] x, int xg, int wb, int bi, int cb, int rows, float[] y, int yRow, Workspace ws) {
        // the even phase's rest first: its tap list, left in the workspace, is the tiles' list
        int nt = rowPhase(0, ci0, ci1, more, x, xg, wb, bi, cb, rows, y, yRow, ws, pairA, pairB);
        int span = ScatterTuning.TILE_PAIRED * PV;
        for (int q = pairA; q < pairB; q += span) {
            PhaseMicroKernels.p4wide(x, xg + q, ws.tapX, nt, packed, wb, ws.tapW, cb,
                    bias[bi], bias[bi + 1], bias[bi + 2], bias[bi + 3], y, yRow + 2 * q - pW, outPlane, more);
        }
        rowPhase(1, ci0, ci1, more, x, xg, wb, bi, cb, rows, y, yRow, ws, pairA, pairB);
    }

    /**
     * The phase's q outside {@code [skipA, skipB)} (computed by {@link #rowPaired}'s tiles; empty
     * when equal): edges by {@link #phaseEdge}, the interior by tiles.
     *
     * @return the number of taps of the phase's list, left in the workspace (0 if the phase has no output)
     */
    private int rowPhase(int r, int ci0, int ci1, boolean more, float[] x, int xg, int wb, int bi, int cb, int rows, float[] y, int yRow, Workspace ws,
                         int skipA, int skipB) {
        int qFirst = Math.ceilDiv(pW - r, sW);
        int qLast = Math.floorDiv(outW - 1 + pW - r, sW);
        if (qFirst > qLast) {
            return 0;
        }
        int nt = phaseTaps(r, ci0, ci1, cb, rows, ws);
        int k0 = phaseStart[r], k1 = phaseStart[r + 1];
        int cMin = k1 > k0 ? phaseShift[k0] : 0;
        int cMax = k1 > k0 ? phaseShift[k1 - 1] : -1;
        // interior: every tap of every lane reads inside the input row
        int lo = cMax >= 0 ? Math.max(qFirst, cMax) : qFirst;
        int hi = cMax >= 0 ? Math.min(qLast, inW - 1 + cMin) : qLast;
        if (lo > hi) { // no interior: the whole phase is edge
            phaseEdge(qFirst, qLast + 1, r, more, x, xg, wb, bi, cb, nt, y, yRow, ws);
            return nt;
        }
        if (skipA < skipB) {
            // paired rows (inside [lo, hi]: the paired range lies in every phase's interior): their
            // rows are long and their edges a few q, by phaseScalar; the edge tiles, compiled late in
            // this family's warm-up, made its first execute slower, and gain it nothing
            for (int q = qFirst; q < lo; q++) {
                phaseScalar(q, r, more, x, xg, wb, bi, cb, nt, y, yRow, ws);
            }
            phaseTiles(lo, skipA - 1, r, more, x, xg, wb, bi, cb, nt, y, yRow, ws);
            phaseTiles(skipB, hi, r, more, x, xg, wb, bi, cb, nt, y, yRow, ws);
            for (int q = hi + 1; q <= qLast; q++) {
                phaseScalar(q, r, more, x, xg, wb, bi, cb, nt, y, yRow, ws);
            }
            return nt;
        }
        // the edges rounded up to whole vectors (the masked edge vector costs the same on all its
        // lanes), as far as the interior leaves room; not where an edge vector
        // would read past an end of the input array (phaseEdge leaves those to phaseScalar, which
        // should then get the edge's own q only)
        boolean roundL = lo > qFirst && (long) xg + qFirst + ws.minTapX >= 0;
        boolean roundR = qLast > hi && (long) xg + qLast + ws.maxTapX + PV <= x.length;
        int eL = roundL ? Math.min(qFirst + roundUp(lo - qFirst, PV), hi + 1) : lo;
        int eR = roundR ? Math.max(qLast + 1 - roundUp(qLast - hi, PV), eL) : hi + 1;
        phaseEdge(qFirst, eL, r, more, x, xg, wb, bi, cb, nt, y, yRow, ws);
        phaseTiles(eL, eR - 1, r, more, x, xg, wb, bi, cb, nt, y, yRow, ws);
        phaseEdge(eR, qLast + 1, r, more, x, xg, wb, bi, cb, nt, y, yRow, ws);
        return nt;
    }

    /** The interior q of {@code [q, hi]} of phase r, by register tiles of the block's channels. */
    private void phaseTiles(int q, int hi, int r, boolean more, float[] x, int xg, int wb, int bi, int cb, int nt, float[] y, int yRow, Workspace ws) {
        if (cb == ScatterTuning.CO_BLOCK) {
            int span = ScatterTuning.TILE_WIDE_CO * PV;
            for (; q <= hi; q += span) {
                phaseTile4(q, r, Math.min(span, hi - q + 1), more, x, xg, wb, bi, nt, y, yRow, ws);
            }
        } else {
            int span = ScatterTuning.TILE_ONE_CO * PV;
            for (; q + span - 1 <= hi; q += span) {
                phaseTile1(q, r, span, more, x, xg, wb, bi, nt, y, yRow, ws);
            }
            span = ScatterTuning.TILE_ONE_CO_MID * PV;
            for (; q <= hi; q += span) {
                phaseTile1(q, r, Math.min(span, hi - q + 1), more, x, xg, wb, bi, nt, y, yRow, ws);
            }
        }
    }

    /**
     * A tile of 4 channels × {@code len} (≤ T·V, T = {@link ScatterTuning#TILE_WIDE_CO}) consecutive q:
     * T full vectors straight into place (stride 1), else through the workspace; at the very end of
     * the input array, masked vectors.
     */
    private void phaseTile4(int q, int r, int len, boolean more, float[] x, int xg, int wb, int bi, int nt,
                            float[] y, int yRow, Workspace ws) {
        int ow0 = q * sW + r - pW;
        int span = ScatterTuning.TILE_WIDE_CO * PV;
        if (len == span && sW == 1) {
            if (ws.dense) {
                int ci0 = ws.denseFrom;
                PhaseMicroKernels.c4wideDense3(x, xg + q + ci0 * inW, inW, ws.denseCount, phaseShift[0], phaseShift[1], phaseShift[2],
                        packed, wb + ci0 * taps * ScatterTuning.CO_BLOCK, bias[bi], bias[bi + 1], bias[bi + 2], bias[bi + 3],
                        y, yRow + ow0, outPlane, more);
            } else {
                PhaseMicroKernels.c4wide(x, xg + q, ws.tapX, nt, packed, wb, ws.tapW,
                        bias[bi], bias[bi + 1], bias[bi + 2], bias[bi + 3], y, yRow + ow0, outPlane, more);
            }
            return;
        }
        if (more) {
            gather(ws.tmp, len, ScatterTuning.CO_BLOCK, span, y, yRow + ow0);
        }
        if ((long) xg + q + ws.maxTapX + span <= x.length) {
            PhaseMicroKernels.c4wide(x, xg + q, ws.tapX, nt, packed, wb, ws.tapW,
                    bias[bi], bias[bi + 1], bias[bi + 2], bias[bi + 3], ws.tmp, 0, span, more);
        } else {
            for (int c = 0; c < ScatterTuning.CO_BLOCK; c++) {
                for (int v = 0; v < len; v += PV) {
                    PhaseMicroKernels.c1x1m(x, xg + q + v, ws.tapX, nt, packed, wb + c, ws.tapW, bias[bi + c],
                            ws.tmp, c * span + v, Math.min(PV, len - v), more);
                }
            }
        }
        spread(ws.tmp, len, ScatterTuning.CO_BLOCK, span, y, yRow + ow0);
    }

    /**
     * A tile of 1 channel × {@code len} consecutive q: 8 full vectors straight into place, or up to
     * 4 through the workspace (the lanes past {@code len} compute discarded sums of inputs that lie
     * inside the array), or, at the very end of the input array, masked vectors.
     */
    private void phaseTile1(int q, int r, int len, boolean more, float[] x, int xg, int wb, int bi, int nt,
                            float[] y, int yRow, Workspace ws) {
        int ow0 = q * sW + r - pW;
        if (len == ScatterTuning.TILE_ONE_CO * PV) {
            if (sW == 1) {
                PhaseMicroKernels.c1x8(x, xg + q, ws.tapX, nt, packed, wb, ws.tapW, bias[bi], y, yRow + ow0, more);
                return;
            }
            if (more) {
                gather(ws.tmp, len, 1, 0, y, yRow + ow0);
            }
            PhaseMicroKernels.c1x8(x, xg + q, ws.tapX, nt, packed, wb, ws.tapW, bias[bi], ws.tmp, 0, more);
            spread(ws.tmp, len, 1, 0, y, yRow + ow0);
            return;
        }
        if (more) {
            gather(ws.tmp, len, 1, 0, y, yRow + ow0);
        }
        if ((long) xg + q + ws.maxTapX + ScatterTuning.TILE_ONE_CO_MID * PV <= x.length) {
            PhaseMicroKernels.c1x4(x, xg + q, ws.tapX, nt, packed, wb, ws.tapW, bias[bi], ws.tmp, 0, more);
        } else {
            for (int v = 0; v < len; v += PV) {
                PhaseMicroKernels.c1x1m(x, xg + q + v, ws.tapX, nt, packed, wb, ws.tapW, bias[bi], ws.tmp, v,
                        Math.min(PV, len - v), more);
            }
        }
        spread(ws.tmp, len, 1, 0, y, yRow + ow0);
    }

    /** The inverse of {@link #spread}: fetches the partial sums of a strided tile for a later pass. */
    private void gather(float[] tmp, int len, int channels, int cs, float[] y, int y0) {
        for (int c = 0; c < channels; c++) {
            int dst = c * cs;
            int src = y0 + c * outPlane;
            for (int i = 0; i < len; i++) {
                tmp[dst + i] = y[src + i * sW];
            }
        }
    }

    /** Copies {@code len} consecutive results per channel to every stride-th output of the row. */
    private void spread(float[] tmp, int len, int channels, int cs, float[] y, int y0) {
        for (int c = 0; c < channels; c++) {
            int src = c * cs;
            int dst = y0 + c * outPlane;
            for (int i = 0; i < len; i++) {
                y[dst + i * sW] = tmp[src + i];
            }
        }
    }

    /**
     * The phase's q in {@code [qA, qB)} (edges: some taps read outside the input row) per channel of
     * the block, by masked vectors through the workspace ({@link PhaseMicroKernels#c4x1e}, or
     * {@link PhaseMicroKernels#c1x1e} per channel of a partial block), a tile's width at a time.
     */
    private void phaseEdge(int qA, int qB, int r, boolean more, float[] x, int xg, int wb, int bi, int cb, int nt, float[] y, int yRow, Workspace ws) {
        int span = ScatterTuning.TILE_WIDE_CO * PV;
        for (int q = qA; q < qB; q += span) {
            int len = Math.min(span, qB - q);
            int ow0 = q * sW + r - pW;
            if (more) {
                gather(ws.tmp, len, cb, span, y, yRow + ow0);
            }
            for (int v = 0; v < len; v += PV) {
                if (!tapsReadInside((long) xg + q + v, ws, x.length)) {
                    continue; // a vector that would leave the input array: by phaseScalar, after the spread
                }
                if (cb == ScatterTuning.CO_BLOCK) {
                    PhaseMicroKernels.c4x1e(x, xg + q + v, q + v, inW, ws.tapX, ws.tapC, nt, packed, wb, ws.tapW,
                            bias[bi], bias[bi + 1], bias[bi + 2], bias[bi + 3], ws.tmp, v, span, Math.min(PV, len - v), more);
                    continue;
                }
                for (int c = 0; c < cb; c++) {
                    PhaseMicroKernels.c1x1e(x, xg + q + v, q + v, inW, ws.tapX, ws.tapC, nt, packed, wb + c, ws.tapW, bias[bi + c],
                            ws.tmp, c * span + v, Math.min(PV, len - v), more);
                }
            }
            spread(ws.tmp, len, cb, span, y, yRow + ow0);
            // the spread wrote what the skipped lanes held: with more, the sums gathered, unchanged;
            // without, stale values, which phaseScalar overwrites
            for (int v = 0; v < len; v += PV) {
                if (!tapsReadInside((long) xg + q + v, ws, x.length)) {
                    for (int u = q + v; u < Math.min(q + v + PV, qB); u++) {
                        phaseScalar(u, r, more, x, xg, wb, bi, cb, nt, y, yRow, ws);
                    }
                }
            }
        }
    }

    /**
     * One output q per channel of the block, checking every tap: the lanes of the edge vectors that
     * would read past an end of the input array (the first and last rows of an image's channels).
     * One sum per output, the taps in list order, each added only where it reads inside the row:
     * the same operations as the lane of an edge vector ({@link PhaseMicroKernels#c4x1e}), so the
     * bits do not depend on which of the two computed an output (on the array's size, say).
     */
    private void phaseScalar(int q, int r, boolean more, float[] x, int xg, int wb, int bi, int cb, int nt, float[] y, int yRow, Workspace ws) {
        int ow = q * sW + r - pW;
        int[] tapX = ws.tapX, tapW = ws.tapW, tapC = ws.tapC;
        int xq = xg + q;
        for (int c = 0; c < cb; c++) {
            int wc = wb + c;
            float a = more ? y[yRow + c * outPlane + ow] : bias[bi + c];
            for (int t = 0; t < nt; t++) {
                if (Integer.compareUnsigned(q - tapC[t], inW) < 0) {
                    a = Math.fma(x[xq + tapX[t]], packed[wc + tapW[t]], a);
                }
            }
            y[yRow + c * outPlane + ow] = a;
        }
    }

    // ---- tap-vector mode ---------------------------------------------------------------------

    /**
     * One output row of one channel block and pass in tap-vector mode: the lists of the row's class
     * ({@link TapVectorLists}), the input from {@code xs} (the group's input plus the row's shift).
     */
    private void rowTapVector(int pass, boolean more, float[] x, int xs, int wb, int bi, int cb, int cls, float[] y, int yRow, Workspace ws) {
        TapVectorLists.TapList list = tapLists.interior(cls, pass, cb);
        int[] tapX = list.x, tapX2 = list.x2, tapW = list.w;
        int nPlain = list.whole, nt = list.n;
        // vectors at q (covering the qs blocks q .. q + qs - 1) whose V outputs all exist and whose
        // entries all read inside the input row: tvLo .. tvHi, of the row's tvMin .. tvMax
        int lo = tvLo, hi = tvHi, qMax = tvMax;
        int q = tvMin;
        for (; q <= qMax && (q < lo || lo > hi); q += qs) {
            tapEdge(q, tapLists.edge(cls, pass, cb, q), more, x, xs, wb, bi, cb, y, yRow, ws);
        }
        if (lo <= hi) {
            if (cb == ScatterTuning.CO_BLOCK) {
                for (; q + (ScatterTuning.TAP_TILE_WIDE_CO - 1) * qs <= hi; q += ScatterTuning.TAP_TILE_WIDE_CO * qs) {
                    TapVectorMicroKernels.b4x2(x, xs + q, qs, tapX, tapX2, nPlain, nt, packed, wb, tapW,
                            bias[bi], bias[bi + 1], bias[bi + 2], bias[bi + 3], y, yRow + q * sW - pW, outPlane, more);
                }
                for (; q <= hi; q += qs) {
                    TapVectorMicroKernels.b4x1(x, xs + q, qs, tapX, tapX2, nPlain, nt, packed, wb, tapW,
                            bias[bi], bias[bi + 1], bias[bi + 2], bias[bi + 3], y, yRow + q * sW - pW, outPlane, more);
                }
            } else {
                if (qs == 1) {
                    for (; q + ScatterTuning.TILE_ONE_CO - 1 <= hi; q += ScatterTuning.TILE_ONE_CO) {
                        TapVectorMicroKernels.b1x8(x, xs + q, tapX, nt, packed, wb, tapW, bias[bi], y, yRow + q * sW - pW, more);
                    }
                } else {
                    // with pair entries the 4-vector tile: 8 vectors with pair broadcasts outgrow C2's inlining
                    for (; q + (ScatterTuning.TILE_ONE_CO_MID - 1) * qs <= hi; q += ScatterTuning.TILE_ONE_CO_MID * qs) {
                        TapVectorMicroKernels.b1x4(x, xs + q, qs, tapX, tapX2, nPlain, nt, packed, wb, tapW, bias[bi], y, yRow + q * sW - pW, more);
                    }
                }
                for (; q <= hi; q += qs) {
                    TapVectorMicroKernels.b1x1(x, xs + q, qs, tapX, tapX2, nPlain, nt, packed, wb, tapW, bias[bi], y, yRow + q * sW - pW, more);
                }
            }
        }
        for (; q <= qMax; q += qs) {
            tapEdge(q, tapLists.edge(cls, pass, cb, q), more, x, xs, wb, bi, cb, y, yRow, ws);
        }
    }

    /**
     * A q column at an edge of the row: its list holds only the taps that read inside the input
     * (the others skipped, as the reference skips them); the lanes outside the output are neither
     * read nor written (a masked step). Where the vector would reach past an end of the output
     * array, the Vector API would take its out-of-range path (calls, vectors on the heap): through
     * the workspace there.
     */
    private void tapEdge(int q, TapVectorLists.TapList list, boolean more, float[] x, int xs, int wb, int bi, int cb, float[] y, int yRow, Workspace ws) {
        int ow0 = q * sW - pW;
        int l0 = Math.max(0, -ow0), l1 = Math.min(TV, outW - ow0);
        long bits = ((1L << l1) - 1) ^ ((1L << l0) - 1);
        for (int c = 0; c < cb; c++) {
            int row = yRow + c * outPlane + ow0;
            if (row >= 0 && row <= y.length - TV) {
                TapVectorMicroKernels.b1edge(x, xs + q, list.x, list.x2, list.whole, list.low, list.n, packed, wb + c * TV,
                        list.w, bias[bi + c], y, row, bits, more);
            } else {
                float[] tmp = ws.tmp;
                if (more) {
                    System.arraycopy(y, row + l0, tmp, l0, l1 - l0);
                }
                TapVectorMicroKernels.b1edge(x, xs + q, list.x, list.x2, list.whole, list.low, list.n, packed, wb + c * TV,
                        list.w, bias[bi + c], tmp, 0, bits, more);
                System.arraycopy(tmp, l0, y, row + l0, l1 - l0);
            }
        }
    }
    // END template
    // BEGIN GENERATED by gen_segments.py from the template above (x, y as native MemorySegments, float i at byte 4·i); do not edit: change the template and rerun the script.
    /** How the generated segment variants read and write one float: native order, any alignment. */
    private static final java.lang.foreign.ValueLayout.OfFloat SEG_FLOAT = java.lang.foreign.ValueLayout.JAVA_FLOAT_UNALIGNED;

    @Override
    public void execute(MemorySegment x, int xOffset, MemorySegment y, int yOffset, Object workspace) {
        rows(0, rowCount(), x, xOffset, y, yOffset, workspace);
    }

    /**
     * Computes rows {@code [f0, f1)} of {@link #rowCount} order. Each row's outputs are summed over
     * every input channel within the row, so any cut of the rows gives the same bits; two cuts
     * write disjoint outputs.
     *
     * @param f0      the first row, in {@code [0, rowCount()]}
     * @param f1      the row after the last, in {@code [f0, rowCount()]}
     * @param x       the input, {@code (N, Cin, *in)} row-major from {@code xOffset}
     * @param xOffset where the input starts in {@code x}
     * @param y       the output, {@code (N, Cout, *out)} row-major from {@code yOffset}; only these rows are written
     * @param yOffset where the output starts in {@code y}
     * @param workspace a workspace from {@link #newWorkspace()} (used by one call at a time), or null for the
     *                calling thread's own
     */
    public void rows(int f0, int f1, MemorySegment x, int xOffset, MemorySegment y, int yOffset, Object workspace) {
        Workspace ws = workspace == null ? this.workspace.get() : (Workspace) workspace;
        int blocks = blockStart.length;
        for (int f = f0; f < f1; ) {
            int unit = f / outH;
            int ohFrom = f - unit * outH;
            int ohTo = Math.min(outH, ohFrom + (f1 - f));
            int b = unit % blocks;
            int g = unit / blocks % groups;
            int n = unit / blocks / groups;
            int xg = xOffset + (n * cin + g * ciPerG) * inPlane;
            int yg = yOffset + (n * cout + g * coPerG) * outPlane;
            if (outH == 1 && pairA < pairB) {
                // rank 1, paired phases: this image and group's blocks of the range together
                int bEnd = Math.min(blocks, b + (f1 - f));
                pairedBlocks(xg, yg, g, b, bEnd, x, y, ws);
                f += bEnd - b;
                continue;
            }
            int co0 = blockStart[b], cb = blockSize[b];
            int wb = (g * coPerG + co0) * wPerChannel;
            int bi = g * coPerG + co0;
            for (int oh = ohFrom; oh < ohTo; oh++) {
                int rows = kernelRows(oh, ws);
                int yRow = yg + co0 * outPlane + oh * outW;
                // input channels in passes, so the input rows of one pass stay in L1 across
                // the tiles and phases of the row; later passes add to the stored sums
                for (int ci0 = 0; ci0 < ciPerG; ci0 += ciPass) {
                    int ci1 = Math.min(ciPerG, ci0 + ciPass);
                    boolean more = ci0 > 0;
                    if (more && rows == 0) {
                        break;
                    }
                    if (tapVector) {
                        rowTapVector(ci0 / ciPass, more, x, xg + tapLists.rowShift(oh), wb, bi, cb, tapLists.rowClass(oh), y, yRow, ws);
                    } else if (sW > outW) {
                        // a stride wider than the row leaves at most one output per phase and most phases
                        // empty: visit only the outputs' phases (distinct, as outputs lie less than sW
                        // apart), so the work follows the output, not the stride; phases write disjoint
                        // outputs, so the order does not change any bit
                        for (int ow = 0; ow < outW; ow++) {
                            rowPhase((int) Math.floorMod((long) ow + pW, (long) sW), ci0, ci1, more, x, xg, wb, bi, cb, rows, y, yRow, ws, 0, 0);
                        }
                    } else if (pairA < pairB && cb == ScatterTuning.CO_BLOCK) {
                        rowPaired(ci0, ci1, more, x, xg, wb, bi, cb, rows, y, yRow, ws);
                    } else {
                        for (int r = 0; r < sW; r++) {
                            rowPhase(r, ci0, ci1, more, x, xg, wb, bi, cb, rows, y, yRow, ws, 0, 0);
                        }
                    }
                }
                dev.convt.vector.Epilogue.apply(activation, y, yRow, outW, cb, outPlane);
            }
            f += ohTo - ohFrom;
        }
    }

    // ---- phase mode -------------------------------------------------------------------------

    /**
     * A rank-1 row of channel blocks {@code [b0, b1)} of one image and group (input from {@code xg},
     * output from {@code yg}) with paired phases ({@link #pairedRange}): over the paired range, tile by tile, every block of 4 channels in turn, each
     * over all the group's input channels at once, so the input under a tile is read from memory
     * once for all blocks (block by block over the whole row, a long row's input left the caches
     * between blocks); then, block by block, the rest of each phase (and blocks of fewer channels
     * whole) as {@link #rowPhase} does it in passes of input channels, and the activation. Each
     * output's taps are summed in the same order either way, so its bits are those of the phase
     * tiles.
     */
    private void pairedBlocks(int xg, int yg, int g, int b0, int b1, MemorySegment x, MemorySegment y, Workspace ws) {
        int rows = kernelRows(0, ws);
        // dense only where the row has its one kernel row (a rank-2 problem of one output row may have none)
        boolean dense = rows == 1 && pairDense;
        int span = ScatterTuning.TILE_PAIRED * PV;
        int nt = dense ? 0 : phaseTaps(0, 0, ciPerG, ScatterTuning.CO_BLOCK, rows, ws);
        for (int q = pairA; q < pairB; q += span) {
            for (int b = b0; b < b1; b++) {
                if (blockSize[b] != ScatterTuning.CO_BLOCK) {
                    continue;
                }
                int co = g * coPerG + blockStart[b];
                int yq = yg + blockStart[b] * outPlane + 2 * q - pW;
                if (dense) {
                    PhaseMicroKernels.p4wideDense2(x, xg + q, inW, ciPerG, packed, co * wPerChannel,
                            bias[co], bias[co + 1], bias[co + 2], bias[co + 3], y, yq, outPlane);
                } else {
                    PhaseMicroKernels.p4wide(x, xg + q, ws.tapX, nt, packed, co * wPerChannel, ws.tapW, ScatterTuning.CO_BLOCK,
                            bias[co], bias[co + 1], bias[co + 2], bias[co + 3], y, yq, outPlane, false);
                }
            }
        }
        for (int b = b0; b < b1; b++) {
            int co0 = blockStart[b], cb = blockSize[b];
            int co = g * coPerG + co0;
            int yRow = yg + co0 * outPlane;
            boolean skip = cb == ScatterTuning.CO_BLOCK;
            for (int ci0 = 0; ci0 < ciPerG; ci0 += ciPass) {
                int ci1 = Math.min(ciPerG, ci0 + ciPass);
                for (int r = 0; r < 2; r++) {
                    rowPhase(r, ci0, ci1, ci0 > 0, x, xg, co * wPerChannel, co, cb, rows, y, yRow, ws, skip ? pairA : 0, skip ? pairB : 0);
                }
            }
            dev.convt.vector.Epilogue.apply(activation, y, yRow, outW, cb, outPlane);
        }
    }

    /**
     * Both phases of stride 2 over the paired range ({@link #pairedRange}), and the rest of each
     * phase as {@link #rowPhase} does it. The tiles sum the taps of the even phase's list in its
     * order, each with the odd phase's weight beside it, so every output gets the bits the phase
     * tiles give it.
     */
    private void rowPaired(int ci0, int ci1, boolean more, MemorySegment x, int xg, int wb, int bi, int cb, int rows, MemorySegment y, int yRow, Workspace ws) {
        // the even phase's rest first: its tap list, left in the workspace, is the tiles' list
        int nt = rowPhase(0, ci0, ci1, more, x, xg, wb, bi, cb, rows, y, yRow, ws, pairA, pairB);
        int span = ScatterTuning.TILE_PAIRED * PV;
        for (int q = pairA; q < pairB; q += span) {
            PhaseMicroKernels.p4wide(x, xg + q, ws.tapX, nt, packed, wb, ws.tapW, cb,
                    bias[bi], bias[bi + 1], bias[bi + 2], bias[bi + 3], y, yRow + 2 * q - pW, outPlane, more);
        }
        rowPhase(1, ci0, ci1, more, x, xg, wb, bi, cb, rows, y, yRow, ws, pairA, pairB);
    }

    /**
     * The phase's q outside {@code [skipA, skipB)} (computed by {@link #rowPaired}'s tiles; empty
     * when equal): edges by {@link #phaseEdge}, the interior by tiles.
     *
     * @return the number of taps of the phase's list, left in the workspace (0 if the phase has no output)
     */
    private int rowPhase(int r, int ci0, int ci1, boolean more, MemorySegment x, int xg, int wb, int bi, int cb, int rows, MemorySegment y, int yRow, Workspace ws,
                         int skipA, int skipB) {
        int qFirst = Math.ceilDiv(pW - r, sW);
        int qLast = Math.floorDiv(outW - 1 + pW - r, sW);
        if (qFirst > qLast) {
            return 0;
        }
        int nt = phaseTaps(r, ci0, ci1, cb, rows, ws);
        int k0 = phaseStart[r], k1 = phaseStart[r + 1];
        int cMin = k1 > k0 ? phaseShift[k0] : 0;
        int cMax = k1 > k0 ? phaseShift[k1 - 1] : -1;
        // interior: every tap of every lane reads inside the input row
        int lo = cMax >= 0 ? Math.max(qFirst, cMax) : qFirst;
        int hi = cMax >= 0 ? Math.min(qLast, inW - 1 + cMin) : qLast;
        if (lo > hi) { // no interior: the whole phase is edge
            phaseEdge(qFirst, qLast + 1, r, more, x, xg, wb, bi, cb, nt, y, yRow, ws);
            return nt;
        }
        if (skipA < skipB) {
            // paired rows (inside [lo, hi]: the paired range lies in every phase's interior): their
            // rows are long and their edges a few q, by phaseScalar; the edge tiles, compiled late in
            // this family's warm-up, made its first execute slower, and gain it nothing
            for (int q = qFirst; q < lo; q++) {
                phaseScalar(q, r, more, x, xg, wb, bi, cb, nt, y, yRow, ws);
            }
            phaseTiles(lo, skipA - 1, r, more, x, xg, wb, bi, cb, nt, y, yRow, ws);
            phaseTiles(skipB, hi, r, more, x, xg, wb, bi, cb, nt, y, yRow, ws);
            for (int q = hi + 1; q <= qLast; q++) {
                phaseScalar(q, r, more, x, xg, wb, bi, cb, nt, y, yRow, ws);
            }
            return nt;
        }
        // the edges rounded up to whole vectors (the masked edge vector costs the same on all its
        // lanes), as far as the interior leaves room; not where an edge vector
        // would read past an end of the input array (phaseEdge leaves those to phaseScalar, which
        // should then get the edge's own q only)
        boolean roundL = lo > qFirst && (long) xg + qFirst + ws.minTapX >= 0;
        boolean roundR = qLast > hi && (long) xg + qLast + ws.maxTapX + PV <= (x.byteSize() / 4);
        int eL = roundL ? Math.min(qFirst + roundUp(lo - qFirst, PV), hi + 1) : lo;
        int eR = roundR ? Math.max(qLast + 1 - roundUp(qLast - hi, PV), eL) : hi + 1;
        phaseEdge(qFirst, eL, r, more, x, xg, wb, bi, cb, nt, y, yRow, ws);
        phaseTiles(eL, eR - 1, r, more, x, xg, wb, bi, cb, nt, y, yRow, ws);
        phaseEdge(eR, qLast + 1, r, more, x, xg, wb, bi, cb, nt, y, yRow, ws);
        return nt;
    }

    /** The interior q of {@code [q, hi]} of phase r, by register tiles of the block's channels. */
    private void phaseTiles(int q, int hi, int r, boolean more, MemorySegment x, int xg, int wb, int bi, int cb, int nt, MemorySegment y, int yRow, Workspace ws) {
        if (cb == ScatterTuning.CO_BLOCK) {
            int span = ScatterTuning.TILE_WIDE_CO * PV;
            for (; q <= hi; q += span) {
                phaseTile4(q, r, Math.min(span, hi - q + 1), more, x, xg, wb, bi, nt, y, yRow, ws);
            }
        } else {
            int span = ScatterTuning.TILE_ONE_CO * PV;
            for (; q + span - 1 <= hi; q += span) {
                phaseTile1(q, r, span, more, x, xg, wb, bi, nt, y, yRow, ws);
            }
            span = ScatterTuning.TILE_ONE_CO_MID * PV;
            for (; q <= hi; q += span) {
                phaseTile1(q, r, Math.min(span, hi - q + 1), more, x, xg, wb, bi, nt, y, yRow, ws);
            }
        }
    }

    /**
     * A tile of 4 channels × {@code len} (≤ T·V, T = {@link ScatterTuning#TILE_WIDE_CO}) consecutive q:
     * T full vectors straight into place (stride 1), else through the workspace; at the very end of
     * the input array, masked vectors.
     */
    private void phaseTile4(int q, int r, int len, boolean more, MemorySegment x, int xg, int wb, int bi, int nt,
                            MemorySegment y, int yRow, Workspace ws) {
        int ow0 = q * sW + r - pW;
        int span = ScatterTuning.TILE_WIDE_CO * PV;
        if (len == span && sW == 1) {
            if (ws.dense) {
                int ci0 = ws.denseFrom;
                PhaseMicroKernels.c4wideDense3(x, xg + q + ci0 * inW, inW, ws.denseCount, phaseShift[0], phaseShift[1], phaseShift[2],
                        packed, wb + ci0 * taps * ScatterTuning.CO_BLOCK, bias[bi], bias[bi + 1], bias[bi + 2], bias[bi + 3],
                        y, yRow + ow0, outPlane, more);
            } else {
                PhaseMicroKernels.c4wide(x, xg + q, ws.tapX, nt, packed, wb, ws.tapW,
                        bias[bi], bias[bi + 1], bias[bi + 2], bias[bi + 3], y, yRow + ow0, outPlane, more);
            }
            return;
        }
        if (more) {
            gather(ws.tmp, len, ScatterTuning.CO_BLOCK, span, y, yRow + ow0);
        }
        if ((long) xg + q + ws.maxTapX + span <= (x.byteSize() / 4)) {
            PhaseMicroKernels.c4wide(x, xg + q, ws.tapX, nt, packed, wb, ws.tapW,
                    bias[bi], bias[bi + 1], bias[bi + 2], bias[bi + 3], ws.tmp, 0, span, more);
        } else {
            for (int c = 0; c < ScatterTuning.CO_BLOCK; c++) {
                for (int v = 0; v < len; v += PV) {
                    PhaseMicroKernels.c1x1m(x, xg + q + v, ws.tapX, nt, packed, wb + c, ws.tapW, bias[bi + c],
                            ws.tmp, c * span + v, Math.min(PV, len - v), more);
                }
            }
        }
        spread(ws.tmp, len, ScatterTuning.CO_BLOCK, span, y, yRow + ow0);
    }

    /**
     * A tile of 1 channel × {@code len} consecutive q: 8 full vectors straight into place, or up to
     * 4 through the workspace (the lanes past {@code len} compute discarded sums of inputs that lie
     * inside the array), or, at the very end of the input array, masked vectors.
     */
    private void phaseTile1(int q, int r, int len, boolean more, MemorySegment x, int xg, int wb, int bi, int nt,
                            MemorySegment y, int yRow, Workspace ws) {
        int ow0 = q * sW + r - pW;
        if (len == ScatterTuning.TILE_ONE_CO * PV) {
            if (sW == 1) {
                PhaseMicroKernels.c1x8(x, xg + q, ws.tapX, nt, packed, wb, ws.tapW, bias[bi], y, yRow + ow0, more);
                return;
            }
            if (more) {
                gather(ws.tmp, len, 1, 0, y, yRow + ow0);
            }
            PhaseMicroKernels.c1x8(x, xg + q, ws.tapX, nt, packed, wb, ws.tapW, bias[bi], ws.tmp, 0, more);
            spread(ws.tmp, len, 1, 0, y, yRow + ow0);
            return;
        }
        if (more) {
            gather(ws.tmp, len, 1, 0, y, yRow + ow0);
        }
        if ((long) xg + q + ws.maxTapX + ScatterTuning.TILE_ONE_CO_MID * PV <= (x.byteSize() / 4)) {
            PhaseMicroKernels.c1x4(x, xg + q, ws.tapX, nt, packed, wb, ws.tapW, bias[bi], ws.tmp, 0, more);
        } else {
            for (int v = 0; v < len; v += PV) {
                PhaseMicroKernels.c1x1m(x, xg + q + v, ws.tapX, nt, packed, wb, ws.tapW, bias[bi], ws.tmp, v,
                        Math.min(PV, len - v), more);
            }
        }
        spread(ws.tmp, len, 1, 0, y, yRow + ow0);
    }

    /** The inverse of {@link #spread}: fetches the partial sums of a strided tile for a later pass. */
    private void gather(float[] tmp, int len, int channels, int cs, MemorySegment y, int y0) {
        for (int c = 0; c < channels; c++) {
            int dst = c * cs;
            int src = y0 + c * outPlane;
            for (int i = 0; i < len; i++) {
                tmp[dst + i] = y.get(SEG_FLOAT, 4L * (src + i * sW));
            }
        }
    }

    /** Copies {@code len} consecutive results per channel to every stride-th output of the row. */
    private void spread(float[] tmp, int len, int channels, int cs, MemorySegment y, int y0) {
        for (int c = 0; c < channels; c++) {
            int src = c * cs;
            int dst = y0 + c * outPlane;
            for (int i = 0; i < len; i++) {
                y.set(SEG_FLOAT, 4L * (dst + i * sW), tmp[src + i]);
            }
        }
    }

    /**
     * The phase's q in {@code [qA, qB)} (edges: some taps read outside the input row) per channel of
     * the block, by masked vectors through the workspace ({@link PhaseMicroKernels#c4x1e}, or
     * {@link PhaseMicroKernels#c1x1e} per channel of a partial block), a tile's width at a time.
     */
    private void phaseEdge(int qA, int qB, int r, boolean more, MemorySegment x, int xg, int wb, int bi, int cb, int nt, MemorySegment y, int yRow, Workspace ws) {
        int span = ScatterTuning.TILE_WIDE_CO * PV;
        for (int q = qA; q < qB; q += span) {
            int len = Math.min(span, qB - q);
            int ow0 = q * sW + r - pW;
            if (more) {
                gather(ws.tmp, len, cb, span, y, yRow + ow0);
            }
            for (int v = 0; v < len; v += PV) {
                if (!tapsReadInside((long) xg + q + v, ws, (x.byteSize() / 4))) {
                    continue; // a vector that would leave the input array: by phaseScalar, after the spread
                }
                if (cb == ScatterTuning.CO_BLOCK) {
                    PhaseMicroKernels.c4x1e(x, xg + q + v, q + v, inW, ws.tapX, ws.tapC, nt, packed, wb, ws.tapW,
                            bias[bi], bias[bi + 1], bias[bi + 2], bias[bi + 3], ws.tmp, v, span, Math.min(PV, len - v), more);
                    continue;
                }
                for (int c = 0; c < cb; c++) {
                    PhaseMicroKernels.c1x1e(x, xg + q + v, q + v, inW, ws.tapX, ws.tapC, nt, packed, wb + c, ws.tapW, bias[bi + c],
                            ws.tmp, c * span + v, Math.min(PV, len - v), more);
                }
            }
            spread(ws.tmp, len, cb, span, y, yRow + ow0);
            // the spread wrote what the skipped lanes held: with more, the sums gathered, unchanged;
            // without, stale values, which phaseScalar overwrites
            for (int v = 0; v < len; v += PV) {
                if (!tapsReadInside((long) xg + q + v, ws, (x.byteSize() / 4))) {
                    for (int u = q + v; u < Math.min(q + v + PV, qB); u++) {
                        phaseScalar(u, r, more, x, xg, wb, bi, cb, nt, y, yRow, ws);
                    }
                }
            }
        }
    }

    /**
     * One output q per channel of the block, checking every tap: the lanes of the edge vectors that
     * would read past an end of the input array (the first and last rows of an image's channels).
     * One sum per output, the taps in list order, each added only where it reads inside the row:
     * the same operations as the lane of an edge vector ({@link PhaseMicroKernels#c4x1e}), so the
     * bits do not depend on which of the two computed an output (on the array's size, say).
     */
    private void phaseScalar(int q, int r, boolean more, MemorySegment x, int xg, int wb, int bi, int cb, int nt, MemorySegment y, int yRow, Workspace ws) {
        int ow = q * sW + r - pW;
        int[] tapX = ws.tapX, tapW = ws.tapW, tapC = ws.tapC;
        int xq = xg + q;
        for (int c = 0; c < cb; c++) {
            int wc = wb + c;
            float a = more ? y.get(SEG_FLOAT, 4L * (yRow + c * outPlane + ow)) : bias[bi + c];
            for (int t = 0; t < nt; t++) {
                if (Integer.compareUnsigned(q - tapC[t], inW) < 0) {
                    a = Math.fma(x.get(SEG_FLOAT, 4L * (xq + tapX[t])), packed[wc + tapW[t]], a);
                }
            }
            y.set(SEG_FLOAT, 4L * (yRow + c * outPlane + ow), a);
        }
    }

    // ---- tap-vector mode ---------------------------------------------------------------------

    /**
     * One output row of one channel block and pass in tap-vector mode: the lists of the row's class
     * ({@link TapVectorLists}), the input from {@code xs} (the group's input plus the row's shift).
     */
    private void rowTapVector(int pass, boolean more, MemorySegment x, int xs, int wb, int bi, int cb, int cls, MemorySegment y, int yRow, Workspace ws) {
        TapVectorLists.TapList list = tapLists.interior(cls, pass, cb);
        int[] tapX = list.x, tapX2 = list.x2, tapW = list.w;
        int nPlain = list.whole, nt = list.n;
        // vectors at q (covering the qs blocks q .. q + qs - 1) whose V outputs all exist and whose
        // entries all read inside the input row: tvLo .. tvHi, of the row's tvMin .. tvMax
        int lo = tvLo, hi = tvHi, qMax = tvMax;
        int q = tvMin;
        for (; q <= qMax && (q < lo || lo > hi); q += qs) {
            tapEdge(q, tapLists.edge(cls, pass, cb, q), more, x, xs, wb, bi, cb, y, yRow, ws);
        }
        if (lo <= hi) {
            if (cb == ScatterTuning.CO_BLOCK) {
                for (; q + (ScatterTuning.TAP_TILE_WIDE_CO - 1) * qs <= hi; q += ScatterTuning.TAP_TILE_WIDE_CO * qs) {
                    TapVectorMicroKernels.b4x2(x, xs + q, qs, tapX, tapX2, nPlain, nt, packed, wb, tapW,
                            bias[bi], bias[bi + 1], bias[bi + 2], bias[bi + 3], y, yRow + q * sW - pW, outPlane, more);
                }
                for (; q <= hi; q += qs) {
                    TapVectorMicroKernels.b4x1(x, xs + q, qs, tapX, tapX2, nPlain, nt, packed, wb, tapW,
                            bias[bi], bias[bi + 1], bias[bi + 2], bias[bi + 3], y, yRow + q * sW - pW, outPlane, more);
                }
            } else {
                if (qs == 1) {
                    for (; q + ScatterTuning.TILE_ONE_CO - 1 <= hi; q += ScatterTuning.TILE_ONE_CO) {
                        TapVectorMicroKernels.b1x8(x, xs + q, tapX, nt, packed, wb, tapW, bias[bi], y, yRow + q * sW - pW, more);
                    }
                } else {
                    // with pair entries the 4-vector tile: 8 vectors with pair broadcasts outgrow C2's inlining
                    for (; q + (ScatterTuning.TILE_ONE_CO_MID - 1) * qs <= hi; q += ScatterTuning.TILE_ONE_CO_MID * qs) {
                        TapVectorMicroKernels.b1x4(x, xs + q, qs, tapX, tapX2, nPlain, nt, packed, wb, tapW, bias[bi], y, yRow + q * sW - pW, more);
                    }
                }
                for (; q <= hi; q += qs) {
                    TapVectorMicroKernels.b1x1(x, xs + q, qs, tapX, tapX2, nPlain, nt, packed, wb, tapW, bias[bi], y, yRow + q * sW - pW, more);
                }
            }
        }
        for (; q <= qMax; q += qs) {
            tapEdge(q, tapLists.edge(cls, pass, cb, q), more, x, xs, wb, bi, cb, y, yRow, ws);
        }
    }

    /**
     * A q column at an edge of the row: its list holds only the taps that read inside the input
     * (the others skipped, as the reference skips them); the lanes outside the output are neither
     * read nor written (a masked step). Where the vector would reach past an end of the output
     * array, the Vector API would take its out-of-range path (calls, vectors on the heap): through
     * the workspace there.
     */
    private void tapEdge(int q, TapVectorLists.TapList list, boolean more, MemorySegment x, int xs, int wb, int bi, int cb, MemorySegment y, int yRow, Workspace ws) {
        int ow0 = q * sW - pW;
        int l0 = Math.max(0, -ow0), l1 = Math.min(TV, outW - ow0);
        long bits = ((1L << l1) - 1) ^ ((1L << l0) - 1);
        for (int c = 0; c < cb; c++) {
            int row = yRow + c * outPlane + ow0;
            if (row >= 0 && row <= (y.byteSize() / 4) - TV) {
                TapVectorMicroKernels.b1edge(x, xs + q, list.x, list.x2, list.whole, list.low, list.n, packed, wb + c * TV,
                        list.w, bias[bi + c], y, row, bits, more);
            } else {
                float[] tmp = ws.tmp;
                if (more) {
                    MemorySegment.copy(y, SEG_FLOAT, 4L * (row + l0), tmp, l0, l1 - l0);
                }
                TapVectorMicroKernels.b1edge(x, xs + q, list.x, list.x2, list.whole, list.low, list.n, packed, wb + c * TV,
                        list.w, bias[bi + c], tmp, 0, bits, more);
                MemorySegment.copy(tmp, l0, y, SEG_FLOAT, 4L * (row + l0), l1 - l0);
            }
        }
    }
    // END GENERATED
}
