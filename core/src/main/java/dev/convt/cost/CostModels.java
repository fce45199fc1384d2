package dev.convt.cost;

import dev.convt.ConvTransposeSpec;
import dev.convt.Problem;

/**
 * The three cost models of DESIGN.md ("Cost models"), each in closed form: no loop over output
 * elements, only over the kernel taps of one dimension or the stride residues of one dimension.
 * All counts are {@code long}, computed with {@link Math#multiplyExact}/{@link Math#addExact}.
 *
 * <h2>Coverage, the one quantity behind all three</h2>
 * Along one spatial dimension (input size {@code L}, output size {@code O}, kernel {@code k},
 * stride {@code s}, dilation {@code d}, leading padding {@code p}) input position {@code i} and tap
 * {@code t} land on output {@code o = i·s − p + t·d}, which exists when {@code 0 ≤ o < O}. The
 * <em>coverage</em> {@code c(o)} is the number of {@code (i, t)} pairs that land on {@code o}. Over
 * several dimensions a product lands on {@code (o₁, o₂, …)} exactly when each coordinate lands, so
 * the coverage of a multi-dimensional output is the product {@code c₁(o₁)·c₂(o₂)·…}; hence
 * <ul>
 *   <li>{@code Σ_o c(o)} (the products per channel pair) is {@code Π_dim Σ c_dim};</li>
 *   <li>the outputs that receive at least one product are {@code Π_dim #{o : c_dim(o) > 0}}.</li>
 * </ul>
 * {@link #coverage(Problem, int)} gives both numbers for one dimension.
 *
 * <h2>The three models</h2>
 * <ol>
 *   <li>{@link #published}: the estimate of the seed documents (moduleprofiler), reproduced as
 *       written. It is an estimate, not the work done.</li>
 *   <li>{@link #exact}: what the scatter reference performs, {@code ReferenceKernel} with an
 *       {@code OpCounter} counts the same numbers by doing the work.</li>
 *   <li>{@link #dense}: a zero-stuffed gather that multiplies every tap of every output's receptive
 *       field, zeros included.</li>
 * </ol>
 *
 * <h2>The identity between them</h2>
 * Write {@code P = Π out}, {@code K = Π kernel}, {@code S = Σ_o c(o)}, {@code U} the outputs of
 * one plane that receive no product, {@code ψ = Cin·Cout/groups}. The ones experiment gives
 * {@code additions_per_filter = Σ_o (c(o) − 1) = S − P} (each output of the ones experiment is
 * {@code c(o)}). Then, per batch element,
 * <pre>
 *   published − dense multiplications = ψ·(P·K + S − P) + γ − ψ·P·K = ψ·(S − P) + γ
 *   with γ = Cout·P·(Cin/g − [no bias]) and ψ·P = Cout·P·(Cin/g):
 *   published − dense multiplications = Cout·(Cin/g)·S − [no bias]·Cout·P
 *   exact additions                   = Cout·(Cin/g)·S − [no bias]·Cout·(P − U)
 * </pre>
 * because the exact count adds every product with a bias, and every product but the first of each
 * covered output without. Subtracting: {@code published = dense multiplications + exact additions
 * − [no bias]·N·Cout·U}. The published formula charges {@code K} multiplications to every output
 * (the dense count) while its additions term is the exact one, except that without bias it also
 * saves one addition at every output that receives nothing. So where the stride leaves gaps or
 * output_padding leaves an uncovered tail, its additions term falls below the additions done, and
 * {@code additions_per_filter = S − P} goes negative once the gaps outnumber the overlaps.
 *
 * <p>It follows that {@code published − exact = N·Cout·((Cin/g)·(P·K − S) − [no bias]·U)}, which is
 * never negative because an uncovered output misses all {@code K} taps ({@code P·K − S ≥ K·U ≥ U}),
 * and it is zero exactly when every output receives {@code K} products per channel pair, or in the
 * degenerate case {@code K = 1, Cin/g = 1}, no bias (each uncovered output then costs one
 * multiplication in the published count and saves one addition).
 *
 * <h2>GFLOP/s</h2>
 * Achieved GFLOP/s in this project is always {@code 2 × exact multiplications ÷ time} (one
 * multiply-add is 2 FLOP) — see {@link #gflops} — so no kernel looks faster by counting the zeros it
 * multiplies or by quoting the published estimate.
 */
public final class CostModels {
    private CostModels() {}

    /**
     * The published estimate of the seed documents: {@code total = N·(ψ·λ + γ)} with
     * {@code ψ = Cin·Cout/groups}, {@code λ = Π out·Π kernel + additions_per_filter},
     * {@code γ = Cout·Π out·(Cin/groups − [no bias])}. ψ, λ, γ and additionsPerFilter are per batch
     * element, as the seeds define them; {@code total} includes N.
     *
     * @param psi                ψ = Cin·Cout/groups, the channel pairs
     * @param lambda             λ = Π out·Π kernel + additionsPerFilter, per channel pair
     * @param gamma              γ = Cout·Π out·(Cin/groups − [no bias]), the bias and channel-sum additions
     * @param additionsPerFilter the "ones" experiment's Σ(y − 1); negative where the stride leaves gaps
     * @param total              N·(ψ·λ + γ), the estimate for the whole batch
     */
    public record PublishedEstimate(long psi, long lambda, long gamma, long additionsPerFilter, long total) {}

    /**
     * A count of multiplications and additions (float32 operations, one FMA counted as one of each).
     *
     * @param multiplications the multiplications
     * @param additions       the additions
     */
    public record OpCount(long multiplications, long additions) {
        /**
         * multiplications + additions.
         *
         * @return the sum of both counts
         * @throws ArithmeticException if it exceeds a long
         */
        public long total() { return Math.addExact(multiplications, additions); }
    }

    /**
     * Coverage along one spatial dimension.
     *
     * @param outSize  the output size O of the dimension
     * @param products {@code Σ_o c(o)}: the (input position, tap) pairs that land inside the output
     * @param covered  {@code #{o : c(o) > 0}}: the output positions that receive at least one
     */
    public record DimCoverage(int outSize, long products, long covered) {}

    /**
     * The published estimate (seed documents 000–002, moduleprofiler), for bias and no bias, rank 1
     * and 2 as written and rank 3 by the same rule ({@code L_out → Π out}, {@code k → Π kernel}).
     * {@code additions_per_filter} is the closed form of the seeds' "ones" experiment and may be
     * negative.
     *
     * @param p the problem (its batch, channels, shapes and bias)
     * @return the estimate and its parts
     * @throws ArithmeticException if a count exceeds {@code Long.MAX_VALUE}
     */
    public static PublishedEstimate published(Problem p) {
        ConvTransposeSpec spec = p.spec();
        long psi = Math.multiplyExact((long) spec.inChannelsPerGroup(), spec.outChannels());
        long plane = p.outputPlane();
        long apf = additionsPerFilter(p);
        long lambda = Math.addExact(Math.multiplyExact(plane, spec.kernelVolume()), apf);
        long gamma = Math.multiplyExact(Math.multiplyExact((long) spec.outChannels(), plane),
                spec.inChannelsPerGroup() - (spec.hasBias() ? 0 : 1));
        long total = Math.multiplyExact(p.batch(), Math.addExact(Math.multiplyExact(psi, lambda), gamma));
        return new PublishedEstimate(psi, lambda, gamma, apf, total);
    }

    /**
     * What the reference kernel performs: one multiplication per (input element, tap, channel pair)
     * product that lands inside the output, {@code N·Cin·(Cout/g)·Π_dim Σc_dim}; one addition per
     * product with bias, and without bias one fewer per output element that receives a product,
     * {@code − N·Cout·Π_dim covered_dim}.
     *
     * @param p the problem (its batch, channels, shapes and bias)
     * @return the counted multiplications and additions
     * @throws ArithmeticException if a count exceeds {@code Long.MAX_VALUE}
     */
    public static OpCount exact(Problem p) {
        ConvTransposeSpec spec = p.spec();
        long perPair = 1;
        long covered = 1;
        for (int dim = 0; dim < p.rank(); dim++) {
            DimCoverage c = coverage(p, dim);
            perPair = Math.multiplyExact(perPair, c.products());
            covered = Math.multiplyExact(covered, c.covered());
        }
        long multiplications = Math.multiplyExact(channelPairs(p), perPair);
        long additions = multiplications;
        if (!spec.hasBias()) {
            additions = Math.subtractExact(additions, Math.multiplyExact(outputChannels(p), covered));
        }
        return new OpCount(multiplications, additions);
    }

    /**
     * A zero-stuffed dense gather: every output element multiplies its full receptive field,
     * {@code N·Cout·Π out·(Cin/g)·Π kernel} multiplications; with bias each product is added to the
     * accumulator, without bias one fewer per output element.
     *
     * @param p the problem (its batch, channels, shapes and bias)
     * @return the multiplications and additions of the dense gather
     * @throws ArithmeticException if a count exceeds {@code Long.MAX_VALUE}
     */
    public static OpCount dense(Problem p) {
        ConvTransposeSpec spec = p.spec();
        long elements = Math.multiplyExact(outputChannels(p), p.outputPlane());
        long multiplications = Math.multiplyExact(elements,
                Math.multiplyExact((long) spec.inChannelsPerGroup(), spec.kernelVolume()));
        long additions = spec.hasBias() ? multiplications : Math.subtractExact(multiplications, elements);
        return new OpCount(multiplications, additions);
    }

    /**
     * The seeds' additions_per_filter: the sum of {@code y − 1} over the output of the "ones"
     * experiment (N = 1, Cin = Cout = 1, groups 1, no bias, all-ones input and weight, the same
     * kernel, stride, padding, output_padding and dilation). Each output there equals its coverage,
     * so this is {@code Π_dim Σc_dim − Π out}. Negative when some outputs receive no product.
     *
     * @param p the problem; only its kernel, stride, padding, dilation and shapes matter
     * @return {@code Π_dim Σc_dim − Π out}
     * @throws ArithmeticException if a count exceeds {@code Long.MAX_VALUE}
     */
    public static long additionsPerFilter(Problem p) {
        long products = 1;
        for (int dim = 0; dim < p.rank(); dim++) {
            products = Math.multiplyExact(products, coverage(p, dim).products());
        }
        return products - p.outputPlane();
    }

    /**
     * Output positions of one channel plane that receive no product (their value is the bias, or
     * 0): {@code Π out − Π_dim covered_dim}.
     *
     * @param p the problem; only its kernel, stride, padding, dilation and shapes matter
     * @return the uncovered positions of one plane, in {@code [0, Π out]}
     * @throws ArithmeticException if a count exceeds {@code Long.MAX_VALUE}
     */
    public static long uncoveredOutputs(Problem p) {
        long covered = 1;
        for (int dim = 0; dim < p.rank(); dim++) {
            covered = Math.multiplyExact(covered, coverage(p, dim).covered());
        }
        return p.outputPlane() - covered;
    }

    /**
     * Coverage of spatial dimension {@code dim} (0-based, in the spec's order). The products are
     * summed over the kernel taps; the covered positions over the stride residues (at most
     * {@code min(kernel, stride)} terms), never over the output positions.
     *
     * @param p   the problem
     * @param dim the spatial dimension, outermost first
     * @return the dimension's output size, products and covered positions
     * @throws IllegalArgumentException if {@code dim} is not in {@code [0, rank)}
     */
    public static DimCoverage coverage(Problem p, int dim) {
        if (dim < 0 || dim >= p.rank()) {
            throw new IllegalArgumentException("dim must be in [0, " + p.rank() + "), but got dim=" + dim);
        }
        ConvTransposeSpec spec = p.spec();
        int in = p.inputSpatial()[dim];
        int out = p.outputSpatial()[dim];
        return coverage(in, out, spec.kernelSize(dim), spec.stride(dim), spec.dilation(dim), spec.padBegin(dim));
    }

    /**
     * Achieved GFLOP/s of one execution of {@code p} that took {@code seconds}: always
     * {@code 2 × exact multiplications ÷ seconds ÷ 10⁹} (one multiply-add = 2 FLOP), whatever the
     * kernel actually multiplied.
     *
     * @param p       the problem executed
     * @param seconds the wall time of one execution, in seconds
     * @return billions of floating-point operations per second
     * @throws IllegalArgumentException if {@code seconds} is not positive and finite
     */
    public static double gflops(Problem p, double seconds) {
        if (!(seconds > 0) || Double.isInfinite(seconds)) {
            throw new IllegalArgumentException("seconds must be positive and finite, but got seconds=" + seconds);
        }
        return 2.0 * exact(p).multiplications() / seconds / 1e9;
    }

    private static long channelPairs(Problem p) {
        // N · Cout · (Cin/g): every output element of a channel sums over Cin/g input channels
        return Math.multiplyExact(outputChannels(p), p.spec().inChannelsPerGroup());
    }

    private static long outputChannels(Problem p) {
        return Math.multiplyExact((long) p.batch(), p.spec().outChannels());
    }

    static DimCoverage coverage(int in, int out, int k, int s, int d, int pad) {
        return new DimCoverage(out, products(in, out, k, s, d, pad), covered(in, out, k, s, d, pad));
    }

    /** {@code Σ over taps t of #{i ∈ [0, in) : 0 ≤ i·s − pad + t·d < out}}. */
    private static long products(int in, int out, int k, int s, int d, int pad) {
        long sum = 0;
        for (long t = 0; t < k; t++) {
            long shift = pad - t * d; // o = i·s − shift
            long lo = Math.max(0, Math.ceilDiv(shift, s));
            long hi = Math.min(in - 1L, Math.floorDiv(out - 1L + shift, s));
            sum += Math.max(0, hi - lo + 1);
        }
        return sum;
    }

    /**
     * #{o ∈ [0, out) : some (i, t) lands on o}. With g = gcd(s, d), m = s/g, e = d/g, taps
     * t ≡ t0 (mod m) land on positions ≡ t0·d (mod s), disjoint classes for t0 ∈ [0, m). Within a
     * class, taps {@code t0 + j·m (j < J)} reach {@code o + pad = t0·d + s·u} for u in the union of the
     * intervals [j·e, j·e + in): count that union inside the output window.
     */
    private static long covered(int in, int out, int k, int s, int d, int pad) {
        long g = gcd(s, d);
        long m = s / g;
        long e = d / g;
        long count = 0;
        for (long t0 = 0; t0 < Math.min(k, m); t0++) {
            long taps = (k - 1 - t0) / m + 1;
            long base = t0 * d;
            long uLo = Math.ceilDiv(pad - base, (long) s);
            long uHi = Math.floorDiv(pad + out - 1L - base, (long) s);
            if (uHi >= uLo) {
                count += unionBelow(uHi + 1, taps, e, in) - unionBelow(uLo, taps, e, in);
            }
        }
        return count;
    }

    /** {@code |{u < x} ∩ ∪_{j < taps} [j·e, j·e + len)|}. */
    private static long unionBelow(long x, long taps, long e, long len) {
        if (x <= 0) {
            return 0;
        }
        if (e <= len) {
            // the intervals touch or overlap: one interval [0, (taps − 1)·e + len)
            return Math.min(x, (taps - 1) * e + len);
        }
        long q = x / e;
        if (q >= taps) {
            return taps * len;
        }
        return q * len + Math.min(x - q * e, len);
    }

    private static long gcd(long a, long b) {
        while (b != 0) {
            long r = a % b;
            a = b;
            b = r;
        }
        return a;
    }
}
