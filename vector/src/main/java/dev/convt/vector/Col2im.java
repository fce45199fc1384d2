package dev.convt.vector;

import dev.convt.Problem;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * col2im for rank-1 and rank-2 problems: scatter-adds a block of the column buffer
 * {@code cols[(co, kh, kw)][(n, ih, iw)]} into the output, {@code y[n, co, ih·sh − ph + kh·dh,
 * iw·sw − pw + kw·dw] += cols[...]}, skipping the products that padding crops.
 *
 * <p>The in-range input columns of each tap are precomputed per kernel row and column, so the
 * inner loop is a plain (strided) run with no bounds test: a vector add when the stride is 1, a
 * scalar strided add otherwise. Rank-1 problems are rank 2 with one input row.
 *
 * <p>When every output element receives exactly one (tap, input position) pair ({@link #singleCover}:
 * stride = kernel, dilation 1, no padding, no output_padding, as in U-Net's and Mask R-CNN's 2×2
 * stride-2 up-convolutions) the output need not be pre-filled: col2im writes {@code bias + cols}
 * once, saving a full read and write of the output.
 */
final class Col2im {
    private static final VectorSpecies<Float> S = jdk.incubator.vector.FloatVector.SPECIES_PREFERRED;
    private static final int L = S.length();

    private final int inPlane, inW, outW, outPlane, taps, kW, sH, sW, pH, pW, dH, dW, coPerG, cout;
    /** Per kernel column kw: the input columns {@code [iwLo, iwHi)} whose products land inside the output. */
    private final int[] iwLo, iwHi;
    /** Per kernel row kh: the input rows {@code [ihLo, ihHi)} whose products land inside the output. */
    private final int[] ihLo, ihHi;
    /** Whether each output element receives exactly one column value (see the class comment). */
    final boolean singleCover;
    /** The bias (Cout values) used in single-cover mode, or null for none. */
    private final float[] bias;

    /** @param bias Cout values or null; used only when {@link #singleCover} */
    Col2im(Problem p, float[] bias) {
        this.bias = bias;
        int[] in = p.in3(), out = p.out3(), k = p.kernel3(), s = p.stride3(), pad = p.padBegin3(), d = p.dilation3();
        inPlane = p.inputPlane();
        inW = in[2];
        outW = out[2];
        outPlane = p.outputPlane();
        taps = k[1] * k[2];
        kW = k[2];
        sH = s[1];
        sW = s[2];
        pH = pad[1];
        pW = pad[2];
        dH = d[1];
        dW = d[2];
        coPerG = p.spec().outChannelsPerGroup();
        cout = p.spec().outChannels();
        boolean single = true;
        for (int i = 1; i < 3; i++) {
            single &= d[i] == 1 && s[i] == k[i] && pad[i] == 0 && p.padEnd3()[i] == 0 && p.outputPadding3()[i] == 0;
        }
        singleCover = single;
        iwLo = new int[k[2]];
        iwHi = new int[k[2]];
        for (int kw = 0; kw < k[2]; kw++) {
            iwLo[kw] = lo(kw * dW - pW, sW, in[2]);
            iwHi[kw] = hi(kw * dW - pW, sW, in[2], out[2]);
        }
        ihLo = new int[k[1]];
        ihHi = new int[k[1]];
        for (int kh = 0; kh < k[1]; kh++) {
            ihLo[kh] = lo(kh * dH - pH, sH, in[1]);
            ihHi[kh] = hi(kh * dH - pH, sH, in[1], out[1]);
        }
    }

    /** Smallest i ≥ 0 with {@code i·s + off ≥ 0}, at most {@code n}. */
    private static int lo(int off, int s, int n) {
        return off >= 0 ? 0 : (int) Math.min(n, Math.ceilDiv((long) -off, s));
    }

    /** One past the largest i < n with {@code i·s + off ≤ out − 1}, at least 0. */
    private static int hi(int off, int s, int n, int out) {
        long last = Math.floorDiv((long) out - 1 - off, s);
        return (int) Math.max(0, Math.min(n, last + 1));
    }

    /**
     * Adds rows {@code [rowFrom, rowTo)} of group {@code g} (row = local output channel · taps + tap)
     * and columns {@code [j0, j0 + width)} (column = n · inPlane + input position) of the block
     * {@code c} (row {@code rowFrom} at index 0, leading dimension {@code ldc}) into {@code y}.
     */
    void add(int g, int rowFrom, int rowTo, int j0, int width, float[] c, int ldc, float[] y, int yOff) {
        int end = j0 + width;
        for (int row = rowFrom; row < rowTo; row++) {
            int col = row / taps;
            int tap = row - col * taps;
            int kh = tap / kW;
            int kw = tap - kh * kW;
            int iwA0 = iwLo[kw], iwB0 = iwHi[kw], ihA0 = ihLo[kh], ihB0 = ihHi[kh];
            if (iwA0 >= iwB0 || ihA0 >= ihB0) {
                continue;
            }
            int co = g * coPerG + col;
            float b = bias == null ? 0f : bias[co];
            int owOff = kw * dW - pW;
            int ohOff = kh * dH - pH;
            int cRow = (row - rowFrom) * ldc;
            int j = j0;
            while (j < end) {
                int n = j / inPlane;
                int p0 = j - n * inPlane;
                int pEnd = Math.min(inPlane, p0 + end - j);
                int cBase = cRow + (j - j0) - p0;
                int yBase = yOff + (n * cout + co) * outPlane;
                int ihA = Math.max(p0 / inW, ihA0);
                int ihB = Math.min((pEnd - 1) / inW + 1, ihB0);
                for (int ih = ihA; ih < ihB; ih++) {
                    int a = ih * inW;
                    int iwA = Math.max(iwA0, p0 - a);
                    int iwB = Math.min(iwB0, pEnd - a);
                    if (iwA < iwB) {
                        int yi = yBase + (ih * sH + ohOff) * outW + iwA * sW + owOff;
                        if (singleCover) {
                            storeRun(y, yi, sW, b, c, cBase + a + iwA, iwB - iwA);
                        } else {
                            addRun(y, yi, sW, c, cBase + a + iwA, iwB - iwA);
                        }
                    }
                }
                j += pEnd - p0;
            }
        }
    }

    /** {@code y[yi + t·s] += c[ci + t]} for {@code t < count}. */
    private static void addRun(float[] y, int yi, int s, float[] c, int ci, int count) {
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

    /** {@code y[yi + t·s] = b + c[ci + t]} for {@code t < count} (+0 + c is c: column values are never −0). */
    private static void storeRun(float[] y, int yi, int s, float b, float[] c, int ci, int count) {
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
}
