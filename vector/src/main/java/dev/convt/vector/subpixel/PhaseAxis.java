package dev.convt.vector.subpixel;

/**
 * The phase decomposition of one spatial dimension (dilation 1): output {@code o} is written as
 * {@code o + pad = q·s + r} with phase {@code r ∈ [0, s)}, and receives the products of inputs
 * {@code i = q − t} with kernel taps {@code r + s·t} for {@code t ∈ [0, taps)}. So every output of one
 * "super-pixel" {@code q} reads the same inputs {@code q − taps + 1 .. q}; the phases differ only in
 * their weights.
 *
 * <p>Taken only when every phase has the same tap count: {@code k % s == 0} ({@code taps = k / s},
 * {@code s} phases) or {@code k < s} (one tap, {@code k} phases; outputs of phases {@code r ≥ k}
 * receive no product and hold the bias). So no tap is a zero weight.
 *
 * <p>Super-pixels run from {@code q0 = ⌊pad/s⌋} (output 0) to {@code ⌊(out − 1 + pad)/s⌋} (the last
 * output), {@link #count} of them; every one has at least one output inside {@code [0, out)}. Per
 * super-pixel (index {@code u = q − q0}) the tables give the valid phases {@code [lo, hi)} (those whose
 * output lies inside), the output {@code origin = q·s − pad} (so phase r writes {@code origin + r}) and
 * the input of tap 0, {@code q} (clipped at {@code in + taps}, past which every tap is outside).
 * All values are computed in {@code long} and stored as {@code int}s bounded by the output and input
 * sizes.
 */
final class PhaseAxis {
    final int stride, taps, phases, in, out, count;
    /** Per super-pixel: first and end of the valid phases in {@code [0, stride)}. */
    final int[] lo, hi;
    /** Per super-pixel: {@code q·s − pad}, in {@code [−(s − 1), out)}. */
    final int[] origin;
    /** Per super-pixel: the input of tap 0 ({@code q}, at most {@code in + taps}). */
    final int[] top;
    /** The super-pixels {@code [fullFrom, fullTo)} whose phases {@code [0, phases)} all lie inside the output. */
    final int fullFrom, fullTo;

    PhaseAxis(int kernel, int stride, int pad, int in, int out) {
        this.stride = stride;
        this.in = in;
        this.out = out;
        taps = tapsOf(kernel, stride);
        phases = Math.min(stride, kernel);
        long q0 = pad / stride;
        count = (int) count(stride, pad, out);
        lo = new int[count];
        hi = new int[count];
        origin = new int[count];
        top = new int[count];
        for (int u = 0; u < count; u++) {
            long q = q0 + u;
            long o = q * stride - pad;
            lo[u] = (int) Math.max(0, -o);
            hi[u] = (int) Math.min(stride, out - o);
            origin[u] = (int) o;
            top[u] = (int) Math.min(q, (long) in + taps);
        }
        int from = 0, to = count;
        while (from < count && !full(from)) {
            from++;
        }
        while (to > from && !full(to - 1)) {
            to--;
        }
        fullFrom = from;
        fullTo = to;
    }

    private boolean full(int u) {
        return lo[u] == 0 && hi[u] >= phases;
    }

    /** Taps per phase: {@code k / s}, or 1 when {@code k < s}. */
    static int tapsOf(int kernel, int stride) {
        return kernel < stride ? 1 : kernel / stride;
    }

    /** Super-pixels of a dimension: {@code ⌊(out − 1 + pad)/s⌋ − ⌊pad/s⌋ + 1}, in {@code long} (0 for an empty output). */
    static long count(int stride, int pad, int out) {
        if (out <= 0) {
            return 0;
        }
        return ((long) out - 1 + pad) / stride - pad / stride + 1;
    }

    /** Why the dimension has no uniform phase decomposition, or null. */
    static String unevenReason(int kernel, int stride) {
        if (kernel > stride && kernel % stride != 0) {
            return "kernel " + kernel + " is neither a multiple of the stride " + stride
                    + " nor smaller than it, so its phases have different tap counts";
        }
        return null;
    }
}
