package dev.convt.tests.cost;

import dev.convt.ConvTransposeSpec;
import dev.convt.Problem;
import dev.convt.cost.CostModels;
import dev.convt.kernel.OpCounter;
import dev.convt.kernel.ReferenceKernel;
import dev.convt.testkit.Json;
import dev.convt.tests.support.SharedData;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The closed forms on the 17 layers of the workload (the bench runner's embedded copy of
 * shared/workloads/layers.json) against a brute-force coverage
 * tally of the whole output plane, and against the counting reference run on the layer's
 * one-channel "ones" version (the full layers are too large for the scalar reference).
 */
class WorkloadCostTest {

    static final String WORKLOAD = "bench/src/main/resources/dev/convt/bench/layers.json";

    @TestFactory
    Stream<DynamicTest> closedFormsAgreeWithBruteForceOnEveryWorkloadLayer() throws java.io.IOException {
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> layers = (List<Map<String, Object>>) ((Map<String, Object>)
                Json.parse(java.nio.file.Files.readString(SharedData.repoFile(WORKLOAD)))).get("layers");
        assertEquals(17, layers.size(), "layers in workloads/layers.json");
        return layers.stream().map(l -> DynamicTest.dynamicTest((String) l.get("name"), () -> check(problem(l))));
    }

    private static void check(Problem p) {
        int[] c = BruteCoverage.plane(p);
        long sum = BruteCoverage.sum(c), uncovered = BruteCoverage.zeros(c);
        long plane = c.length, taps = p.spec().kernelVolume();
        long n = p.batch(), cout = p.spec().outChannels(), cinPerG = p.spec().inChannelsPerGroup();
        long noBias = p.spec().hasBias() ? 0 : 1;

        long exactMul = n * cout * cinPerG * sum;
        long exactAdd = exactMul - noBias * n * cout * (plane - uncovered);
        assertEquals(new CostModels.OpCount(exactMul, exactAdd), CostModels.exact(p), () -> "exact of " + p);

        long denseMul = n * cout * plane * cinPerG * taps;
        assertEquals(new CostModels.OpCount(denseMul, denseMul - noBias * n * cout * plane), CostModels.dense(p),
                () -> "dense of " + p);

        long apf = sum - plane;
        long psi = cinPerG * cout;
        long published = n * (psi * (plane * taps + apf) + cout * plane * (cinPerG - noBias));
        assertEquals(published, CostModels.published(p).total(), () -> "published of " + p);
        assertEquals(uncovered, CostModels.uncoveredOutputs(p), () -> "uncovered outputs of " + p);

        // the counting reference on the ones layer: it does the work, its counters must agree too
        Problem ones = CostProblems.onesLayer(p);
        float[] x = new float[ones.inputLength()];
        float[] w = new float[ones.weightLength()];
        Arrays.fill(x, 1f);
        Arrays.fill(w, 1f);
        float[] y = new float[ones.outputLength()];
        OpCounter.Tally tally = new OpCounter.Tally();
        ReferenceKernel.compute(ones, x, 0, w, 0, null, 0, y, 0, tally);
        long onesAdditions = 0;
        for (float v : y) {
            onesAdditions += (long) v - 1;
        }
        assertEquals(apf, onesAdditions, "ones experiment Σ(y − 1)");
        assertEquals(sum, tally.multiplications(), "counted multiplications of the ones layer");
        assertEquals(sum - (plane - uncovered), tally.additions(), "counted additions of the ones layer");
    }

    private static Problem problem(Map<String, Object> l) {
        int dims = num(l, "dims");
        int g = num(l, "g");
        ConvTransposeSpec spec = ConvTransposeSpec.builder(dims, num(l, "Cin"), num(l, "Cout"), ints(l, "k"))
                .stride(ints(l, "s")).padding(ints(l, "p")).outputPadding(ints(l, "op")).dilation(ints(l, "d"))
                .groups(g).bias(Json.bool("bias", l.get("bias"))).build();
        return spec.problem(num(l, "N"), ints(l, "in"));
    }

    private static int num(Map<String, Object> l, String key) {
        return Json.integer(key, l.get(key));
    }

    private static int[] ints(Map<String, Object> l, String key) {
        return Json.ints(key, l.get(key));
    }
}
