package dev.convt.vector.scatter;

import dev.convt.kernel.KernelPlan;

/**
 * How the scatter kernel cuts one execute into tasks (see {@link KernelPlan#tasks}): contiguous
 * ranges of its output rows ({@link ScatterPlan#rowCount} order: image, group, channel block, row).
 * A row of one channel block is computed whole by one task, so every output element is summed in
 * the same order whatever the cut: the result is bit-identical. A cut inside a plane falls where the
 * row starts on a 64-byte multiple of the plane where the width allows, so two threads rarely share
 * a cache line of output.
 */
final class ScatterSplit implements KernelPlan.Tasks {
    /** Floats per 64-byte cache line. */
    static final int ALIGN = 16;

    private final ScatterPlan plan;
    /** Task t computes rows [start[t], start[t + 1]). */
    private final int[] start;

    private ScatterSplit(ScatterPlan plan, int[] start) {
        this.plan = plan;
        this.start = start;
    }

    /** The split for up to {@code threads} threads, or null when the problem is too small to gain. */
    static ScatterSplit make(ScatterPlan p, int threads, long minTaskWork) {
        int rows = p.rowCount();
        long most = p.work() / Math.max(1, minTaskWork);
        int target = (int) Math.min(Math.min(most, (long) threads * KernelPlan.Tasks.PER_THREAD), rows);
        if (target < 2) {
            return null;
        }
        int outH = p.outputRows();
        int step = ALIGN / gcd(p.outputWidth(), ALIGN);
        int[] start = new int[target + 1];
        int count = 0;
        for (int t = 0; t < target; t++) {
            int f = (int) ((long) rows * t / target);
            int oh = f % outH;
            int up = (oh + step - 1) / step * step;
            f += (up < outH ? up : outH) - oh; // the next aligned row, or the next plane
            if (f < rows && (count == 0 || f > start[count - 1])) {
                start[count++] = f;
            }
        }
        start[0] = 0;
        start[count] = rows;
        if (count < 2) {
            return null;
        }
        return new ScatterSplit(p, java.util.Arrays.copyOf(start, count + 1));
    }

    @Override
    public int count() {
        return start.length - 1;
    }

    @Override
    public void run(int t, float[] x, int xOffset, float[] y, int yOffset, Object workspace) {
        plan.rows(start[t], start[t + 1], x, xOffset, y, yOffset, workspace);
    }

    private static int gcd(int a, int b) {
        return b == 0 ? a : gcd(b, a % b);
    }
}
