package dev.convt.vector.gemm;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

import java.util.Arrays;

/**
 * Packing of SGEMM operands into the panel layouts {@link SgemmMicroKernel} streams through.
 *
 * <ul>
 *   <li><b>Packed A</b> ({@code M × K}): panels of {@link Blocking#MR} rows; panel {@code r} holds,
 *       for each {@code k}, the MR values of its rows: {@code packed[r·K·MR + k·MR + i] = A[r·MR + i][k]}.
 *       Rows past M are zero. The K block starting at {@code pc} of panel r starts at
 *       {@code r·K·MR + pc·MR} and is contiguous.</li>
 *   <li><b>Packed B</b> ({@code K × N}): panels of {@link Blocking#NR} columns;
 *       {@code packed[q·K·NR + k·NR + j] = B[k][q·NR + j]}. Columns past N are zero.</li>
 * </ul>
 */
public final class Packing {
    private Packing() {}

    private static final VectorSpecies<Float> S = Blocking.SPECIES;
    private static final int L = S.length();
    private static final int MR = Blocking.MR;
    private static final int NR = Blocking.NR;

    /** Floats of a packed A of {@code m × k}. */
    public static int packedALength(int m, int k) {
        return Math.multiplyExact(Blocking.roundUp(m, MR), k);
    }

    /** Floats of a packed B of {@code k × n}. */
    public static int packedBLength(int k, int n) {
        return Math.multiplyExact(Blocking.roundUp(n, NR), k);
    }

    /**
     * Packs {@code A[i][p] = src[srcOff + i·rowStride + p·colStride]} ({@code m × k}) at {@code dst[dstOff]}.
     * General strides let a caller pack a transpose without copying it first.
     */
    public static void packA(int m, int k, float[] src, int srcOff, int rowStride, int colStride,
                             float[] dst, int dstOff) {
        int panels = (m + MR - 1) / MR;
        for (int r = 0; r < panels; r++) {
            int base = dstOff + r * k * MR;
            for (int i = 0; i < MR; i++) {
                int row = r * MR + i;
                if (row >= m) {
                    for (int p = 0; p < k; p++) {
                        dst[base + p * MR + i] = 0f;
                    }
                    continue;
                }
                int s = srcOff + row * rowStride;
                for (int p = 0; p < k; p++) {
                    dst[base + p * MR + i] = src[s + p * colStride];
                }
            }
        }
    }

    /** Packs a row-major {@code k × n} B ({@code B[p][j] = src[srcOff + p·ldb + j]}) at {@code dst[dstOff]}. */
    public static void packB(int k, int n, float[] src, int srcOff, int ldb, float[] dst, int dstOff) {
        packBColumns(k, n, src, srcOff, ldb, dst, dstOff, 0);
        zeroBTail(k, n, dst, dstOff);
    }

    /**
     * Packs {@code w} columns of a row-major {@code k}-row source ({@code src[srcOff + p·ldb + j]},
     * {@code j < w}) into columns {@code dstCol .. dstCol + w} of a packed B of depth {@code k}.
     * Lets a caller assemble one B from pieces (e.g. the spatial columns of several images).
     */
    public static void packBColumns(int k, int w, float[] src, int srcOff, int ldb,
                                     float[] dst, int dstOff, int dstCol) {
        int j = 0;
        int col = dstCol;
        while (j < w) {
            int q = col / NR;
            int lane = col - q * NR;
            int len = Math.min(NR - lane, w - j);
            int d = dstOff + q * k * NR + lane;
            int s = srcOff + j;
            if (len == NR) {
                for (int p = 0; p < k; p++, d += NR, s += ldb) {
                    FloatVector.fromArray(S, src, s).intoArray(dst, d);
                    FloatVector.fromArray(S, src, s + L).intoArray(dst, d + L);
                }
            } else {
                for (int p = 0; p < k; p++, d += NR, s += ldb) {
                    System.arraycopy(src, s, dst, d, len);
                }
            }
            j += len;
            col += len;
        }
    }

    /** Zeroes the columns of the last panel past {@code n} (so padded columns compute zeros, not garbage). */
    public static void zeroBTail(int k, int n, float[] dst, int dstOff) {
        int rem = n % NR;
        if (rem == 0) {
            return;
        }
        int base = dstOff + (n / NR) * k * NR;
        for (int p = 0; p < k; p++) {
            Arrays.fill(dst, base + p * NR + rem, base + p * NR + NR, 0f);
        }
    }
}
