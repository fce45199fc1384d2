package dev.convt.tests.kernels;

import dev.convt.Activation;
import dev.convt.vector.Epilogue;
import org.junit.jupiter.api.Test;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.function.DoubleUnaryOperator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The epilogue's tanh and sigmoid on their own, value by value, against float64: each result within
 * {@link Epilogue#TANH_ULPS} / {@link Epilogue#SIGMOID_ULPS} ulp of the exact value of its float32
 * input, on arrays and on native segments. The kernel tests see these functions only through a
 * convolution's sums and a bound that adds the convolution's own error; here nothing else is added,
 * so an approximation that drifts past the documented bound anywhere in the sampled inputs fails.
 *
 * <p>The inputs: every 2039th float32 bit pattern of each sign (every binade, subnormals included),
 * and every 127th pattern where both of tanh's formulas and sigmoid's curved part lie
 * ({@code |v|} in [0.25, 20)), in one run whose length is not a multiple of any vector length (so
 * the last vector is masked). The ulp is that of the exact value's binade (the smaller one where the
 * exact value lies just under a power of two), and at least {@code 2^-149}.
 */
class EpilogueAccuracyTest {
    private static final int SPARSE_STEP = 2039, DENSE_STEP = 127;
    private static final int DENSE_FROM = Float.floatToIntBits(0.25f), DENSE_TO = Float.floatToIntBits(20f);

    /** The sampled inputs, both signs, with an odd length. */
    private static float[] inputs() {
        int sparse = (0x7f800000 / SPARSE_STEP) + 1, dense = (DENSE_TO - DENSE_FROM) / DENSE_STEP;
        float[] x = new float[2 * (sparse + dense) + 1];
        int k = 0;
        for (int i = 0; i < sparse; i++) {
            float v = Float.intBitsToFloat(i * SPARSE_STEP);
            x[k++] = v;
            x[k++] = -v;
        }
        for (int i = 0; i < dense; i++) {
            float v = Float.intBitsToFloat(DENSE_FROM + i * DENSE_STEP);
            x[k++] = v;
            x[k++] = -v;
        }
        x[k] = Float.MAX_VALUE;
        return x;
    }

    /** The ulp of {@code exact}'s float32 binade: {@code 2^(e−23)} for {@code 2^e ≤ |exact| < 2^(e+1)}, at least {@code 2^-149}. */
    private static double ulpOf(double exact) {
        return Math.scalb(1.0, Math.max(Math.getExponent(Math.abs(exact)), -126) - 23);
    }

    private static void assertWithin(float[] x, float[] y, DoubleUnaryOperator exact, double ulps, String what) {
        double worst = 0;
        int worstAt = -1;
        for (int i = 0; i < x.length; i++) {
            double e = exact.applyAsDouble(x[i]);
            double err = Math.abs(y[i] - e) / ulpOf(e);
            if (!(err <= worst)) {
                worst = err;
                worstAt = i;
            }
        }
        if (!(worst <= ulps)) {
            float v = x[worstAt];
            fail(what + ": " + worst + " ulp at x = " + v + " (" + Float.toHexString(v) + "): got " + y[worstAt]
                    + ", exact " + exact.applyAsDouble(v) + "; the bound is " + ulps + " ulp");
        }
    }

    private static float[] onArray(Activation act, float[] x) {
        float[] y = x.clone();
        Epilogue.apply(act, y, 0, y.length);
        return y;
    }

    private static float[] onSegment(Activation act, float[] x) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment s = arena.allocate((long) x.length * Float.BYTES, 64);
            MemorySegment.copy(x, 0, s, ValueLayout.JAVA_FLOAT, 0, x.length);
            Epilogue.apply(act, s, 0, x.length);
            return s.toArray(ValueLayout.JAVA_FLOAT);
        }
    }

    private static double sigmoid(double v) {
        return v > 0 ? 1 / (1 + Math.exp(-v)) : Math.exp(v) / (1 + Math.exp(v));
    }

    @Test
    void tanhIsWithinItsBoundEverywhereSampled() {
        float[] x = inputs();
        assertWithin(x, onArray(Activation.tanh(), x), Math::tanh, Epilogue.TANH_ULPS, "tanh on an array");
        assertWithin(x, onSegment(Activation.tanh(), x), Math::tanh, Epilogue.TANH_ULPS, "tanh on a segment");
    }

    @Test
    void sigmoidIsWithinItsBoundEverywhereSampled() {
        float[] x = inputs();
        assertWithin(x, onArray(Activation.sigmoid(), x), EpilogueAccuracyTest::sigmoid, Epilogue.SIGMOID_ULPS, "sigmoid on an array");
        assertWithin(x, onSegment(Activation.sigmoid(), x), EpilogueAccuracyTest::sigmoid, Epilogue.SIGMOID_ULPS, "sigmoid on a segment");
    }

    /** The class comment's special values: tanh keeps ±0 and subnormals (tanh(v) rounds to v there), gives ±1 at ±∞; NaN stays NaN. */
    @Test
    void specialValues() {
        float[] x = {0f, -0f, Float.MIN_VALUE, -Float.MIN_VALUE, 0x1p-130f, -0x1p-127f, Float.POSITIVE_INFINITY,
                Float.NEGATIVE_INFINITY, Float.NaN};
        for (float[] t : new float[][] {onArray(Activation.tanh(), x), onSegment(Activation.tanh(), x)}) {
            for (int i = 0; i < 6; i++) {
                assertEquals(Float.floatToRawIntBits(x[i]), Float.floatToRawIntBits(t[i]), "tanh(" + x[i] + ")");
            }
            assertEquals(1f, t[6]);
            assertEquals(-1f, t[7]);
            assertEquals(Float.NaN, t[8]);
        }
        for (float[] s : new float[][] {onArray(Activation.sigmoid(), x), onSegment(Activation.sigmoid(), x)}) {
            assertEquals(0.5f, s[0]);
            assertEquals(0.5f, s[1]);
            assertEquals(1f, s[6]);
            assertEquals(0f, s[7]);
            assertEquals(Float.NaN, s[8]);
        }
    }
}
