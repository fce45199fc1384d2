package dev.convt.tests.conformance;

import dev.convt.Planner;
import dev.convt.internal.Json;
import dev.convt.internal.PyTorchCase;
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
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

/**
 * Every case of {@code shared/conformance/pytorch-golden.jsonl} (PyTorch 1.13's ConvTranspose1d/2d),
 * mapped through {@link PyTorchCase} and run on every available kernel: the shape must be PyTorch's
 * and the float32 output within DESIGN.md's bound of PyTorch's float64 output.
 */
class PyTorchGoldenConformanceTest {
    private static final String FILE = "conformance/pytorch-golden.jsonl";
    private static List<PyTorchCase> cases;

    @SuppressWarnings("unchecked")
    static synchronized List<PyTorchCase> cases() {
        if (cases == null) {
            List<PyTorchCase> out = new ArrayList<>();
            for (String line : SharedData.read(FILE).split("\n")) {
                if (!line.isBlank()) {
                    out.add(PyTorchCase.of((Map<String, Object>) Json.parse(line)));
                }
            }
            cases = out;
        }
        return cases;
    }

    @Test
    void everyLineMapsAndCarriesItsOutputs() {
        List<PyTorchCase> all = cases();
        assertEquals(300, all.size());
        for (PyTorchCase c : all) {
            assertNotNull(c.y64(), c.id());
            assertArrayEquals(c.yShape(), c.problem().outputShape(), c.id());
        }
    }

    @TestFactory
    Stream<DynamicContainer> everyCaseOnEveryKernel() {
        List<PyTorchCase> all = cases();
        return Planner.kernelNames().stream().map(kernel -> DynamicContainer.dynamicContainer(kernel,
                all.stream().map(c -> DynamicTest.dynamicTest(c.id() + " [" + kernel + "]", () -> {
                    float[] y = Kernels.run(kernel, c.problem(), c.x(), c.weight(), c.bias());
                    assertNull(ErrorBound.check(c.problem(), c.x(), c.weight(), c.bias(), y, c.y64()), c.id());
                }))));
    }
}
