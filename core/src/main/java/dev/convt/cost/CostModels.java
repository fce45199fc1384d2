package dev.convt.cost;

import dev.convt.Problem;

/**
 * The three cost models of DESIGN.md, closed form (STUB: issue 3 fills these in).
 */
public final class CostModels {
    private CostModels() {}

    /** The published estimate of the seed documents (moduleprofiler): ψ, λ, γ, additions_per_filter, total. */
    public record PublishedEstimate(long psi, long lambda, long gamma, long additionsPerFilter, long total) {}

    /** A count of multiplications and additions. */
    public record OpCount(long multiplications, long additions) {
        public long total() { return multiplications + additions; }
    }

    public static PublishedEstimate published(Problem p) { throw new UnsupportedOperationException("TODO issue 3"); }

    /** What the reference kernel performs: products landing in the output, and the additions that fold them. */
    public static OpCount exact(Problem p) { throw new UnsupportedOperationException("TODO issue 3"); }

    /** Zero-stuffed dense gather: N·Cout·Π out·(Cin/g)·Π k multiplications; additions = that − [no bias]·N·Cout·Π out. */
    public static OpCount dense(Problem p) { throw new UnsupportedOperationException("TODO issue 3"); }
}
