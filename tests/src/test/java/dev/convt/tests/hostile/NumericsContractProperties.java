package dev.convt.tests.hostile;

import dev.convt.ConvTransposeSpec;
import dev.convt.Problem;
import dev.convt.kernel.KernelChoice;
import dev.convt.testkit.Problems;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.LongRange;

import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The numerics contract of {@link dev.convt.Plan}, item by item, on every kernel choice: exact data
 * (with signed zeros) bitwise; NaN and infinities where the reference puts them; and the documented
 * examples of overflow (fused multiply-add) and underflow (sign of zero).
 */
class NumericsContractProperties {
    private static final float[] SIGNED = {-2f, -1f, -0f, 0f, 1f, 2f};

    @Provide
    Arbitrary<Problem> problems() {
        return Problems.problems(2);
    }

    /** Item 1: small integers with both zeros, a bias that may be −0: every kernel equals the reference bitwise. */
    @Property
    void exactDataWithSignedZerosIsBitwiseTheReference(@ForAll("problems") Problem p, @ForAll @LongRange(max = 1000) long seed) {
        float[] x = signed(p.inputLength(), seed, 0.5);
        float[] w = signed(p.weightLength(), seed + 1, 0.5);
        float[] b = p.spec().hasBias() ? signed(p.spec().outChannels(), seed + 2, 0.7) : null;
        float[] want = Guarded.reference(p, x, w, b);
        for (KernelChoice c : Guarded.choices()) {
            if (Guarded.takes(c, p)) {
                assertNotNull(Guarded.check(c, p, x, w, b, want), () -> c + " declined an ordinary problem " + p);
            }
        }
    }

    /** Item 3: a few infinities and NaNs among small integers: NaN where the reference has NaN, every other value bitwise. */
    @Property
    void nanAndInfinitiesLandWhereTheReferencePutsThem(@ForAll("problems") Problem p, @ForAll @LongRange(max = 1000) long seed) {
        float[] x = withNonFinite(Guarded.smallInts(p.inputLength(), seed), seed + 10);
        float[] w = withNonFinite(Guarded.smallInts(p.weightLength(), seed + 1), seed + 11);
        float[] b = p.spec().hasBias() ? withNonFinite(Guarded.smallInts(p.spec().outChannels(), seed + 2), seed + 12) : null;
        float[] want = Guarded.reference(p, x, w, b);
        for (KernelChoice c : Guarded.choices()) {
            if (Guarded.takes(c, p)) {
                assertNotNull(Guarded.check(c, p, x, w, b, want, true), () -> c + " declined an ordinary problem " + p);
            }
        }
    }

    /**
     * Item 4, the documented example: products −MAX then 2·MAX on one output. The reference rounds
     * 2·MAX to +Inf before adding; a fused multiply-add gives {@code fma(2, MAX, −MAX) = MAX}.
     */
    @Example
    void overflowMayDifferOnlyAsDocumented() {
        Problem p = ConvTransposeSpec.builder1d(2, 1, 1).bias(false).build().problem(1, new int[] {1});
        float[] x = {-1f, 2f};
        float[] w = {Float.MAX_VALUE, Float.MAX_VALUE};
        float[] ref = Guarded.reference(p, x, w, null);
        assertEquals(Float.POSITIVE_INFINITY, ref[0], "0 + (-MAX) + round(2·MAX) = +Inf");
        assertEquals(Float.MAX_VALUE, Math.fma(2f, Float.MAX_VALUE, -Float.MAX_VALUE), "fma(2, MAX, -MAX) = MAX");
        for (KernelChoice c : Guarded.choices()) {
            float got = run(c, p, x, w, null);
            assertTrue(got == Float.POSITIVE_INFINITY || got == Float.MAX_VALUE,
                    () -> c + " gives " + got + ": neither rounding the product first (+Inf) nor fusing it (MAX)");
        }
    }

    /**
     * Item 5, the documented example: one product that underflows, no bias. The reference adds
     * {@code +0 + round(−1e−60) = +0 + −0 = +0}; a fused multiply-add from +0 rounds once to −0. Every
     * kernel gives a zero; only its sign may differ.
     */
    @Example
    void underflowMayOnlyChangeTheSignOfZero() {
        Problem p = ConvTransposeSpec.builder1d(1, 1, 1).bias(false).build().problem(1, new int[] {1});
        float[] x = {1e-30f};
        float[] w = {-1e-30f};
        assertEquals(0, Float.floatToRawIntBits(Guarded.reference(p, x, w, null)[0]), "the reference gives +0");
        assertEquals(0x8000_0000, Float.floatToRawIntBits(Math.fma(1e-30f, -1e-30f, 0f)), "fma from +0 gives -0");
        for (KernelChoice c : Guarded.choices()) {
            float got = run(c, p, x, w, null);
            assertTrue(got == 0f, () -> c + " gives " + got + ", not a zero");
        }
    }

    private static float run(KernelChoice c, Problem p, float[] x, float[] w, float[] b) {
        return dev.convt.Planner.plan(p, w, 0, b, 0, c).execute(x)[0];
    }

    /** Values from {-2, -1, -0, +0, 1, 2}, zeros drawn with probability {@code zeros}. */
    private static float[] signed(int n, long seed, double zeros) {
        SplittableRandom r = new SplittableRandom(seed);
        float[] a = new float[n];
        for (int i = 0; i < n; i++) {
            a[i] = r.nextDouble() < zeros ? (r.nextBoolean() ? -0f : 0f) : SIGNED[r.nextInt(SIGNED.length)];
        }
        return a;
    }

    /** Replaces about one value in 16 (at least one) with +Inf, -Inf or NaN. */
    private static float[] withNonFinite(float[] a, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        float[] special = {Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, Float.NaN};
        for (int i = 0; i < a.length; i++) {
            if (r.nextInt(16) == 0) {
                a[i] = special[r.nextInt(3)];
            }
        }
        if (a.length > 0) {
            a[r.nextInt(a.length)] = special[r.nextInt(3)];
        }
        return a;
    }
}
