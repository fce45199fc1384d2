package dev.convt.tests.spec;

import dev.convt.Plan;
import dev.convt.Planner;
import dev.convt.Problem;
import dev.convt.onnx.OnnxConvTranspose;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * ONNX {@code output_shape} and SAME {@code auto_pad} with dilations above 1. Expected values are
 * worked by hand from the operator spec's formula,
 * {@code total = stride·(in−1) + output_padding + ((k−1)·dilation + 1) − output_shape}
 * (SAME_UPPER: {@code total/2} at the beginning; otherwise the odd extra at the beginning), and the
 * outputs from the scatter definition {@code y[i·stride + t·dilation − pad_begin] += x[i]·w[t]}.
 */
class OnnxDilationExamplesTest {
    private static final float[] X = {1, 2, 3, 4, 5};
    private static final float[] W = {1, 10, 100};

    /*
     * X (1,1,5), W (1,1,3), stride 2, dilation 3: the full result has 2·4 + (2·3 + 1) = 15 positions,
     *   pos:  0  1  2   3  4   5    6   7    8   9   10  11   12  13   14
     *   y:    1  0  2  10  3  20  104  30  205  40  300  50  400   0  500
     * (x[i]·w[t] lands on 2i + 3t). SAME: output_shape = 5·2 = 10, total = 8 + 7 − 10 = 5.
     */

    @Test
    void sameUpperWithDilationPutsTheOddExtraAtTheEnd() {
        Problem p = OnnxConvTranspose.problem(
                OnnxConvTranspose.attributes().strides(2).dilations(3).autoPad("SAME_UPPER"),
                new int[] {1, 1, 5}, new int[] {1, 1, 3}, false);
        // begin = 5/2 = 2, end = 3
        assertArrayEquals(new int[] {2}, p.spec().padBegin());
        assertArrayEquals(new int[] {3}, p.spec().padEnd());
        assertArrayEquals(new int[] {1, 1, 10}, p.outputShape());
        assertArrayEquals(new float[] {2, 10, 3, 20, 104, 30, 205, 40, 300, 50}, run(p));
    }

    @Test
    void sameLowerWithDilationPutsTheOddExtraAtTheBeginning() {
        Problem p = OnnxConvTranspose.problem(
                OnnxConvTranspose.attributes().strides(2).dilations(3).autoPad("SAME_LOWER"),
                new int[] {1, 1, 5}, new int[] {1, 1, 3}, false);
        // begin = 5 − 5/2 = 3, end = 2
        assertArrayEquals(new int[] {3}, p.spec().padBegin());
        assertArrayEquals(new int[] {2}, p.spec().padEnd());
        assertArrayEquals(new float[] {10, 3, 20, 104, 30, 205, 40, 300, 50, 400}, run(p));
    }

    @Test
    void outputShapeWithDilationSetsThePads() {
        // 2-D: X (1,2,4,3), W (2,1,3,2), strides (1,2), dilations (2,3), output_shape (7,6)
        //   height: total = 1·3 + (2·2 + 1) − 7 = 1 → NOTSET: begin 1, end 0
        //   width:  total = 2·2 + (1·3 + 1) − 6 = 2 → begin 1, end 1
        OnnxConvTranspose.Attributes a = OnnxConvTranspose.attributes()
                .strides(1, 2).dilations(2, 3).outputShape(7, 6);
        Problem p = OnnxConvTranspose.problem(a, new int[] {1, 2, 4, 3}, new int[] {2, 1, 3, 2}, true);
        assertArrayEquals(new int[] {1, 1}, p.spec().padBegin());
        assertArrayEquals(new int[] {0, 1}, p.spec().padEnd());
        assertArrayEquals(new int[] {0, 0}, p.spec().outputPadding());
        assertArrayEquals(new int[] {1, 1, 7, 6}, p.outputShape());
        // the full form (N, M, *spatial) gives the same problem
        assertArrayEquals(p.spec().padBegin(), OnnxConvTranspose.problem(
                OnnxConvTranspose.attributes().strides(1, 2).dilations(2, 3).outputShape(1, 1, 7, 6),
                new int[] {1, 2, 4, 3}, new int[] {2, 1, 3, 2}, true).spec().padBegin());
    }

    @Test
    void outputShapeBeyondTheFullResultWithDilationBecomesOutputPadding() {
        // X (1,1,5), W (1,1,3), stride 1, dilation 3: the full result has 4 + 7 = 11 positions
        OnnxConvTranspose.Attributes a = OnnxConvTranspose.attributes().dilations(3).outputShape(13);
        Problem p = OnnxConvTranspose.problem(a, new int[] {1, 1, 5}, new int[] {1, 1, 3}, false);
        // 2 more than the full result: output_padding 2 (< dilation 3), pads 0
        assertArrayEquals(new int[] {0}, p.spec().padBegin());
        assertArrayEquals(new int[] {0}, p.spec().padEnd());
        assertArrayEquals(new int[] {2}, p.spec().outputPadding());
        // x[i]·w[t] lands on i + 3t: 1, 2, 3, 4+10, 5+20, 30, 40+100, 50+200, 300, 400, 500, then the two added
        assertArrayEquals(new float[] {1, 2, 3, 14, 25, 30, 140, 250, 300, 400, 500, 0, 0}, run(p));
        // 3 more would need output_padding 3, not smaller than stride 1 or dilation 3
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> OnnxConvTranspose.problem(
                OnnxConvTranspose.attributes().dilations(3).outputShape(14),
                new int[] {1, 1, 5}, new int[] {1, 1, 3}, false));
        assertTrue(e.getMessage().contains("output_shape"), e.getMessage());
    }

    private static float[] run(Problem p) {
        Plan plan = Planner.plan(p, W, null);
        return plan.execute(X);
    }
}
