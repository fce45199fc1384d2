package dev.convt.tests.hostile;

import dev.convt.ConvTransposeSpec;
import dev.convt.Problem;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;

import java.util.Arrays;
import java.util.List;

/**
 * jqwik generators of hostile problems: strides, dilations and pads drawn toward
 * {@code Integer.MAX_VALUE}, kernels up to 2<sup>16</sup> taps, tiny outputs (1–16 elements per
 * channel), so that the sizes a kernel computes with pass the int range while the data stays small.
 * Every parameter comes from a gene that shrinks toward the ordinary (1, or no padding), so a failure
 * shrinks to a readable case.
 */
final class HostileSpecs {
    private HostileSpecs() {}

    static final int MAX = Integer.MAX_VALUE;

    /** Largest kernel volume (taps of one filter). */
    static final int MAX_TAPS = 1 << 16;

    /**
     * Largest reference work, N·Cin·(Cout/groups)·Π in·Π kernel products: the reference's loops are
     * over inputs and taps, never over strides or pads, so this keeps every try fast.
     */
    static final long MAX_WORK = 1 << 20;

    /** One hostile problem's parameters, before the spec checks them. */
    record Hostile(int rank, int batch, int groups, int ciPerG, int coPerG, boolean bias,
                   int[] kernel, int[] stride, int[] dilation, int[] in, int[] outputPadding, int[] padBegin, int[] padEnd) {

        /** The problem; throws IllegalArgumentException where the spec or problem rejects the parameters. */
        Problem problem() {
            ConvTransposeSpec spec = ConvTransposeSpec.builder(rank, ciPerG * groups, coPerG * groups, kernel)
                    .stride(stride).dilation(dilation).pads(padBegin, padEnd).outputPadding(outputPadding)
                    .groups(groups).bias(bias).build();
            return spec.problem(batch, in);
        }

        @Override
        public String toString() {
            return "Hostile[rank=" + rank + ", N=" + batch + ", groups=" + groups + ", Cin/g=" + ciPerG + ", Cout/g=" + coPerG
                    + ", bias=" + bias + ", kernel=" + Arrays.toString(kernel) + ", stride=" + Arrays.toString(stride)
                    + ", dilation=" + Arrays.toString(dilation) + ", in=" + Arrays.toString(in)
                    + ", output_padding=" + Arrays.toString(outputPadding) + ", pads=" + Arrays.toString(padBegin)
                    + "+" + Arrays.toString(padEnd) + "]";
        }
    }

    /**
     * A value in [1, max] drawn toward the limits: small (1–4), a power of two, just below {@code max},
     * or anywhere. Shrinks toward small.
     */
    static Arbitrary<Integer> towardLimits(int max) {
        return Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(3, Arbitraries.integers().between(1, Math.min(4, max))),
                net.jqwik.api.Tuple.of(3, Arbitraries.integers().between(0, 30).map(e -> (int) Math.min(max, 1L << e))),
                net.jqwik.api.Tuple.of(2, Arbitraries.integers().between(0, 64).map(d -> Math.max(1, max - d))),
                net.jqwik.api.Tuple.of(1, Arbitraries.integers().between(1, max)));
    }

    /** Per spatial dimension: kernel, stride, dilation, input size, output_padding gene, output size, pad split gene. */
    private static Arbitrary<List<Integer>> dimension() {
        Arbitrary<Integer> kernel = towardLimits(MAX_TAPS);
        Arbitrary<Integer> stride = towardLimits(MAX);
        Arbitrary<Integer> dilation = towardLimits(MAX);
        Arbitrary<Integer> in = Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(3, Arbitraries.integers().between(1, 6)),
                net.jqwik.api.Tuple.of(1, Arbitraries.integers().between(1, 1 << 16)));
        Arbitrary<Integer> opGene = Arbitraries.integers().between(0, MAX);
        Arbitrary<Integer> out = Arbitraries.integers().between(1, 16);
        // how the pads total splits into begin and end (per mille): all at one end, halves, or anywhere
        Arbitrary<Integer> split = Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(2, Arbitraries.just(1000)),
                net.jqwik.api.Tuple.of(1, Arbitraries.just(0)),
                net.jqwik.api.Tuple.of(1, Arbitraries.just(500)),
                net.jqwik.api.Tuple.of(2, Arbitraries.integers().between(0, 1000)));
        return Combinators.combine(kernel, stride, dilation, in, opGene, out, split).as(List::of);
    }

    /** Hostile problems of rank 1 to 3. */
    static Arbitrary<Hostile> problems() {
        Arbitrary<Integer> rank = Arbitraries.integers().between(1, 3);
        Arbitrary<Integer> batch = Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(8, Arbitraries.integers().between(1, 2)),
                net.jqwik.api.Tuple.of(1, Arbitraries.just(0)));
        Arbitrary<Integer> groups = Arbitraries.integers().between(1, 2);
        Arbitrary<Integer> ci = Arbitraries.integers().between(1, 5);
        Arbitrary<Integer> co = Arbitraries.integers().between(1, 3);
        Arbitrary<Boolean> bias = Arbitraries.of(true, false);
        Arbitrary<List<List<Integer>>> dims = dimension().list().ofSize(3);
        return Combinators.combine(rank, batch, groups, ci, co, bias, dims).as(HostileSpecs::build);
    }

    private static Hostile build(int rank, int batch, int groups, int ciPerG, int coPerG, boolean bias, List<List<Integer>> genes) {
        int[] k = new int[rank], s = new int[rank], d = new int[rank], in = new int[rank];
        int[] op = new int[rank], pb = new int[rank], pe = new int[rank];
        long taps = 1;
        for (int i = 0; i < rank; i++) {
            List<Integer> g = genes.get(i);
            k[i] = (int) Math.max(1, Math.min(g.get(0), MAX_TAPS / taps));
            taps *= k[i];
            s[i] = g.get(1);
            // dilation·(kernel − 1) + 1 must fit an int (the spec's rule): the largest dilation that does
            d[i] = k[i] == 1 ? g.get(2) : (int) Math.min(g.get(2), (MAX - 1L) / (k[i] - 1));
            in[i] = g.get(3);
        }
        // keep the reference's work (inputs × taps × channel pairs) small: shrink the inputs
        long perInput = (long) Math.max(1, batch) * ciPerG * groups * coPerG * taps;
        for (int i = rank - 1; i >= 0; i--) {
            long others = 1;
            for (int j = 0; j < rank; j++) {
                others *= j == i ? 1 : in[j];
            }
            in[i] = (int) Math.max(1, Math.min(in[i], MAX_WORK / (perInput * others)));
        }
        int outCap = rank == 1 ? 16 : 4;
        for (int i = 0; i < rank; i++) {
            List<Integer> g = genes.get(i);
            op[i] = g.get(4) % Math.max(s[i], d[i]);        // output_padding below the stride or the dilation
            int out = 1 + (g.get(5) - 1) % outCap;
            long span = (long) (k[i] - 1) * d[i] + 1 + op[i];
            // the pads total L − out must split into two ints: bound (in − 1)·stride accordingly
            long room = 2L * MAX + out - span;
            in[i] = (int) Math.max(1, Math.min(in[i], 1 + room / s[i]));
            long full = (long) (in[i] - 1) * s[i] + span;   // the output without padding
            long total = Math.max(0, full - out);
            long begin = Math.min(MAX, total * g.get(6) / 1000);
            long end = total - begin;
            if (end > MAX) {
                end = MAX;
                begin = total - MAX;
            }
            pb[i] = (int) begin;
            pe[i] = (int) end;
        }
        return new Hostile(rank, batch, groups, ciPerG, coPerG, bias, k, s, d, in, op, pb, pe);
    }
}
