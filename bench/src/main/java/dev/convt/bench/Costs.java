package dev.convt.bench;

import dev.convt.Problem;
import dev.convt.cost.CostModels;

/** The three cost models of one problem (DESIGN.md, "Cost models"), from their closed forms. */
record Costs(CostModels.PublishedEstimate published, CostModels.OpCount exact, CostModels.OpCount dense) {

    static Costs of(Problem p) {
        return new Costs(CostModels.published(p), CostModels.exact(p), CostModels.dense(p));
    }

    /**
     * The costs, or null where the cost models cannot answer (a build whose cost models are not
     * implemented for this problem): the suite then prints "—" rather than stopping.
     */
    static Costs orNull(Problem p) {
        try {
            return of(p);
        } catch (UnsupportedOperationException e) {
            return null;
        }
    }

    /** FLOP of one run as the project counts them: 2 × exact multiplications (one FMA = 2 FLOP). */
    double flop() {
        return 2.0 * exact.multiplications();
    }

    /** Published total over exact total (multiplications + additions). */
    double publishedOverExact() {
        return exact.total() == 0 ? Double.NaN : (double) published.total() / exact.total();
    }
}
