package dev.convt.tests.kernels;

import dev.convt.testkit.TestData;
import dev.convt.vector.VectorConfig;
import dev.convt.vector.gemm.Blocking;
import dev.convt.vector.gemm.Packing;
import dev.convt.vector.gemm.Sgemm;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;

import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/** The packed SGEMM alone against a naive triple loop, for sizes that hit every tile and block tail. */
class SgemmTest {

    /** Sizes below, at and past the register tile (4 × 16), the M block (64) and the K block (256). */
    @Provide
    Arbitrary<Integer> sizes() {
        return Arbitraries.oneOf(Arbitraries.integers().between(1, 40),
                Arbitraries.of(63, 64, 65, 67, 2 * Blocking.NR + 3, 129, 255, 257, 301));
    }

    @Property(tries = 60)
    void smallIntegersEqualTheNaiveLoopBitwise(@ForAll("sizes") int m, @ForAll("sizes") int n, @ForAll("sizes") int k,
                                               @ForAll @IntRange(min = 0, max = 5) int pad, @ForAll @LongRange(max = 100) long seed) {
        int lda = k + pad, ldb = n + pad, ldc = n + pad;
        float[] a = TestData.smallInts(pad + m * lda, seed);
        float[] b = TestData.smallInts(pad + k * ldb, seed + 1);
        float sentinel = 12345f;
        float[] c = new float[pad + m * ldc + pad];
        Arrays.fill(c, sentinel);
        new Sgemm().multiply(m, n, k, a, pad, lda, b, pad, ldb, c, pad, ldc);
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                float s = -0f; // the float sum of the products: -0 is the identity, so all-(-0) products sum to -0
                for (int p = 0; p < k; p++) {
                    s += a[pad + i * lda + p] * b[pad + p * ldb + j];
                }
                float got = c[pad + i * ldc + j];
                if (Float.floatToRawIntBits(s) != Float.floatToRawIntBits(got)) {
                    fail("C[" + i + "][" + j + "] = " + got + ", naive " + s + " (m=" + m + " n=" + n + " k=" + k + ")");
                }
            }
        }
        // every element outside the m × n result (offset gap, row padding, trailing gap) is untouched
        for (int idx = 0; idx < c.length; idx++) {
            int r = (idx - pad) / ldc, col = (idx - pad) % ldc;
            boolean inside = idx >= pad && r < m && col < n;
            if (!inside) {
                assertEquals(sentinel, c[idx], "wrote outside C at " + idx);
            }
        }
    }

    @Property(tries = 60)
    void randomDataIsWithinTheDotProductBound(@ForAll("sizes") int m, @ForAll("sizes") int n, @ForAll("sizes") int k,
                                              @ForAll @LongRange(max = 100) long seed) {
        float[] a = TestData.uniform(m * k, seed);
        float[] b = TestData.uniform(k * n, seed + 1);
        float[] c = new float[m * n];
        new Sgemm().multiply(m, n, k, a, 0, k, b, 0, n, c, 0, n);
        double u = 0x1p-24;
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                double exact = 0, abs = 0;
                for (int p = 0; p < k; p++) {
                    double prod = (double) a[i * k + p] * b[p * n + j];
                    exact += prod;
                    abs += Math.abs(prod);
                }
                // the standard dot-product bound, c = 2 as in DESIGN.md
                double bound = 2 * k * u * abs;
                double err = Math.abs(c[i * n + j] - exact);
                assertTrue(err <= bound, "C[" + i + "][" + j + "]: |err| " + err + " > " + bound);
            }
        }
    }

    @Property(tries = 20)
    void aWorkspaceIsReusableAcrossShapes(@ForAll("sizes") int m, @ForAll("sizes") int n, @ForAll("sizes") int k) {
        Sgemm shared = new Sgemm();
        float[] a = TestData.smallInts(m * k, 1), b = TestData.smallInts(k * n, 2);
        // a bigger call first leaves larger, dirty buffers behind
        float[] big = new float[301 * 301];
        shared.multiply(301, 301, 301, TestData.smallInts(301 * 301, 3), 0, 301, TestData.smallInts(301 * 301, 4), 0, 301, big, 0, 301);
        float[] c1 = new float[m * n], c2 = new float[m * n];
        shared.multiply(m, n, k, a, 0, k, b, 0, n, c1, 0, n);
        new Sgemm().multiply(m, n, k, a, 0, k, b, 0, n, c2, 0, n);
        assertEquals(-1, FastKernels.firstBitDifference(c2, c1));
    }

    @Property(tries = 10)
    void badArgumentsAreRejectedBeforeWriting(@ForAll @IntRange(min = 1, max = 9) int m) {
        float[] c = new float[m * 4];
        Arrays.fill(c, 7f);
        float[] a = new float[m * 3], b = new float[3 * 4];
        assertThrows(IllegalArgumentException.class, () -> new Sgemm().multiply(m, 4, 3, a, 0, 3, b, 0, 4, c, 1, 4));
        assertThrows(IllegalArgumentException.class, () -> new Sgemm().multiply(m, 4, 3, a, 0, 2, b, 0, 4, c, 0, 4));
        assertThrows(IllegalArgumentException.class, () -> new Sgemm().multiply(m, 4, 3, a, 0, 3, b, 1, 4, c, 0, 4));
        for (float v : c) {
            assertEquals(7f, v);
        }
    }

    /**
     * Deep GEMMs whose columns span several N tiles ({@link Blocking#ncFor} of the depth), the last one
     * partial: every tile past the first packs B and stores C at its own column offset. The sizes above
     * never pass one tile (ncFor(301) is above 301).
     */
    @Property(tries = 6)
    void columnsSpanningSeveralNTilesEqualTheNaiveLoop(@ForAll @IntRange(min = 1, max = 9) int m,
                                                       @ForAll @IntRange(min = 1000, max = 1100) int k,
                                                       @ForAll @IntRange(min = 1, max = 15) int extra) {
        int n = 2 * Blocking.ncFor(k) + extra, pad = 3, lda = k + 1, ldb = n + 2, ldc = n + pad;
        float[] a = TestData.smallInts(m * lda, 11), b = TestData.smallInts(k * ldb, 12);
        float[] c = new float[pad + m * ldc];
        Arrays.fill(c, 12345f);
        new Sgemm().multiply(m, n, k, a, 0, lda, b, 0, ldb, c, pad, ldc);
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < ldc; j++) {
                float expected = 12345f; // row padding is never written
                if (j < n) {
                    expected = -0f;
                    for (int p = 0; p < k; p++) {
                        expected += a[i * lda + p] * b[p * ldb + j];
                    }
                }
                float got = c[pad + i * ldc + j];
                if (Float.floatToRawIntBits(expected) != Float.floatToRawIntBits(got)) {
                    fail("C[" + i + "][" + j + "] = " + got + ", expected " + expected + " (m=" + m + " n=" + n + " k=" + k + ")");
                }
            }
        }
    }

    /**
     * Empty products: a zero depth writes +0 over the m × n result and nothing else (the empty sum);
     * zero rows or columns write nothing and are not an error, whatever the other sizes.
     */
    @Property(tries = 10)
    void emptyDimensionsAreValidAndAZeroDepthGivesZeros(@ForAll @IntRange(min = 1, max = 20) int m,
                                                        @ForAll @IntRange(min = 1, max = 40) int n) {
        int ldc = n + 2;
        float[] c = new float[1 + m * ldc];
        Arrays.fill(c, 7f);
        new Sgemm().multiply(m, n, 0, new float[0], 0, 0, new float[0], 0, n, c, 1, ldc);
        for (int idx = 0; idx < c.length; idx++) {
            int col = (idx - 1) % ldc;
            float expected = idx >= 1 && col < n ? 0f : 7f;
            assertTrue(c[idx] == expected, "C element " + idx + " = " + c[idx] + ", expected " + expected);
        }
        float[] untouched = new float[m * n];
        Arrays.fill(untouched, 7f);
        new Sgemm().multiply(0, n, 3, new float[0], 0, 3, new float[3 * n], 0, n, untouched, 0, n);
        new Sgemm().multiply(m, 0, 3, new float[m * 3], 0, 3, new float[0], 0, 0, untouched, 0, 0);
        for (float v : untouched) {
            assertEquals(7f, v);
        }
    }

    /**
     * The K block of a GEMM that reads B in place: {@link Blocking#STRIDED_KC} up to
     * {@link Blocking#STREAMED_MAX_PANELS} A panels, {@link Blocking#KC} above (a table now, so the
     * compiled GEMM has no branch on it that a warm-up of few panels could leave as a trap).
     */
    @Property(tries = 30)
    void stridedDepthIsTheShortBlockUpToTheStreamedPanelsAndKcAbove(@ForAll @IntRange(min = 1, max = 64) int panels) {
        assertEquals(panels <= Blocking.STREAMED_MAX_PANELS ? Blocking.STRIDED_KC : Blocking.KC, Blocking.stridedDepth(panels));
    }

    /**
     * The GEMM that reads B in place gives the naive loop's bits at every streamed depth: one row
     * per block, blocks that end inside packed A's K blocks and across their boundaries, the short
     * depth, a whole K block, and the whole depth ({@link VectorConfig#WHOLE_DEPTH}), whichever
     * this processor's configuration uses; with several A panels and column panels, B's rows
     * longer than its columns, and C at an offset.
     */
    @Property(tries = 24)
    void theInPlaceGemmEqualsTheNaiveLoopAtEveryStreamedDepth(
            @ForAll("streamedDepths") int depth,
            @ForAll @IntRange(min = 1, max = 20) int m,
            @ForAll @IntRange(min = 1, max = 3) int nPanels,
            @ForAll("inPlaceDepths") int k) {
        int n = nPanels * Blocking.NR, ldb = n + 5, ldc = n + 3, pad = 2;
        int mPadded = Blocking.roundUp(m, Blocking.MR), mPanels = mPadded / Blocking.MR;
        float[] a = TestData.smallInts(m * k, 21), b = TestData.smallInts(1 + k * ldb, 22);
        float[] ap = new float[Packing.packedALength(m, k)];
        Packing.packA(m, k, a, 0, k, 1, ap, 0);
        float[] c = new float[pad + mPadded * ldc];
        Arrays.fill(c, 12345f);
        Sgemm.multiplyStrided(depth, k, ap, 0, mPadded, 0, mPanels, b, 1, ldb, n, c, pad, ldc);
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                float expected = -0f;
                for (int p = 0; p < k; p++) {
                    expected += a[i * k + p] * b[1 + p * ldb + j];
                }
                float got = c[pad + i * ldc + j];
                if (Float.floatToRawIntBits(expected) != Float.floatToRawIntBits(got)) {
                    fail("C[" + i + "][" + j + "] = " + got + ", expected " + expected + " (depth=" + depth + " m=" + m + " n=" + n + " k=" + k + ")");
                }
            }
        }
    }

    @Provide
    Arbitrary<Integer> streamedDepths() {
        return Arbitraries.of(1, 7, VectorConfig.SHORT_STREAMED_DEPTH, Blocking.KC - 1, Blocking.KC, Blocking.KC + 7,
                VectorConfig.STREAMED_DEPTH, VectorConfig.WHOLE_DEPTH);
    }

    @Provide
    Arbitrary<Integer> inPlaceDepths() {
        return Arbitraries.of(1, 31, 33, Blocking.KC, Blocking.KC + 1, 2 * Blocking.KC + 17);
    }

    /** The streamed depth's property: {@code whole}, a row count, the vendor's default, and a clear error. */
    @Example
    void theStreamedDepthIsTheVendorsUnlessThePropertySaysOtherwise() {
        assertEquals(VectorConfig.WHOLE_DEPTH, VectorConfig.streamedDepth(null, "AuthenticAMD"));
        assertEquals(VectorConfig.SHORT_STREAMED_DEPTH, VectorConfig.streamedDepth("", "GenuineIntel"));
        assertEquals(VectorConfig.SHORT_STREAMED_DEPTH, VectorConfig.streamedDepth(null, ""));
        assertEquals(VectorConfig.WHOLE_DEPTH, VectorConfig.streamedDepth(" whole ", "GenuineIntel"));
        assertEquals(64, VectorConfig.streamedDepth("64", "AuthenticAMD"));
        for (String bad : new String[] {"0", "-3", "deep", "1.5"}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> VectorConfig.streamedDepth(bad, ""));
            assertTrue(e.getMessage().contains(VectorConfig.STREAMED_DEPTH_PROPERTY) && e.getMessage().contains("'" + bad + "'"), e.getMessage());
        }
    }
}
