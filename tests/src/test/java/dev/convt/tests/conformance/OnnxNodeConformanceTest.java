package dev.convt.tests.conformance;

import dev.convt.Planner;
import dev.convt.Problem;
import dev.convt.testkit.Json;
import dev.convt.onnx.OnnxConvTranspose;
import dev.convt.testkit.ErrorBound;
import dev.convt.testkit.Json;
import dev.convt.tests.support.ConformanceData;
import org.junit.jupiter.api.DynamicContainer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/**
 * The ONNX authors' ConvTranspose node tests (the repository's copy, plus any the shared folder adds:
 * {@link ConformanceData}), mapped through {@link OnnxConvTranspose} and run on every available kernel.
 */
class OnnxNodeConformanceTest {

    /** One node test: attributes, X, W, optional B, expected Y. */
    record NodeCase(String name, Map<String, Object> attributes, int[] xShape, float[] x, int[] wShape, float[] w,
                    float[] b, int[] yShape, double[] y) {}

    @SuppressWarnings("unchecked")
    static List<NodeCase> cases() {
        List<NodeCase> out = new ArrayList<>();
        for (Map<String, Object> c : ConformanceData.onnxCases()) {
            List<Object> inputs = (List<Object>) c.get("inputs");
            Map<String, Object> xs = (Map<String, Object>) inputs.get(0);
            Map<String, Object> ws = (Map<String, Object>) inputs.get(1);
            Map<String, Object> bs = inputs.size() > 2 ? (Map<String, Object>) inputs.get(2) : null;
            Map<String, Object> ys = (Map<String, Object>) c.get("output");
            out.add(new NodeCase((String) c.get("name"), attributes((Map<String, Object>) c.get("attributes")),
                    Json.ints("X.shape", xs.get("shape")), Json.floats("X.data", xs.get("data")),
                    Json.ints("W.shape", ws.get("shape")), Json.floats("W.data", ws.get("data")),
                    bs == null ? null : Json.floats("B.data", bs.get("data")),
                    Json.ints("Y.shape", ys.get("shape")), Json.numbers("Y.data", ys.get("data"))));
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
        return Planner.kernelNames().stream().map(kernel -> DynamicContainer.dynamicContainer(
                Kernels.container(kernel, cases, OnnxNodeConformanceTest::problem),
                Kernels.tests(kernel, cases, OnnxNodeConformanceTest::problem, NodeCase::name, c -> check(kernel, c))));
    }

    /**
     * The attributes as the ONNX mapping takes them from a parsed model: integer lists as int[], group
     * as an Integer, auto_pad as a String (the JSON's numbers through the testkit's one coercion).
     */
    static Map<String, Object> attributes(Map<String, Object> json) {
        Map<String, Object> a = new LinkedHashMap<>();
        json.forEach((name, v) -> a.put(name, v instanceof List<?> ? Json.ints(name, v)
                : v instanceof Number ? (Object) Json.integer(name, v) : v));
        return a;
    }

    private static Problem problem(NodeCase c) {
        return OnnxConvTranspose.problem(c.attributes(), c.xShape(), c.wShape(), c.b() != null);
    }

    private static void check(String kernel, NodeCase c) {
        Problem p = problem(c);
        assertArrayEquals(c.yShape(), p.outputShape(), "output shape of " + c.name());
        float[] y = Kernels.run(kernel, p, c.x(), c.w(), c.b());
        assertNull(ErrorBound.check(p, c.x(), c.w(), c.b(), y, c.y()), c.name());
    }
}
