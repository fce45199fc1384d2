package dev.convt.vector.gemm;

import dev.convt.vector.VectorConfig;
import jdk.incubator.vector.VectorSpecies;

/**
 * Every size of the packed SGEMM in one place (BLIS style): the register tile of the micro-kernel
 * and the cache blocks around it.
 *
 * <p>The register tile is the one {@link VectorConfig} chose for the register count, in vectors of
 * its species. With 16 registers (AVX2) it is {@code MR × NR = 4 × 2 vectors}: 8 accumulators + 2 B
 * vectors + broadcasts fit (the register-tile cliff of VECTOR-API-NOTES.md: 12 accumulators spill
 * and halve throughput). With 32 registers (AVX-512, NEON) it is {@code 8 × 2 vectors} (16
 * accumulators + 2 B vectors + the broadcasts): the most accumulators that leave room for the B
 * vectors and broadcasts, so each B load and each broadcast feeds the most FMAs; on AVX-512 it ran
 * ahead of 6 × 2 and 4 × 2 on L1-resident panels. Cache blocks assume a 32 KiB L1d and an L2 of at
 * least 1 MiB per core.
 */
public final class Blocking {
    private Blocking() {}

    /** The float species of every kernel in this package ({@link VectorConfig#SPECIES}); {@code static final} so C2 folds it. */
    public static final VectorSpecies<Float> SPECIES = VectorConfig.SPECIES;

    /** Floats per vector (8 with AVX2). */
    public static final int LANES = SPECIES.length();

    /** The register tile and its micro-kernel ({@link VectorConfig#GEMM_TILE}). */
    public static final SgemmMicroKernel.Tile TILE = VectorConfig.GEMM_TILE;

    /** Rows of the register tile: A values broadcast per k step (4 with 16 registers, 6 with 32). */
    public static final int MR = TILE.rows;

    /** Columns of the register tile: {@code TILE.vectors} vectors of B per k step. */
    public static final int NR = TILE.vectors * LANES;

    /**
     * Depth of one K block: a B micro-panel of {@code KC × NR} floats (16 KiB with NR = 16) stays in
     * the 32 KiB L1 while the micro-kernel sweeps the A panels of an M block across it.
     */
    public static final int KC = 256;

    /**
     * Rows of one M block (16 panels of {@link #MR}): the A block {@code MC × KC} (64 or 128 KiB) is
     * re-read from L2 for every B micro-panel; the C block {@code MC × NC} is what col2im scatters
     * while it is still in L2.
     */
    public static final int MC = 16 * MR;

    /** Byte alignment of packed B: one 64-byte cache line, so no B vector load spans two. */
    public static final int B_ALIGN = 64;

    /** Bytes allowed for one packed B tile ({@code K × NC} floats) so it stays in L2 beside the C block. */
    public static final int B_TILE_BYTES = 384 * 1024;

    /** Largest N tile (columns): bounds the C block {@code MC × NC} to 256 KiB (MR 4) or 512 KiB (MR 8). */
    public static final int NC_MAX = 1024;

    /**
     * Whether a block whose last B panel holds at most {@link #LANES} columns finishes with the wide
     * {@code MR × (NR + LANES)} tile over its last two panels instead of computing a half-empty
     * panel: where the tile has that kernel (18 accumulators fit 32 registers, not 16). Saves the
     * padding of small or odd column counts (pose_deconv1's 48 columns: 64 computed without it).
     * Not below 8 lanes: at 128 bits it saves at most 4 padded columns per block, and its 24
     * accumulators in one method outgrew C2's parse-time node budget there (its last stores left as
     * calls, their vectors boxed and allocating, wherever C2's delayed inlining did not catch them).
     */
    public static final boolean WIDE_TAIL = TILE.wideTail && LANES >= 8;

    /**
     * The N tile for a GEMM of depth {@code k}: as many whole {@link #NR} panels (half panels where
     * {@link #WIDE_TAIL} computes them without padding) as fit {@link #B_TILE_BYTES}, at least one
     * panel, at most {@link #NC_MAX} columns.
     *
     * @param k the GEMM depth
     * @return the N tile, in columns
     */
    public static int ncFor(int k) {
        long fit = B_TILE_BYTES / (4L * Math.max(1, k));
        int step = WIDE_TAIL ? LANES : NR;
        long nc = fit / step * step;
        return (int) Math.max(NR, Math.min(NC_MAX, nc));
    }

    /**
     * The columns the GEMM computes (and writes to its C block) for {@code n} columns: {@code n}
     * rounded up to whole panels, or to a half panel when the {@link #WIDE_TAIL} tile covers the last
     * two. Also the smallest leading dimension of that C block.
     *
     * @param n the real columns, ≥ 0
     * @return the computed columns, ≥ n
     */
    public static int paddedColumns(int n) {
        return WIDE_TAIL && n > NR ? roundUp(n, LANES) : roundUp(n, NR);
    }

    /**
     * Whether {@link Sgemm#multiplyPacked} computes the last two panels of {@code n} columns as one wide tile.
     *
     * @param n the real columns
     * @return true when the tile has a wide tail and the last of at least two panels is at most half full
     */
    public static boolean usesWideTail(int n) {
        int nPanels = (n + NR - 1) / NR;
        return WIDE_TAIL && nPanels >= 2 && n - (nPanels - 1) * NR <= LANES;
    }

    /**
     * A GEMM of at most this many A panels ({@link #MR} rows each) reads B in place
     * ({@link Sgemm#multiplyStrided}) where it can: packing B costs as much as the multiply when each
     * packed panel serves only a couple of A panels (Conv-TasNet's decoder: 16 rows, depth 512,
     * packing held about half the time), and still a fifth of the time with six (DCGAN's output
     * layer: 48 rows, depth 64, 8 images of 1,024 columns, 0.54 ms in place against 0.62 packed at
     * 512 bits, medians of 8 fresh JVMs each; at 256 bits, 12 panels of 4 rows, no faster in place).
     */
    public static final int UNPACKED_B_MAX_PANELS = 6;

    /**
     * ... and is at least this deep: below it a packed B tile is small and its packing cheap, and
     * the shallow warm-up proxies of other problems keep the packed path they warm.
     */
    public static final int UNPACKED_B_MIN_DEPTH = 64;

    /**
     * ... and reads in place only N tiles of at least this many whole column panels (in one image):
     * a narrower tile's packing costs little, and the deep-block warm-up proxies (two panels and a
     * half) keep the packed accumulating path they warm without more rows, whose cost each fresh
     * JVM would pay.
     */
    public static final int UNPACKED_B_MIN_PANELS = 3;

    /**
     * Rows of B a GEMM that reads B in place ({@link Sgemm#multiplyStrided}) for at most
     * {@link #STREAMED_MAX_PANELS} A panels walks per C tile before the next tile: the configuration's
     * {@link VectorConfig#STREAMED_DEPTH} (the whole depth, or 32 rows where the hardware
     * prefetchers follow only a bounded number of streams; see there). C holds each element's sum
     * from one block to the next, so the blocks change no FMA chain.
     */
    public static final int STRIDED_KC = VectorConfig.STREAMED_DEPTH;

    /**
     * ... for this many A panels or fewer; more panels reuse each B panel enough that its loads'
     * waits matter less than the C passes of short blocks (DCGAN's output layer, six panels of
     * depth 64, ran up to about 8% slower in blocks of 32, in two of three suite runs), and keep
     * the blocks of {@link #KC}.
     */
    public static final int STREAMED_MAX_PANELS = 4;

    /**
     * The K block of a GEMM of {@code panels} A panels that reads B in place.
     *
     * @param panels the A panels multiplied at once, ≥ 1
     * @return {@link #STRIDED_KC} for at most {@link #STREAMED_MAX_PANELS} panels (possibly
     *         {@link VectorConfig#WHOLE_DEPTH}), else {@link #KC}
     */
    public static int stridedDepth(int panels) {
        return STRIDED_DEPTHS[Math.clamp(panels, 0, STREAMED_MAX_PANELS + 1)];
    }

    /**
     * {@link #stridedDepth} by panel count, the last entry for every count above
     * {@link #STREAMED_MAX_PANELS}: looked up, not compared, because C2 compiles a comparison whose
     * profile saw one outcome only as a trap, and the warm-up proxies of the GEMM kernels (one output
     * channel, two panels) never saw the other: DCGAN's output layer (six panels) threw the compiled
     * GEMM away at its first execute.
     */
    private static final int[] STRIDED_DEPTHS = stridedDepths();

    private static int[] stridedDepths() {
        int[] d = new int[STREAMED_MAX_PANELS + 2];
        for (int p = 0; p < d.length; p++) {
            d[p] = p <= STREAMED_MAX_PANELS ? STRIDED_KC : KC;
        }
        return d;
    }

    /**
     * Bytes allowed for the column block of a GEMM that reads B in place across long column tiles
     * (at most {@link #UNPACKED_B_MAX_PANELS} panels of rows; see Im2colKernel's N tile): long rows
     * make each of the {@link #STRIDED_KC} streams long enough for the prefetchers to follow (the
     * decoder's tiles of 192 columns held its GEMM to about 0.75 of its speed in tiles of 2,048 or
     * more), and the block stays in a 1 MiB L2 beside the streamed rows.
     */
    public static final int IN_PLACE_BLOCK_BYTES = 512 * 1024;

    /**
     * The widest column tile of a GEMM of {@code rows} rows (a multiple of {@link #MR}) that reads B
     * in place: its column block within {@link #IN_PLACE_BLOCK_BYTES}, in whole panels, at least one.
     *
     * @param rows the GEMM's rows, padded to whole panels, ≥ 1
     * @return the widest tile, a multiple of {@link #NR}
     */
    public static int inPlaceTileColumns(int rows) {
        return Math.max(NR, IN_PLACE_BLOCK_BYTES / (4 * rows) / NR * NR);
    }

    /** {@code n} rounded up to a multiple of {@code m}. */
    public static int roundUp(int n, int m) {
        return (n + m - 1) / m * m;
    }

    /**
     * The start of piece {@code i} of {@code n} when {@code [0, length)} is cut into nearly equal
     * pieces on multiples of {@code step} (a GEMM panel: MR rows or NR columns), so that parallel
     * tasks begin on panel boundaries.
     *
     * @param length the extent to cut
     * @param n      the number of pieces, at least 1
     * @param i      the piece, {@code 0 <= i <= n}
     * @param step   the alignment, at least 1
     * @return the first position of piece {@code i}; {@code length} for {@code i >= n}
     */
    public static int pieceStart(int length, int n, int i, int step) {
        if (i >= n) {
            return length;
        }
        long units = Math.ceilDiv(length, step);
        return (int) Math.min(length, (units * i / n) * step);
    }
}
