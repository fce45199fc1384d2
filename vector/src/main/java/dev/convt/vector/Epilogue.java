package dev.convt.vector;

import dev.convt.Activation;
import dev.convt.kernel.DryRun;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

import java.lang.foreign.MemorySegment;

/**
 * The fused output stage of the vector kernels: applies a spec's {@link Activation} in place to a
 * run of finished output values, a vector at a time (the last, partial vector masked), while the
 * kernel's output region is still in cache. Allocation-free once compiled.
 *
 * <h2>Numerics</h2>
 * Every lane is computed from its own value alone, with IEEE operations only (compare, blend,
 * multiply, add, fused multiply-add, divide, bit operations): so a value gets the same bits whatever
 * run, lane or vector width it is in, compiled or interpreted, and a plan's result does not depend on
 * how its work is cut into tasks.
 * <ul>
 * <li>ReLU, LeakyReLU and clamp are {@link Activation#apply(float)} exactly (compare and blend; one
 *     rounded product for LeakyReLU): bitwise the reference's.</li>
 * <li>Tanh and sigmoid are not the Vector API's {@code TANH}/{@code EXP}: those are intrinsics
 *     once C2 compiles them and {@code Math} calls before, whose last bits differ, which would make
 *     the first executes of a plan differ from later ones. Instead, {@code exp(r)} for
 *     {@code r ≤ 0}: {@code r = n·ln2 + f} with {@code |f| ≤ ln2/2}, {@code e^f ≈ 1 + f + f²·P(f)} (P of
 *     degree 4, fitted to a relative error of 3.7e-9 on that interval), times {@code 2^n}. Sigmoid
 *     ({@code sigmoidRun}) reduces {@code r = −|v|} by Cody–Waite (ln 2 in two parts, fused
 *     multiply-adds) and scales by {@code 2^n} in two exact steps, so results down to the subnormal
 *     range round once; then {@code sigmoid(v) = 1/(1 + z)} for {@code v > 0} and {@code z/(1 + z)}
 *     otherwise, {@code z = exp(−|v|)} (no overflow, no cancellation). Tanh ({@code tanhRun}) is
 *     {@code sign(v)·(1 − z)/(1 + z)}, {@code z = exp(−2|v|)}, for {@code |v| ≥ 0.55}, else the odd
 *     polynomial {@code v + v³·Q(v²)} (Q of degree 4, fitted to a relative error of 1.4e-9 on
 *     {@code [0, 0.56]}), the sign of {@code v} copied onto the result (so {@code tanh(−0) = −0},
 *     and subnormals pass unchanged, as tanh rounds them). Its {@code exp} is the same polynomial
 *     in {@code g = −f/2 = |v| + n·ln2/2} (Cody–Waite with half of sigmoid's two parts), and its
 *     quotient is {@code (2^-n − e)/(2^-n + e)}: the same roundings as {@code (1 − z)/(1 + z)},
 *     without the product {@code e·2^n}. Measured against float64: tanh over every finite float32
 *     and ±∞ (2^32 − 2^24 + 2 values), within 1.509 ulp of the exact value (the worst at
 *     {@code ±1.247645}, {@code 0x1.3f65aap0}); sigmoid over every 13th float32 bit pattern of each sign
 *     (3.3·10^8 values, every binade), within 2.41 ulp, and within 0.75·2^-149 where the result is
 *     subnormal. {@link #TANH_ULPS} and {@link #SIGMOID_ULPS} state the bounds the tests hold the
 *     kernels to. The same at every vector width (lane-wise IEEE operations).</li>
 * </ul>
 * NaN in gives NaN out for every kind; ±∞ give the limits ({@code tanh = ±1}, {@code sigmoid = 1 or 0}).
 */
public final class Epilogue {
    private static final VectorSpecies<Float> S = VectorConfig.SPECIES;
    private static final int L = S.length();

    /** Tanh's accuracy in ulp of the result, above the measured 1.509 (see the class comment). */
    public static final double TANH_ULPS = 2;
    /** Sigmoid's accuracy in ulp of the result, above the measured 2.41 (see the class comment). */
    public static final double SIGMOID_ULPS = 3;

    /** Below this |v|, tanh is the odd polynomial; above, the exp form (both accurate at the seam). */
    private static final float TANH_POLY_BELOW = 0.55f;
    /** exp's argument is clamped here: {@code e^-104 < 2^-150}, so anything lower rounds to +0 too. */
    private static final float EXP_LOWEST = -104f;
    private static final float LOG2E = 1.44269504088896341f;
    /** 1.5·2^23: adding it rounds a float of magnitude below 2^22 to an integer, kept in the low bits. */
    private static final float ROUNDER = 12582912f;
    private static final int ROUNDER_BITS = 0x4B400000;
    /** ln 2 in two parts (Cephes): n·LN2_HI is exact for the n used here. */
    private static final float LN2_HI = 0.693359375f, LN2_LO = -2.12194440e-4f;
    /** P of {@code e^f ≈ 1 + f + f²·P(f)}, constant term first. */
    private static final float P0 = 0x1.fffff8p-2f, P1 = 0x1.55548ep-3f, P2 = 0x1.555b58p-5f, P3 = 0x1.123b8ep-7f,
            P4 = 0x1.687c22p-10f;
    /** Q of {@code tanh(v) ≈ v + v³·Q(v²)}, constant term first. */
    private static final float Q0 = -0.33333313f, Q1 = 0.13332455f, Q2 = -0.053838268f, Q3 = 0.021012424f,
            Q4 = -0.0061884555f;

    /**
     * Tanh's far formula takes {@code min(|v|, this)}: tanh rounds to 1 from about 9.02 up, and so does
     * the quotient here ({@code 2^-n ≤ 2^29}, so {@code 2^-n ± e} round to {@code 2^-n}).
     */
    private static final float TANH_FAR_HIGHEST = 10f;
    /** {@code −2·log2(e)}: tanh's {@code n = round(−2c·log2(e))}. */
    private static final float MINUS_TWO_LOG2E = -2.88539008177792682f;
    /** Half of LN2_HI and LN2_LO (exact): tanh's {@code g = c + n·ln2/2}, Cody–Waite as sigmoid's reduction. */
    private static final float LN2_HALF_HI = LN2_HI / 2, LN2_HALF_LO = LN2_LO / 2;
    /**
     * Horner coefficients of {@code e^(−2g) ≈ 1 − 2g + C2·g² + … + C6·g⁶}: the polynomial of P above with
     * {@code f = −2g}, so {@code C_k = (−2)^k·P_(k−2)}, exact scalings of the same fit.
     */
    private static final float C2 = 4 * P0, C3 = -8 * P1, C4 = 16 * P2, C5 = -32 * P3, C6 = 64 * P4;

    /** The arithmetic's constants as vectors, made once (see the comment above {@code tanhRun}). */
    private static final VectorSpecies<Integer> I = S.withLanes(int.class);
    private static final FloatVector V_ONE = FloatVector.broadcast(S, 1f), V_MINUS_TWO = FloatVector.broadcast(S, -2f),
            V_EXP_LOWEST = FloatVector.broadcast(S, EXP_LOWEST), V_TANH_POLY_BELOW = FloatVector.broadcast(S, TANH_POLY_BELOW),
            V_MINUS_TWO_LOG2E = FloatVector.broadcast(S, MINUS_TWO_LOG2E), V_LN2_HALF_HI = FloatVector.broadcast(S, LN2_HALF_HI),
            V_LN2_HALF_LO = FloatVector.broadcast(S, LN2_HALF_LO),
            V_C2 = FloatVector.broadcast(S, C2), V_C3 = FloatVector.broadcast(S, C3), V_C4 = FloatVector.broadcast(S, C4),
            V_C5 = FloatVector.broadcast(S, C5), V_C6 = FloatVector.broadcast(S, C6),
            V_LOG2E = FloatVector.broadcast(S, LOG2E), V_ROUNDER = FloatVector.broadcast(S, ROUNDER),
            V_MINUS_LN2_HI = FloatVector.broadcast(S, -LN2_HI), V_MINUS_LN2_LO = FloatVector.broadcast(S, -LN2_LO),
            V_P0 = FloatVector.broadcast(S, P0), V_P1 = FloatVector.broadcast(S, P1), V_P2 = FloatVector.broadcast(S, P2),
            V_P3 = FloatVector.broadcast(S, P3), V_P4 = FloatVector.broadcast(S, P4),
            V_Q0 = FloatVector.broadcast(S, Q0), V_Q1 = FloatVector.broadcast(S, Q1), V_Q2 = FloatVector.broadcast(S, Q2),
            V_Q3 = FloatVector.broadcast(S, Q3), V_Q4 = FloatVector.broadcast(S, Q4);
    private static final IntVector V_ROUNDER_BITS = IntVector.broadcast(I, ROUNDER_BITS),
            V_ROUNDER_BITS_PLUS_BIAS = IntVector.broadcast(I, ROUNDER_BITS + 127), V_BIAS = IntVector.broadcast(I, 127),
            V_SIGN = IntVector.broadcast(I, 0x80000000), V_TANH_FAR_HIGHEST_BITS = IntVector.broadcast(I, Float.floatToRawIntBits(TANH_FAR_HIGHEST));

    private Epilogue() {}

    // BEGIN template for gen_segments.py
    /**
     * Applies {@code act} to {@code y[from .. to)} in place (nothing for {@link Activation#none()}).
     * Each value's result depends on that value alone (see the class comment): NaN stays NaN, and
     * ReLU, clamp and tanh keep the sign of a zero.
     *
     * @param act  the activation
     * @param y    the values
     * @param from the first index
     * @param to   the index past the last; nothing is done when {@code to <= from}
     * @throws IndexOutOfBoundsException if the range leaves {@code y} and {@code act} is not none
     *         (whole vectors before the bad one are already replaced)
     */
    public static void apply(Activation act, float[] y, int from, int to) {
        switch (act.kind()) {
            case NONE -> { }
            case RELU -> reluRun(y, from, to);
            case LEAKY_RELU -> leakyReluRun(act.alpha(), y, from, to);
            case CLAMP -> clampRun(act.min(), act.max(), y, from, to);
            case TANH -> tanhRun(y, from, to);
            case SIGMOID -> sigmoidRun(y, from, to);
        }
    }

    /**
     * Applies {@code act} to {@code count} runs of {@code length} values that start {@code stride}
     * apart from {@code from} (rows or planes of several channels), as
     * {@link #apply(Activation, float[], int, int)} on each run.
     *
     * @param act    the activation
     * @param y      the values
     * @param from   the first index of the first run
     * @param length values per run; nothing is done when it is not positive
     * @param count  the number of runs
     * @param stride the distance from one run's start to the next
     * @throws IndexOutOfBoundsException if a run leaves {@code y} and {@code act} is not none
     */
    public static void apply(Activation act, float[] y, int from, int length, int count, int stride) {
        if (act.isNone() || length <= 0) {
            return;
        }
        for (int c = 0; c < count; c++) {
            apply(act, y, from + c * stride, from + c * stride + length);
        }
    }

    // One loop per kind (tanh and sigmoid share one, for their common e^r), each a method of its own
    // whose vector values never leave it: the loop loads, computes and stores, calling only the Vector
    // API. A vector passed to or returned from a method of ours is an object unless C2 inlines that
    // method, and C2 may decline at any call (a caller's compile past its node budget, a callee
    // already compiled too big, too deep): the im2col kernel's output stage once allocated every
    // vector of tanh that way, in some JVMs only. Here a declined call passes an array or a segment
    // and ints. Every vector is loaded and stored under its in-range mask (whole vectors compile to
    // plain loads and stores), so the kind's code appears once, in the loop.

    /** {@code v < 0 ? +0 : v}: NaN and −0 pass through, as {@link Activation#apply(float)}. */
    private static void reluRun(float[] y, int from, int to) {
        if (DryRun.active()) {
            return;
        }
        for (int i = from; i < to; i += L) {
            VectorMask<Float> m = S.indexInRange(i, to);
            FloatVector v = FloatVector.fromArray(S, y, i, m);
            v.blend(0f, v.lt(0f)).intoArray(y, i, m);
        }
    }

    /** {@code v > 0 ? v : v·alpha}. */
    private static void leakyReluRun(float alpha, float[] y, int from, int to) {
        if (DryRun.active()) {
            return;
        }
        for (int i = from; i < to; i += L) {
            VectorMask<Float> m = S.indexInRange(i, to);
            FloatVector v = FloatVector.fromArray(S, y, i, m);
            v.mul(alpha).blend(v, v.compare(VectorOperators.GT, 0f)).intoArray(y, i, m);
        }
    }

    /** {@code v < min ? min : (v > max ? max : v)}: not {@code max}/{@code min}, which would turn −0 into +0 at a 0 bound. */
    private static void clampRun(float min, float max, float[] y, int from, int to) {
        if (DryRun.active()) {
            return;
        }
        for (int i = from; i < to; i += L) {
            VectorMask<Float> m = S.indexInRange(i, to);
            FloatVector v = FloatVector.fromArray(S, y, i, m);
            FloatVector low = v.blend(min, v.lt(min));
            low.blend(max, low.compare(VectorOperators.GT, max)).intoArray(y, i, m);
        }
    }

    // Tanh and sigmoid are a loop each, and each loop spends as few Vector API calls as its formula needs:
    // the constants are vectors made once (an operation with a scalar operand broadcasts it, in the graph
    // too), and tanh never scales by 2^n (its quotient takes 2^-n). Each formula is written once, as the
    // body of the masked loop of {kind}Tail (a vector at i under the in-range mask m), and
    // gen_microkernels.py copies it unmasked into {kind}Run's loop over whole vectors
    // (EPILOGUE_INTERLEAVE copies side by side; one). The run's method then stays inside C2's
    // parse-time inlining budget (NodeCountInliningCutoff), so its loop's Vector API calls do not wait
    // for C2's delayed inliner, which left some as calls (their vectors objects) in some JVMs only: two
    // interleaved copies, or the masked tail loop in the same method, went past the budget, and the
    // fused-tanh sub-pixel kernel on native segments at 256 bits then allocated in some full test runs
    // (with -XX:-IncrementalInline in every JVM).
    // Two copies were no faster than one in a timing of fused tanh and sigmoid layers. The tail is
    // called once per run, so C2 compiles it later than the run's loop; until then C1's code allocates
    // its vectors. Each method is too big in bytecode for C2 to inline into a kernel, so a kernel's
    // graph does not grow by theirs.

    /**
     * Tanh (see the class comment): {@code sign(v)·(a + a³·Q(a²))} for {@code a = |v| <}
     * {@value #TANH_POLY_BELOW} (and NaN), else {@code sign(v)·(2^-n − e)/(2^-n + e)}, which is
     * {@code (1 − z)/(1 + z)} for {@code z = e·2^n = e^r}, {@code r = −2c}, {@code c = min(a,}
     * {@value #TANH_FAR_HIGHEST}): {@code n = round(r·log2(e))}, {@code r = n·ln2 − 2g},
     * {@code e = e^(−2g)} by Horner. Past {@value #TANH_FAR_HIGHEST} (and from about 9.02) the quotient
     * rounds to 1, as tanh does.
     */
    private static void tanhRun(float[] y, int from, int to) {
        if (DryRun.active()) {
            return;
        }
        java.util.Objects.checkFromToIndex(from, Math.max(from, to), y.length); // before anything is written
        int i = from;
        for (; i <= to - L; i += L) {
            // BEGIN interleaved by gen_microkernels.py from tanh's body, one vector per step; do not edit
            FloatVector v0 = FloatVector.fromArray(S, y, i);
            FloatVector a0 = v0.abs();
            // c = min(a, TANH_FAR_HIGHEST) on the bits, which order as the values for a ≥ 0 (NaN: see the blend)
            FloatVector c0 = a0.reinterpretAsInts().min(V_TANH_FAR_HIGHEST_BITS).reinterpretAsFloats();
            FloatVector t0 = c0.fma(V_MINUS_TWO_LOG2E, V_ROUNDER);
            FloatVector n0 = t0.sub(V_ROUNDER);
            FloatVector g0 = n0.fma(V_LN2_HALF_HI, c0);
            g0 = n0.fma(V_LN2_HALF_LO, g0);
            FloatVector e0 = V_C6.fma(g0, V_C5).fma(g0, V_C4).fma(g0, V_C3).fma(g0, V_C2).fma(g0, V_MINUS_TWO).fma(g0, V_ONE);
            // 2^-n: the bits of t less those of the rounder are n; the exponent bias less n, shifted into place
            FloatVector s0 = V_ROUNDER_BITS_PLUS_BIAS.sub(t0.reinterpretAsInts()).lanewise(VectorOperators.LSHL, 23).reinterpretAsFloats();
            FloatVector far0 = s0.sub(e0).div(s0.add(e0));
            FloatVector sq0 = a0.mul(a0);
            FloatVector q0 = sq0.fma(V_Q4, V_Q3).fma(sq0, V_Q2).fma(sq0, V_Q1).fma(sq0, V_Q0);
            FloatVector poly0 = a0.mul(sq0).fma(q0, a0);
            IntVector sign0 = v0.reinterpretAsInts().and(V_SIGN);
            poly0.blend(far0, a0.compare(VectorOperators.GE, V_TANH_POLY_BELOW)).reinterpretAsInts().or(sign0).reinterpretAsFloats().intoArray(y, i);
            // END interleaved
        }
        if (i < to) {
            tanhTail(y, i, to);
        }
    }

    /** The last values of a {@link #tanhRun} (fewer than L), under the in-range mask: see the comment above {@link #tanhRun}. */
    private static void tanhTail(float[] y, int from, int to) {
        for (int i = from; i < to; i += L) {
            VectorMask<Float> m = S.indexInRange(i, to);
            // BEGIN body tanh: one vector at i under m; gen_microkernels.py interleaves it into tanhRun
            FloatVector v = FloatVector.fromArray(S, y, i, m);
            FloatVector a = v.abs();
            // c = min(a, TANH_FAR_HIGHEST) on the bits, which order as the values for a ≥ 0 (NaN: see the blend)
            FloatVector c = a.reinterpretAsInts().min(V_TANH_FAR_HIGHEST_BITS).reinterpretAsFloats();
            FloatVector t = c.fma(V_MINUS_TWO_LOG2E, V_ROUNDER);
            FloatVector n = t.sub(V_ROUNDER);
            FloatVector g = n.fma(V_LN2_HALF_HI, c);
            g = n.fma(V_LN2_HALF_LO, g);
            FloatVector e = V_C6.fma(g, V_C5).fma(g, V_C4).fma(g, V_C3).fma(g, V_C2).fma(g, V_MINUS_TWO).fma(g, V_ONE);
            // 2^-n: the bits of t less those of the rounder are n; the exponent bias less n, shifted into place
            FloatVector s = V_ROUNDER_BITS_PLUS_BIAS.sub(t.reinterpretAsInts()).lanewise(VectorOperators.LSHL, 23).reinterpretAsFloats();
            FloatVector far = s.sub(e).div(s.add(e));
            FloatVector sq = a.mul(a);
            FloatVector q = sq.fma(V_Q4, V_Q3).fma(sq, V_Q2).fma(sq, V_Q1).fma(sq, V_Q0);
            FloatVector poly = a.mul(sq).fma(q, a);
            IntVector sign = v.reinterpretAsInts().and(V_SIGN);
            poly.blend(far, a.compare(VectorOperators.GE, V_TANH_POLY_BELOW)).reinterpretAsInts().or(sign).reinterpretAsFloats().intoArray(y, i, m);
            // END body tanh
        }
    }

    /**
     * Sigmoid (see the class comment): {@code 1/(1 + z)} for {@code v > 0}, else {@code z/(1 + z)},
     * {@code z = e^r}, {@code r = −|v|}, computed as follows for {@code r ≤ 0} (NaN gives NaN; below
     * {@value #EXP_LOWEST}, +0 or the nearest subnormal).
     */
    private static void sigmoidRun(float[] y, int from, int to) {
        if (DryRun.active()) {
            return;
        }
        java.util.Objects.checkFromToIndex(from, Math.max(from, to), y.length); // before anything is written
        int i = from;
        for (; i <= to - L; i += L) {
            // BEGIN interleaved by gen_microkernels.py from sigmoid's body, one vector per step; do not edit
            FloatVector v0 = FloatVector.fromArray(S, y, i);
            FloatVector r0 = v0.abs().neg();
            r0 = r0.blend(V_EXP_LOWEST, r0.lt(V_EXP_LOWEST));
            FloatVector t0 = r0.fma(V_LOG2E, V_ROUNDER);
            FloatVector n0 = t0.sub(V_ROUNDER);
            IntVector ni0 = t0.reinterpretAsInts().sub(V_ROUNDER_BITS);
            FloatVector f0 = n0.fma(V_MINUS_LN2_HI, r0);
            f0 = n0.fma(V_MINUS_LN2_LO, f0);
            FloatVector p0 = f0.fma(V_P4, V_P3);
            p0 = p0.fma(f0, V_P2);
            p0 = p0.fma(f0, V_P1);
            p0 = p0.fma(f0, V_P0);
            FloatVector e0 = f0.mul(f0).fma(p0, f0).add(V_ONE);
            // 2^n in two factors, each a normal float for n in [-150, 0]: the first product is exact
            IntVector nHalf0 = ni0.lanewise(VectorOperators.ASHR, 1);
            IntVector nRest0 = ni0.sub(nHalf0);
            FloatVector sHalf0 = nHalf0.add(V_BIAS).lanewise(VectorOperators.LSHL, 23).reinterpretAsFloats();
            FloatVector sRest0 = nRest0.add(V_BIAS).lanewise(VectorOperators.LSHL, 23).reinterpretAsFloats();
            FloatVector z0 = e0.mul(sHalf0).mul(sRest0);
            FloatVector d0 = z0.add(V_ONE);
            // one division: 1/d where v > 0, else z/d
            z0.blend(V_ONE, v0.compare(VectorOperators.GT, 0f)).div(d0).intoArray(y, i);
            // END interleaved
        }
        if (i < to) {
            sigmoidTail(y, i, to);
        }
    }

    /** The last values of a {@link #sigmoidRun} (fewer than L), under the in-range mask: see the comment above {@link #tanhRun}. */
    private static void sigmoidTail(float[] y, int from, int to) {
        for (int i = from; i < to; i += L) {
            VectorMask<Float> m = S.indexInRange(i, to);
            // BEGIN body sigmoid: one vector at i under m; gen_microkernels.py interleaves it into sigmoidRun
            FloatVector v = FloatVector.fromArray(S, y, i, m);
            FloatVector r = v.abs().neg();
            r = r.blend(V_EXP_LOWEST, r.lt(V_EXP_LOWEST));
            FloatVector t = r.fma(V_LOG2E, V_ROUNDER);
            FloatVector n = t.sub(V_ROUNDER);
            IntVector ni = t.reinterpretAsInts().sub(V_ROUNDER_BITS);
            FloatVector f = n.fma(V_MINUS_LN2_HI, r);
            f = n.fma(V_MINUS_LN2_LO, f);
            FloatVector p = f.fma(V_P4, V_P3);
            p = p.fma(f, V_P2);
            p = p.fma(f, V_P1);
            p = p.fma(f, V_P0);
            FloatVector e = f.mul(f).fma(p, f).add(V_ONE);
            // 2^n in two factors, each a normal float for n in [-150, 0]: the first product is exact
            IntVector nHalf = ni.lanewise(VectorOperators.ASHR, 1);
            IntVector nRest = ni.sub(nHalf);
            FloatVector sHalf = nHalf.add(V_BIAS).lanewise(VectorOperators.LSHL, 23).reinterpretAsFloats();
            FloatVector sRest = nRest.add(V_BIAS).lanewise(VectorOperators.LSHL, 23).reinterpretAsFloats();
            FloatVector z = e.mul(sHalf).mul(sRest);
            FloatVector d = z.add(V_ONE);
            // one division: 1/d where v > 0, else z/d
            z.blend(V_ONE, v.compare(VectorOperators.GT, 0f)).div(d).intoArray(y, i, m);
            // END body sigmoid
        }
    }
    // END template
    // BEGIN GENERATED by gen_segments.py from the template above (y as native MemorySegments, float i at byte 4·i); do not edit: change the template and rerun the script.
    /** The byte order of the generated segment variants' vector loads and stores. */
    private static final java.nio.ByteOrder SEG_ORDER = java.nio.ByteOrder.nativeOrder();

    /**
     * Applies {@code act} to {@code y[from .. to)} in place (nothing for {@link Activation#none()}).
     * Each value's result depends on that value alone (see the class comment): NaN stays NaN, and
     * ReLU, clamp and tanh keep the sign of a zero.
     *
     * @param act  the activation
     * @param y    the values
     * @param from the first index
     * @param to   the index past the last; nothing is done when {@code to <= from}
     * @throws IndexOutOfBoundsException if the range leaves {@code y} and {@code act} is not none
     *         (whole vectors before the bad one are already replaced)
     */
    public static void apply(Activation act, MemorySegment y, int from, int to) {
        switch (act.kind()) {
            case NONE -> { }
            case RELU -> reluRun(y, from, to);
            case LEAKY_RELU -> leakyReluRun(act.alpha(), y, from, to);
            case CLAMP -> clampRun(act.min(), act.max(), y, from, to);
            case TANH -> tanhRun(y, from, to);
            case SIGMOID -> sigmoidRun(y, from, to);
        }
    }

    /**
     * Applies {@code act} to {@code count} runs of {@code length} values that start {@code stride}
     * apart from {@code from} (rows or planes of several channels), as
     * {@link #apply(Activation, float[], int, int)} on each run.
     *
     * @param act    the activation
     * @param y      the values
     * @param from   the first index of the first run
     * @param length values per run; nothing is done when it is not positive
     * @param count  the number of runs
     * @param stride the distance from one run's start to the next
     * @throws IndexOutOfBoundsException if a run leaves {@code y} and {@code act} is not none
     */
    public static void apply(Activation act, MemorySegment y, int from, int length, int count, int stride) {
        if (act.isNone() || length <= 0) {
            return;
        }
        for (int c = 0; c < count; c++) {
            apply(act, y, from + c * stride, from + c * stride + length);
        }
    }

    // One loop per kind (tanh and sigmoid share one, for their common e^r), each a method of its own
    // whose vector values never leave it: the loop loads, computes and stores, calling only the Vector
    // API. A vector passed to or returned from a method of ours is an object unless C2 inlines that
    // method, and C2 may decline at any call (a caller's compile past its node budget, a callee
    // already compiled too big, too deep): the im2col kernel's output stage once allocated every
    // vector of tanh that way, in some JVMs only. Here a declined call passes an array or a segment
    // and ints. Every vector is loaded and stored under its in-range mask (whole vectors compile to
    // plain loads and stores), so the kind's code appears once, in the loop.

    /** {@code v < 0 ? +0 : v}: NaN and −0 pass through, as {@link Activation#apply(float)}. */
    private static void reluRun(MemorySegment y, int from, int to) {
        if (DryRun.active()) {
            return;
        }
        for (int i = from; i < to; i += L) {
            VectorMask<Float> m = S.indexInRange(i, to);
            FloatVector v = FloatVector.fromMemorySegment(S, y, 4L * i, SEG_ORDER, m);
            v.blend(0f, v.lt(0f)).intoMemorySegment(y, 4L * i, SEG_ORDER, m);
        }
    }

    /** {@code v > 0 ? v : v·alpha}. */
    private static void leakyReluRun(float alpha, MemorySegment y, int from, int to) {
        if (DryRun.active()) {
            return;
        }
        for (int i = from; i < to; i += L) {
            VectorMask<Float> m = S.indexInRange(i, to);
            FloatVector v = FloatVector.fromMemorySegment(S, y, 4L * i, SEG_ORDER, m);
            v.mul(alpha).blend(v, v.compare(VectorOperators.GT, 0f)).intoMemorySegment(y, 4L * i, SEG_ORDER, m);
        }
    }

    /** {@code v < min ? min : (v > max ? max : v)}: not {@code max}/{@code min}, which would turn −0 into +0 at a 0 bound. */
    private static void clampRun(float min, float max, MemorySegment y, int from, int to) {
        if (DryRun.active()) {
            return;
        }
        for (int i = from; i < to; i += L) {
            VectorMask<Float> m = S.indexInRange(i, to);
            FloatVector v = FloatVector.fromMemorySegment(S, y, 4L * i, SEG_ORDER, m);
            FloatVector low = v.blend(min, v.lt(min));
            low.blend(max, low.compare(VectorOperators.GT, max)).intoMemorySegment(y, 4L * i, SEG_ORDER, m);
        }
    }

    // Tanh and sigmoid are a loop each, and each loop spends as few Vector API calls as its formula needs:
    // the constants are vectors made once (an operation with a scalar operand broadcasts it, in the graph
    // too), and tanh never scales by 2^n (its quotient takes 2^-n). Each formula is written once, as the
    // body of the masked loop of {kind}Tail (a vector at i under the in-range mask m), and
    // gen_microkernels.py copies it unmasked into {kind}Run's loop over whole vectors
    // (EPILOGUE_INTERLEAVE copies side by side; one). The run's method then stays inside C2's
    // parse-time inlining budget (NodeCountInliningCutoff), so its loop's Vector API calls do not wait
    // for C2's delayed inliner, which left some as calls (their vectors objects) in some JVMs only: two
    // interleaved copies, or the masked tail loop in the same method, went past the budget, and the
    // fused-tanh sub-pixel kernel on native segments at 256 bits then allocated in some full test runs
    // (with -XX:-IncrementalInline in every JVM).
    // Two copies were no faster than one in a timing of fused tanh and sigmoid layers. The tail is
    // called once per run, so C2 compiles it later than the run's loop; until then C1's code allocates
    // its vectors. Each method is too big in bytecode for C2 to inline into a kernel, so a kernel's
    // graph does not grow by theirs.

    /**
     * Tanh (see the class comment): {@code sign(v)·(a + a³·Q(a²))} for {@code a = |v| <}
     * {@value #TANH_POLY_BELOW} (and NaN), else {@code sign(v)·(2^-n − e)/(2^-n + e)}, which is
     * {@code (1 − z)/(1 + z)} for {@code z = e·2^n = e^r}, {@code r = −2c}, {@code c = min(a,}
     * {@value #TANH_FAR_HIGHEST}): {@code n = round(r·log2(e))}, {@code r = n·ln2 − 2g},
     * {@code e = e^(−2g)} by Horner. Past {@value #TANH_FAR_HIGHEST} (and from about 9.02) the quotient
     * rounds to 1, as tanh does.
     */
    private static void tanhRun(MemorySegment y, int from, int to) {
        if (DryRun.active()) {
            return;
        }
        java.util.Objects.checkFromToIndex(from, Math.max(from, to), (y.byteSize() / 4)); // before anything is written
        int i = from;
        for (; i <= to - L; i += L) {
            // BEGIN interleaved by gen_microkernels.py from tanh's body, one vector per step; do not edit
            FloatVector v0 = FloatVector.fromMemorySegment(S, y, 4L * i, SEG_ORDER);
            FloatVector a0 = v0.abs();
            // c = min(a, TANH_FAR_HIGHEST) on the bits, which order as the values for a ≥ 0 (NaN: see the blend)
            FloatVector c0 = a0.reinterpretAsInts().min(V_TANH_FAR_HIGHEST_BITS).reinterpretAsFloats();
            FloatVector t0 = c0.fma(V_MINUS_TWO_LOG2E, V_ROUNDER);
            FloatVector n0 = t0.sub(V_ROUNDER);
            FloatVector g0 = n0.fma(V_LN2_HALF_HI, c0);
            g0 = n0.fma(V_LN2_HALF_LO, g0);
            FloatVector e0 = V_C6.fma(g0, V_C5).fma(g0, V_C4).fma(g0, V_C3).fma(g0, V_C2).fma(g0, V_MINUS_TWO).fma(g0, V_ONE);
            // 2^-n: the bits of t less those of the rounder are n; the exponent bias less n, shifted into place
            FloatVector s0 = V_ROUNDER_BITS_PLUS_BIAS.sub(t0.reinterpretAsInts()).lanewise(VectorOperators.LSHL, 23).reinterpretAsFloats();
            FloatVector far0 = s0.sub(e0).div(s0.add(e0));
            FloatVector sq0 = a0.mul(a0);
            FloatVector q0 = sq0.fma(V_Q4, V_Q3).fma(sq0, V_Q2).fma(sq0, V_Q1).fma(sq0, V_Q0);
            FloatVector poly0 = a0.mul(sq0).fma(q0, a0);
            IntVector sign0 = v0.reinterpretAsInts().and(V_SIGN);
            poly0.blend(far0, a0.compare(VectorOperators.GE, V_TANH_POLY_BELOW)).reinterpretAsInts().or(sign0).reinterpretAsFloats().intoMemorySegment(y, 4L * i, SEG_ORDER);
            // END interleaved
        }
        if (i < to) {
            tanhTail(y, i, to);
        }
    }

    /** The last values of a {@link #tanhRun} (fewer than L), under the in-range mask: see the comment above {@link #tanhRun}. */
    private static void tanhTail(MemorySegment y, int from, int to) {
        for (int i = from; i < to; i += L) {
            VectorMask<Float> m = S.indexInRange(i, to);
            // BEGIN body tanh: one vector at i under m; gen_microkernels.py interleaves it into tanhRun
            FloatVector v = FloatVector.fromMemorySegment(S, y, 4L * i, SEG_ORDER, m);
            FloatVector a = v.abs();
            // c = min(a, TANH_FAR_HIGHEST) on the bits, which order as the values for a ≥ 0 (NaN: see the blend)
            FloatVector c = a.reinterpretAsInts().min(V_TANH_FAR_HIGHEST_BITS).reinterpretAsFloats();
            FloatVector t = c.fma(V_MINUS_TWO_LOG2E, V_ROUNDER);
            FloatVector n = t.sub(V_ROUNDER);
            FloatVector g = n.fma(V_LN2_HALF_HI, c);
            g = n.fma(V_LN2_HALF_LO, g);
            FloatVector e = V_C6.fma(g, V_C5).fma(g, V_C4).fma(g, V_C3).fma(g, V_C2).fma(g, V_MINUS_TWO).fma(g, V_ONE);
            // 2^-n: the bits of t less those of the rounder are n; the exponent bias less n, shifted into place
            FloatVector s = V_ROUNDER_BITS_PLUS_BIAS.sub(t.reinterpretAsInts()).lanewise(VectorOperators.LSHL, 23).reinterpretAsFloats();
            FloatVector far = s.sub(e).div(s.add(e));
            FloatVector sq = a.mul(a);
            FloatVector q = sq.fma(V_Q4, V_Q3).fma(sq, V_Q2).fma(sq, V_Q1).fma(sq, V_Q0);
            FloatVector poly = a.mul(sq).fma(q, a);
            IntVector sign = v.reinterpretAsInts().and(V_SIGN);
            poly.blend(far, a.compare(VectorOperators.GE, V_TANH_POLY_BELOW)).reinterpretAsInts().or(sign).reinterpretAsFloats().intoMemorySegment(y, 4L * i, SEG_ORDER, m);
            // END body tanh
        }
    }

    /**
     * Sigmoid (see the class comment): {@code 1/(1 + z)} for {@code v > 0}, else {@code z/(1 + z)},
     * {@code z = e^r}, {@code r = −|v|}, computed as follows for {@code r ≤ 0} (NaN gives NaN; below
     * {@value #EXP_LOWEST}, +0 or the nearest subnormal).
     */
    private static void sigmoidRun(MemorySegment y, int from, int to) {
        if (DryRun.active()) {
            return;
        }
        java.util.Objects.checkFromToIndex(from, Math.max(from, to), (y.byteSize() / 4)); // before anything is written
        int i = from;
        for (; i <= to - L; i += L) {
            // BEGIN interleaved by gen_microkernels.py from sigmoid's body, one vector per step; do not edit
            FloatVector v0 = FloatVector.fromMemorySegment(S, y, 4L * i, SEG_ORDER);
            FloatVector r0 = v0.abs().neg();
            r0 = r0.blend(V_EXP_LOWEST, r0.lt(V_EXP_LOWEST));
            FloatVector t0 = r0.fma(V_LOG2E, V_ROUNDER);
            FloatVector n0 = t0.sub(V_ROUNDER);
            IntVector ni0 = t0.reinterpretAsInts().sub(V_ROUNDER_BITS);
            FloatVector f0 = n0.fma(V_MINUS_LN2_HI, r0);
            f0 = n0.fma(V_MINUS_LN2_LO, f0);
            FloatVector p0 = f0.fma(V_P4, V_P3);
            p0 = p0.fma(f0, V_P2);
            p0 = p0.fma(f0, V_P1);
            p0 = p0.fma(f0, V_P0);
            FloatVector e0 = f0.mul(f0).fma(p0, f0).add(V_ONE);
            // 2^n in two factors, each a normal float for n in [-150, 0]: the first product is exact
            IntVector nHalf0 = ni0.lanewise(VectorOperators.ASHR, 1);
            IntVector nRest0 = ni0.sub(nHalf0);
            FloatVector sHalf0 = nHalf0.add(V_BIAS).lanewise(VectorOperators.LSHL, 23).reinterpretAsFloats();
            FloatVector sRest0 = nRest0.add(V_BIAS).lanewise(VectorOperators.LSHL, 23).reinterpretAsFloats();
            FloatVector z0 = e0.mul(sHalf0).mul(sRest0);
            FloatVector d0 = z0.add(V_ONE);
            // one division: 1/d where v > 0, else z/d
            z0.blend(V_ONE, v0.compare(VectorOperators.GT, 0f)).div(d0).intoMemorySegment(y, 4L * i, SEG_ORDER);
            // END interleaved
        }
        if (i < to) {
            sigmoidTail(y, i, to);
        }
    }

    /** The last values of a {@link #sigmoidRun} (fewer than L), under the in-range mask: see the comment above {@link #tanhRun}. */
    private static void sigmoidTail(MemorySegment y, int from, int to) {
        for (int i = from; i < to; i += L) {
            VectorMask<Float> m = S.indexInRange(i, to);
            // BEGIN body sigmoid: one vector at i under m; gen_microkernels.py interleaves it into sigmoidRun
            FloatVector v = FloatVector.fromMemorySegment(S, y, 4L * i, SEG_ORDER, m);
            FloatVector r = v.abs().neg();
            r = r.blend(V_EXP_LOWEST, r.lt(V_EXP_LOWEST));
            FloatVector t = r.fma(V_LOG2E, V_ROUNDER);
            FloatVector n = t.sub(V_ROUNDER);
            IntVector ni = t.reinterpretAsInts().sub(V_ROUNDER_BITS);
            FloatVector f = n.fma(V_MINUS_LN2_HI, r);
            f = n.fma(V_MINUS_LN2_LO, f);
            FloatVector p = f.fma(V_P4, V_P3);
            p = p.fma(f, V_P2);
            p = p.fma(f, V_P1);
            p = p.fma(f, V_P0);
            FloatVector e = f.mul(f).fma(p, f).add(V_ONE);
            // 2^n in two factors, each a normal float for n in [-150, 0]: the first product is exact
            IntVector nHalf = ni.lanewise(VectorOperators.ASHR, 1);
            IntVector nRest = ni.sub(nHalf);
            FloatVector sHalf = nHalf.add(V_BIAS).lanewise(VectorOperators.LSHL, 23).reinterpretAsFloats();
            FloatVector sRest = nRest.add(V_BIAS).lanewise(VectorOperators.LSHL, 23).reinterpretAsFloats();
            FloatVector z = e.mul(sHalf).mul(sRest);
            FloatVector d = z.add(V_ONE);
            // one division: 1/d where v > 0, else z/d
            z.blend(V_ONE, v.compare(VectorOperators.GT, 0f)).div(d).intoMemorySegment(y, 4L * i, SEG_ORDER, m);
            // END body sigmoid
        }
    }
    // END GENERATED
}
