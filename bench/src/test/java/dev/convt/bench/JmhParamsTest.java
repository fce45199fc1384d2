package dev.convt.bench;

import dev.convt.bench.jmh.LayerBenchmark;
import dev.convt.bench.jmh.ScalarVsVectorBenchmark;
import org.junit.jupiter.api.Test;
import org.openjdk.jmh.annotations.Param;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The benchmarks' @Param layer names stay those of the embedded workload. */
class JmhParamsTest {

    private static List<String> params(Class<?> c, String field) throws Exception {
        return List.of(c.getField(field).getAnnotation(Param.class).value());
    }

    @Test
    void layerBenchmarkSweepsTheWholeWorkload() throws Exception {
        assertEquals(Workload.embedded().stream().map(Workload.Layer::name).toList(), params(LayerBenchmark.class, "layer"));
    }

    @Test
    void scalarVsVectorUsesWorkloadLayers() throws Exception {
        List<String> names = Workload.embedded().stream().map(Workload.Layer::name).toList();
        assertTrue(names.containsAll(params(ScalarVsVectorBenchmark.class, "layer")));
    }

    @Test
    void embeddedWorkloadIsTheSharedOne() throws Exception {
        assertEquals(17, Workload.embedded().size());
        java.nio.file.Path shared = RepoFiles.shared("workloads/layers.json");
        if (shared != null) { // the shared folder only adds a comparison
            assertEquals(java.nio.file.Files.readString(shared),
                    java.nio.file.Files.readString(RepoFiles.path("bench/src/main/resources" + Workload.RESOURCE)));
        }
    }
}
