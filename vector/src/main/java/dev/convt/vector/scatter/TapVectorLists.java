package dev.convt.vector.scatter;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The tap-vector mode's tap lists of one input shape ({@link ScatterPlan}), made once when the shape
 * is planned, so a row only looks its lists up.
 *
 * <p>Output rows whose kernel rows are the same, with their input rows shifted alike, form a
 * <em>row class</em> (with height stride s, every s-th interior row is of one class): they share
 * lists whose input offsets are those of the class's first row, and a row adds its own shift
 * ({@link #rowShift}) to the input's start. A list of depthwise layers is a handful of entries, so
 * building it for every row of every channel cost about as much as the row's multiply-adds.
 *
 * <p>Per class, pass of input channels and channel-block size: the interior list (plain entries,
 * then pair entries: {@link TapVectorMicroKernels}) and, for every vector position q at an edge of
 * the row, an edge list holding only the entries whose inputs lie inside the input row, in three
 * runs: entries read on all lanes ({@code [0, whole)}: plain entries, and pair entries with both
 * inputs inside; their {@code x2} is the high half's input), then pair entries whose low half
 * alone reads inside ({@code [whole, low)}), then those whose high half alone does ({@code [low, n)},
 * input in {@code x2}). So an edge vector tests nothing: a skipped tap is not in its list, as the
 * reference skips it.
 */
final class TapVectorLists {
    /** One tap list: input offsets {@code x} (low half) and {@code x2} (high half), weight offsets {@code w}. */
    static final class TapList {
        final int[] x, x2, w;
        /** Interior: the plain entries; edge: the entries of all lanes. */
        final int whole;
        /** Edge: the end of the low-half-only entries (interior: {@link #n}). */
        final int low;
        final int n;

        private TapList(int[] x, int[] x2, int[] w, int whole, int low, int n) {
            this.x = x;
            this.x2 = x2;
            this.w = w;
            this.whole = whole;
            this.low = low;
            this.n = n;
        }
    }

    private static final int TV = ScatterTuning.TAP_V;

    private final int[] rowClass, rowShift;
    /** [class][pass][kind]: kind 0 for blocks of {@link ScatterTuning#CO_BLOCK} channels, 1 for single channels. */
    private final TapList[][][] interior;
    /** [class][pass][kind][(q - tvMin) / qs], null where q is not at an edge. */
    private final TapList[][][][] edges;
    private final int tvMin, qs;
    private final long ints;

    /**
     * Makes every list of a tap-vector geometry (the arguments are its fields, see {@link ScatterPlan}).
     */
    TapVectorLists(int outH, int inH, int inW, int kH, int ciPerG, int ciPass, int tapEntries, int plainEntries, int qs,
                   int[] rowStart, int[] rowKh, int[] rowIh, int[] blockSize, int tvMin, int tvMax, int tvLo, int tvHi) {
        this.tvMin = tvMin;
        this.qs = qs;
        rowClass = new int[outH];
        rowShift = new int[outH];
        Map<List<Integer>, Integer> ids = new HashMap<>();
        List<Integer> reps = new ArrayList<>();
        for (int oh = 0; oh < outH; oh++) {
            int r0 = rowStart[oh], r1 = rowStart[oh + 1];
            List<Integer> key = new ArrayList<>();
            for (int i = r0; i < r1; i++) {
                key.add(rowKh[i]);
                key.add(rowIh[i] - rowIh[r0]);
            }
            Integer id = ids.get(key);
            if (id == null) {
                id = reps.size();
                ids.put(key, id);
                reps.add(oh);
            }
            rowClass[oh] = id;
            rowShift[oh] = r1 > r0 ? (rowIh[r0] - rowIh[rowStart[reps.get(id)]]) * inW : 0;
        }
        boolean[] kinds = new boolean[2];
        for (int cb : blockSize) {
            kinds[kind(cb)] = true;
        }
        int passes = Math.ceilDiv(ciPerG, ciPass);
        int positions = (tvMax - tvMin) / qs + 1;
        interior = new TapList[reps.size()][passes][2];
        edges = new TapList[reps.size()][passes][2][positions];
        long count = 0;
        for (int c = 0; c < reps.size(); c++) {
            int oh = reps.get(c);
            for (int p = 0; p < passes; p++) {
                int ci0 = p * ciPass, ci1 = Math.min(ciPerG, ci0 + ciPass);
                for (int k = 0; k < 2; k++) {
                    if (!kinds[k]) {
                        continue;
                    }
                    int cb = k == 0 ? ScatterTuning.CO_BLOCK : 1;
                    Entries all = new Entries(rowStart[oh], rowStart[oh + 1], ci0, ci1, cb, kH, tapEntries, plainEntries, rowKh, rowIh, inH, inW);
                    interior[c][p][k] = all.interior();
                    count += 3L * all.n;
                    for (int i = 0; i < positions; i++) {
                        int q = tvMin + i * qs;
                        if (tvLo > tvHi || q < tvLo || q > tvHi) {
                            edges[c][p][k][i] = all.edge(q, inW);
                            count += 3L * edges[c][p][k][i].n;
                        }
                    }
                }
            }
        }
        ints = count + 2L * outH;
    }

    private static int kind(int cb) {
        return cb == ScatterTuning.CO_BLOCK ? 0 : 1;
    }

    /** {@return the class of output row {@code oh}} */
    int rowClass(int oh) {
        return rowClass[oh];
    }

    /** {@return what row {@code oh} adds to the input's start: its input rows' shift from its class's} */
    int rowShift(int oh) {
        return rowShift[oh];
    }

    /** {@return the interior list of class {@code cls}, pass {@code pass}, blocks of {@code cb} channels} */
    TapList interior(int cls, int pass, int cb) {
        return interior[cls][pass][kind(cb)];
    }

    /** {@return the edge list of vector position {@code q} (an edge of the row) of class {@code cls}, pass {@code pass}, blocks of {@code cb} channels} */
    TapList edge(int cls, int pass, int cb, int q) {
        return edges[cls][pass][kind(cb)][(q - tvMin) / qs];
    }

    /** {@return the bytes of every table here} */
    long bytes() {
        return 4L * ints;
    }

    /**
     * The entries of one class, pass and block size in the interior order: the plain entries of
     * every channel and kernel row, then the pair entries; {@code c}/{@code c2} the input column
     * shift of each half (the input read at position q is {@code q - c}).
     */
    private static final class Entries {
        final int n, plain;
        final int[] x, x2, w, c, c2;

        Entries(int r0, int r1, int ci0, int ci1, int cb, int kH, int tapEntries, int plainEntries,
                int[] rowKh, int[] rowIh, int inH, int inW) {
            int rows = r1 - r0;
            n = (ci1 - ci0) * rows * tapEntries;
            plain = (ci1 - ci0) * rows * plainEntries;
            x = new int[n];
            x2 = new int[n];
            w = new int[n];
            c = new int[n];
            c2 = new int[n];
            int t = 0;
            for (int pass = 0; pass < 2; pass++) {
                int e0 = pass == 0 ? 0 : plainEntries, e1 = pass == 0 ? plainEntries : tapEntries;
                for (int ciL = ci0; ciL < ci1; ciL++) {
                    for (int i = r0; i < r1; i++) {
                        int xRow = (ciL * inH + rowIh[i]) * inW;
                        for (int e = e0; e < e1; e++) {
                            x[t] = xRow - e;
                            c[t] = e;
                            // a pair entry's high half: taps lane - s of the next input (see ScatterPlan)
                            x2[t] = pass == 0 ? xRow - e : xRow + 1;
                            c2[t] = pass == 0 ? e : -1;
                            w[t] = ((ciL * kH + rowKh[i]) * tapEntries + e) * cb * TV;
                            t++;
                        }
                    }
                }
            }
        }

        TapList interior() {
            return new TapList(x, x2, w, plain, n, n);
        }

        TapList edge(int q, int inW) {
            int[] ex = new int[n], ex2 = new int[n], ew = new int[n];
            int m = 0, whole = 0, lowEnd = 0;
            // three runs: both halves inside, the low half alone, the high half alone
            for (int run = 0; run < 3; run++) {
                for (int t = 0; t < n; t++) {
                    boolean lo = Integer.compareUnsigned(q - c[t], inW) < 0;
                    boolean hi = Integer.compareUnsigned(q - c2[t], inW) < 0;
                    if (run == 0 ? lo && hi : run == 1 ? lo && !hi : !lo && hi) {
                        ex[m] = x[t];
                        ex2[m] = x2[t];
                        ew[m] = w[t];
                        m++;
                    }
                }
                if (run == 0) {
                    whole = m;
                } else if (run == 1) {
                    lowEnd = m;
                }
            }
            return new TapList(Arrays.copyOf(ex, m), Arrays.copyOf(ex2, m), Arrays.copyOf(ew, m), whole, lowEnd, m);
        }
    }
}
