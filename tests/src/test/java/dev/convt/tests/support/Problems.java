package dev.convt.tests.support;

import dev.convt.ConvTransposeSpec;
import dev.convt.Problem;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;

import java.util.List;

/**
 * jqwik generators of valid {@link Problem}s. Every parameter is drawn from a small gene (an int
 * that shrinks toward 0, i.e. toward kernel 1, stride 1, no padding, dilation 1), so a failure
 * shrinks to a small readable case. Sizes stay small so the reference runs fast.
 */
public final class Problems {
    private Problems() {}

    /** Channel counts that hit vector and register-tile tails. */
    public static final int[] TAIL_CHANNELS = {1, 2, 3, 7, 8, 9, 17};

    /** Problems of spatial rank 1 to {@code maxRank}, every parameter of the spec varied. */
    public static Arbitrary<Problem> problems(int maxRank) {
        return problems(1, maxRank, 3, 6);
    }

    /**
     * @param minRank  smallest spatial rank
     * @param maxRank  largest spatial rank
     * @param maxBatch largest N
     * @param maxIn    largest input size per spatial dimension
     */
    public static Arbitrary<Problem> problems(int minRank, int maxRank, int maxBatch, int maxIn) {
        Arbitrary<Integer> rank = Arbitraries.integers().between(minRank, maxRank);
        Arbitrary<Integer> batch = Arbitraries.integers().between(1, maxBatch);
        Arbitrary<Integer> groupGene = Arbitraries.integers().between(0, 3);
        Arbitrary<Integer> ciGene = Arbitraries.integers().between(0, TAIL_CHANNELS.length - 1);
        Arbitrary<Integer> coGene = Arbitraries.integers().between(0, TAIL_CHANNELS.length - 1);
        Arbitrary<Boolean> bias = Arbitraries.of(true, false);
        Arbitrary<List<Integer>> genes = Arbitraries.integers().between(0, 1 << 20).list().ofSize(3 * 7)
                // edge cases of 21 genes are mostly all-zero genes (kernel 1, stride 1): draw real variety
                .withoutEdgeCases();
        return Combinators.combine(rank, batch, groupGene, ciGene, coGene, bias, genes)
                .as((r, n, gg, cg, og, b, g) -> build(r, n, gg, cg, og, b, g, maxIn));
    }

    private static Problem build(int rank, int batch, int groupGene, int ciGene, int coGene, boolean bias,
                                 List<Integer> genes, int maxIn) {
        int ciPerG = TAIL_CHANNELS[ciGene];
        int coPerG = TAIL_CHANNELS[coGene];
        // groups: 1, 2, 3, or depthwise-like (Cin/g = 1)
        int groups = switch (groupGene) {
            case 0 -> 1;
            case 1 -> 2;
            case 2 -> 3;
            default -> 4;
        };
        if (groupGene == 3) {
            ciPerG = 1;
        }
        // keep the reference fast: cap the channel product
        while ((long) ciPerG * coPerG * groups > 96 && coPerG > 1) {
            coPerG = Math.max(1, coPerG / 2);
        }
        int[] k = new int[rank], s = new int[rank], d = new int[rank], in = new int[rank];
        int[] pb = new int[rank], pe = new int[rank], op = new int[rank];
        for (int i = 0; i < rank; i++) {
            int base = 7 * i;
            k[i] = 1 + genes.get(base) % 5;
            s[i] = 1 + genes.get(base + 1) % 3;
            d[i] = 1 + genes.get(base + 2) % 3;
            in[i] = 1 + genes.get(base + 3) % maxIn;
            op[i] = genes.get(base + 4) % Math.max(s[i], d[i]);
            int maxPad = (in[i] - 1) * s[i] + d[i] * (k[i] - 1) + op[i]; // keeps out ≥ 1
            pb[i] = genes.get(base + 5) % (Math.min(maxPad, 4) + 1);
            pe[i] = genes.get(base + 6) % (Math.min(maxPad - pb[i], 4) + 1);
        }
        ConvTransposeSpec spec = ConvTransposeSpec.builder(rank, ciPerG * groups, coPerG * groups, k)
                .stride(s).dilation(d).pads(pb, pe).outputPadding(op).groups(groups).bias(bias).build();
        return spec.problem(batch, in);
    }
}
