package dev.convt.tests.kernels;

import dev.convt.ConvTransposeSpec;
import dev.convt.Problem;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;

import java.util.List;

/**
 * A variant of {@link dev.convt.tests.support.Problems} aimed at the fast kernels' tails: channel
 * counts and widths at and around the vector length and the register tile (1, 2, 7, 8, 9, 17 and
 * 2·16 + 3 = 35), widths up to 100, batch 1–3, grouped and depthwise. Genes shrink toward the
 * simplest case.
 */
final class TailProblems {
    private TailProblems() {}

    /** Sizes around 8-lane vectors and a 4×16 tile: below, at and past a vector; 2·NR + 3. */
    static final int[] TAILS = {1, 2, 7, 8, 9, 17, 35};
    /** Widths: the tails plus longer rows. */
    static final int[] WIDTHS = {1, 2, 7, 8, 9, 17, 35, 64, 100};

    static Arbitrary<Problem> problems() {
        Arbitrary<Integer> rank = Arbitraries.integers().between(1, 2);
        Arbitrary<Integer> batch = Arbitraries.integers().between(1, 3);
        Arbitrary<Integer> groupGene = Arbitraries.integers().between(0, 3);
        Arbitrary<Integer> ciGene = Arbitraries.integers().between(0, TAILS.length - 1);
        Arbitrary<Integer> coGene = Arbitraries.integers().between(0, TAILS.length - 1);
        Arbitrary<Boolean> bias = Arbitraries.of(true, false);
        Arbitrary<List<Integer>> genes = Arbitraries.integers().between(0, 1 << 20).list().ofSize(2 * 7);
        return Combinators.combine(rank, batch, groupGene, ciGene, coGene, bias, genes).as(TailProblems::build);
    }

    private static Problem build(int rank, int batch, int groupGene, int ciGene, int coGene, boolean bias,
                                 List<Integer> genes) {
        int groups = switch (groupGene) {
            case 0 -> 1;
            case 1 -> 2;
            case 2 -> 3;
            default -> 5; // depthwise: one input channel per group
        };
        int ciPerG = groupGene == 3 ? 1 : TAILS[ciGene];
        int coPerG = TAILS[coGene];
        int[] k = new int[rank], s = new int[rank], d = new int[rank], in = new int[rank];
        int[] pb = new int[rank], pe = new int[rank], op = new int[rank];
        for (int i = 0; i < rank; i++) {
            int base = 7 * i;
            boolean last = i == rank - 1;
            k[i] = 1 + genes.get(base) % 5;
            s[i] = 1 + genes.get(base + 1) % 3;
            d[i] = 1 + genes.get(base + 2) % 2;
            // the last (contiguous) dimension gets the tail widths; a leading one stays short
            in[i] = last ? WIDTHS[genes.get(base + 3) % WIDTHS.length] : 1 + genes.get(base + 3) % 5;
            op[i] = genes.get(base + 4) % Math.max(s[i], d[i]);
            int maxPad = (in[i] - 1) * s[i] + d[i] * (k[i] - 1) + op[i];
            pb[i] = genes.get(base + 5) % (Math.min(maxPad, 4) + 1);
            pe[i] = genes.get(base + 6) % (Math.min(maxPad - pb[i], 4) + 1);
        }
        ConvTransposeSpec spec = ConvTransposeSpec.builder(rank, ciPerG * groups, coPerG * groups, k)
                .stride(s).dilation(d).pads(pb, pe).outputPadding(op).groups(groups).bias(bias).build();
        return spec.problem(batch, in);
    }
}
