package dev.convt.tests.cost;

import dev.convt.Problem;

/**
 * Coverage counted the slow way, independently of {@code CostModels}: walk every (input position,
 * kernel tap) pair of the full multi-dimensional problem, compute where it lands from the spec's
 * raw parameters, and tally it. No separability, no residue arithmetic.
 */
final class BruteCoverage {
    private BruteCoverage() {}

    /** c(o) for every position o of one output plane (row-major over the spatial dimensions). */
    static int[] plane(Problem p) {
        int r = p.rank();
        int[] in = p.inputSpatial(), out = p.outputSpatial();
        int[] k = p.spec().kernelSize(), s = p.spec().stride(), d = p.spec().dilation(), pad = p.spec().padBegin();
        int[] c = new int[p.outputPlane()];
        int[] i = new int[r], t = new int[r];
        do {
            do {
                int flat = 0;
                boolean inside = true;
                for (int dim = 0; dim < r; dim++) {
                    long o = (long) i[dim] * s[dim] - pad[dim] + (long) t[dim] * d[dim];
                    inside &= o >= 0 && o < out[dim];
                    flat = flat * out[dim] + (int) Math.max(0, Math.min(o, out[dim] - 1));
                }
                if (inside) {
                    c[flat]++;
                }
            } while (next(t, k));
        } while (next(i, in));
        return c;
    }

    /** Coverage of one dimension alone: c(o) for o in [0, out). */
    static int[] line(int in, int out, int k, int s, int d, int pad) {
        int[] c = new int[out];
        for (int i = 0; i < in; i++) {
            for (int t = 0; t < k; t++) {
                long o = (long) i * s - pad + (long) t * d;
                if (o >= 0 && o < out) {
                    c[(int) o]++;
                }
            }
        }
        return c;
    }

    static long sum(int[] c) {
        long s = 0;
        for (int v : c) {
            s += v;
        }
        return s;
    }

    static long zeros(int[] c) {
        long z = 0;
        for (int v : c) {
            z += v == 0 ? 1 : 0;
        }
        return z;
    }

    /** Odometer step over a multi-index bounded by {@code size}; false after the last index. */
    private static boolean next(int[] idx, int[] size) {
        for (int dim = idx.length - 1; dim >= 0; dim--) {
            if (++idx[dim] < size[dim]) {
                return true;
            }
            idx[dim] = 0;
        }
        return false;
    }
}
