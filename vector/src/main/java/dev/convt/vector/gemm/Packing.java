package dev.convt.vector.gemm;

import dev.convt.vector.FloatSegments;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * Packing of SGEMM operands into the panel layouts {@link SgemmMicroKernel} streams through.
 *
 * <ul>
 *   <li><b>Packed A</b> ({@code M × K}, {@code Mp} = M rounded up to {@link Blocking#MR}): K blocks
 *       of {@link Blocking#KC} (the last shorter), one after the other; inside the block starting at
 *       {@code pc} (depth {@code kc}), panels of MR rows, and in a panel, for each k, the MR values of
 *       its rows: {@code packed[pc·Mp + r·kc·MR + (k − pc)·MR + i] = A[r·MR + i][k]}. Rows past M are
 *       zero. So the A block of consecutive panels that one K block of the GEMM sweeps is one
 *       contiguous stream (prefetch-friendly when A comes from memory).</li>
 *   <li><b>Packed B</b> ({@code K × N}): panels of {@link Blocking#NR} columns;
 *       {@code packed[q·K·NR + k·NR + j] = B[k][q·NR + j]}. Columns past N are zero.</li>
 * </ul>
 *
 * <p>Both packed operands are {@code float[]}s, read and written with {@code fromArray}/{@code intoArray}:
 * only the packing of a caller's input ({@link #packBColumns}, {@link #packBColumnsChannelsLast})
 * reads a {@code MemorySegment}. Packed B is not cache-line aligned (a {@code float[]}'s address is
 * the JVM's), which costs its 512-bit loads some speed; an aligned off-heap B would be read through
 * the same JDK segment-access code as the callers' tensors and, in a JVM whose callers pass arrays
 * (heap segments), make every segment access in every kernel polymorphic (see the package overview
 * of {@code dev.convt.vector}).
 */
public final class Packing {
    private Packing() {}

    private static final VectorSpecies<Float> S = Blocking.SPECIES;
    private static final int L = S.length();
    private static final int MR = Blocking.MR;
    private static final int NR = Blocking.NR;
    private static final ByteOrder ORDER = ByteOrder.nativeOrder();

    /**
     * The floats of a packed A of {@code m × k}: {@code m} rounded up to {@link Blocking#MR}, times {@code k}.
     *
     * @param m rows of A, ≥ 0
     * @param k columns of A (the GEMM depth), ≥ 0
     * @return the length {@link #packA} fills
     * @throws ArithmeticException if the length exceeds an {@code int}
     */
    public static int packedALength(int m, int k) {
        return Math.multiplyExact(Blocking.roundUp(m, MR), k);
    }

    /**
     * The floats of a packed B of {@code k × n}: {@code n} rounded up to {@link Blocking#NR}, times {@code k}.
     *
     * @param k rows of B (the GEMM depth), ≥ 0
     * @param n columns of B, ≥ 0
     * @return the length {@link #packB} fills
     * @throws ArithmeticException if the length exceeds an {@code int}
     */
    public static int packedBLength(int k, int n) {
        return Math.multiplyExact(Blocking.roundUp(n, NR), k);
    }

    /**
     * Packs {@code A[i][p] = src[srcOff + i·rowStride + p·colStride]} ({@code m × k}) at {@code dst[dstOff]}.
     * General strides let a caller pack a transpose without copying it first.
     *
     * @param m         rows of A
     * @param k         columns of A (the GEMM depth)
     * @param src       the source
     * @param srcOff    where {@code A[0][0]} is in {@code src}
     * @param rowStride the distance in {@code src} between {@code A[i][p]} and {@code A[i + 1][p]}
     * @param colStride the distance in {@code src} between {@code A[i][p]} and {@code A[i][p + 1]}
     * @param dst       receives the packed A, {@link #packedALength(int, int)} floats from {@code dstOff}
     * @param dstOff    where the packed A starts in {@code dst}
     */
    public static void packA(int m, int k, float[] src, int srcOff, int rowStride, int colStride,
                             float[] dst, int dstOff) {
        int mPadded = Blocking.roundUp(m, MR);
        int panels = mPadded / MR;
        for (int pc = 0; pc < k; pc += Blocking.KC) {
            int kc = Math.min(Blocking.KC, k - pc);
            for (int r = 0; r < panels; r++) {
                int base = dstOff + pc * mPadded + r * kc * MR;
                for (int i = 0; i < MR; i++) {
                    int row = r * MR + i;
                    if (row >= m) {
                        for (int p = 0; p < kc; p++) {
                            dst[base + p * MR + i] = 0f;
                        }
                        continue;
                    }
                    int s = srcOff + row * rowStride + pc * colStride;
                    for (int p = 0; p < kc; p++) {
                        dst[base + p * MR + i] = src[s + p * colStride];
                    }
                }
            }
        }
    }

    /**
     * Packs a row-major {@code k × n} B ({@code B[p][j] = src[srcOff + p·ldb + j]}) at float
     * {@code dstOff} of {@code dst}, zeroing the padded columns of the last panel.
     *
     * @param k      rows of B (the GEMM depth)
     * @param n      columns of B
     * @param src    the source
     * @param srcOff where {@code B[0][0]} is in {@code src}
     * @param ldb    the leading dimension of B in {@code src}, ≥ n
     * @param dst    receives the packed B, {@link #packedBLength(int, int)} floats from {@code dstOff}
     * @param dstOff where the packed B starts in {@code dst}
     */
    public static void packB(int k, int n, float[] src, int srcOff, int ldb, float[] dst, int dstOff) {
        // a panel's row (NR columns) at a time: for weights packed once and Sgemm#multiply, never a
        // caller's tensor at execute time (that is packBColumns, from a segment)
        for (int q = 0; q * NR < n; q++) {
            int len = Math.min(NR, n - q * NR);
            for (int p = 0; p < k; p++) {
                System.arraycopy(src, srcOff + p * ldb + q * NR, dst, dstOff + (q * k + p) * NR, len);
            }
        }
        zeroBTail(k, n, dst, dstOff);
    }

    /**
     * Packs {@code w} columns of a row-major {@code k}-row source ({@code src[srcOff + p·ldb + j]},
     * {@code j < w}) into columns {@code dstCol .. dstCol + w} of a packed B of depth {@code k}.
     * Lets a caller assemble one B from pieces (e.g. the spatial columns of several images).
     *
     * @param k      rows (the depth of the packed B)
     * @param w      columns to pack
     * @param src    the source (a caller's input, heap or native), floats indexed from its start
     * @param srcOff the float index where the first source row starts in {@code src}
     * @param ldb    the distance in floats between consecutive rows, ≥ w
     * @param dst    the packed B
     * @param dstOff where the packed B starts in {@code dst}
     * @param dstCol the first packed column to write
     */
    public static void packBColumns(int k, int w, MemorySegment src, int srcOff, int ldb,
                                     float[] dst, int dstOff, int dstCol) {
        // Row by row: each source row is read sequentially (prefetch-friendly even when the rows are
        // far apart, as in a large image); the scattered writes land in the L2-sized packed tile.
        int panelStride = k * NR;
        for (int p = 0; p < k; p++) {
            int s = srcOff + p * ldb;
            int j = 0;
            int col = dstCol;
            while (j < w) {
                int q = col / NR;
                int lane = col - q * NR;
                int len = Math.min(NR - lane, w - j);
                int d = dstOff + q * panelStride + p * NR + lane;
                if (len == NR) {
                    FloatVector.fromMemorySegment(S, src, 4L * (s + j), ORDER).intoArray(dst, d);
                    FloatVector.fromMemorySegment(S, src, 4L * (s + j + L), ORDER).intoArray(dst, d + L);
                } else {
                    MemorySegment.copy(src, ValueLayout.JAVA_FLOAT, 4L * (s + j), dst, d, len);
                }
                j += len;
                col += len;
            }
        }
    }

    /** The gather down one column of a transpose tile ({@link FloatSegments#tileColumn}). */
    private static final int[] TILE_COLUMN = FloatSegments.tileColumn();

    /**
     * Packs {@code w} columns of a channels-last B into packed B from column {@code dstCol}:
     * {@code B[p][j] = src[srcOff + j·pixelStride + p]} (column j is one input position, whose
     * {@code k} channels are contiguous), so a channels-last input is packed without a transposed
     * copy of its own. A block of {@code L} columns and {@code L} channels at a time: one vector load
     * of each column's channels straight from the caller's segment into an {@code L × L} tile (in
     * L1), then one gathering load down each tile column (a channel across the columns) stored into
     * the panel's row; the remaining channels and columns one by one.
     *
     * @param k           rows (the channels of a group)
     * @param w           columns to pack
     * @param src         the channels-last input (a caller's segment, heap or native)
     * @param srcOff      the float index of column 0's first channel in {@code src}
     * @param pixelStride floats from one column (position) to the next: all the input's channels
     * @param tile        scratch of {@link FloatSegments#tileLength()} floats
     * @param dst         the packed B
     * @param dstOff      where the packed B starts in {@code dst}
     * @param dstCol      the packed column of the first packed column
     */
    public static void packBColumnsChannelsLast(int k, int w, MemorySegment src, int srcOff, int pixelStride, float[] tile,
                                                float[] dst, int dstOff, int dstCol) {
        int panelStride = k * NR;
        int vectorChannels = k - k % L;
        int j = 0;
        while (j < w) {
            int col = dstCol + j;
            int q = col / NR;
            int lane = col - q * NR;
            int d = dstOff + q * panelStride + lane;
            int s = srcOff + j * pixelStride;
            if (lane + L <= NR && j + L <= w) {
                for (int p0 = 0; p0 < vectorChannels; p0 += L) {
                    FloatSegments.loadTile(src, s + p0, pixelStride, tile);
                    for (int p = 0; p < L; p++) {
                        FloatVector.fromArray(S, tile, p, TILE_COLUMN, 0).intoArray(dst, d + (p0 + p) * NR);
                    }
                }
                for (int p = vectorChannels; p < k; p++) {
                    for (int i = 0; i < L; i++) {
                        dst[d + p * NR + i] = src.getAtIndex(ValueLayout.JAVA_FLOAT, s + i * pixelStride + p);
                    }
                }
                j += L;
            } else {
                for (int p = 0; p < k; p++) {
                    dst[d + p * NR] = src.getAtIndex(ValueLayout.JAVA_FLOAT, s + p);
                }
                j++;
            }
        }
    }

    /**
     * Zeroes the columns of the last panel past {@code n} (so padded columns compute zeros, not garbage).
     *
     * @param k      rows (the depth of the packed B)
     * @param n      the real columns
     * @param dst    the packed B
     * @param dstOff where the packed B starts in {@code dst}
     */
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
