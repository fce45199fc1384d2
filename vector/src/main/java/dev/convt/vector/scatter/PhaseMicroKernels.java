package dev.convt.vector.scatter;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * Micro-kernels of one width phase: the outputs of a row whose position {@code ow + padBegin} is
 * {@code ≡ r (mod stride)}, indexed by {@code q = (ow + padBegin - r) / stride}. Every tap of the
 * phase reads the input at {@code iw = q - c} for a constant {@code c}, so a run of consecutive
 * {@code q} reads a contiguous run of one input row: lanes are consecutive {@code q}, the input is
 * loaded contiguously and the weight is broadcast. With stride 1 this is the plain scatter
 * {@code y[o0 + i] += x[i] * w[t]} with the taps summed in registers.
 *
 * <p>Name {@code cCxT}: C output channels × T vectors of consecutive q. Each tile starts at the
 * bias (or +0), adds every tap of the list in order, and stores once. The caller guarantees that
 * every input read lies inside its row ({@code tapX[t] + q} for the tile's q).
 *
 * <p>Arguments: {@code x[xq + tapX[t] + lane]} is the input of tap t at the tile's first q;
 * {@code w[wb + tapW[t] + c]} the weight of channel c; the result of channel c, vector m goes to
 * {@code dst[d + c*cs + m*V]}.
 */
final class PhaseMicroKernels {
    private PhaseMicroKernels() {}

    private static final VectorSpecies<Float> S = ScatterTuning.SPECIES;
    private static final int V = S.length();

    static void c1x8(float[] x, int xq, int[] tapX, int nt, float[] w, int wb, int[] tapW,
                     float b0, float[] dst, int d) {
        FloatVector a0 = FloatVector.broadcast(S, b0), a1 = a0, a2 = a0, a3 = a0, a4 = a0, a5 = a0, a6 = a0, a7 = a0;
        for (int t = 0; t < nt; t++) {
            int xi = xq + tapX[t];
            FloatVector wv = FloatVector.broadcast(S, w[wb + tapW[t]]);
            a0 = FloatVector.fromArray(S, x, xi).fma(wv, a0);
            a1 = FloatVector.fromArray(S, x, xi + V).fma(wv, a1);
            a2 = FloatVector.fromArray(S, x, xi + 2 * V).fma(wv, a2);
            a3 = FloatVector.fromArray(S, x, xi + 3 * V).fma(wv, a3);
            a4 = FloatVector.fromArray(S, x, xi + 4 * V).fma(wv, a4);
            a5 = FloatVector.fromArray(S, x, xi + 5 * V).fma(wv, a5);
            a6 = FloatVector.fromArray(S, x, xi + 6 * V).fma(wv, a6);
            a7 = FloatVector.fromArray(S, x, xi + 7 * V).fma(wv, a7);
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

    static void c1x1(float[] x, int xq, int[] tapX, int nt, float[] w, int wb, int[] tapW,
                     float b0, float[] dst, int d) {
        FloatVector a0 = FloatVector.broadcast(S, b0);
        for (int t = 0; t < nt; t++) {
            a0 = FloatVector.fromArray(S, x, xq + tapX[t]).fma(FloatVector.broadcast(S, w[wb + tapW[t]]), a0);
        }
        a0.intoArray(dst, d);
    }

    static void c4x2(float[] x, int xq, int[] tapX, int nt, float[] w, int wb, int[] tapW,
                     float b0, float b1, float b2, float b3, float[] dst, int d, int cs) {
        FloatVector a00 = FloatVector.broadcast(S, b0), a01 = a00;
        FloatVector a10 = FloatVector.broadcast(S, b1), a11 = a10;
        FloatVector a20 = FloatVector.broadcast(S, b2), a21 = a20;
        FloatVector a30 = FloatVector.broadcast(S, b3), a31 = a30;
        for (int t = 0; t < nt; t++) {
            int xi = xq + tapX[t];
            int wi = wb + tapW[t];
            FloatVector x0 = FloatVector.fromArray(S, x, xi);
            FloatVector x1 = FloatVector.fromArray(S, x, xi + V);
            FloatVector w0 = FloatVector.broadcast(S, w[wi]);
            a00 = x0.fma(w0, a00);
            a01 = x1.fma(w0, a01);
            FloatVector w1 = FloatVector.broadcast(S, w[wi + 1]);
            a10 = x0.fma(w1, a10);
            a11 = x1.fma(w1, a11);
            FloatVector w2 = FloatVector.broadcast(S, w[wi + 2]);
            a20 = x0.fma(w2, a20);
            a21 = x1.fma(w2, a21);
            FloatVector w3 = FloatVector.broadcast(S, w[wi + 3]);
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

    static void c4x1(float[] x, int xq, int[] tapX, int nt, float[] w, int wb, int[] tapW,
                     float b0, float b1, float b2, float b3, float[] dst, int d, int cs) {
        FloatVector a0 = FloatVector.broadcast(S, b0);
        FloatVector a1 = FloatVector.broadcast(S, b1);
        FloatVector a2 = FloatVector.broadcast(S, b2);
        FloatVector a3 = FloatVector.broadcast(S, b3);
        for (int t = 0; t < nt; t++) {
            int wi = wb + tapW[t];
            FloatVector x0 = FloatVector.fromArray(S, x, xq + tapX[t]);
            a0 = x0.fma(FloatVector.broadcast(S, w[wi]), a0);
            a1 = x0.fma(FloatVector.broadcast(S, w[wi + 1]), a1);
            a2 = x0.fma(FloatVector.broadcast(S, w[wi + 2]), a2);
            a3 = x0.fma(FloatVector.broadcast(S, w[wi + 3]), a3);
        }
        a0.intoArray(dst, d);
        a1.intoArray(dst, d + cs);
        a2.intoArray(dst, d + 2 * cs);
        a3.intoArray(dst, d + 3 * cs);
    }
}
