package dev.convt.tests.kernels;

import dev.convt.vector.VectorConfig;
import dev.convt.vector.gemm.Blocking;
import dev.convt.vector.gemm.SgemmMicroKernel;
import dev.convt.vector.scatter.ScatterTuning;
import jdk.incubator.vector.FloatVector;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The one vector configuration: the override properties, the register count per architecture, and
 * every kernel reading its species and tile from it. Runs in every surefire execution, so each
 * width's JVM checks that it really got the width it asked for.
 */
class VectorConfigTest {

    @Test
    void theConfiguredWidthIsTheOverrideCappedAtThePreferredWidth() {
        int preferred = FloatVector.SPECIES_PREFERRED.vectorBitSize();
        String asked = System.getProperty(VectorConfig.BITS_PROPERTY);
        // blank means unset, as VectorConfig reads it (the mutation profile passes the property blank)
        int expected = asked == null || asked.isBlank() ? preferred : Math.min(preferred, Integer.parseInt(asked.strip()));
        assertEquals(expected, VectorConfig.BITS, VectorConfig.describe());
        assertEquals(expected, VectorConfig.SPECIES.vectorBitSize());
        assertEquals(expected / 32, VectorConfig.LANES);
    }

    /** The log line names the configured width, lanes, registers, SGEMM tile and streamed depth, and the preferred width only when it differs. */
    @Test
    void theDescriptionNamesTheConfiguration() {
        String d = VectorConfig.describe();
        assertTrue(d.startsWith(VectorConfig.BITS + "-bit"), d);
        assertTrue(d.contains("(" + VectorConfig.LANES + " lanes)"), d);
        assertTrue(d.contains(VectorConfig.REGISTERS + " registers"), d);
        String depth = VectorConfig.STREAMED_DEPTH == VectorConfig.WHOLE_DEPTH ? "whole" : String.valueOf(VectorConfig.STREAMED_DEPTH);
        assertTrue(d.endsWith(VectorConfig.GEMM_TILE.name().toLowerCase(java.util.Locale.ROOT) + ", streamed depth " + depth), d);
        assertEquals(VectorConfig.BITS != VectorConfig.PREFERRED_BITS, d.contains("of " + VectorConfig.PREFERRED_BITS + " preferred"), d);
    }

    @Test
    void everyKernelReadsTheOneSpeciesAndTile() {
        assertSame(VectorConfig.SPECIES, Blocking.SPECIES);
        assertSame(VectorConfig.SPECIES, ScatterTuning.PHASE_SPECIES);
        assertSame(VectorConfig.SPECIES, ScatterTuning.TAP_SPECIES);
        assertSame(VectorConfig.GEMM_TILE, Blocking.TILE);
        assertEquals(VectorConfig.STREAMED_DEPTH, Blocking.STRIDED_KC);
        assertEquals(VectorConfig.GEMM_TILE.rows, Blocking.MR);
        assertEquals(VectorConfig.GEMM_TILE.vectors * VectorConfig.LANES, Blocking.NR);
        // the wide tail only from 8 lanes (Blocking.WIDE_TAIL: at 4 lanes its one method outgrew C2's parse budget)
        assertEquals(VectorConfig.GEMM_TILE.wideTail && VectorConfig.LANES >= 8, Blocking.WIDE_TAIL);
        // scatter's 4-channel phase tile: 4 vectors (16 accumulators) with 32 registers, 2 with 16
        assertEquals(VectorConfig.REGISTERS >= 32 ? 4 : 2, ScatterTuning.TILE_WIDE_CO);
        String regs = System.getProperty(VectorConfig.REGISTERS_PROPERTY);
        if (regs != null && !regs.isBlank()) {
            assertEquals(Integer.parseInt(regs.strip()), VectorConfig.REGISTERS);
        }
    }

    @Test
    void theTileFitsTheRegisters() {
        SgemmMicroKernel.Tile t = VectorConfig.GEMM_TILE;
        // accumulators + B vectors + one broadcast; the wide tail adds a third B vector per row
        int vectors = t.wideTail ? t.rows * (t.vectors + 1) + t.vectors + 2 : t.rows * t.vectors + t.vectors + 1;
        assertTrue(vectors <= VectorConfig.REGISTERS, t + " needs " + vectors + " of " + VectorConfig.REGISTERS + " registers");
    }

    @Test
    void theWidthOverrideTakesOnlyTheThreeWidths() {
        assertEquals(128, VectorConfig.bits("128", 512));
        assertEquals(256, VectorConfig.bits(" 256 ", 512));
        assertEquals(512, VectorConfig.bits("512", 256));
        assertEquals(256, VectorConfig.bits(null, 256));
        assertEquals(512, VectorConfig.bits("", 512));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> VectorConfig.bits("300", 512));
        assertTrue(e.getMessage().contains(VectorConfig.BITS_PROPERTY) && e.getMessage().contains("'300'"), e.getMessage());
    }

    @Test
    void registersFollowTheArchitectureUnlessOverridden() {
        assertEquals(32, VectorConfig.registers(null, "aarch64", 128));
        assertEquals(32, VectorConfig.registers(null, "amd64", 512));
        assertEquals(16, VectorConfig.registers(null, "amd64", 256));
        assertEquals(16, VectorConfig.registers(null, "amd64", 128));
        assertEquals(16, VectorConfig.registers("16", "aarch64", 512));
        assertEquals(32, VectorConfig.registers("32", "amd64", 256));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> VectorConfig.registers("24", "amd64", 512));
        assertTrue(e.getMessage().contains(VectorConfig.REGISTERS_PROPERTY) && e.getMessage().contains("'24'"), e.getMessage());
    }
}
