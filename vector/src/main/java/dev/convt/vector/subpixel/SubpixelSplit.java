package dev.convt.vector.subpixel;

import dev.convt.kernel.KernelPlan;
import dev.convt.vector.gemm.Blocking;

/**
 * How the sub-pixel kernel cuts one execute into tasks that write disjoint outputs (see
 * {@link KernelPlan#tasks}): ranges of groups where there are enough of them; else, per group, ranges
 * of super-pixels (GEMM rows, whole MR panels: each writes only its super-pixels' outputs), then
 * ranges of GEMM columns (whole NR panels: each writes only its columns' output runs, and the bias-only
 * outputs of the channels whose first column it holds). Every C element is the same full-depth FMA
 * chain in any task, so the result is bit-identical to one thread's.
 */
final class SubpixelSplit implements KernelPlan.Tasks {
    private final SubpixelPlan plan;
    /** Per task: groups [g0, g1), super-pixels [pA, pB), GEMM columns [jA, jB). */
    private final int[] g0, g1, pA, pB, jA, jB;

    private SubpixelSplit(SubpixelPlan plan, int count) {
        this.plan = plan;
        g0 = new int[count];
        g1 = new int[count];
        pA = new int[count];
        pB = new int[count];
        jA = new int[count];
        jB = new int[count];
    }

    /** The split for up to {@code threads} threads, or null when the problem is too small to gain. */
    static SubpixelSplit make(SubpixelPlan p, int threads, long minTaskWork) {
        long work = (long) p.groups * p.pixels * p.depth * p.columns;
        int target = (int) Math.min(work / Math.max(1, minTaskWork), (long) threads * KernelPlan.Tasks.PER_THREAD);
        if (target < 2) {
            return null;
        }
        int groupRanges, pixelRanges, columnRanges;
        if (p.groups >= target) {
            groupRanges = target;
            pixelRanges = columnRanges = 1;
        } else {
            groupRanges = p.groups;
            int perGroup = ceilDiv(target, p.groups);
            pixelRanges = Math.min(perGroup, ceilDiv(p.pixels, Blocking.MR));
            columnRanges = Math.min(ceilDiv(perGroup, pixelRanges), ceilDiv(p.columns, Blocking.NR));
        }
        int count = groupRanges * pixelRanges * columnRanges;
        if (count < 2) {
            return null;
        }
        SubpixelSplit s = new SubpixelSplit(p, count);
        int t = 0;
        for (int gr = 0; gr < groupRanges; gr++) {
            int ga = Blocking.pieceStart(p.groups, groupRanges, gr, 1), gb = Blocking.pieceStart(p.groups, groupRanges, gr + 1, 1);
            for (int pr = 0; pr < pixelRanges; pr++) {
                int pa = Blocking.pieceStart(p.pixels, pixelRanges, pr, Blocking.MR), pz = Blocking.pieceStart(p.pixels, pixelRanges, pr + 1, Blocking.MR);
                for (int cr = 0; cr < columnRanges; cr++) {
                    s.g0[t] = ga;
                    s.g1[t] = gb;
                    s.pA[t] = pa;
                    s.pB[t] = pz;
                    s.jA[t] = Blocking.pieceStart(p.columns, columnRanges, cr, Blocking.NR);
                    s.jB[t] = Blocking.pieceStart(p.columns, columnRanges, cr + 1, Blocking.NR);
                    t++;
                }
            }
        }
        return s;
    }

    @Override
    public int count() {
        return g0.length;
    }

    @Override
    public void run(int t, float[] x, int xOffset, float[] y, int yOffset, Object workspace) {
        SubpixelPlan.Workspace ws = workspace == null ? plan.workspace.get() : (SubpixelPlan.Workspace) workspace;
        for (int g = g0[t]; g < g1[t]; g++) {
            if (pA[t] < pB[t] && jA[t] < jB[t]) {
                plan.runPart(g, pA[t], pB[t], jA[t], jB[t], x, xOffset, y, yOffset, ws);
            }
        }
    }


    private static int ceilDiv(int a, int b) {
        return Math.ceilDiv(a, b);
    }
}
