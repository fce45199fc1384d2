package dev.convt.vector.gemm;

import dev.convt.kernel.DryRun;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorSpecies;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

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
 *       {@code packed[q·K·NR + k·NR + j] = B[k][q·NR + j]}. Columns past N are zero. Held in an
 *       aligned off-heap segment ({@link #newPackedB}); offsets into it count floats.</li>
 * </ul>
 */
public final class Packing {
    private Packing() {}

    private static final VectorSpecies<Float> S = Blocking.SPECIES;
    private static final int L = S.length();
    private static final int MR = Blocking.MR;
    private static final int NR = Blocking.NR;

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
     * A zeroed packed-B buffer of {@code length} floats, aligned to {@link Blocking#B_ALIGN} bytes
     * and freed by the GC once unreachable. Off-heap because only there is the alignment known: a
     * float[]'s data sits at an address the JVM chooses, and the micro-kernel's B vector loads that
     * straddle two cache lines cost ~13% of the SGEMM's speed (measured on an AVX-512 Xeon). The
     * memory counts against {@code -XX:MaxDirectMemorySize}, like a direct buffer's, so many
     * unreachable workspaces trigger a GC rather than grow native memory without bound.
     *
     * @param length floats, ≥ 0 (at least one float is allocated)
     * @return a new zeroed segment owned by an automatic arena
     */
    public static MemorySegment newPackedB(int length) {
        return Arena.ofAuto().allocate(4L * Math.max(1, length), Blocking.B_ALIGN);
    }

    // BEGIN template for gen_segments.py
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
    // END template
    // BEGIN GENERATED by gen_segments.py from the template above (src as native MemorySegments, float i at byte 4·i); do not edit: change the template and rerun the script.
    /** How the generated segment variants read and write one float: native order, any alignment. */
    private static final java.lang.foreign.ValueLayout.OfFloat SEG_FLOAT = java.lang.foreign.ValueLayout.JAVA_FLOAT_UNALIGNED;
    /** The byte order of the generated segment variants' vector loads and stores. */
    private static final java.nio.ByteOrder SEG_ORDER = java.nio.ByteOrder.nativeOrder();

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
    public static void packA(int m, int k, MemorySegment src, int srcOff, int rowStride, int colStride,
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
                        dst[base + p * MR + i] = src.get(SEG_FLOAT, 4L * (s + p * colStride));
                    }
                }
            }
        }
    }
    // END GENERATED

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
     * @param dstOff where the packed B starts in {@code dst}, in floats
     */
    public static void packB(int k, int n, float[] src, int srcOff, int ldb, MemorySegment dst, int dstOff) {
        packBColumns(k, n, src, srcOff, ldb, dst, dstOff, 0);
        zeroBTail(k, n, dst, dstOff);
    }

    // BEGIN template for gen_segments.py
    /**
     * Packs {@code w} columns of a row-major {@code k}-row source ({@code src[srcOff + p·ldb + j]},
     * {@code j < w}) into columns {@code dstCol .. dstCol + w} of a packed B of depth {@code k}.
     * Lets a caller assemble one B from pieces (e.g. the spatial columns of several images), in
     * increasing column order: the columns of the piece's last panel past its last column are set
     * to zero (the next piece, if any, then writes its own), so the padding of the assembled B is
     * zero with no {@link #zeroBTail} after it.
     *
     * @param k      rows (the depth of the packed B)
     * @param w      columns to pack
     * @param src    the source
     * @param srcOff where the first source row starts in {@code src}
     * @param ldb    the distance in {@code src} between consecutive rows, ≥ w
     * @param dst    the packed B
     * @param dstOff where the packed B starts in {@code dst}, in floats
     * @param dstCol the first packed column to write
     */
    public static void packBColumns(int k, int w, float[] src, int srcOff, int ldb,
                                     MemorySegment dst, int dstOff, int dstCol) {
        if (DryRun.active()) {
            return;
        }
        // Row by row: each source row is read sequentially (prefetch-friendly even when the rows are
        // far apart, as in a large image); the scattered writes land in the L2-sized packed tile.
        // Every row splits into the same pieces (a part panel, whole panels, a part panel), so the
        // panel arithmetic is done once, not per row and panel.
        int panelStride = k * NR;
        int q0 = dstCol / NR, lane0 = dstCol - q0 * NR;
        int head = lane0 == 0 ? 0 : Math.min(NR - lane0, w);
        int whole = (w - head) / NR;
        int tail = w - head - whole * NR;
        int dHead = dstOff + q0 * panelStride + lane0;
        int dWhole = dstOff + (head > 0 ? q0 + 1 : q0) * panelStride;
        int dTail = dWhole + whole * panelStride;
        // the tail panel's row is written whole, its columns then zeros, by two masked loads: a copy
        // of a few floats and a store of each padding zero per row cost more than the whole panels (a
        // task's piece of a split layer has a tail in every row: K = 512 rows in Conv-TasNet's decoder,
        // 2048 in the pose head's first layer)
        VectorMask<Float> tail0 = S.indexInRange(0, tail), tail1 = S.indexInRange(L, tail);
        // a piece that ends inside its head panel: the zeros after it
        int headPad = whole == 0 && tail == 0 ? NR - lane0 - head : 0;
        for (int p = 0; p < k; p++) {
            int s = srcOff + p * ldb;
            if (head > 0) {
                MemorySegment.copy(src, s, dst, ValueLayout.JAVA_FLOAT, 4L * (dHead + p * NR), head);
                for (int c = 0; c < headPad; c++) {
                    dst.setAtIndex(ValueLayout.JAVA_FLOAT, dHead + p * NR + head + c, 0f);
                }
            }
            int j = s + head;
            long d = 4L * (dWhole + p * NR);
            for (int q = 0; q < whole; q++, j += NR, d += 4L * panelStride) {
                FloatVector.fromArray(S, src, j).intoMemorySegment(dst, d, ByteOrder.nativeOrder());
                FloatVector.fromArray(S, src, j + L).intoMemorySegment(dst, d + 4L * L, ByteOrder.nativeOrder());
            }
            if (tail > 0) {
                long t = 4L * (dTail + p * NR);
                if (j + NR <= src.length) {
                    FloatVector.fromArray(S, src, j, tail0).intoMemorySegment(dst, t, ByteOrder.nativeOrder());
                    FloatVector.fromArray(S, src, j + L, tail1).intoMemorySegment(dst, t + 4L * L, ByteOrder.nativeOrder());
                } else {
                    // a masked load reaching past the source's end would take the Vector API's slow path
                    MemorySegment.copy(src, j, dst, ValueLayout.JAVA_FLOAT, t, tail);
                    for (int c = tail; c < NR; c++) {
                        dst.setAtIndex(ValueLayout.JAVA_FLOAT, dTail + p * NR + c, 0f);
                    }
                }
            }
        }
    }
    // END template
    // BEGIN GENERATED by gen_segments.py from the template above (src as native MemorySegments, float i at byte 4·i); do not edit: change the template and rerun the script.

    /**
     * Packs {@code w} columns of a row-major {@code k}-row source ({@code src[srcOff + p·ldb + j]},
     * {@code j < w}) into columns {@code dstCol .. dstCol + w} of a packed B of depth {@code k}.
     * Lets a caller assemble one B from pieces (e.g. the spatial columns of several images), in
     * increasing column order: the columns of the piece's last panel past its last column are set
     * to zero (the next piece, if any, then writes its own), so the padding of the assembled B is
     * zero with no {@link #zeroBTail} after it.
     *
     * @param k      rows (the depth of the packed B)
     * @param w      columns to pack
     * @param src    the source
     * @param srcOff where the first source row starts in {@code src}
     * @param ldb    the distance in {@code src} between consecutive rows, ≥ w
     * @param dst    the packed B
     * @param dstOff where the packed B starts in {@code dst}, in floats
     * @param dstCol the first packed column to write
     */
    public static void packBColumns(int k, int w, MemorySegment src, int srcOff, int ldb,
                                     MemorySegment dst, int dstOff, int dstCol) {
        if (DryRun.active()) {
            return;
        }
        // Row by row: each source row is read sequentially (prefetch-friendly even when the rows are
        // far apart, as in a large image); the scattered writes land in the L2-sized packed tile.
        // Every row splits into the same pieces (a part panel, whole panels, a part panel), so the
        // panel arithmetic is done once, not per row and panel.
        int panelStride = k * NR;
        int q0 = dstCol / NR, lane0 = dstCol - q0 * NR;
        int head = lane0 == 0 ? 0 : Math.min(NR - lane0, w);
        int whole = (w - head) / NR;
        int tail = w - head - whole * NR;
        int dHead = dstOff + q0 * panelStride + lane0;
        int dWhole = dstOff + (head > 0 ? q0 + 1 : q0) * panelStride;
        int dTail = dWhole + whole * panelStride;
        // the tail panel's row is written whole, its columns then zeros, by two masked loads: a copy
        // of a few floats and a store of each padding zero per row cost more than the whole panels (a
        // task's piece of a split layer has a tail in every row: K = 512 rows in Conv-TasNet's decoder,
        // 2048 in the pose head's first layer)
        VectorMask<Float> tail0 = S.indexInRange(0, tail), tail1 = S.indexInRange(L, tail);
        // a piece that ends inside its head panel: the zeros after it
        int headPad = whole == 0 && tail == 0 ? NR - lane0 - head : 0;
        for (int p = 0; p < k; p++) {
            int s = srcOff + p * ldb;
            if (head > 0) {
                MemorySegment.copy(src, SEG_FLOAT, 4L * s, dst, ValueLayout.JAVA_FLOAT, 4L * (dHead + p * NR), head);
                for (int c = 0; c < headPad; c++) {
                    dst.setAtIndex(ValueLayout.JAVA_FLOAT, dHead + p * NR + head + c, 0f);
                }
            }
            int j = s + head;
            long d = 4L * (dWhole + p * NR);
            for (int q = 0; q < whole; q++, j += NR, d += 4L * panelStride) {
                FloatVector.fromMemorySegment(S, src, 4L * j, SEG_ORDER).intoMemorySegment(dst, d, ByteOrder.nativeOrder());
                FloatVector.fromMemorySegment(S, src, 4L * (j + L), SEG_ORDER).intoMemorySegment(dst, d + 4L * L, ByteOrder.nativeOrder());
            }
            if (tail > 0) {
                long t = 4L * (dTail + p * NR);
                if (j + NR <= (src.byteSize() / 4)) {
                    FloatVector.fromMemorySegment(S, src, 4L * j, SEG_ORDER, tail0).intoMemorySegment(dst, t, ByteOrder.nativeOrder());
                    FloatVector.fromMemorySegment(S, src, 4L * (j + L), SEG_ORDER, tail1).intoMemorySegment(dst, t + 4L * L, ByteOrder.nativeOrder());
                } else {
                    // a masked load reaching past the source's end would take the Vector API's slow path
                    MemorySegment.copy(src, SEG_FLOAT, 4L * j, dst, ValueLayout.JAVA_FLOAT, t, tail);
                    for (int c = tail; c < NR; c++) {
                        dst.setAtIndex(ValueLayout.JAVA_FLOAT, dTail + p * NR + c, 0f);
                    }
                }
            }
        }
    }
    // END GENERATED

    /**
     * Packs {@code w} columns of a channels-last B into packed B from column {@code dstCol}:
     * {@code B[p][j] = src[srcOff + j·pixelStride + p]} (column j is one input position, whose
     * {@code k} channels are contiguous), so a channels-last input is packed without a transposed
     * copy of its own. Element by element, one column after the other: callers send only what the
     * register transpose cannot take (groups of fewer than {@link Blocking#LANES} channels, and
     * columns that do not fill a vector of a panel). A vector gather (a load through an index map)
     * would be faster on paper, but C2 makes it a real gather only where its call site is hot in the
     * profile it compiles from: a JVM whose earlier problems left the site cold compiled the Vector
     * API's fallback into the packing for good, allocating on every execute.
     *
     * @param k           rows (the channels of a group)
     * @param w           columns to pack
     * @param src         the channels-last input
     * @param srcOff      where column 0's first channel is in {@code src}
     * @param pixelStride floats from one column (position) to the next: all the input's channels
     * @param dst         the packed B
     * @param dstOff      where the packed B starts in {@code dst}, in floats
     * @param dstCol      the packed column of the first packed column
     */
    public static void packBColumnsChannelsLast(int k, int w, float[] src, int srcOff, int pixelStride,
                                                MemorySegment dst, int dstOff, int dstCol) {
        int panelStride = k * NR;
        for (int j = 0; j < w; j++) {
            int col = dstCol + j;
            int q = col / NR;
            int d = dstOff + q * panelStride + col - q * NR;
            int s = srcOff + j * pixelStride;
            for (int p = 0; p < k; p++) {
                dst.setAtIndex(ValueLayout.JAVA_FLOAT, d + p * NR, src[s + p]);
            }
        }
    }

    /**
     * {@link #packBColumnsChannelsLast(int, int, float[], int, int, MemorySegment, int, int)} from a
     * native segment ({@code src}'s float i at byte 4·i): each float read and written alone, one
     * column (position) after the other; each column's {@code k} channels are contiguous in {@code src}.
     *
     * @param k           rows (the channels of a group)
     * @param w           columns to pack
     * @param src         the channels-last input
     * @param srcOff      the float index of column 0's first channel in {@code src}
     * @param pixelStride floats from one column (position) to the next: all the input's channels
     * @param dst         the packed B
     * @param dstOff      where the packed B starts in {@code dst}, in floats
     * @param dstCol      the packed column of the first packed column
     */
    public static void packBColumnsChannelsLast(int k, int w, MemorySegment src, int srcOff, int pixelStride,
                                                MemorySegment dst, int dstOff, int dstCol) {
        int panelStride = k * NR;
        for (int j = 0; j < w; j++) {
            int col = dstCol + j;
            int q = col / NR;
            int d = dstOff + q * panelStride + col - q * NR;
            long s = 4L * (srcOff + (long) j * pixelStride);
            for (int p = 0; p < k; p++) {
                dst.setAtIndex(ValueLayout.JAVA_FLOAT, d + p * NR, src.get(ValueLayout.JAVA_FLOAT_UNALIGNED, s + 4L * p));
            }
        }
    }

    /**
     * Zeroes the columns of the last panel past {@code n} (so padded columns compute zeros, not garbage),
     * for a B packed by code that leaves them ({@link #packBColumnsChannelsLast}; {@link #packBColumns}
     * zeroes them itself). Element by element, with no vector: it runs once per column tile, too
     * rarely for the JIT to compile vector code here before the kernels' first timed runs.
     *
     * @param k      rows (the depth of the packed B)
     * @param n      the real columns
     * @param dst    the packed B
     * @param dstOff where the packed B starts in {@code dst}, in floats
     */
    public static void zeroBTail(int k, int n, MemorySegment dst, int dstOff) {
        int rem = n % NR;
        if (rem == 0) {
            return;
        }
        int base = dstOff + (n / NR) * k * NR;
        for (int p = 0; p < k; p++) {
            for (int j = base + p * NR + rem, e = base + p * NR + NR; j < e; j++) {
                dst.setAtIndex(ValueLayout.JAVA_FLOAT, j, 0f);
            }
        }
    }
}
