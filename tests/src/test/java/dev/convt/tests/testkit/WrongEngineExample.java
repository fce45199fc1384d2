package dev.convt.tests.testkit;

import dev.convt.Problem;
import dev.convt.testkit.Agreement;
import dev.convt.testkit.Engine;
import dev.convt.testkit.Problems;
import net.jqwik.api.AfterFailureMode;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.ShrinkingMode;
import net.jqwik.api.constraints.LongRange;

/**
 * The README's example of another engine tested with the testkit, on a deliberately wrong engine: a
 * plain 1-D transposed convolution over arrays that forgets the dilation when it places a tap. Not
 * run by Surefire (its name matches no test pattern): {@link WrongEngineIsCaughtTest} runs it through
 * jqwik's engine and checks that it fails with a shrunk counterexample naming the spec.
 */
class WrongEngineExample {
    static final Engine DILATION_BLIND = Engine.ofArrays("dilation-blind", WrongEngineExample::convTranspose1d);

    // a fixed seed, and on a rerun the same seed again (not jqwik's stored sample), so every run shrinks anew;
    // shrinking unbounded in time, so a loaded machine cannot stop it early at another sample
    @Property(seed = "20261129", afterFailure = AfterFailureMode.PREVIOUS_SEED, shrinking = ShrinkingMode.FULL)
    void agreesWithTheReference(@ForAll("problems") Problem p, @ForAll @LongRange(min = 0, max = 1000) long seed) {
        Agreement.assertBitwiseOnSmallIntegers(DILATION_BLIND, p, seed);
    }

    @Provide
    Arbitrary<Problem> problems() {
        return Problems.problems(1, 1, 3, 6);
    }

    /** A textbook scatter, batched or not, with the bug: tap t lands at i·stride − pad + t instead of + t·dilation. */
    static float[] convTranspose1d(float[] x, int[] xShape, float[] w, int[] wShape, float[] bias, int[] stride,
                                   int[] padBegin, int[] padEnd, int[] outputPadding, int[] dilation, int groups) {
        boolean batched = xShape.length == 3;
        int n = batched ? xShape[0] : 1;
        int cin = xShape[xShape.length - 2];
        int win = xShape[xShape.length - 1];
        int coutG = wShape[1];
        int k = wShape[2];
        int cout = coutG * groups;
        int cinG = cin / groups;
        int wout = (win - 1) * stride[0] - padBegin[0] - padEnd[0] + dilation[0] * (k - 1) + outputPadding[0] + 1;
        float[] y = new float[n * cout * wout];
        for (int b = 0; b < n; b++) {
            for (int co = 0; co < cout; co++) {
                for (int o = 0; o < wout; o++) {
                    y[(b * cout + co) * wout + o] = bias == null ? 0 : bias[co];
                }
            }
            for (int ci = 0; ci < cin; ci++) {
                int g = ci / cinG;
                for (int cog = 0; cog < coutG; cog++) {
                    int co = g * coutG + cog;
                    for (int i = 0; i < win; i++) {
                        for (int t = 0; t < k; t++) {
                            int o = i * stride[0] - padBegin[0] + t; // the bug: t, not t * dilation[0]
                            if (o >= 0 && o < wout) {
                                y[(b * cout + co) * wout + o] += x[(b * cin + ci) * win + i] * w[(ci * coutG + cog) * k + t];
                            }
                        }
                    }
                }
            }
        }
        return y;
    }
}
