package dev.convt.vector;

import dev.convt.kernel.KernelPlan;
import dev.convt.vector.gemm.Blocking;

import java.lang.foreign.MemorySegment;

/**
 * How the im2col kernel cuts one execute into tasks that write disjoint outputs (see
 * {@link KernelPlan#tasks}): whole groups where there are enough of them; else, per group, blocks
 * of output channels (each block's GEMM rows are its channels' taps, a whole number of A panels, and
 * its col2im writes only those channels), ranges of images and, for one image, bands along
 * the outermost axis with more than one position (depth for rank 3, rows for rank 2, columns for
 * rank 1), each computing the columns of the input slices, rows or columns that reach its band (the
 * halo is computed twice, written once; bands stay {@link #BAND_PER_HALO} times as long as it where
 * the threads allow) and scattering only inside it. Channel blocks come first
 * where the GEMM has more rows than columns (large weights, few columns: DCGAN's early layers, pose and U-Net's
 * deep layers); images and bands come first where it has fewer (small weights, many columns:
 * U-Net's and Mask R-CNN's 2×2 up-convolutions, HiFi-GAN's last layers), so each column is
 * packed once.
 *
 * <p>Every task computes its columns at the N tiles of the whole computation, so each output
 * element receives its products in the same order as on one thread: the result is bit-identical.
 * The tasks come longest first ({@code longestFirst}), so pieces of two sizes do not all fall to
 * one thread.
 * Bands start at multiples of {@link #ALIGN} floats of the output plane where the geometry allows,
 * so two threads rarely share a cache line of output.
 */
final class Im2colSplit implements KernelPlan.Tasks {
    /**
     * A band is cut at least this many times as long as its halo (the outputs its input positions
     * reach beyond it, computed by the neighbour band too) where the threads allow: FSRCNN's last
     * layer (kernel 9, stride 3) in eight bands of 45 output rows computed about a fifth of its GEMM
     * twice; in two, a twentieth.
     */
    static final int BAND_PER_HALO = 16;

    /** Floats per 64-byte cache line: band boundaries fall on multiples of this where they can. */
    static final int ALIGN = 16;

    private final Im2colKernel.Im2colPlan plan;
    /** Per task: groups [g0, g1), local channels [co0, co1), images [n0, n1), plane [pA, pB), input plane [qA, qB). */
    private final int[] g0, g1, co0, co1, n0, n1, pA, pB, qA, qB;
    private final Col2im[] col2im;

    private Im2colSplit(Im2colKernel.Im2colPlan plan, int count) {
        this.plan = plan;
        g0 = new int[count]; g1 = new int[count]; co0 = new int[count]; co1 = new int[count];
        n0 = new int[count]; n1 = new int[count]; pA = new int[count]; pB = new int[count];
        qA = new int[count]; qB = new int[count];
        col2im = new Col2im[count];
    }

    /** The split for up to {@code threads} threads, or null when the problem is too small to gain. */
    static Im2colSplit make(Im2colKernel.Im2colPlan p, int threads, long minTaskWork) {
        long work = (long) p.groups * p.m * p.k * p.columns;
        long most = work / Math.max(1, minTaskWork);
        int target = (int) Math.min(most, (long) threads * KernelPlan.Tasks.PER_THREAD);
        if (target < 2) {
            return null;
        }
        Layout l = new Layout(p, target, threads);
        if (l.count() < 2) {
            return null;
        }
        return l.build();
    }

    @Override
    public int count() {
        return g0.length;
    }

    @Override
    public void run(int t, float[] x, int xOffset, float[] y, int yOffset, Object ws) {
        for (int g = g0[t]; g < g1[t]; g++) {
            plan.runPart(g, co0[t], co1[t], n0[t], n1[t], pA[t], pB[t], qA[t], qB[t], col2im[t], x, xOffset, y, yOffset, ws);
        }
    }

    /** Task t on native segments (float i at byte 4·i): the plan's segment twin of the same piece. */
    @Override
    public void run(int t, MemorySegment x, int xIndex, MemorySegment y, int yIndex, Object ws) {
        for (int g = g0[t]; g < g1[t]; g++) {
            plan.runPart(g, co0[t], co1[t], n0[t], n1[t], pA[t], pB[t], qA[t], qB[t], col2im[t], x, xIndex, y, yIndex, ws);
        }
    }

    /** The chosen numbers of pieces along each axis. */
    private static final class Layout {
        final Im2colKernel.Im2colPlan p;
        final int groupRanges, coBlocks, imageRanges, bands;
        /** Output channels per step that keeps a block's first GEMM row on an A panel boundary. */
        final int coStep;
        /** The band axis of the 3-D view ({@link dev.convt.Problem#out3()}): 0 depth, 1 rows, 2 columns. */
        final int axis;
        /** Band unit: positions along the axis per aligned step; and the band axis length. */
        final int bandStep, bandLength;
        /** Input (output) plane positions per position along the band axis: the product of the inner sizes. */
        final int unit, outUnit;

        /** The threads the split is for: a band count cut for the halo stays a multiple of it. */
        final int threads;

        Layout(Im2colKernel.Im2colPlan p, int target, int threads) {
            this.p = p;
            this.threads = threads;
            int mr = Im2colKernel.Im2colPlan.MR;
            coStep = mr / gcd(p.taps, mr);
            int[] out = p.problem.out3(), in = p.problem.in3();
            // the outermost axis where the input or the output has more than one position
            axis = out[0] > 1 || in[0] > 1 ? 0 : out[1] > 1 || in[1] > 1 ? 1 : 2;
            unit = inner(in, axis);
            outUnit = inner(out, axis);
            bandLength = out[axis];
            // a depth band is whole output planes: a cache line shared at its boundary is one of many
            bandStep = axis == 0 ? 1 : ALIGN / gcd(outUnit, ALIGN);
            if (p.groups >= target) {
                groupRanges = target;
                coBlocks = imageRanges = bands = 1;
                return;
            }
            groupRanges = p.groups;
            int perGroup = ceilDiv(target, p.groups);
            if (columnsFirst(p)) {
                imageRanges = Math.min(perGroup, p.batch);
                int rest = ceilDiv(perGroup, imageRanges);
                bands = bands(rest);
                coBlocks = Math.max(1, Math.min(ceilDiv(rest, bands), p.coPerG / coStep));
            } else {
                coBlocks = Math.max(1, Math.min(perGroup, p.coPerG / coStep));
                int rest = ceilDiv(perGroup, coBlocks);
                imageRanges = Math.min(rest, p.batch);
                bands = bands(ceilDiv(rest, imageRanges));
            }
        }

        /**
         * Whether a group's work is cut by its columns (images, then bands) before its output channels:
         * when its GEMM has fewer rows (the weights' side, {@code M = Cout/g·Πk}) than columns. Blocks of
         * output channels each pack and read every input column again and leave each task a GEMM of
         * M/blocks rows; cutting the columns packs each once and keeps all M rows per task, at the cost of
         * reading the (smaller) packed weights once per task. Where M is at least the column count the
         * weights are the bigger operand and channel blocks stay first (with columns first, U-Net's deep
         * layer and Demucs' decoder ran slower).
         */
        private static boolean columnsFirst(Im2colKernel.Im2colPlan p) {
            return p.m < p.columns;
        }

        /**
         * Bands for one image range holding every image (else 1): a channels-first projection's tasks
         * compute whole outputs of their images (a tap-major one's rows are input positions, banded alike).
         */
        private int bands(int wanted) {
            if (imageRanges != p.batch || (p.projection != null && !p.projection.tapMajor())) {
                return 1;
            }
            int most = (int) Math.min(wanted, bandLength / Math.max(bandStep, 2L * kernelReach()));
            // each band also computes the inputs that reach it from beyond its edges: the outputs
            // a kernel reaches past its stride; where bands that many would spend more than about
            // 1 / BAND_PER_HALO of their work on them, fewer bands, as many per thread
            long halo = kernelReach() - p.problem.stride3()[axis];
            long fewer = halo <= 0 ? most : bandLength / (BAND_PER_HALO * halo);
            if (fewer < most) {
                most = (int) Math.max(Math.min(most, threads), fewer / threads * threads);
            }
            return Math.max(1, most);
        }

        /** Output positions along the band axis one input position reaches: bands narrower than this are mostly halo. */
        private int kernelReach() {
            return (p.problem.kernel3()[axis] - 1) * p.problem.dilation3()[axis] + 1;
        }

        int count() {
            return groupRanges * coBlocks * imageRanges * bands;
        }

        Im2colSplit build() {
            Im2colSplit s = new Im2colSplit(p, count());
            int t = 0;
            int st = p.problem.stride3()[axis], pad = p.problem.padBegin3()[axis];
            int reach = kernelReach();
            int inLen = p.problem.in3()[axis];
            for (int gr = 0; gr < groupRanges; gr++) {
                int ga = Blocking.pieceStart(p.groups, groupRanges, gr, 1), gb = Blocking.pieceStart(p.groups, groupRanges, gr + 1, 1);
                boolean wholeGroups = groupRanges < p.groups || coBlocks * imageRanges * bands == 1;
                for (int cb = 0; cb < coBlocks; cb++) {
                    int ca = Blocking.pieceStart(p.coPerG, coBlocks, cb, coStep), cz = Blocking.pieceStart(p.coPerG, coBlocks, cb + 1, coStep);
                    for (int ir = 0; ir < imageRanges; ir++) {
                        int na = Blocking.pieceStart(p.batch, imageRanges, ir, 1), nz = Blocking.pieceStart(p.batch, imageRanges, ir + 1, 1);
                        for (int b = 0; b < bands; b++) {
                            int oa = Blocking.pieceStart(bandLength, bands, b, bandStep), oz = Blocking.pieceStart(bandLength, bands, b + 1, bandStep);
                            s.g0[t] = ga;
                            s.g1[t] = wholeGroups ? gb : ga + 1;
                            s.co0[t] = ca;
                            s.co1[t] = cz;
                            s.n0[t] = na;
                            s.n1[t] = nz;
                            if (bands == 1) {
                                s.pA[t] = 0;
                                s.pB[t] = p.outPlane;
                                s.qA[t] = 0;
                                s.qB[t] = p.inPlane;
                                s.col2im[t] = p.col2im;
                            } else {
                                // inputs i reach outputs [i·s − pad, i·s − pad + reach)
                                int ia = (int) Math.max(0, Math.floorDiv((long) oa + pad - reach + st, st));
                                int iz = (int) Math.min(inLen, Math.floorDiv((long) oz - 1 + pad, st) + 1);
                                iz = Math.max(ia, iz);
                                s.pA[t] = oa * outUnit;
                                s.pB[t] = oz * outUnit;
                                s.qA[t] = ia * unit;
                                s.qB[t] = iz * unit;
                                s.col2im[t] = p.col2im.band(axis, oa, oz);
                            }
                            t++;
                        }
                    }
                }
            }
            s.longestFirst();
            return s;
        }
    }

    /**
     * Reorders the tasks by their work, the most first (a stable order: equal tasks keep theirs). The
     * threads claim tasks in index order, so where the cuts leave tasks of two sizes in turn (U-Net's
     * last up-convolution: bands of 48 and 50 output rows alternately, on steps of 2 rows; FSRCNN's
     * last layer alike) two threads taking turns would give every longer task to the same thread,
     * which then finishes that much after the other. Longest first, the shorter tasks come last,
     * where they even out the threads' ends. A task's work is counted as its GEMM's: groups ×
     * channels × input columns (its halo included), the depth and taps being the same for every task.
     */
    private void longestFirst() {
        int n = count();
        long[] work = new long[n];
        Integer[] order = new Integer[n];
        for (int t = 0; t < n; t++) {
            long columns = (long) (n1[t] - 1 - n0[t]) * plan.inPlane + qB[t] - qA[t];
            work[t] = (long) (g1[t] - g0[t]) * (co1[t] - co0[t]) * columns;
            order[t] = t;
        }
        java.util.Arrays.sort(order, (a, b) -> Long.compare(work[b], work[a]));
        for (int[] a : new int[][] {g0, g1, co0, co1, n0, n1, pA, pB, qA, qB}) {
            int[] old = a.clone();
            for (int t = 0; t < n; t++) {
                a[t] = old[order[t]];
            }
        }
        Col2im[] old = col2im.clone();
        for (int t = 0; t < n; t++) {
            col2im[t] = old[order[t]];
        }
    }


    /** Positions per slice along {@code axis} of a 3-D size: the product of the sizes inside it. */
    static int inner(int[] size3, int axis) {
        int product = 1;
        for (int a = axis + 1; a < 3; a++) {
            product *= size3[a];
        }
        return product;
    }

    private static int ceilDiv(int a, int b) {
        return (a + b - 1) / b;
    }

    private static int gcd(int a, int b) {
        return b == 0 ? a : gcd(b, a % b);
    }
}
