package dev.convt.vector.gemm;

import java.lang.foreign.MemorySegment;
import java.util.Objects;

/**
 * Single-precision GEMM on the Vector API in the BLIS shape: packed A and B panels
 * ({@link Packing}), cache blocks ({@link Blocking}) and one register-tile micro-kernel
 * ({@link SgemmMicroKernel}).
 *
 * <p>{@link #multiplyPacked} is the blocked core on already packed operands (the im2col kernel calls
 * it with weights packed once per plan). An instance is a reusable workspace for the general
 * row-major {@link #multiply}; it is not thread-safe (use one per thread).
 *
 * <p>Summation order: each {@code C[i][j]} is a chain of fused multiply-adds over k in increasing
 * order, starting at −0, the identity of float addition (one rounding per term): products that are
 * all −0 sum to −0, as the float sum of those products does.
 */
public final class Sgemm {
    private static final int MR = Blocking.MR;
    private static final int NR = Blocking.NR;
    private static final int KC = Blocking.KC;
    private static final int MC = Blocking.MC;

    private float[] packedA = new float[0];
    private MemorySegment packedB = MemorySegment.NULL;
    private float[] cTile = new float[0];

    /** A workspace for {@link #multiply}, empty until the first call sizes it. */
    public Sgemm() {}

    /**
     * The blocked core: {@code C = Apanels · Bpanels} for the {@code mPanels} packed A panels from
     * panel {@code panelFrom} of a packed A of depth {@code k} and {@code mPadded} rows (at
     * {@code apOff}), and the first {@code n} columns of a packed B (its first panel at {@code bpOff}),
     * into the padded block {@code C[0 .. mPanels·MR)[0 .. Blocking.paddedColumns(n))} at
     * {@code cOff} with leading dimension {@code ldc ≥ Blocking.paddedColumns(n)}. C is overwritten
     * (not added to). For the A block to stay in L2, callers pass at most {@code MC / MR} panels.
     *
     * @param k         depth, ≥ 1
     * @param ap        packed A ({@link Packing#packA})
     * @param apOff     where the packed A starts in {@code ap}
     * @param mPadded   the packed A's rows, a multiple of {@link Blocking#MR}
     * @param panelFrom the first A panel to multiply
     * @param mPanels   how many A panels to multiply
     * @param bp        packed B ({@link Packing#packB}), depth {@code k}
     * @param bpOff     where the packed B's first panel starts in {@code bp}, in floats
     * @param n         columns, ≥ 1
     * @param c         receives the C block
     * @param cOff      where the C block starts in {@code c}
     * @param ldc       C's leading dimension, ≥ {@code Blocking.paddedColumns(n)}
     */
    public static void multiplyPacked(int k, float[] ap, int apOff, int mPadded, int panelFrom, int mPanels,
                                      MemorySegment bp, int bpOff, int n, float[] c, int cOff, int ldc) {
        // the last two panels as one wide tile when the last is at most half full
        multiplyBlocks(k, k, Blocking.usesWideTail(n), ap, apOff, mPadded, panelFrom, mPanels, bp, bpOff, n, c, cOff, ldc);
    }

    /**
     * Where the last K block of depth {@code k} starts: 0 for a depth of one block.
     *
     * @param k the depth, ≥ 1
     * @return the largest multiple of {@link Blocking#KC} below {@code k}
     */
    public static int lastBlockStart(int k) {
        return (k - 1) / KC * KC;
    }

    /**
     * {@link #multiplyPacked}'s K blocks before the last one ({@link #lastBlockStart}; nothing for a
     * depth of one block), every column panel a narrow tile: C holds each element's FMA chain over
     * depth {@code [0, lastBlockStart(k))}, for a caller that runs the last block's tiles itself
     * (from these sums, {@link SgemmMicroKernel#computeZip}). Same operands and blocking as
     * {@link #multiplyPacked}; C's leading dimension at least {@code n} rounded up to whole panels.
     *
     * @param k         depth, ≥ 1
     * @param ap        packed A ({@link Packing#packA})
     * @param apOff     where the packed A starts in {@code ap}
     * @param mPadded   the packed A's rows, a multiple of {@link Blocking#MR}
     * @param panelFrom the first A panel to multiply
     * @param mPanels   how many A panels to multiply
     * @param bp        packed B ({@link Packing#packB}), depth {@code k}
     * @param bpOff     where the packed B's first panel starts in {@code bp}, in floats
     * @param n         columns, ≥ 1
     * @param c         receives the C block
     * @param cOff      where the C block starts in {@code c}
     * @param ldc       C's leading dimension, ≥ {@code n} rounded up to a multiple of {@link Blocking#NR}
     */
    public static void multiplyLeadingBlocks(int k, float[] ap, int apOff, int mPadded, int panelFrom, int mPanels,
                                             MemorySegment bp, int bpOff, int n, float[] c, int cOff, int ldc) {
        multiplyBlocks(k, lastBlockStart(k), false, ap, apOff, mPadded, panelFrom, mPanels, bp, bpOff, n, c, cOff, ldc);
    }

    // BEGIN template for gen_segments.py
    /**
     * {@link #multiplyPacked} with B read in place ({@link SgemmMicroKernel#computeStrided}): the
     * first {@code n} columns (a multiple of {@link Blocking#NR}) of a row-major B of depth
     * {@code k} whose row {@code p} starts at {@code b[bOff + p·ldb]}, into
     * {@code C[0 .. mPanels·MR)[0 .. n)} at {@code cOff} with leading dimension {@code ldc ≥ n}. The
     * same FMA chains as {@link #multiplyPacked}, so C is bitwise the same, in K blocks of
     * {@link Blocking#stridedDepth} rows (B's rows are streams through memory): each C tile walks
     * a block's rows before the next tile. For GEMMs of few rows ({@link Blocking#UNPACKED_B_MAX_PANELS}), which would
     * reuse each packed B panel only a few times. A native-segment twin (same name, B a
     * {@code MemorySegment}) is generated from this method.
     *
     * @param k         depth, ≥ 1
     * @param ap        packed A ({@link Packing#packA})
     * @param apOff     where the packed A starts in {@code ap}
     * @param mPadded   the packed A's rows, a multiple of {@link Blocking#MR}
     * @param panelFrom the first A panel to multiply
     * @param mPanels   how many A panels to multiply
     * @param b         B, row-major: every row's first {@code n} values inside the array
     * @param bOff      where B's first row starts in {@code b}
     * @param ldb       the distance between B's rows, ≥ n
     * @param n         columns, a positive multiple of {@link Blocking#NR}
     * @param c         receives the C block
     * @param cOff      where the C block starts in {@code c}
     * @param ldc       C's leading dimension, ≥ {@code n}
     */
    public static void multiplyStrided(int k, float[] ap, int apOff, int mPadded, int panelFrom, int mPanels,
                                       float[] b, int bOff, int ldb, int n, float[] c, int cOff, int ldc) {
        multiplyStrided(Blocking.stridedDepth(mPanels), k, ap, apOff, mPadded, panelFrom, mPanels, b, bOff, ldb, n, c, cOff, ldc);
    }

    /**
     * {@link #multiplyStrided} in K blocks of {@code depth} rows (at least 1; more than {@code k}
     * for one block of the whole depth) instead of the configured ones: every C tile walks a
     * block's rows of B, in calls of the micro-kernel that each stay inside one of packed A's K
     * blocks, before the next tile. The sums are the same for every depth.
     *
     * @param depth     the rows of B walked per C tile, ≥ 1
     * @param k         depth, ≥ 1
     * @param ap        packed A ({@link Packing#packA})
     * @param apOff     where the packed A starts in {@code ap}
     * @param mPadded   the packed A's rows, a multiple of {@link Blocking#MR}
     * @param panelFrom the first A panel to multiply
     * @param mPanels   how many A panels to multiply
     * @param b         B, row-major: every row's first {@code n} values inside the array
     * @param bOff      where B's first row starts in {@code b}
     * @param ldb       the distance between B's rows, ≥ n
     * @param n         columns, a positive multiple of {@link Blocking#NR}
     * @param c         receives the C block
     * @param cOff      where the C block starts in {@code c}
     * @param ldc       C's leading dimension, ≥ {@code n}
     */
    public static void multiplyStrided(int depth, int k, float[] ap, int apOff, int mPadded, int panelFrom, int mPanels,
                                       float[] b, int bOff, int ldb, int n, float[] c, int cOff, int ldc) {
        int nPanels = n / NR;
        for (int from = 0, to; from < k; from = to) {
            to = from + Math.min(depth, k - from);
            for (int q = 0; q < nPanels; q++) {
                int cq = cOff + q * NR;
                for (int r = 0; r < mPanels; r++) {
                    // A is packed in K blocks of KC (Packing.packA): a call takes this block's rows of
                    // the packed block holding them and never reaches past it; B's rows run on unbroken
                    for (int pc = from; pc < to; ) {
                        int packedFrom = pc / KC * KC, packedDepth = Math.min(KC, k - packedFrom);
                        int kc = Math.min(to, packedFrom + packedDepth) - pc;
                        int aPanel = apOff + packedFrom * mPadded + (panelFrom + r) * packedDepth * MR + (pc - packedFrom) * MR;
                        SgemmMicroKernel.computeStrided(kc, ap, aPanel, b, bOff + pc * ldb + q * NR, ldb,
                                c, cq + r * MR * ldc, ldc, pc > 0);
                        pc += kc;
                    }
                }
            }
        }
    }
    // END template
    // BEGIN GENERATED by gen_segments.py from the template above (b as native MemorySegments, float i at byte 4·i); do not edit: change the template and rerun the script.

    /**
     * {@link #multiplyPacked} with B read in place ({@link SgemmMicroKernel#computeStrided}): the
     * first {@code n} columns (a multiple of {@link Blocking#NR}) of a row-major B of depth
     * {@code k} whose row {@code p} starts at {@code b[bOff + p·ldb]}, into
     * {@code C[0 .. mPanels·MR)[0 .. n)} at {@code cOff} with leading dimension {@code ldc ≥ n}. The
     * same FMA chains as {@link #multiplyPacked}, so C is bitwise the same, in K blocks of
     * {@link Blocking#stridedDepth} rows (B's rows are streams through memory): each C tile walks
     * a block's rows before the next tile. For GEMMs of few rows ({@link Blocking#UNPACKED_B_MAX_PANELS}), which would
     * reuse each packed B panel only a few times. A native-segment twin (same name, B a
     * {@code MemorySegment}) is generated from this method.
     *
     * @param k         depth, ≥ 1
     * @param ap        packed A ({@link Packing#packA})
     * @param apOff     where the packed A starts in {@code ap}
     * @param mPadded   the packed A's rows, a multiple of {@link Blocking#MR}
     * @param panelFrom the first A panel to multiply
     * @param mPanels   how many A panels to multiply
     * @param b         B, row-major: every row's first {@code n} values inside the array
     * @param bOff      where B's first row starts in {@code b}
     * @param ldb       the distance between B's rows, ≥ n
     * @param n         columns, a positive multiple of {@link Blocking#NR}
     * @param c         receives the C block
     * @param cOff      where the C block starts in {@code c}
     * @param ldc       C's leading dimension, ≥ {@code n}
     */
    public static void multiplyStrided(int k, float[] ap, int apOff, int mPadded, int panelFrom, int mPanels,
                                       MemorySegment b, int bOff, int ldb, int n, float[] c, int cOff, int ldc) {
        multiplyStrided(Blocking.stridedDepth(mPanels), k, ap, apOff, mPadded, panelFrom, mPanels, b, bOff, ldb, n, c, cOff, ldc);
    }

    /**
     * {@link #multiplyStrided} in K blocks of {@code depth} rows (at least 1; more than {@code k}
     * for one block of the whole depth) instead of the configured ones: every C tile walks a
     * block's rows of B, in calls of the micro-kernel that each stay inside one of packed A's K
     * blocks, before the next tile. The sums are the same for every depth.
     *
     * @param depth     the rows of B walked per C tile, ≥ 1
     * @param k         depth, ≥ 1
     * @param ap        packed A ({@link Packing#packA})
     * @param apOff     where the packed A starts in {@code ap}
     * @param mPadded   the packed A's rows, a multiple of {@link Blocking#MR}
     * @param panelFrom the first A panel to multiply
     * @param mPanels   how many A panels to multiply
     * @param b         B, row-major: every row's first {@code n} values inside the array
     * @param bOff      where B's first row starts in {@code b}
     * @param ldb       the distance between B's rows, ≥ n
     * @param n         columns, a positive multiple of {@link Blocking#NR}
     * @param c         receives the C block
     * @param cOff      where the C block starts in {@code c}
     * @param ldc       C's leading dimension, ≥ {@code n}
     */
    public static void multiplyStrided(int depth, int k, float[] ap, int apOff, int mPadded, int panelFrom, int mPanels,
                                       MemorySegment b, int bOff, int ldb, int n, float[] c, int cOff, int ldc) {
        int nPanels = n / NR;
        for (int from = 0, to; from < k; from = to) {
            to = from + Math.min(depth, k - from);
            for (int q = 0; q < nPanels; q++) {
                int cq = cOff + q * NR;
                for (int r = 0; r < mPanels; r++) {
                    // A is packed in K blocks of KC (Packing.packA): a call takes this block's rows of
                    // the packed block holding them and never reaches past it; B's rows run on unbroken
                    for (int pc = from; pc < to; ) {
                        int packedFrom = pc / KC * KC, packedDepth = Math.min(KC, k - packedFrom);
                        int kc = Math.min(to, packedFrom + packedDepth) - pc;
                        int aPanel = apOff + packedFrom * mPadded + (panelFrom + r) * packedDepth * MR + (pc - packedFrom) * MR;
                        SgemmMicroKernel.computeStrided(kc, ap, aPanel, b, bOff + pc * ldb + q * NR, ldb,
                                c, cq + r * MR * ldc, ldc, pc > 0);
                        pc += kc;
                    }
                }
            }
        }
    }
    // END GENERATED

    /** The K blocks of {@code [0, kEnd)} of depth {@code k}, the last two column panels as one wide tile when {@code wide}. */
    private static void multiplyBlocks(int k, int kEnd, boolean wide, float[] ap, int apOff, int mPadded, int panelFrom, int mPanels,
                                       MemorySegment bp, int bpOff, int n, float[] c, int cOff, int ldc) {
        int nPanels = (n + NR - 1) / NR;
        int narrowPanels = wide ? nPanels - 2 : nPanels;
        for (int pc = 0; pc < kEnd; pc += KC) {
            int kc = Math.min(KC, k - pc);
            boolean accumulate = pc > 0;
            int aPanelStride = kc * MR;
            int aBlock = apOff + pc * mPadded + panelFrom * aPanelStride;
            for (int q = 0; q < narrowPanels; q++) {
                int b = bpOff + q * k * NR + pc * NR;
                int cq = cOff + q * NR;
                for (int r = 0; r < mPanels; r++) {
                    SgemmMicroKernel.compute(kc, ap, aBlock + r * aPanelStride, bp, b, c, cq + r * MR * ldc, ldc, accumulate);
                }
            }
            if (wide) {
                int q = narrowPanels;
                int b = bpOff + q * k * NR + pc * NR;
                int cq = cOff + q * NR;
                for (int r = 0; r < mPanels; r++) {
                    SgemmMicroKernel.computeWide(kc, ap, aBlock + r * aPanelStride, bp, b, b + k * NR, c, cq + r * MR * ldc, ldc, accumulate);
                }
            }
        }
    }

    /**
     * {@code C = A · B} for row-major {@code A (m × k)}, {@code B (k × n)}, {@code C (m × n)}, with
     * leading dimensions {@code lda ≥ k}, {@code ldb ≥ n}, {@code ldc ≥ n}. Packs A once and B per
     * N tile (packing included in the cost). Writes only the m × n elements of C.
     *
     * @param m    rows of A and C
     * @param n    columns of B and C
     * @param k    columns of A, rows of B (the depth); 0 makes C zero
     * @param a    A
     * @param aOff where {@code A[0][0]} is in {@code a}
     * @param lda  A's leading dimension
     * @param b    B
     * @param bOff where {@code B[0][0]} is in {@code b}
     * @param ldb  B's leading dimension
     * @param c    C, overwritten
     * @param cOff where {@code C[0][0]} is in {@code c}
     * @param ldc  C's leading dimension
     * @throws IllegalArgumentException if a size is negative, a leading dimension too small, or a
     *                                  buffer too short for its offset and shape
     */
    public void multiply(int m, int n, int k, float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                         float[] c, int cOff, int ldc) {
        check("a", a, aOff, m, k, lda);
        check("b", b, bOff, k, n, ldb);
        check("c", c, cOff, m, n, ldc);
        if (m == 0 || n == 0) {
            return;
        }
        if (k == 0) {
            for (int i = 0; i < m; i++) {
                java.util.Arrays.fill(c, cOff + i * ldc, cOff + i * ldc + n, 0f);
            }
            return;
        }
        int nc = Math.min(Blocking.ncFor(k), Blocking.paddedColumns(n));
        packedA = ensure(packedA, Packing.packedALength(m, k));
        int bLength = Packing.packedBLength(k, nc);
        if (packedB.byteSize() < 4L * bLength) {
            packedB = Packing.newPackedB(bLength);
        }
        cTile = ensure(cTile, MC * nc);
        Packing.packA(m, k, a, aOff, lda, 1, packedA, 0);
        for (int jc = 0; jc < n; jc += nc) {
            int w = Math.min(nc, n - jc);
            int ldt = Blocking.paddedColumns(w);
            Packing.packB(k, w, b, bOff + jc, ldb, packedB, 0);
            for (int ic = 0; ic < m; ic += MC) {
                int h = Math.min(MC, m - ic);
                multiplyPacked(k, packedA, 0, Blocking.roundUp(m, MR), ic / MR, (h + MR - 1) / MR, packedB, 0, w, cTile, 0, ldt);
                for (int i = 0; i < h; i++) {
                    System.arraycopy(cTile, i * ldt, c, cOff + (ic + i) * ldc + jc, w);
                }
            }
        }
    }

    private static float[] ensure(float[] buf, int length) {
        return buf.length >= length ? buf : new float[length];
    }

    private static void check(String name, float[] buf, int off, int rows, int cols, int ld) {
        Objects.requireNonNull(buf, name);
        if (rows < 0 || cols < 0) {
            throw new IllegalArgumentException(name + ": sizes must be non-negative, but got " + rows + " x " + cols);
        }
        if (ld < cols) {
            throw new IllegalArgumentException("ld" + name + " must be at least the column count " + cols + ", but got " + ld);
        }
        long need = rows == 0 || cols == 0 ? 0 : (long) (rows - 1) * ld + cols;
        if (off < 0 || off + need > buf.length) {
            throw new IllegalArgumentException(name + " buffer too small: length " + buf.length + ", offset " + off
                    + ", but " + rows + " x " + cols + " with leading dimension " + ld + " needs " + need + " elements");
        }
    }
}
