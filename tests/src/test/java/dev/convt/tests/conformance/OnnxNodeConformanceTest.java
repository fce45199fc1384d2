package dev.convt.tests.conformance;

import dev.convt.Planner;
import dev.convt.Problem;
import dev.convt.internal.Json;
import dev.convt.onnx.OnnxConvTranspose;
import dev.convt.tests.support.ErrorBound;
import dev.convt.tests.support.SharedData;
import org.junit.jupiter.api.DynamicContainer;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/**
 * The ONNX authors' ConvTranspose node tests ({@code shared/conformance/onnx-convtranspose-node-tests.json}),
 * mapped through {@link OnnxConvTranspose} and run on every available kernel.
 */
class OnnxNodeConformanceTest {
    private static final String FILE = "conformance/onnx-convtranspose-node-tests.json";

    /** One node test: attributes, X, W, optional B, expected Y. */
    record NodeCase(String name, Map<String, Object> attributes, int[] xShape, float[] x, int[] wShape, float[] w,
                    float[] b, int[] yShape, double[] y) {}

    @SuppressWarnings("unchecked")
    static List<NodeCase> cases() {
        Map<String, Object> root = (Map<String, Object>) Json.parse(SharedData.read(FILE));
        List<NodeCase> out = new ArrayList<>();
        for (Object o : (List<Object>) root.get("cases")) {
            Map<String, Object> c = (Map<String, Object>) o;
            List<Object> inputs = (List<Object>) c.get("inputs");
            Map<String, Object> xs = (Map<String, Object>) inputs.get(0);
            Map<String, Object> ws = (Map<String, Object>) inputs.get(1);
            Map<String, Object> bs = inputs.size() > 2 ? (Map<String, Object>) inputs.get(2) : null;
            Map<String, Object> ys = (Map<String, Object>) c.get("output");
            out.add(new NodeCase((String) c.get("name"), (Map<String, Object>) c.get("attributes"),
                    ints(xs.get("shape")), floats(xs.get("data")), ints(ws.get("shape")), floats(ws.get("data")),
                    bs == null ? null : floats(bs.get("data")), ints(ys.get("shape")), doubles(ys.get("data"))));
        }
        return out;
    }

    @Test
    void theFileHoldsTheNineNodeTests() {
        List<String> names = cases().stream().map(NodeCase::name).toList();
        assertEquals(List.of("test_convtranspose", "test_convtranspose_1d", "test_convtranspose_3d",
                "test_convtranspose_output_shape", "test_convtranspose_pad", "test_convtranspose_kernel_shape",
                "test_convtranspose_autopad_same", "test_convtranspose_dilations", "test_convtranspose_pads"), names);
    }

    @TestFactory
    Stream<DynamicContainer> everyNodeTestOnEveryKernel() {
        List<NodeCase> cases = cases();
        return Planner.kernelNames().stream().map(kernel -> DynamicContainer.dynamicContainer(kernel,
                cases.stream().map(c -> DynamicTest.dynamicTest(c.name() + " [" + kernel + "]", () -> check(kernel, c)))));
    }

    private static void check(String kernel, NodeCase c) {
        Problem p = OnnxConvTranspose.problem(c.attributes(), c.xShape(), c.wShape(), c.b() != null);
        assertArrayEquals(c.yShape(), p.outputShape(), "output shape of " + c.name());
        float[] y = Kernels.run(kernel, p, c.x(), c.w(), c.b());
        assertNull(ErrorBound.check(p, c.x(), c.w(), c.b(), y, c.y()), c.name());
    }

    static int[] ints(Object list) {
        return ((List<?>) list).stream().mapToInt(v -> ((Number) v).intValue()).toArray();
    }

    static double[] doubles(Object list) {
        return ((List<?>) list).stream().mapToDouble(v -> ((Number) v).doubleValue()).toArray();
    }

    static float[] floats(Object list) {
        double[] d = doubles(list);
        float[] f = new float[d.length];
        for (int i = 0; i < d.length; i++) {
            f[i] = (float) d[i];
        }
        return f;
    }
}
