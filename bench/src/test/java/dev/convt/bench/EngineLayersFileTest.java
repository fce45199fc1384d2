package dev.convt.bench;

import dev.convt.Planner;
import dev.convt.Problem;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** {@code bench/workloads/engine-layers.json}: it reads, its 3-D layer and its 2-D yardstick share one GEMM shape, and none falls to the reference. */
class EngineLayersFileTest {

    private static final List<Workload.Layer> LAYERS = Workload.read(RepoFiles.path("bench/workloads/engine-layers.json"));

    private static Problem layer(String name) {
        return Workload.select(LAYERS, List.of(name)).getFirst().problem();
    }

    /** {M, K, J} of im2col's GEMM per group: Cout/g·Πk, Cin/g, N·Π in. */
    private static List<Long> gemm(Problem p) {
        return List.of((long) p.spec().outChannelsPerGroup() * p.spec().kernelVolume(), (long) p.spec().inChannelsPerGroup(),
                (long) p.batch() * p.inputPlane());
    }

    @Test
    void theThreeDimensionalLayerAndItsYardstickShareTheGemmShape() {
        assertEquals(3, layer("unet3d_up").rank());
        assertEquals(2, layer("unet2d_same_gemm").rank());
        assertEquals(List.of(256L, 64L, 32768L), gemm(layer("unet3d_up")));
        assertEquals(gemm(layer("unet3d_up")), gemm(layer("unet2d_same_gemm")));
    }

    @Test
    void everyLayerGoesToAFastKernel() {
        assertEquals(4, LAYERS.size());
        for (Workload.Layer l : LAYERS) {
            assertEquals("im2col", Planner.choose(l.problem()).name(), l.name());
        }
    }
}
