package dev.convt.vector;

import dev.convt.vector.gemm.SgemmMicroKernel;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;

import java.util.Locale;

/**
 * The one vector configuration of this JVM, chosen once when the class initialises: the float
 * species every kernel uses, the vector register count it assumes, and each micro-kernel's tile
 * bound to the code that implements it. Every other class reads its species and tile sizes from
 * here ({@code static final} copies, so C2 folds them), so one JVM's hot code never mixes two
 * vector shapes: with 256-bit and 512-bit {@code FloatVector} code in one JVM, the Vector API's
 * shared methods see two shapes in their type profiles, and C2 was seen to leave the SGEMM on the
 * API's boxed, allocating fallback for good in about one fresh JVM in seven.
 *
 * <p><b>Width.</b> The preferred species of the JVM ({@code FloatVector.SPECIES_PREFERRED}: 512 bits
 * on AVX-512, 256 with AVX2 or {@code -XX:UseAVX=2}, 128 on NEON or with
 * {@code -XX:MaxVectorSize=16}), unless the system property {@value #BITS_PROPERTY} asks for
 * {@code 128}, {@code 256} or {@code 512} bits (as Lucene's {@code tests.vectorsize}): then that
 * width, capped at the preferred one (wider vectors than the hardware's run on the API's slow
 * Java fallback). So the tests run every narrower width's code on any machine.
 *
 * <p><b>Registers.</b> 32 vector registers on AArch64 (NEON, SVE) and on x86 with AVX-512 (a
 * preferred width of 512 bits), 16 on other x86 (AVX2: 16 ymm), unless {@value #REGISTERS_PROPERTY}
 * says {@code 16} or {@code 32} (e.g. to run the AVX2 configuration on an AVX-512 machine). The
 * register tiles are chosen for it: C2 hoists every broadcast and B load of the SGEMM's k loop, so a
 * tile needs accumulators + B vectors + broadcasts within the register file, or it spills and its
 * throughput halves (VECTOR-API-NOTES.md).
 *
 * <p><b>Streamed depth.</b> How many rows of B a GEMM of few rows that reads its input in place
 * ({@code Sgemm.multiplyStrided}) walks per C tile before it moves to the next tile: each of those
 * rows is a different place in the input, one input plane apart, and which walk the hardware
 * prefetchers follow depends on the processor. Intel's follow up to 32 streams along the rows (its
 * L2 streamer, one per 4 KiB page) but no stride of a plane between them, so there the walk takes
 * {@value #SHORT_STREAMED_DEPTH} rows at a time; AMD's (Zen) follow a load's constant stride of a
 * plane, so there it walks the whole depth and the stride stays unbroken (Conv-TasNet's decoder,
 * 16 rows 512 deep, ran its GEMM about 1.5× slower in blocks of 48 to 256 rows than in blocks of 32
 * on an AVX-512 Xeon, and about 1.3× faster over its whole depth than in blocks of 32 on a Zen 5). The
 * vendor comes from {@code /proc/cpuinfo}; {@value #STREAMED_DEPTH_PROPERTY} overrides it. The sums
 * are the same either way: C holds each element's chain from one block to the next.
 */
public final class VectorConfig {
    private VectorConfig() {}

    /** System property overriding the vector width in bits: {@value}. */
    public static final String BITS_PROPERTY = "dev.convt.vector.bits";

    /** System property overriding the assumed vector register count: {@value}. */
    public static final String REGISTERS_PROPERTY = "dev.convt.vector.registers";

    /** System property overriding the streamed depth: {@value} ({@code whole} or a row count, e.g. {@code 32}). */
    public static final String STREAMED_DEPTH_PROPERTY = "dev.convt.gemm.streamedDepth";

    /** The streamed depth where the prefetchers follow only a few streams at once (Intel, and where the vendor is unknown). */
    public static final int SHORT_STREAMED_DEPTH = 32;

    /** The streamed depth of the whole GEMM depth: every row of B in one walk per tile. */
    public static final int WHOLE_DEPTH = Integer.MAX_VALUE;

    /** Bits of the preferred float species of this JVM (the hardware and JVM flags' width). */
    public static final int PREFERRED_BITS = FloatVector.SPECIES_PREFERRED.vectorBitSize();

    /** Bits of the configured vector: the preferred width, or the override capped at it. */
    public static final int BITS = Math.min(PREFERRED_BITS, bits(System.getProperty(BITS_PROPERTY), PREFERRED_BITS));

    /** The float species of every kernel. */
    @SuppressWarnings("exports") // the incubator module is not re-exported: its API may change between JDKs
    public static final VectorSpecies<Float> SPECIES = FloatVector.SPECIES_PREFERRED.vectorBitSize() == BITS
            ? FloatVector.SPECIES_PREFERRED
            : VectorSpecies.of(float.class, VectorShape.forBitSize(BITS));

    /** Floats per vector. */
    public static final int LANES = SPECIES.length();

    /** Vector registers the tiles may use. */
    public static final int REGISTERS = registers(System.getProperty(REGISTERS_PROPERTY),
            System.getProperty("os.arch", ""), PREFERRED_BITS);

    /**
     * Rows of B that a GEMM of few A panels reading B in place walks per C tile before the next
     * (see the class comment): {@link #WHOLE_DEPTH} on AMD processors, {@link #SHORT_STREAMED_DEPTH}
     * elsewhere, unless {@value #STREAMED_DEPTH_PROPERTY} says otherwise.
     */
    public static final int STREAMED_DEPTH = streamedDepth(System.getProperty(STREAMED_DEPTH_PROPERTY), cpuVendor());

    /**
     * The SGEMM register tile and its micro-kernel: {@code 8 × 2 vectors} (16 accumulators, and the
     * 24-accumulator wide tail) with 32 registers, {@code 4 × 2 vectors} (8 accumulators) with 16.
     * Its type lives in the SGEMM's package, which the module does not export (the kernels' insides):
     * public for that package and for the tests and benchmarks on the class path.
     */
    @SuppressWarnings("exports")
    public static final SgemmMicroKernel.Tile GEMM_TILE = REGISTERS >= 32 ? SgemmMicroKernel.Tile.F32_8X2V : SgemmMicroKernel.Tile.F32_4X2V;

    /** {@return one line for logs and benchmark reports, e.g. {@code "512-bit float vectors (16 lanes), 32 registers, SGEMM f32_8x2v"}} */
    public static String describe() {
        String bits = BITS == PREFERRED_BITS ? BITS + "-bit" : BITS + "-bit (of " + PREFERRED_BITS + " preferred)";
        return bits + " float vectors (" + LANES + " lanes), " + REGISTERS + " registers, SGEMM "
                + GEMM_TILE.name().toLowerCase(Locale.ROOT) + ", streamed depth "
                + (STREAMED_DEPTH == WHOLE_DEPTH ? "whole" : String.valueOf(STREAMED_DEPTH));
    }

    /**
     * The streamed depth a value of {@value #STREAMED_DEPTH_PROPERTY} asks for, or the one of the
     * processor vendor {@code vendor} ({@code /proc/cpuinfo}'s {@code vendor_id}, empty if unknown).
     *
     * @param value  the property's value, or null
     * @param vendor the processor's vendor id, e.g. {@code AuthenticAMD} or {@code GenuineIntel}
     * @return {@link #WHOLE_DEPTH} or a positive row count
     * @throws IllegalArgumentException if the value is neither {@code whole} nor a positive integer
     */
    public static int streamedDepth(String value, String vendor) {
        if (value != null && !value.isBlank()) {
            String v = value.strip();
            if (v.equals("whole")) {
                return WHOLE_DEPTH;
            }
            try {
                int rows = Integer.parseInt(v);
                if (rows >= 1) {
                    return rows;
                }
            } catch (NumberFormatException e) {
                // reported below
            }
            throw new IllegalArgumentException(STREAMED_DEPTH_PROPERTY + " must be 'whole' or a positive row count, but got '" + value + "'");
        }
        return vendor.equals("AuthenticAMD") ? WHOLE_DEPTH : SHORT_STREAMED_DEPTH;
    }

    /** {@return the processor's vendor id from {@code /proc/cpuinfo} (Linux), or "" where there is none or it cannot be read}. */
    private static String cpuVendor() {
        // a plain loop, no stream: a lambda's first use would bootstrap its machinery in every fresh JVM
        try (var in = java.nio.file.Files.newBufferedReader(java.nio.file.Path.of("/proc/cpuinfo"))) {
            for (String line = in.readLine(); line != null; line = in.readLine()) {
                if (line.startsWith("vendor_id")) {
                    return line.substring(line.indexOf(':') + 1).strip();
                }
            }
            return "";
        } catch (java.io.IOException | RuntimeException e) {
            // not Linux, or not readable (a sandbox): the short depth
            return "";
        }
    }

    /**
     * The width a value of {@value #BITS_PROPERTY} asks for: {@code fallback} when null or empty.
     *
     * @param value    the property's value, or null
     * @param fallback the width when no value is given
     * @return 128, 256, 512 or {@code fallback}
     * @throws IllegalArgumentException if it is not 128, 256 or 512
     */
    public static int bits(String value, int fallback) {
        if (value == null || value.isBlank()) {
            return fallback;
        }
        return switch (value.strip()) {
            case "128" -> 128;
            case "256" -> 256;
            case "512" -> 512;
            default -> throw new IllegalArgumentException(BITS_PROPERTY + " must be 128, 256 or 512, but got '" + value + "'");
        };
    }

    /**
     * The register count a value of {@value #REGISTERS_PROPERTY} asks for, or the count of the
     * architecture {@code arch} ({@code os.arch}) with the given preferred vector width.
     *
     * @param value         the property's value, or null
     * @param arch          the architecture, as {@code os.arch} names it
     * @param preferredBits the JVM's preferred float vector width in bits
     * @return 16 or 32
     * @throws IllegalArgumentException if the value is not 16 or 32
     */
    public static int registers(String value, String arch, int preferredBits) {
        if (value != null && !value.isBlank()) {
            return switch (value.strip()) {
                case "16" -> 16;
                case "32" -> 32;
                default -> throw new IllegalArgumentException(REGISTERS_PROPERTY + " must be 16 or 32, but got '" + value + "'");
            };
        }
        String a = arch.toLowerCase(Locale.ROOT);
        if (a.equals("aarch64") || a.equals("arm64")) {
            return 32;
        }
        return preferredBits >= 512 ? 32 : 16;
    }
}
