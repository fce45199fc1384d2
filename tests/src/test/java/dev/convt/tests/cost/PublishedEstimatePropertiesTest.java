package dev.convt.tests.cost;

import dev.convt.Problem;
import dev.convt.cost.CostModels;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.EdgeCasesMode;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.statistics.Statistics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The published estimate against the seeds' own summary formula, the identity that ties it to the
 * dense and exact counts, and the characterisation of when it equals the work done. Coverage facts
 * in these properties come from {@link BruteCoverage}, not from the code under test.
 */
class PublishedEstimatePropertiesTest {

    @Provide
    Arbitrary<Problem> problems() {
        return Arbitraries.oneOf(CostProblems.general(), CostProblems.corners(),
                CostProblems.fullyCovered(), CostProblems.oneTapOneChannel());
    }

    /** The seeds' "Summary" formulas, bias and no bias, with L_out → Π out and k → Π kernel. */
    @Property(edgeCases = EdgeCasesMode.NONE) // the generators draw the corners themselves
    void totalIsTheSeedsSummaryFormula(@ForAll("problems") Problem p) {
        int[] c = BruteCoverage.plane(p);
        long apf = BruteCoverage.sum(c) - c.length; // Σ(y − 1) of the ones experiment: y = c
        long n = p.batch(), cin = p.spec().inChannels(), cout = p.spec().outChannels(), g = p.spec().groups();
        long plane = p.outputPlane(), taps = p.spec().kernelVolume();
        long expected = n * (cin * cout / g) * (plane * (taps + 1) + apf) - (p.spec().hasBias() ? 0 : n * cout * plane);

        CostModels.PublishedEstimate e = CostModels.published(p);
        assertEquals(expected, e.total(), () -> "published total of " + p);
        assertEquals(apf, e.additionsPerFilter());
        assertEquals(cin * cout / g, e.psi());
        assertEquals(plane * taps + apf, e.lambda());
        assertEquals(cout * plane * (cin / g - (p.spec().hasBias() ? 0 : 1)), e.gamma());
        assertEquals(n * (e.psi() * e.lambda() + e.gamma()), e.total());
    }

    /** published = dense multiplications + exact additions − [no bias]·N·Cout·(outputs receiving no product). */
    @Property(edgeCases = EdgeCasesMode.NONE) // the generators draw the corners themselves
    void publishedIsDenseMultiplicationsPlusExactAdditions(@ForAll("problems") Problem p) {
        long uncovered = BruteCoverage.zeros(BruteCoverage.plane(p));
        long correction = p.spec().hasBias() ? 0 : (long) p.batch() * p.spec().outChannels() * uncovered;
        assertEquals(CostModels.dense(p).multiplications() + CostModels.exact(p).additions() - correction,
                CostModels.published(p).total(), () -> "identity for " + p);
        assertEquals(uncovered, CostModels.uncoveredOutputs(p), () -> "uncovered outputs of " + p);
    }

    /**
     * published ≥ exact, with equality exactly when every output receives Π kernel products per
     * channel pair, or in the 1-tap, 1-input-channel-per-group, no-bias case.
     */
    @Property(edgeCases = EdgeCasesMode.NONE) // the generators draw the corners themselves
    void publishedEqualsExactOnlyWhenEveryOutputGetsTheWholeKernel(@ForAll("problems") Problem p) {
        int[] c = BruteCoverage.plane(p);
        int taps = p.spec().kernelVolume();
        boolean whole = java.util.Arrays.stream(c).allMatch(v -> v == taps);
        boolean degenerate = taps == 1 && p.spec().inChannelsPerGroup() == 1 && !p.spec().hasBias();
        long published = CostModels.published(p).total();
        long exact = CostModels.exact(p).total();
        Statistics.label("published == exact").collect(published == exact);
        Statistics.label("case").collect(whole ? "whole kernel" : degenerate ? "degenerate" : "other");
        // both sides of the equivalence must actually be exercised
        Statistics.label("published == exact").coverage(cov -> {
            cov.check(true).count(n -> n > 0);
            cov.check(false).count(n -> n > 0);
        });

        assertTrue(published >= exact, () -> "published " + published + " < exact " + exact + " for " + p);
        assertEquals(whole || degenerate, published == exact,
                () -> "published " + published + ", exact " + exact + ", whole=" + whole + ", degenerate=" + degenerate + " for " + p);
    }

    /** Dense: the full receptive field of every output; it bounds the exact multiplications from above. */
    @Property(edgeCases = EdgeCasesMode.NONE) // the generators draw the corners themselves
    void denseCountsTheWholeReceptiveField(@ForAll("problems") Problem p) {
        long elements = (long) p.batch() * p.spec().outChannels() * p.outputPlane();
        long perElement = (long) p.spec().inChannelsPerGroup() * p.spec().kernelVolume();
        CostModels.OpCount dense = CostModels.dense(p);
        assertEquals(elements * perElement, dense.multiplications());
        assertEquals(elements * perElement - (p.spec().hasBias() ? 0 : elements), dense.additions());
        assertTrue(dense.multiplications() >= CostModels.exact(p).multiplications());
    }
}
