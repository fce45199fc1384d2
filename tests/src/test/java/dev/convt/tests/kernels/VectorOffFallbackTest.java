package dev.convt.tests.kernels;

import dev.convt.Plan;
import dev.convt.Planner;
import dev.convt.Problem;
import dev.convt.kernel.ReferenceKernel;
import dev.convt.testkit.Problems;
import dev.convt.testkit.TestData;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tag;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * With {@code -Ddev.convt.vector=false} the automatic choice still answers, on the reference kernel.
 * Runs only in its own surefire execution (tests/pom.xml, id {@code vector-off}), which sets that
 * property in a fresh JVM; the default execution excludes the tag.
 */
@Tag(VectorOffFallbackTest.TAG)
class VectorOffFallbackTest {
    static final String TAG = "vector-off";

    @Example
    void onlyTheReferenceIsAvailableAndItSaysWhy() {
        assertEquals(List.of(ReferenceKernel.NAME), Planner.kernelNames());
        String why = Planner.vectorUnavailableReason();
        assertNotNull(why);
        assertTrue(why.contains("dev.convt.vector=false"), why);
    }

    /** Asking for a vector kernel by name says it is not available, why, and what is. */
    @Example
    void aVectorKernelAskedForByNameIsUnavailableWithTheReason() {
        UnsupportedOperationException e = assertThrows(UnsupportedOperationException.class,
                () -> Planner.kernel(dev.convt.kernel.KernelChoice.IM2COL));
        String m = e.getMessage();
        assertTrue(m.contains("kernel 'im2col' is not available (") && m.contains("dev.convt.vector=false")
                && m.contains("available: [" + ReferenceKernel.NAME + "]"), m);
    }

    @Provide
    Arbitrary<Problem> problems() {
        return Problems.problems(1, 2, 2, 5);
    }

    @Property(tries = 30)
    void theAutomaticChoiceAnswersWithTheReference(@ForAll("problems") Problem p) {
        float[] x = TestData.smallInts(p.inputLength(), 1);
        float[] w = TestData.smallInts(p.weightLength(), 2);
        float[] b = p.spec().hasBias() ? TestData.smallInts(p.biasLength(), 3) : null;
        Plan plan = Planner.plan(p, w, b);
        assertEquals(ReferenceKernel.NAME, plan.kernelName());
        assertEquals(-1, FastKernels.firstBitDifference(FastKernels.reference(p, x, w, b), plan.execute(x)));
    }
}
