package dev.convt.vector.scatter;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * Micro-kernels for stride = V (the lane count), dilation 1 and a kernel width that is a multiple
 * of V along the width: each input pixel {@code x[iw]} lands on the contiguous output run
 * {@code y[iw*V - p .. + k)}. Lanes are V consecutive outputs {@code t = q*V + lane} (with
 * {@code t = ow + padBegin}); output lane l takes tap {@code l + j*V} from input {@code q - j}, so
 * the input is broadcast and the weights are a contiguous vector of taps (idea "b" of issue 4).
 *
 * <p>Name {@code bCxT}: C output channels × T consecutive q. Arguments: {@code x[xq + tapX[t] + m]}
 * is the input of tap t for the tile's q number m; {@code w[wb + tapW[t] + c*V + lane]} the weight
 * vector of channel c; the result of channel c, vector m goes to {@code dst[d + c*cs + m*V]}.
 */
final class TapVectorMicroKernels {
    private TapVectorMicroKernels() {}

    private static final VectorSpecies<Float> S = ScatterTuning.TAP_SPECIES;
    private static final int V = S.length();

    static void b1x8(float[] x, int xq, int[] tapX, int nt, float[] w, int wb, int[] tapW,
                     float b0, float[] dst, int d, boolean more) {
        FloatVector a0 = FloatVector.broadcast(S, b0).blend(FloatVector.fromArray(S, dst, d), S.maskAll(more)), a1 = FloatVector.broadcast(S, b0).blend(FloatVector.fromArray(S, dst, d + V), S.maskAll(more));
        FloatVector a2 = FloatVector.broadcast(S, b0).blend(FloatVector.fromArray(S, dst, d + 2 * V), S.maskAll(more)), a3 = FloatVector.broadcast(S, b0).blend(FloatVector.fromArray(S, dst, d + 3 * V), S.maskAll(more));
        FloatVector a4 = FloatVector.broadcast(S, b0).blend(FloatVector.fromArray(S, dst, d + 4 * V), S.maskAll(more)), a5 = FloatVector.broadcast(S, b0).blend(FloatVector.fromArray(S, dst, d + 5 * V), S.maskAll(more));
        FloatVector a6 = FloatVector.broadcast(S, b0).blend(FloatVector.fromArray(S, dst, d + 6 * V), S.maskAll(more)), a7 = FloatVector.broadcast(S, b0).blend(FloatVector.fromArray(S, dst, d + 7 * V), S.maskAll(more));
        for (int t = 0; t < nt; t++) {
            int xi = xq + tapX[t];
            FloatVector wv = FloatVector.fromArray(S, w, wb + tapW[t]);
            a0 = FloatVector.broadcast(S, x[xi]).fma(wv, a0);
            a1 = FloatVector.broadcast(S, x[xi + 1]).fma(wv, a1);
            a2 = FloatVector.broadcast(S, x[xi + 2]).fma(wv, a2);
            a3 = FloatVector.broadcast(S, x[xi + 3]).fma(wv, a3);
            a4 = FloatVector.broadcast(S, x[xi + 4]).fma(wv, a4);
            a5 = FloatVector.broadcast(S, x[xi + 5]).fma(wv, a5);
            a6 = FloatVector.broadcast(S, x[xi + 6]).fma(wv, a6);
            a7 = FloatVector.broadcast(S, x[xi + 7]).fma(wv, a7);
        }
        a0.intoArray(dst, d);
        a1.intoArray(dst, d + V);
        a2.intoArray(dst, d + 2 * V);
        a3.intoArray(dst, d + 3 * V);
        a4.intoArray(dst, d + 4 * V);
        a5.intoArray(dst, d + 5 * V);
        a6.intoArray(dst, d + 6 * V);
        a7.intoArray(dst, d + 7 * V);
    }

    static void b1x1(float[] x, int xq, int[] tapX, int nt, float[] w, int wb, int[] tapW,
                     float b0, float[] dst, int d, boolean more) {
        FloatVector a0 = FloatVector.broadcast(S, b0).blend(FloatVector.fromArray(S, dst, d), S.maskAll(more));
        for (int t = 0; t < nt; t++) {
            a0 = FloatVector.broadcast(S, x[xq + tapX[t]]).fma(FloatVector.fromArray(S, w, wb + tapW[t]), a0);
        }
        a0.intoArray(dst, d);
    }

    static void b4x2(float[] x, int xq, int[] tapX, int nt, float[] w, int wb, int[] tapW,
                     float b0, float b1, float b2, float b3, float[] dst, int d, int cs, boolean more) {
        FloatVector a00 = FloatVector.broadcast(S, b0).blend(FloatVector.fromArray(S, dst, d), S.maskAll(more)), a01 = FloatVector.broadcast(S, b0).blend(FloatVector.fromArray(S, dst, d + V), S.maskAll(more));
        FloatVector a10 = FloatVector.broadcast(S, b1).blend(FloatVector.fromArray(S, dst, d + cs), S.maskAll(more)), a11 = FloatVector.broadcast(S, b1).blend(FloatVector.fromArray(S, dst, d + cs + V), S.maskAll(more));
        FloatVector a20 = FloatVector.broadcast(S, b2).blend(FloatVector.fromArray(S, dst, d + 2 * cs), S.maskAll(more)), a21 = FloatVector.broadcast(S, b2).blend(FloatVector.fromArray(S, dst, d + 2 * cs + V), S.maskAll(more));
        FloatVector a30 = FloatVector.broadcast(S, b3).blend(FloatVector.fromArray(S, dst, d + 3 * cs), S.maskAll(more)), a31 = FloatVector.broadcast(S, b3).blend(FloatVector.fromArray(S, dst, d + 3 * cs + V), S.maskAll(more));
        for (int t = 0; t < nt; t++) {
            int xi = xq + tapX[t];
            int wi = wb + tapW[t];
            FloatVector x0 = FloatVector.broadcast(S, x[xi]);
            FloatVector x1 = FloatVector.broadcast(S, x[xi + 1]);
            FloatVector w0 = FloatVector.fromArray(S, w, wi);
            a00 = x0.fma(w0, a00);
            a01 = x1.fma(w0, a01);
            FloatVector w1 = FloatVector.fromArray(S, w, wi + V);
            a10 = x0.fma(w1, a10);
            a11 = x1.fma(w1, a11);
            FloatVector w2 = FloatVector.fromArray(S, w, wi + 2 * V);
            a20 = x0.fma(w2, a20);
            a21 = x1.fma(w2, a21);
            FloatVector w3 = FloatVector.fromArray(S, w, wi + 3 * V);
            a30 = x0.fma(w3, a30);
            a31 = x1.fma(w3, a31);
        }
        a00.intoArray(dst, d);
        a01.intoArray(dst, d + V);
        a10.intoArray(dst, d + cs);
        a11.intoArray(dst, d + cs + V);
        a20.intoArray(dst, d + 2 * cs);
        a21.intoArray(dst, d + 2 * cs + V);
        a30.intoArray(dst, d + 3 * cs);
        a31.intoArray(dst, d + 3 * cs + V);
    }

    static void b4x1(float[] x, int xq, int[] tapX, int nt, float[] w, int wb, int[] tapW,
                     float b0, float b1, float b2, float b3, float[] dst, int d, int cs, boolean more) {
        FloatVector a0 = FloatVector.broadcast(S, b0).blend(FloatVector.fromArray(S, dst, d), S.maskAll(more));
        FloatVector a1 = FloatVector.broadcast(S, b1).blend(FloatVector.fromArray(S, dst, d + cs), S.maskAll(more));
        FloatVector a2 = FloatVector.broadcast(S, b2).blend(FloatVector.fromArray(S, dst, d + 2 * cs), S.maskAll(more));
        FloatVector a3 = FloatVector.broadcast(S, b3).blend(FloatVector.fromArray(S, dst, d + 3 * cs), S.maskAll(more));
        for (int t = 0; t < nt; t++) {
            int wi = wb + tapW[t];
            FloatVector x0 = FloatVector.broadcast(S, x[xq + tapX[t]]);
            a0 = x0.fma(FloatVector.fromArray(S, w, wi), a0);
            a1 = x0.fma(FloatVector.fromArray(S, w, wi + V), a1);
            a2 = x0.fma(FloatVector.fromArray(S, w, wi + 2 * V), a2);
            a3 = x0.fma(FloatVector.fromArray(S, w, wi + 3 * V), a3);
        }
        a0.intoArray(dst, d);
        a1.intoArray(dst, d + cs);
        a2.intoArray(dst, d + 2 * cs);
        a3.intoArray(dst, d + 3 * cs);
    }

    /**
     * One q column at the edge of a row, one channel: only the taps whose input {@code q - tapC[t]}
     * lies in {@code [0, inW)} (the same for every lane of the column), into {@code dst[d..d+V)}.
     */
    static void b1edge(float[] x, int xq, int q, int inW, int[] tapX, int[] tapC, int nt, float[] w, int wb, int[] tapW,
                       float b0, float[] dst, int d, boolean more) {
        FloatVector a0 = FloatVector.broadcast(S, b0).blend(FloatVector.fromArray(S, dst, d), S.maskAll(more));
        for (int t = 0; t < nt; t++) {
            // a skipped tap reads a harmless in-range input and is blended away: no branch on a vector
            boolean valid = Integer.compareUnsigned(q - tapC[t], inW) < 0;
            int xi = valid ? xq + tapX[t] : 0;
            FloatVector sum = FloatVector.broadcast(S, x[xi]).fma(FloatVector.fromArray(S, w, wb + tapW[t]), a0);
            a0 = a0.blend(sum, S.maskAll(valid));
        }
        a0.intoArray(dst, d);
    }
}
