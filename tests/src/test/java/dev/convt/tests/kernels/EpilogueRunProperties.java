package dev.convt.tests.kernels;

import dev.convt.Activation;
import dev.convt.vector.Epilogue;
import dev.convt.vector.VectorConfig;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Arrays;

/**
 * The epilogue's runs against its values one at a time: {@link Epilogue#apply(Activation, float[], int, int)}
 * on a range gives, bit for bit, what it gives on each element of the range alone, and leaves every
 * element outside the range as it was. A run's whole vectors go through code generated from the
 * one-vector formula (tanh and sigmoid: see gen_microkernels.py), its last
 * values through that formula itself, and one element alone always through the latter; so this holds
 * the generated loops to their source at every offset and length, on arrays and native segments.
 * Lengths reach past a few pairs of vectors of this JVM's width.
 */
class EpilogueRunProperties {
    private static final int L = VectorConfig.LANES;

    record Run(Activation act, float[] values, int from, int to) {
        @Override
        public String toString() {
            return act + " on [" + from + ", " + to + ") of " + values.length + " values " + Arrays.toString(values);
        }
    }

    @Provide
    Arbitrary<Run> runs() {
        Arbitrary<Activation> acts = Arbitraries.of(Activation.tanh(), Activation.sigmoid(), Activation.relu(),
                Activation.leakyRelu(0.125f), Activation.clamp(-1f, 2f));
        // special values now and then among ordinary ones spread over both of tanh's formulas and past its clamp
        Arbitrary<Float> value = Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(12, Arbitraries.floats().between(-12f, 12f)),
                net.jqwik.api.Tuple.of(1, Arbitraries.of(0f, -0f, Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY,
                        Float.MIN_VALUE, -200f, 200f, 0.55f, -0.55f)));
        return Arbitraries.integers().between(0, 5 * L + 3).flatMap(n -> Combinators.combine(
                acts, value.array(float[].class).ofSize(n), Arbitraries.integers().between(0, n), Arbitraries.integers().between(0, n))
                .as((act, values, a, b) -> new Run(act, values, Math.min(a, b), Math.max(a, b))));
    }

    /** Each element of the range alone, the rest untouched: what the run must equal. */
    private static float[] oneAtATime(Run r) {
        float[] y = r.values().clone();
        for (int i = r.from(); i < r.to(); i++) {
            Epilogue.apply(r.act(), y, i, i + 1);
        }
        return y;
    }

    @Property(tries = 400)
    void aRunOnAnArrayIsItsValuesOneAtATime(@ForAll("runs") Run r) {
        float[] y = r.values().clone();
        Epilogue.apply(r.act(), y, r.from(), r.to());
        assertBitwise(oneAtATime(r), y, r);
    }

    @Property(tries = 200)
    void aRunOnASegmentIsItsValuesOneAtATime(@ForAll("runs") Run r) {
        float[] y;
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment s = arena.allocate(Math.max(1, (long) r.values().length * Float.BYTES), 64);
            MemorySegment.copy(r.values(), 0, s, ValueLayout.JAVA_FLOAT, 0, r.values().length);
            Epilogue.apply(r.act(), s, r.from(), r.to());
            y = new float[r.values().length];
            MemorySegment.copy(s, ValueLayout.JAVA_FLOAT, 0, y, 0, y.length);
        }
        assertBitwise(oneAtATime(r), y, r);
    }

    private static void assertBitwise(float[] expected, float[] actual, Run r) {
        for (int i = 0; i < expected.length; i++) {
            if (Float.floatToRawIntBits(expected[i]) != Float.floatToRawIntBits(actual[i])) {
                throw new AssertionError("element " + i + ": " + actual[i] + ", alone " + expected[i]
                        + (i < r.from() || i >= r.to() ? " (outside the range: must be untouched)" : "") + "; " + r);
            }
        }
    }
}
