package dev.convt.vector.scatter;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * Every tuning constant of the scatter kernel, in one place. The register tiles stay at or below
 * 9 accumulators (VECTOR-API-NOTES.md: beyond that C2 spills on 16 ymm registers).
 */
public final class ScatterTuning {
    private ScatterTuning() {}

    /** The float species of every scatter micro-kernel; {@code static final} so C2 folds it. */
    public static final VectorSpecies<Float> SPECIES = FloatVector.SPECIES_PREFERRED;

    /** Lanes per vector. */
    public static final int V = SPECIES.length();

    /** Output channels per register block when a group has at least this many (else blocks of 1). */
    public static final int CO_BLOCK = 4;

    /** Vectors along the width per tile with {@link #CO_BLOCK} channels: 4 × 2 = 8 accumulators. */
    public static final int TILE_WIDE_CO = 2;

    /** Vectors along the width per tile with one channel. */
    public static final int TILE_ONE_CO = 8;

    /**
     * Automatic choice: take the problem when a group has at most this many input channels per
     * output channel block of work (grouped/depthwise layers, where a GEMM has a tiny inner dimension).
     */
    public static final int AUTO_MAX_IN_PER_GROUP = 16;

    /** Automatic choice: take the problem when a group has at most this many output channels (a GEMM with tiny M). */
    public static final int AUTO_MAX_OUT_PER_GROUP = 4;
}
