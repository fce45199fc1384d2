package dev.convt.bench;

import dev.convt.ConvTransposeSpec;
import dev.convt.Problem;
import dev.convt.kernel.ReferenceKernel;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertThrows;

/** The benchmarks' output check: passes the reference's output, catches a wrong element. */
class OutputCheckTest {

    @Test
    void acceptsTheReferenceAndRejectsAWrongElement() {
        Problem[] problems = {
                ConvTransposeSpec.builder(2, 6, 4, 3, 2).stride(2, 3).padding(1, 0).outputPadding(1, 2).dilation(1, 2).groups(2).build().problem(2, new int[] {5, 4}),
                ConvTransposeSpec.builder(1, 5, 3, 4).stride(3).padding(2).bias(false).build().problem(1, new int[] {11}),
                ConvTransposeSpec.builder(3, 2, 2, 2).stride(2).build().problem(1, new int[] {3, 2, 3}),
        };
        for (Problem p : problems) {
            float[] x = Data.uniform(p.inputLength(), 1);
            float[] w = Data.uniform(p.weightLength(), 2);
            float[] b = p.spec().hasBias() ? Data.uniform(p.spec().outChannels(), 3) : null;
            float[] y = new float[p.outputLength()];
            ReferenceKernel.compute(p, x, 0, w, 0, b, 0, y, 0);
            // every element checked (more samples than elements)
            OutputCheck.check(p, x, w, b, y, 4 * y.length, 7);
            float[] wrong = y.clone();
            wrong[wrong.length - 1] += 1e-3f; // the last element is always among the samples
            assertThrows(IllegalStateException.class, () -> OutputCheck.check(p, x, w, b, wrong, 2, 7), p.toString());
        }
    }
}
