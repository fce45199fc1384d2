package dev.convt.vector.gemm;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;

/**
 * The one place where the SGEMM does arithmetic: an {@code MR × NR} register tile ({@code f32 4×16}
 * with AVX2's 8-lane floats, {@code f32 6×32} with AVX-512; see {@link Blocking#MR}) of
 * {@code C[0..MR, 0..NR) (+)= Apanel · Bpanel} over {@code kc} steps.
 *
 * <p>Operands are packed (see {@link Packing}): the A micro-panel holds {@code kc} groups of
 * {@link Blocking#MR} values (one column of the tile's rows per k), the B micro-panel (in the
 * cache-line aligned off-heap segment of {@link Packing#newPackedB}) {@code kc}
 * rows of {@link Blocking#NR} values. Each k step broadcasts the MR A values and FMAs them with the
 * two B vectors into 2·MR accumulators, written {@code acc = a.fma(b, acc)} (the form C2 keeps in
 * registers). There are no tails here: packing pads A rows and B columns with zeros, and C is a
 * padded buffer, so every tile is full.
 */
public final class SgemmMicroKernel {
    private SgemmMicroKernel() {}

    /**
     * The register tiles that have code here: {@code rows × vectors} of B per k step. The vector
     * configuration picks one ({@link dev.convt.vector.VectorConfig#GEMM_TILE}); {@link Blocking}
     * takes its sizes from it, so a tile size without a kernel cannot be configured.
     */
    public enum Tile {
        /** 4 rows × 2 vectors: 8 accumulators, for 16 vector registers. */
        F32_4X2V(4, 2, false),
        /** 6 rows × 2 vectors: 12 accumulators, and the 6 × 3-vector wide tail (18), for 32 registers. */
        F32_6X2V(6, 2, true);

        /** Rows of the tile (A values broadcast per k step). */
        public final int rows;
        /** B vectors per k step (the tile is {@code vectors × lanes} columns wide). */
        public final int vectors;
        /** Whether {@link #computeWide} exists for this tile. */
        public final boolean wideTail;

        Tile(int rows, int vectors, boolean wideTail) {
            this.rows = rows;
            this.vectors = vectors;
            this.wideTail = wideTail;
        }
    }

    private static final Tile TILE = Blocking.TILE;
    private static final VectorSpecies<Float> S = Blocking.SPECIES;
    private static final int L = S.length();
    private static final int MR = Blocking.MR;
    private static final int NR = Blocking.NR;
    private static final ByteOrder NATIVE = ByteOrder.nativeOrder();
    /**
     * Where a fresh tile's sums start: −0, the identity of float addition ({@code −0 + v == v} for
     * every v, including +0), so each sum is exactly its chain of products: all-(−0) products sum to
     * −0 and anything else as without it. Starting at +0 would turn an all-(−0) sum into +0, and an
     * output whose bias and products are all −0 would lose the reference's sign of zero.
     */
    private static final float START = -0f;
    // B offsets in the k loops are long byte offsets stepped by the loop: C2 then hoists the
    // segment's bounds checks (an int float index scaled to long each step kept them, ~10% slower)

    /**
     * Computes one register tile.
     *
     * @param kc         number of k steps (≥ 1)
     * @param a          packed A, the micro-panel at {@code aOff}: {@code a[aOff + k*MR + r]}
     * @param b          packed B, the micro-panel at float {@code bOff}: {@code b[bOff + k*NR + j]}
     * @param c          C, row-major with leading dimension {@code ldc}; the tile at {@code cOff}
     * @param accumulate add to C when true, overwrite C when false
     */
    public static void compute(int kc, float[] a, int aOff, MemorySegment b, int bOff,
                               float[] c, int cOff, int ldc, boolean accumulate) {
        if (TILE == Tile.F32_6X2V) {
            compute6(kc, a, aOff, b, bOff, c, cOff, ldc, accumulate);
        } else {
            compute4(kc, a, aOff, b, bOff, c, cOff, ldc, accumulate);
        }
    }

    /** The 4-row tile (8 accumulators). */
    private static void compute4(int kc, float[] a, int aOff, MemorySegment b, int bOff,
                                 float[] c, int cOff, int ldc, boolean accumulate) {
        FloatVector c00, c01, c10, c11, c20, c21, c30, c31;
        int r0 = cOff, r1 = cOff + ldc, r2 = cOff + 2 * ldc, r3 = cOff + 3 * ldc;
        if (accumulate) {
            c00 = FloatVector.fromArray(S, c, r0);
            c01 = FloatVector.fromArray(S, c, r0 + L);
            c10 = FloatVector.fromArray(S, c, r1);
            c11 = FloatVector.fromArray(S, c, r1 + L);
            c20 = FloatVector.fromArray(S, c, r2);
            c21 = FloatVector.fromArray(S, c, r2 + L);
            c30 = FloatVector.fromArray(S, c, r3);
            c31 = FloatVector.fromArray(S, c, r3 + L);
        } else {
            FloatVector zero = FloatVector.broadcast(S, START);
            c00 = zero; c01 = zero; c10 = zero; c11 = zero;
            c20 = zero; c21 = zero; c30 = zero; c31 = zero;
        }
        int ai = aOff;
        long bi = 4L * bOff;
        for (int k = 0; k < kc; k++, ai += MR, bi += 4 * NR) {
            FloatVector b0 = FloatVector.fromMemorySegment(S, b, bi, NATIVE);
            FloatVector b1 = FloatVector.fromMemorySegment(S, b, bi + 4 * L, NATIVE);
            FloatVector a0 = FloatVector.broadcast(S, a[ai]);
            c00 = a0.fma(b0, c00);
            c01 = a0.fma(b1, c01);
            FloatVector a1 = FloatVector.broadcast(S, a[ai + 1]);
            c10 = a1.fma(b0, c10);
            c11 = a1.fma(b1, c11);
            FloatVector a2 = FloatVector.broadcast(S, a[ai + 2]);
            c20 = a2.fma(b0, c20);
            c21 = a2.fma(b1, c21);
            FloatVector a3 = FloatVector.broadcast(S, a[ai + 3]);
            c30 = a3.fma(b0, c30);
            c31 = a3.fma(b1, c31);
        }
        c00.intoArray(c, r0);
        c01.intoArray(c, r0 + L);
        c10.intoArray(c, r1);
        c11.intoArray(c, r1 + L);
        c20.intoArray(c, r2);
        c21.intoArray(c, r2 + L);
        c30.intoArray(c, r3);
        c31.intoArray(c, r3 + L);
    }

    /** The 6-row tile (12 accumulators), for 512-bit vectors and 32 registers. */
    private static void compute6(int kc, float[] a, int aOff, MemorySegment b, int bOff,
                                 float[] c, int cOff, int ldc, boolean accumulate) {
        FloatVector c00, c01, c10, c11, c20, c21, c30, c31, c40, c41, c50, c51;
        int r0 = cOff, r1 = cOff + ldc, r2 = cOff + 2 * ldc, r3 = cOff + 3 * ldc, r4 = cOff + 4 * ldc, r5 = cOff + 5 * ldc;
        if (accumulate) {
            c00 = FloatVector.fromArray(S, c, r0);
            c01 = FloatVector.fromArray(S, c, r0 + L);
            c10 = FloatVector.fromArray(S, c, r1);
            c11 = FloatVector.fromArray(S, c, r1 + L);
            c20 = FloatVector.fromArray(S, c, r2);
            c21 = FloatVector.fromArray(S, c, r2 + L);
            c30 = FloatVector.fromArray(S, c, r3);
            c31 = FloatVector.fromArray(S, c, r3 + L);
            c40 = FloatVector.fromArray(S, c, r4);
            c41 = FloatVector.fromArray(S, c, r4 + L);
            c50 = FloatVector.fromArray(S, c, r5);
            c51 = FloatVector.fromArray(S, c, r5 + L);
        } else {
            FloatVector zero = FloatVector.broadcast(S, START);
            c00 = zero; c01 = zero; c10 = zero; c11 = zero; c20 = zero; c21 = zero;
            c30 = zero; c31 = zero; c40 = zero; c41 = zero; c50 = zero; c51 = zero;
        }
        int ai = aOff;
        long bi = 4L * bOff;
        for (int k = 0; k < kc; k++, ai += 6, bi += 4 * NR) {
            FloatVector b0 = FloatVector.fromMemorySegment(S, b, bi, NATIVE);
            FloatVector b1 = FloatVector.fromMemorySegment(S, b, bi + 4 * L, NATIVE);
            FloatVector a0 = FloatVector.broadcast(S, a[ai]);
            c00 = a0.fma(b0, c00);
            c01 = a0.fma(b1, c01);
            FloatVector a1 = FloatVector.broadcast(S, a[ai + 1]);
            c10 = a1.fma(b0, c10);
            c11 = a1.fma(b1, c11);
            FloatVector a2 = FloatVector.broadcast(S, a[ai + 2]);
            c20 = a2.fma(b0, c20);
            c21 = a2.fma(b1, c21);
            FloatVector a3 = FloatVector.broadcast(S, a[ai + 3]);
            c30 = a3.fma(b0, c30);
            c31 = a3.fma(b1, c31);
            FloatVector a4 = FloatVector.broadcast(S, a[ai + 4]);
            c40 = a4.fma(b0, c40);
            c41 = a4.fma(b1, c41);
            FloatVector a5 = FloatVector.broadcast(S, a[ai + 5]);
            c50 = a5.fma(b0, c50);
            c51 = a5.fma(b1, c51);
        }
        c00.intoArray(c, r0);
        c01.intoArray(c, r0 + L);
        c10.intoArray(c, r1);
        c11.intoArray(c, r1 + L);
        c20.intoArray(c, r2);
        c21.intoArray(c, r2 + L);
        c30.intoArray(c, r3);
        c31.intoArray(c, r3 + L);
        c40.intoArray(c, r4);
        c41.intoArray(c, r4 + L);
        c50.intoArray(c, r5);
        c51.intoArray(c, r5 + L);
    }

    /**
     * The wide tile {@code 6 × (NR + L)} (18 accumulators; only where {@link Blocking#WIDE_TAIL}):
     * columns {@code 0 .. NR} from the B micro-panel at {@code bOff}, columns {@code NR .. NR + L}
     * from the first {@code L} columns of the next panel, at {@code b2Off}. Each C element gets the
     * same FMA chain as in {@link #compute}.
     */
    public static void computeWide(int kc, float[] a, int aOff, MemorySegment b, int bOff, int b2Off,
                                   float[] c, int cOff, int ldc, boolean accumulate) {
        FloatVector c00, c01, c02, c10, c11, c12, c20, c21, c22, c30, c31, c32, c40, c41, c42, c50, c51, c52;
        int r0 = cOff, r1 = cOff + ldc, r2 = cOff + 2 * ldc, r3 = cOff + 3 * ldc, r4 = cOff + 4 * ldc, r5 = cOff + 5 * ldc;
        if (accumulate) {
            c00 = FloatVector.fromArray(S, c, r0);
            c01 = FloatVector.fromArray(S, c, r0 + L);
            c02 = FloatVector.fromArray(S, c, r0 + 2 * L);
            c10 = FloatVector.fromArray(S, c, r1);
            c11 = FloatVector.fromArray(S, c, r1 + L);
            c12 = FloatVector.fromArray(S, c, r1 + 2 * L);
            c20 = FloatVector.fromArray(S, c, r2);
            c21 = FloatVector.fromArray(S, c, r2 + L);
            c22 = FloatVector.fromArray(S, c, r2 + 2 * L);
            c30 = FloatVector.fromArray(S, c, r3);
            c31 = FloatVector.fromArray(S, c, r3 + L);
            c32 = FloatVector.fromArray(S, c, r3 + 2 * L);
            c40 = FloatVector.fromArray(S, c, r4);
            c41 = FloatVector.fromArray(S, c, r4 + L);
            c42 = FloatVector.fromArray(S, c, r4 + 2 * L);
            c50 = FloatVector.fromArray(S, c, r5);
            c51 = FloatVector.fromArray(S, c, r5 + L);
            c52 = FloatVector.fromArray(S, c, r5 + 2 * L);
        } else {
            FloatVector zero = FloatVector.broadcast(S, START);
            c00 = zero; c01 = zero; c02 = zero; c10 = zero; c11 = zero; c12 = zero;
            c20 = zero; c21 = zero; c22 = zero; c30 = zero; c31 = zero; c32 = zero;
            c40 = zero; c41 = zero; c42 = zero; c50 = zero; c51 = zero; c52 = zero;
        }
        int ai = aOff;
        long bi = 4L * bOff, bj = 4L * b2Off;
        for (int k = 0; k < kc; k++, ai += 6, bi += 4 * NR, bj += 4 * NR) {
            FloatVector b0 = FloatVector.fromMemorySegment(S, b, bi, NATIVE);
            FloatVector b1 = FloatVector.fromMemorySegment(S, b, bi + 4 * L, NATIVE);
            FloatVector b2 = FloatVector.fromMemorySegment(S, b, bj, NATIVE);
            FloatVector a0 = FloatVector.broadcast(S, a[ai]);
            c00 = a0.fma(b0, c00);
            c01 = a0.fma(b1, c01);
            c02 = a0.fma(b2, c02);
            FloatVector a1 = FloatVector.broadcast(S, a[ai + 1]);
            c10 = a1.fma(b0, c10);
            c11 = a1.fma(b1, c11);
            c12 = a1.fma(b2, c12);
            FloatVector a2 = FloatVector.broadcast(S, a[ai + 2]);
            c20 = a2.fma(b0, c20);
            c21 = a2.fma(b1, c21);
            c22 = a2.fma(b2, c22);
            FloatVector a3 = FloatVector.broadcast(S, a[ai + 3]);
            c30 = a3.fma(b0, c30);
            c31 = a3.fma(b1, c31);
            c32 = a3.fma(b2, c32);
            FloatVector a4 = FloatVector.broadcast(S, a[ai + 4]);
            c40 = a4.fma(b0, c40);
            c41 = a4.fma(b1, c41);
            c42 = a4.fma(b2, c42);
            FloatVector a5 = FloatVector.broadcast(S, a[ai + 5]);
            c50 = a5.fma(b0, c50);
            c51 = a5.fma(b1, c51);
            c52 = a5.fma(b2, c52);
        }
        c00.intoArray(c, r0);
        c01.intoArray(c, r0 + L);
        c02.intoArray(c, r0 + 2 * L);
        c10.intoArray(c, r1);
        c11.intoArray(c, r1 + L);
        c12.intoArray(c, r1 + 2 * L);
        c20.intoArray(c, r2);
        c21.intoArray(c, r2 + L);
        c22.intoArray(c, r2 + 2 * L);
        c30.intoArray(c, r3);
        c31.intoArray(c, r3 + L);
        c32.intoArray(c, r3 + 2 * L);
        c40.intoArray(c, r4);
        c41.intoArray(c, r4 + L);
        c42.intoArray(c, r4 + 2 * L);
        c50.intoArray(c, r5);
        c51.intoArray(c, r5 + L);
        c52.intoArray(c, r5 + 2 * L);
    }
}
