package dev.convt.tests.conformance;

import dev.convt.Planner;
import dev.convt.testkit.ErrorBound;
import dev.convt.testkit.Json;
import dev.convt.testkit.PyTorchCase;
import dev.convt.tests.support.ConformanceData;
import org.junit.jupiter.api.DynamicContainer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The PyTorch golden cases (PyTorch 1.13's ConvTranspose1d/2d): the repository's subset always, the
 * shared full set where present ({@link ConformanceData}), mapped through {@link PyTorchCase} and run on
 * every available kernel: the shape must be PyTorch's and the float32 output within DESIGN.md's bound
 * of PyTorch's float64 output; again with the tensors channels last in native memory.
 */
class PyTorchGoldenConformanceTest {
    /** Every parameter kind the subset must cover: the tags of the full set except "big" (see the data's README). */
    static final Set<String> KINDS = Set.of("batched", "bias", "depthwise", "dilated", "dims1", "dims2",
            "eff_kernel_gt_input", "grouped", "has_uncovered_outputs", "input_dim_size_1", "input_spatial_1",
            "kernel_asymmetric", "kernel_gt_input", "kernel_int", "kernel_tuple", "no_bias",
            "op_ge_stride_legal_by_dilation", "output_dim_size_1", "output_padding", "output_size",
            "output_size_full_length", "output_size_max", "output_size_min", "output_size_mid", "output_size_mixed",
            "output_size_overrides_op", "output_spatial_1", "output_tiny_le2", "padded", "single_channel",
            "stride_differs_per_dim", "unbatched");

    private static List<PyTorchCase> cases;

    @SuppressWarnings("unchecked")
    static synchronized List<PyTorchCase> cases() {
        if (cases == null) {
            List<PyTorchCase> out = new ArrayList<>();
            for (String line : ConformanceData.pytorchLines()) {
                out.add(PyTorchCase.of((Map<String, Object>) Json.parse(line)));
            }
            cases = out;
        }
        return cases;
    }

    @Test
    void everyLineMapsAndCarriesItsOutputs() {
        List<PyTorchCase> all = cases();
        int shared = ConformanceData.pytorchSharedLines().size();
        assertEquals(shared == 0 ? 52 : shared, all.size(), "the repository's 52 cases, or the shared folder's full set");
        for (PyTorchCase c : all) {
            assertNotNull(c.y64(), c.id());
            assertArrayEquals(c.yShape(), c.problem().outputShape(), c.id());
        }
    }

    @Test
    void theRepositorySubsetCoversEveryParameterKind() {
        Set<String> tags = new TreeSet<>();
        ConformanceData.pytorchRepoLines().values().forEach(l -> tags.addAll(ConformanceData.tags(l)));
        Set<String> missing = new TreeSet<>(KINDS);
        missing.removeAll(tags);
        assertTrue(missing.isEmpty(), "kinds without a case in the repository's subset: " + missing);
    }

    @TestFactory
    Stream<DynamicContainer> everyCaseOnEveryKernel() {
        List<PyTorchCase> all = cases();
        return Planner.kernelNames().stream().map(kernel -> DynamicContainer.dynamicContainer(
                Kernels.container(kernel, all, PyTorchCase::problem),
                Kernels.tests(kernel, all, PyTorchCase::problem, PyTorchCase::id, c -> {
                    float[] y = Kernels.run(kernel, c.problem(), c.x(), c.weight(), c.bias());
                    assertNull(ErrorBound.check(c.problem(), c.x(), c.weight(), c.bias(), y, c.y64()), c.id());
                })));
    }

    /** The same cases channels last (NLC/NHWC) in native memory, from native packed weights, at two threads. */
    @TestFactory
    Stream<DynamicContainer> everyCaseOnEveryKernelChannelsLastInNativeMemory() {
        List<PyTorchCase> all = cases();
        return Planner.kernelNames().stream().map(kernel -> DynamicContainer.dynamicContainer(
                Kernels.container(kernel, all, PyTorchCase::problem) + " nhwc native",
                Kernels.tests(kernel, all, PyTorchCase::problem, PyTorchCase::id, c -> {
                    float[] y = Kernels.runChannelsLastNative(kernel, c.problem(), c.x(), c.weight(), c.bias());
                    assertNull(ErrorBound.check(c.problem(), c.x(), c.weight(), c.bias(), y, c.y64()), c.id());
                })));
    }
}
