package dev.convt.tests.kernels;

import dev.convt.vector.gemm.Blocking;
import dev.convt.vector.gemm.Packing;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.List;

import static org.junit.jupiter.api.Assertions.fail;

/**
 * {@link Packing#packBColumns} assembling one packed B from pieces, in increasing column order from
 * any first column, over a B that holds NaN everywhere before: the columns before the first piece are
 * untouched, every packed column holds its source values and every column of the last panel past the
 * last piece is +0, with no {@link Packing#zeroBTail} after it (the im2col kernel relies on that for
 * channels-first inputs). Pieces of any width: ones that end inside their first (head) panel, tails of
 * less and more than one vector, whole panels, and sources whose last rows end within a panel's width
 * of the array's end (the tail's element-by-element path).
 */
class PackingTest {

    @Provide
    Arbitrary<List<Integer>> widths() {
        return Arbitraries.integers().between(1, 3 * Blocking.NR + 5).list().ofMinSize(1).ofMaxSize(4);
    }

    @Property(tries = 200)
    void piecesInColumnOrderLeaveZeroPadding(@ForAll("widths") List<Integer> widths, @ForAll @IntRange(min = 1, max = 40) int k,
                                             @ForAll @IntRange(min = 0, max = 7) int ldbExtra, @ForAll boolean atArrayEnd,
                                             @ForAll @IntRange(min = 0, max = 63) int firstColumn) {
        int nr = Blocking.NR;
        int first = firstColumn % nr;
        int n = first + widths.stream().mapToInt(Integer::intValue).sum();
        int panels = (n + nr - 1) / nr;
        MemorySegment b = Packing.newPackedB(Packing.packedBLength(k, n));
        for (long i = 0; i < b.byteSize() / 4; i++) {
            b.setAtIndex(ValueLayout.JAVA_FLOAT, i, Float.NaN);
        }
        // each piece its own source, k rows of ldb floats; value = piece·1e4 + row·100 + column
        int col = first;
        float[][] sources = new float[widths.size()][];
        for (int piece = 0; piece < widths.size(); piece++) {
            int w = widths.get(piece), ldb = w + ldbExtra;
            // at the array's end: the last row's columns end exactly there
            int srcOff = atArrayEnd ? 0 : 3;
            float[] src = new float[srcOff + (k - 1) * ldb + w + (atArrayEnd ? 0 : 2 * nr)];
            for (int p = 0; p < k; p++) {
                for (int j = 0; j < w; j++) {
                    src[srcOff + p * ldb + j] = piece * 1e4f + p * 100 + j;
                }
            }
            sources[piece] = src;
            Packing.packBColumns(k, w, src, srcOff, ldb, b, 0, col);
            col += w;
        }
        for (int q = 0; q < panels; q++) {
            for (int p = 0; p < k; p++) {
                for (int j = 0; j < nr; j++) {
                    int c = q * nr + j;
                    float got = b.getAtIndex(ValueLayout.JAVA_FLOAT, (long) q * k * nr + (long) p * nr + j);
                    float want = c < first ? Float.NaN : 0f;
                    if (c >= first && c < n) {
                        int piece = 0, start = first;
                        while (c >= start + widths.get(piece)) {
                            start += widths.get(piece);
                            piece++;
                        }
                        want = piece * 1e4f + p * 100 + (c - start);
                    }
                    if (Float.floatToRawIntBits(got) != Float.floatToRawIntBits(want)) {
                        fail("packed B column " + c + " row " + p + " holds " + got + ", not " + want + " (pieces " + widths
                                + " from column " + first + ", k " + k + ", ldb + " + ldbExtra + (atArrayEnd ? ", sources ending at their array's end" : "") + ")");
                    }
                }
            }
        }
    }
}
