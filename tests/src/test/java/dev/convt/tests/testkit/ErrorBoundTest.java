package dev.convt.tests.testkit;

import dev.convt.ConvTransposeSpec;
import dev.convt.Problem;
import dev.convt.kernel.ReferenceKernel;
import dev.convt.testkit.ErrorBound;
import dev.convt.testkit.TestData;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The one error bound: the full check (against the reference's float64 twin) and the sampled check
 * (an independent float64 gather per element, used by the bench runner) pass the reference's output,
 * agree with each other, and catch a wrong element.
 */
class ErrorBoundTest {
    static final Problem[] PROBLEMS = {
            ConvTransposeSpec.builder(2, 6, 4, 3, 2).stride(2, 3).padding(1, 0).outputPadding(1, 2).dilation(1, 2).groups(2).build().problem(2, new int[] {5, 4}),
            ConvTransposeSpec.builder(1, 5, 3, 4).stride(3).padding(2).bias(false).build().problem(1, new int[] {11}),
            ConvTransposeSpec.builder(3, 2, 2, 2).stride(2).build().problem(1, new int[] {3, 2, 3}),
    };

    @Test
    void bothChecksPassTheReferenceAndCatchAWrongElement() {
        for (Problem p : PROBLEMS) {
            float[] x = TestData.uniform(p.inputLength(), 1);
            float[] w = TestData.uniform(p.weightLength(), 2);
            float[] b = p.spec().hasBias() ? TestData.uniform(p.spec().outChannels(), 3) : null;
            float[] y = new float[p.outputLength()];
            ReferenceKernel.compute(p, x, 0, w, 0, b, 0, y, 0);
            assertNull(ErrorBound.check(p, x, w, b, y), p.toString());
            // every element checked (more samples than elements)
            assertNull(ErrorBound.checkSampled(p, x, w, b, y, 4 * y.length, 7), p.toString());
            float[] wrong = y.clone();
            wrong[wrong.length - 1] += 1e-3f; // the last element is always among the samples
            assertNotNull(ErrorBound.check(p, x, w, b, wrong), p.toString());
            String why = ErrorBound.checkSampled(p, x, w, b, wrong, 2, 7);
            assertNotNull(why, p.toString());
            assertTrue(why.contains("output element " + (wrong.length - 1)) && why.contains(p.toString()), why);
        }
    }

    @Test
    void theGatherAgreesWithTheReferenceTwinOnEveryElement() {
        for (Problem p : PROBLEMS) {
            float[] x = TestData.uniform(p.inputLength(), 4);
            float[] w = TestData.uniform(p.weightLength(), 5);
            float[] b = p.spec().hasBias() ? TestData.uniform(p.spec().outChannels(), 6) : null;
            double[] y64 = new double[p.outputLength()];
            ReferenceKernel.compute64(p, TestData.toDouble(x), TestData.toDouble(w), b == null ? null : TestData.toDouble(b), y64);
            double[] abs = new double[p.outputLength()];
            int[] terms = new int[p.outputLength()];
            ReferenceKernel.absSumAndTerms(p, TestData.toDouble(x), TestData.toDouble(w), abs, terms);
            for (int i = 0; i < y64.length; i++) {
                ErrorBound.Element e = ErrorBound.element(p, x, w, b, i);
                assertEquals(y64[i], e.value(), 1e-12, "value of element " + i + " of " + p);
                assertEquals(abs[i], e.absSum(), 1e-12, "Σ|x·w| of element " + i + " of " + p);
                assertEquals(terms[i], e.products(), "products of element " + i + " of " + p);
            }
        }
    }

    @Test
    void theBiasIsOneMoreTermOfTheSum() {
        // n = 3 products + the bias; Σ = 1.5 + |bias| 0.5: 2·4·u·2 + 0.5·u
        assertEquals(16.5 * ErrorBound.U, ErrorBound.bound(1.5, 3, 0.5, true));
        assertEquals(2 * 3 * ErrorBound.U * 1.5, ErrorBound.bound(1.5, 3, 0, false));
    }
}
