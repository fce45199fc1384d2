package dev.convt.tests.cost;

import dev.convt.ConvTransposeSpec;
import dev.convt.Problem;
import dev.convt.cost.CostModels;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;

import java.math.BigInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Layer-sized problems (counts up to ~10^17; nothing is allocated) against the same formulas evaluated
 * in {@link BigInteger} from a per-dimension brute-force tally: the long arithmetic of the closed
 * forms loses nothing. (That the per-dimension tallies multiply is itself checked against the
 * whole-plane tally by the other properties.)
 */
class LargeProblemCostTest {

    @Property
    void longArithmeticMatchesBigInteger(@ForAll @IntRange(min = 1, max = 2) int rank,
                                         @ForAll @IntRange(min = 1, max = 8) int batch,
                                         @ForAll @IntRange(min = 1, max = 512) int cinPerG,
                                         @ForAll @IntRange(min = 1, max = 64) int coutPerG,
                                         @ForAll @IntRange(min = 1, max = 4) int groups,
                                         @ForAll @IntRange(min = 1, max = 16) int k,
                                         @ForAll @IntRange(min = 1, max = 9) int s,
                                         @ForAll @IntRange(min = 1, max = 3) int d,
                                         @ForAll @IntRange(min = 1, max = 300) int inGene,
                                         @ForAll @IntRange(min = 0, max = 1 << 20) int padGene,
                                         @ForAll boolean bias) {
        int in = rank == 1 ? inGene : 1 + (inGene - 1) % 60; // keeps N·Cout·Π out within a Java array
        int span = d * (k - 1) + 1;
        int pad = padGene % ((((in - 1) * s + span) - 1) / 2 + 1); // keeps out ≥ 1
        ConvTransposeSpec spec = ConvTransposeSpec.builder(rank, cinPerG * groups, coutPerG * groups, k)
                .stride(s).dilation(d).padding(pad).groups(groups).bias(bias).build();
        int[] inSpatial = new int[rank];
        java.util.Arrays.fill(inSpatial, in);
        Problem p = spec.problem(batch, inSpatial);

        int[] line = BruteCoverage.line(in, p.outputSpatial()[0], k, s, d, pad);
        BigInteger sum = BigInteger.valueOf(BruteCoverage.sum(line)).pow(rank);
        BigInteger covered = BigInteger.valueOf(line.length - BruteCoverage.zeros(line)).pow(rank);
        BigInteger plane = BigInteger.valueOf(line.length).pow(rank);
        BigInteger taps = BigInteger.valueOf(k).pow(rank);
        BigInteger n = BigInteger.valueOf(batch), cout = BigInteger.valueOf((long) coutPerG * groups);
        BigInteger cpg = BigInteger.valueOf(cinPerG), noBias = bias ? BigInteger.ZERO : BigInteger.ONE;

        BigInteger exactMul = n.multiply(cout).multiply(cpg).multiply(sum);
        BigInteger exactAdd = exactMul.subtract(noBias.multiply(n).multiply(cout).multiply(covered));
        BigInteger denseMul = n.multiply(cout).multiply(plane).multiply(cpg).multiply(taps);
        BigInteger psi = cpg.multiply(cout);
        BigInteger lambda = plane.multiply(taps).add(sum.subtract(plane));
        BigInteger gamma = cout.multiply(plane).multiply(cpg.subtract(noBias));
        BigInteger published = n.multiply(psi.multiply(lambda).add(gamma));

        assertEquals(exactMul.longValueExact(), CostModels.exact(p).multiplications(), () -> "exact mul of " + p);
        assertEquals(exactAdd.longValueExact(), CostModels.exact(p).additions(), () -> "exact add of " + p);
        assertEquals(denseMul.longValueExact(), CostModels.dense(p).multiplications(), () -> "dense mul of " + p);
        assertEquals(published.longValueExact(), CostModels.published(p).total(), () -> "published of " + p);
    }
}
