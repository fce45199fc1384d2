package dev.convt.tests.spec;

import dev.convt.ConvTransposeSpec;
import dev.convt.Problem;
import dev.convt.testkit.Problems;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code output_size} and the round trip of the seeds: a convolution with the same hyper-parameters
 * maps the transposed convolution's output shape back to its input shape ({@code tconv(conv(X)).shape
 * == X.shape} read backwards), exactly when {@code output_padding < stride}.
 */
class OutputSizeProperties {

    @Property
    void convolutionMapsTheOutputShapeBackToTheInputShape(@ForAll("problems") Problem p) {
        ConvTransposeSpec s = p.spec();
        int[] in = p.inputSpatial(), out = p.outputSpatial();
        for (int i = 0; i < s.rank(); i++) {
            int back = ScalarConv.outputLength(out[i], s.kernelSize(i), s.stride(i), s.padBegin(i), s.padEnd(i), s.dilation(i));
            // output_padding ≥ stride (legal when below the dilation) adds whole conv windows
            assertEquals(in[i] + s.outputPadding(i) / s.stride(i), back, "dimension " + i + " of " + p);
            if (s.outputPadding(i) < s.stride(i)) {
                assertEquals(in[i], back);
            }
        }
    }

    /** Every size in [min, min + stride − 1] is accepted, gives that size and round-trips; min − 1 and max + 1 are rejected. */
    @Property
    void outputSizeAcceptsExactlyTheStrideWideRange(@ForAll("problems") Problem p) {
        ConvTransposeSpec s = p.spec();
        int r = s.rank();
        int[] in = p.inputSpatial();
        int[] min = new int[r], max = new int[r];
        for (int i = 0; i < r; i++) {
            min[i] = (int) ShapeProperties.simulatedLength(in[i], s.kernelSize(i), s.stride(i), s.padBegin(i), s.padEnd(i), s.dilation(i), 0);
            max[i] = min[i] + s.stride(i) - 1;
        }
        for (int i = 0; i < r; i++) {
            for (int size = min[i]; size <= max[i]; size++) {
                int[] req = min.clone();
                req[i] = size;
                if (Arrays.stream(req).anyMatch(v -> v < 1)) {
                    continue; // a legal output_padding, but an empty output: the output-size check's job
                }
                Problem q = p.withOutputSize(req);
                assertArrayEquals(req, q.outputSpatial());
                assertEquals(size - min[i], q.spec().outputPadding(i));
                int back = ScalarConv.outputLength(size, s.kernelSize(i), s.stride(i), s.padBegin(i), s.padEnd(i), s.dilation(i));
                assertEquals(in[i], back, "round trip of size " + size + " in dimension " + i);
            }
            for (int bad : new int[] {min[i] - 1, max[i] + 1}) {
                int[] req = min.clone();
                req[i] = bad;
                IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> p.withOutputSize(req));
                assertTrue(e.getMessage().startsWith("requested an output size of " + Arrays.toString(req)
                        + ", but valid sizes range from " + Arrays.toString(min) + " to " + Arrays.toString(max)), e.getMessage());
            }
        }
    }

    @Provide
    Arbitrary<Problem> problems() {
        return Problems.problems(3);
    }
}
