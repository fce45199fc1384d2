package dev.convt.testkit;

import dev.convt.ConvTransposeSpec;
import dev.convt.Problem;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;

import java.util.List;

/**
 * jqwik generators of valid {@link Problem}s (a {@link ConvTransposeSpec} and an input shape): spatial
 * ranks 1 to 3, every parameter of the spec (kernel, stride, dilation, begin and end padding,
 * output_padding, groups up to depthwise, bias), batches of several. Every parameter is drawn from a
 * small gene (an int that shrinks toward 0, i.e. toward kernel 1, stride 1, no padding, dilation 1),
 * so a failure shrinks to a small readable case, and {@link Problem#toString()} names the whole spec.
 * Sizes stay small so the reference runs fast. {@link InvalidCalls} generates the invalid ones.
 */
public final class Problems {
    private Problems() {}

    /** Channel counts that hit vector and register-tile tails. */
    public static final int[] TAIL_CHANNELS = {1, 2, 3, 7, 8, 9, 17};

    /**
     * Problems of spatial rank 1 to {@code maxRank}, every parameter of the spec varied.
     *
     * @param maxRank largest spatial rank (1 to 3)
     * @return the generator
     */
    public static Arbitrary<Problem> problems(int maxRank) {
        return problems(1, maxRank, 3, 6);
    }

    /**
     * Problems with the ranges given.
     *
     * @param minRank  smallest spatial rank
     * @param maxRank  largest spatial rank
     * @param maxBatch largest N
     * @param maxIn    largest input size per spatial dimension
     * @return the generator
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

    /**
     * Rank-3 problems for the fast kernels, small enough that the reference stays quick: every
     * parameter of the spec varied as in {@link #problems(int, int, int, int)}, inputs up to 4 per
     * dimension, batches of 1 or 2.
     *
     * @return the generator
     */
    public static Arbitrary<Problem> rank3() {
        return problems(3, 3, 2, 4);
    }

    /**
     * Problems whose input has one spatial position and whose output is the kernel (dilation 1, no
     * padding, no output_padding): the whole layer is one GEMM, as a DCGAN generator's first layer.
     * Ranks 1 to 3, batches up to 2·16 + 3 (the images are the GEMM's rows), channel counts at the
     * tails, groups, with and without bias.
     *
     * @return the generator
     */
    public static Arbitrary<Problem> singlePosition() {
        Arbitrary<Integer> rank = Arbitraries.integers().between(1, 3);
        Arbitrary<Integer> batch = Arbitraries.integers().between(1, 35);
        Arbitrary<Integer> groups = Arbitraries.integers().between(1, 3);
        Arbitrary<Integer> ciGene = Arbitraries.integers().between(0, TAILS.length - 1);
        Arbitrary<Integer> coGene = Arbitraries.integers().between(0, TAILS.length - 1);
        Arbitrary<Boolean> bias = Arbitraries.of(true, false);
        Arbitrary<List<Integer>> genes = Arbitraries.integers().between(0, 1 << 20).list().ofSize(6);
        return Combinators.combine(rank, batch, groups, ciGene, coGene, bias, genes).as((r, n, g, cg, og, b, gs) -> {
            int[] k = new int[r], s = new int[r], in = new int[r];
            for (int i = 0; i < r; i++) {
                k[i] = 1 + gs.get(2 * i) % 5;
                s[i] = 1 + gs.get(2 * i + 1) % 3; // the stride has no effect on one input position
                in[i] = 1;
            }
            ConvTransposeSpec spec = ConvTransposeSpec.builder(r, TAILS[cg] * g, TAILS[og] * g, k).stride(s).groups(g).bias(b).build();
            return spec.problem(n, in);
        });
    }

    /** Sizes around 8-lane vectors and a 4×16 register tile: below, at and past a vector; 2·16 + 3. */
    public static final int[] TAILS = {1, 2, 7, 8, 9, 17, 35};
    /** Widths of the contiguous dimension: the tails plus longer rows. */
    public static final int[] WIDTHS = {1, 2, 7, 8, 9, 17, 35, 64, 100};

    /**
     * Rank 1–2 problems aimed at vectorised kernels' tails: channel counts and widths at and around
     * the vector length and the register tile ({@link #TAILS}, {@link #WIDTHS}), batch 1–3, grouped and
     * depthwise. Genes shrink toward the simplest case.
     *
     * @return the generator
     */
    public static Arbitrary<Problem> tails() {
        Arbitrary<Integer> rank = Arbitraries.integers().between(1, 2);
        Arbitrary<Integer> batch = Arbitraries.integers().between(1, 3);
        Arbitrary<Integer> groupGene = Arbitraries.integers().between(0, 3);
        Arbitrary<Integer> ciGene = Arbitraries.integers().between(0, TAILS.length - 1);
        Arbitrary<Integer> coGene = Arbitraries.integers().between(0, TAILS.length - 1);
        Arbitrary<Boolean> bias = Arbitraries.of(true, false);
        Arbitrary<List<Integer>> genes = Arbitraries.integers().between(0, 1 << 20).list().ofSize(2 * 7);
        return Combinators.combine(rank, batch, groupGene, ciGene, coGene, bias, genes).as(Problems::buildTail);
    }

    private static Problem buildTail(int rank, int batch, int groupGene, int ciGene, int coGene, boolean bias,
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

    /**
     * Rank 1–3 problems that favour the corners: stride often larger than the dilated kernel span
     * (gaps no product reaches), padding up to the whole output (outputs of size 1, uncovered
     * output_padding tails), groups and no bias.
     *
     * @return the generator
     */
    public static Arbitrary<Problem> corners() {
        Arbitrary<Integer> rank = Arbitraries.integers().between(1, 3);
        Arbitrary<Integer> batch = Arbitraries.integers().between(1, 2);
        Arbitrary<Integer> groups = Arbitraries.integers().between(1, 3);
        Arbitrary<Integer> ciPerG = Arbitraries.integers().between(1, 3);
        Arbitrary<Integer> coPerG = Arbitraries.integers().between(1, 3);
        Arbitrary<Boolean> bias = Arbitraries.of(true, false);
        Arbitrary<List<Integer>> genes = Arbitraries.integers().between(0, 1 << 20).list().ofSize(3 * 8);
        return Combinators.combine(rank, batch, groups, ciPerG, coPerG, bias, genes)
                .as((r, n, g, ci, co, b, gs) -> {
                    int[] k = new int[r], s = new int[r], d = new int[r], in = new int[r];
                    int[] pb = new int[r], pe = new int[r], op = new int[r];
                    for (int i = 0; i < r; i++) {
                        int base = 8 * i;
                        k[i] = 1 + gs.get(base) % 4;
                        d[i] = 1 + gs.get(base + 1) % 3;
                        int span = d[i] * (k[i] - 1) + 1;
                        // half the time a stride past the span: gaps between kernel footprints
                        s[i] = gs.get(base + 2) % 2 == 0 ? 1 + gs.get(base + 3) % 3 : span + 1 + gs.get(base + 3) % 3;
                        in[i] = 1 + gs.get(base + 4) % 4;
                        op[i] = gs.get(base + 5) % Math.max(s[i], d[i]);
                        int full = (in[i] - 1) * s[i] + span + op[i]; // the output without padding
                        // total padding anywhere up to full − 1 (output of size 1), split unevenly
                        int total = gs.get(base + 6) % 3 == 0 ? full - 1 : gs.get(base + 6) % full;
                        pb[i] = total == 0 ? 0 : gs.get(base + 7) % (total + 1);
                        pe[i] = total - pb[i];
                    }
                    ConvTransposeSpec spec = ConvTransposeSpec.builder(r, ci * g, co * g, k).stride(s).dilation(d)
                            .pads(pb, pe).outputPadding(op).groups(g).bias(b).build();
                    return spec.problem(n, in);
                });
    }
}
