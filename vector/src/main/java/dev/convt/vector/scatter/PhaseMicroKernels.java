package dev.convt.vector.scatter;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
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

    private static final VectorSpecies<Float> S = ScatterTuning.PHASE_SPECIES;
    private static final int V = S.length();

    static void c1x8(float[] x, int xq, int[] tapX, int nt, float[] w, int wb, int[] tapW,
                     float b0, float[] dst, int d, boolean more) {
        FloatVector a0 = FloatVector.broadcast(S, b0).blend(FloatVector.fromArray(S, dst, d), S.maskAll(more)), a1 = FloatVector.broadcast(S, b0).blend(FloatVector.fromArray(S, dst, d + V), S.maskAll(more));
        FloatVector a2 = FloatVector.broadcast(S, b0).blend(FloatVector.fromArray(S, dst, d + 2 * V), S.maskAll(more)), a3 = FloatVector.broadcast(S, b0).blend(FloatVector.fromArray(S, dst, d + 3 * V), S.maskAll(more));
        FloatVector a4 = FloatVector.broadcast(S, b0).blend(FloatVector.fromArray(S, dst, d + 4 * V), S.maskAll(more)), a5 = FloatVector.broadcast(S, b0).blend(FloatVector.fromArray(S, dst, d + 5 * V), S.maskAll(more));
        FloatVector a6 = FloatVector.broadcast(S, b0).blend(FloatVector.fromArray(S, dst, d + 6 * V), S.maskAll(more)), a7 = FloatVector.broadcast(S, b0).blend(FloatVector.fromArray(S, dst, d + 7 * V), S.maskAll(more));
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

    static void c4x2(float[] x, int xq, int[] tapX, int nt, float[] w, int wb, int[] tapW,
                     float b0, float b1, float b2, float b3, float[] dst, int d, int cs, boolean more) {
        FloatVector a00 = FloatVector.broadcast(S, b0).blend(FloatVector.fromArray(S, dst, d), S.maskAll(more)), a01 = FloatVector.broadcast(S, b0).blend(FloatVector.fromArray(S, dst, d + V), S.maskAll(more));
        FloatVector a10 = FloatVector.broadcast(S, b1).blend(FloatVector.fromArray(S, dst, d + cs), S.maskAll(more)), a11 = FloatVector.broadcast(S, b1).blend(FloatVector.fromArray(S, dst, d + cs + V), S.maskAll(more));
        FloatVector a20 = FloatVector.broadcast(S, b2).blend(FloatVector.fromArray(S, dst, d + 2 * cs), S.maskAll(more)), a21 = FloatVector.broadcast(S, b2).blend(FloatVector.fromArray(S, dst, d + 2 * cs + V), S.maskAll(more));
        FloatVector a30 = FloatVector.broadcast(S, b3).blend(FloatVector.fromArray(S, dst, d + 3 * cs), S.maskAll(more)), a31 = FloatVector.broadcast(S, b3).blend(FloatVector.fromArray(S, dst, d + 3 * cs + V), S.maskAll(more));
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

    static void c1x4(float[] x, int xq, int[] tapX, int nt, float[] w, int wb, int[] tapW,
                     float b0, float[] dst, int d, boolean more) {
        FloatVector a0 = FloatVector.broadcast(S, b0).blend(FloatVector.fromArray(S, dst, d), S.maskAll(more)), a1 = FloatVector.broadcast(S, b0).blend(FloatVector.fromArray(S, dst, d + V), S.maskAll(more));
        FloatVector a2 = FloatVector.broadcast(S, b0).blend(FloatVector.fromArray(S, dst, d + 2 * V), S.maskAll(more)), a3 = FloatVector.broadcast(S, b0).blend(FloatVector.fromArray(S, dst, d + 3 * V), S.maskAll(more));
        for (int t = 0; t < nt; t++) {
            int xi = xq + tapX[t];
            FloatVector wv = FloatVector.broadcast(S, w[wb + tapW[t]]);
            a0 = FloatVector.fromArray(S, x, xi).fma(wv, a0);
            a1 = FloatVector.fromArray(S, x, xi + V).fma(wv, a1);
            a2 = FloatVector.fromArray(S, x, xi + 2 * V).fma(wv, a2);
            a3 = FloatVector.fromArray(S, x, xi + 3 * V).fma(wv, a3);
        }
        a0.intoArray(dst, d);
        a1.intoArray(dst, d + V);
        a2.intoArray(dst, d + 2 * V);
        a3.intoArray(dst, d + 3 * V);
    }

    /**
     * One vector of one channel on its first {@code lanes} lanes only (reads and writes nothing past
     * them): the fallback at the very end of the input array, kept small so both JIT tiers compile it.
     */
    static void c1x1m(float[] x, int xq, int[] tapX, int nt, float[] w, int wb, int[] tapW,
                      float b0, float[] dst, int d, int lanes, boolean more) {
        VectorMask<Float> m = S.indexInRange(0, lanes);
        FloatVector a0 = FloatVector.broadcast(S, b0).blend(FloatVector.fromArray(S, dst, d, m), S.maskAll(more));
        for (int t = 0; t < nt; t++) {
            a0 = FloatVector.fromArray(S, x, xq + tapX[t], m).fma(FloatVector.broadcast(S, w[wb + tapW[t]]), a0);
        }
        a0.intoArray(dst, d, m);
    }
}
