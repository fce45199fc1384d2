package dev.convt.tests.cost;

import dev.convt.ConvTransposeSpec;
import dev.convt.Problem;
import dev.convt.testkit.Problems;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;

import java.util.List;

/**
 * Problem generators for the cost models, beside {@link Problems#problems(int)}: the corners where
 * the published estimate and the work done part ways, and the cases where they meet.
 */
final class CostProblems {
    private CostProblems() {}

    /** The general generator of the test support, rank 1–3. */
    static Arbitrary<Problem> general() {
        return Problems.problems(3);
    }

    /** The corners where the published estimate and the work done part ways ({@link Problems#corners()}). */
    static Arbitrary<Problem> corners() {
        return Problems.corners();
    }

    /**
     * Problems where every output receives Π kernel products: stride 1, no output_padding, and
     * padding of the whole dilated span minus one on both sides (only full windows remain).
     */
    static Arbitrary<Problem> fullyCovered() {
        Arbitrary<Integer> rank = Arbitraries.integers().between(1, 3);
        Arbitrary<Integer> groups = Arbitraries.integers().between(1, 2);
        Arbitrary<Integer> ciPerG = Arbitraries.integers().between(1, 3);
        Arbitrary<Boolean> bias = Arbitraries.of(true, false);
        Arbitrary<List<Integer>> genes = Arbitraries.integers().between(0, 1 << 20).list().ofSize(3 * 3);
        return Combinators.combine(rank, groups, ciPerG, bias, genes).as((r, g, ci, b, gs) -> {
            int[] k = new int[r], d = new int[r], in = new int[r], pad = new int[r];
            for (int i = 0; i < r; i++) {
                k[i] = 1 + gs.get(3 * i) % 4;
                d[i] = 1 + gs.get(3 * i + 1) % 2;
                pad[i] = d[i] * (k[i] - 1);
                in[i] = pad[i] + 1 + gs.get(3 * i + 2) % 3;
            }
            ConvTransposeSpec spec = ConvTransposeSpec.builder(r, ci * g, 2 * g, k).dilation(d).padding(pad)
                    .groups(g).bias(b).build();
            return spec.problem(1, in);
        });
    }

    /** The degenerate case: one tap, one input channel per group, no bias; any stride and padding. */
    static Arbitrary<Problem> oneTapOneChannel() {
        Arbitrary<Integer> rank = Arbitraries.integers().between(1, 3);
        Arbitrary<Integer> groups = Arbitraries.integers().between(1, 3);
        Arbitrary<List<Integer>> genes = Arbitraries.integers().between(0, 1 << 20).list().ofSize(3 * 4);
        return Combinators.combine(rank, groups, genes).as((r, g, gs) -> {
            int[] s = new int[r], in = new int[r], pb = new int[r], op = new int[r];
            for (int i = 0; i < r; i++) {
                s[i] = 1 + gs.get(4 * i) % 3;
                in[i] = 1 + gs.get(4 * i + 1) % 4;
                op[i] = gs.get(4 * i + 2) % s[i];
                pb[i] = gs.get(4 * i + 3) % ((in[i] - 1) * s[i] + op[i] + 1);
            }
            ConvTransposeSpec spec = ConvTransposeSpec.builder(r, g, 2 * g, 1).stride(s)
                    .pads(pb, new int[r]).outputPadding(op).groups(g).bias(false).build();
            return spec.problem(1, in);
        });
    }

    /** The same spatial parameters with one input and one output channel, N = 1, no bias: the seeds' "ones" layer. */
    static Problem onesLayer(Problem p) {
        ConvTransposeSpec s = p.spec();
        ConvTransposeSpec one = ConvTransposeSpec.builder(s.rank(), 1, 1, s.kernelSize()).stride(s.stride())
                .dilation(s.dilation()).pads(s.padBegin(), s.padEnd()).outputPadding(s.outputPadding())
                .bias(false).build();
        return one.problem(1, p.inputSpatial());
    }
}
