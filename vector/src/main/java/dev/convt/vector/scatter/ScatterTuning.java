package dev.convt.vector.scatter;

import dev.convt.vector.VectorConfig;
import jdk.incubator.vector.VectorSpecies;

/**
 * Every tuning constant of the scatter kernel, in one place. The register tiles stay at or below
 * 9 accumulators (VECTOR-API-NOTES.md: beyond that C2 spills on 16 ymm registers).
 */
public final class ScatterTuning {
    private ScatterTuning() {}

    /** The species of the phase micro-kernels: the configured one ({@link VectorConfig#SPECIES}); {@code static final} so C2 folds it. */
    public static final VectorSpecies<Float> PHASE_SPECIES = VectorConfig.SPECIES;

    /** Lanes per phase vector. */
    public static final int PHASE_V = PHASE_SPECIES.length();

    /**
     * The species of the tap-vector micro-kernels: the configured one too (one vector shape per
     * JVM, see {@link VectorConfig}).
     */
    public static final VectorSpecies<Float> TAP_SPECIES = VectorConfig.SPECIES;

    /** Lanes per tap vector. */
    public static final int TAP_V = TAP_SPECIES.length();

    /** Output channels per register block when a group has at least this many (else blocks of 1). */
    public static final int CO_BLOCK = 4;

    /**
     * The phase tile of {@link #CO_BLOCK} channels, by the configuration's register count
     * ({@link VectorConfig#REGISTERS}): 4 × 4 vectors (16 accumulators, 4 input vectors and a
     * broadcast live at once) with 32 registers, 4 × 2 (8 accumulators) with 16, where 4 × 4
     * would spill. With 32 registers the wider tile loads 8 operands per 16 multiply-adds against
     * 6 per 8, and has enough independent sums to cover the multiply-add latency.
     */
    static final PhaseMicroKernels.Wide WIDE = VectorConfig.REGISTERS >= 32 ? PhaseMicroKernels.Wide.C4X4 : PhaseMicroKernels.Wide.C4X2;

    /**
     * The paired-phase tile of {@link #CO_BLOCK} channels (stride 2, both phases at once, stored
     * zipped), by register count as {@link #WIDE}: 4 × 2 vectors × 2 phases (16 accumulators, 2
     * input vectors and a broadcast live) with 32 registers, 4 × 1 × 2 (8) with 16.
     */
    static final PhaseMicroKernels.Paired PAIRED = VectorConfig.REGISTERS >= 32 ? PhaseMicroKernels.Paired.P4X2 : PhaseMicroKernels.Paired.P4X1;

    /** Vectors along the width per phase and paired-phase tile ({@link #PAIRED}'s). */
    public static final int TILE_PAIRED = PAIRED.vectors;

    /** Vectors along the width per phase tile with {@link #CO_BLOCK} channels ({@link #WIDE}'s). */
    public static final int TILE_WIDE_CO = WIDE.vectors;

    /** Vectors along the width per tap-vector tile with {@link #CO_BLOCK} channels (4 × 2 = 8 accumulators). */
    public static final int TAP_TILE_WIDE_CO = 2;

    /** Vectors along the width per tile with one channel (the rest of a row in masked tiles of {@link #TILE_ONE_CO_MID}). */
    public static final int TILE_ONE_CO = 8;

    /** Vectors of the masked one-channel tile that finishes a row. */
    public static final int TILE_ONE_CO_MID = 4;

    /**
     * Taps (input channel × kernel row × kernel column) a tile sums before its partial result is
     * stored: input channels are taken in passes of about this many taps, so the input rows of a pass
     * stay in L1 while the tiles and phases of an output row reuse them.
     */
    public static final int MAX_TAPS_PER_PASS = 96;

    /**
     * Multiply-adds an output element counts for when tasks are sized ({@link ScatterPlan#work()}):
     * the time to write it (and its row's edges) measured in the time of this many multiply-adds of
     * the GEMM path, which {@link dev.convt.Parallelism#DEFAULT_MIN_TASK_WORK} was chosen for.
     * A layer with few taps per output is bound by writing its output, so without this its
     * multiply-adds alone would cut it into too few tasks to balance two cores.
     */
    public static final long OUTPUT_WORK = 16;

    /** Automatic choice: grouped layers with at most this many input channels per group go to scatter. */
    public static final int AUTO_MAX_IN_PER_GROUP = 16;

    /**
     * Automatic choice: rank-1 layers of kernel 4 and stride 2 ({@link ScatterPlan#pairsDensely})
     * with at most this many input channels per group go to scatter, whose paired tiles sum each
     * output's taps in registers and store both phases zipped; with more, the GEMM's deep K blocks
     * win.
     */
    public static final int AUTO_MAX_IN_PAIRED = 128;
}
