package dev.convt.tests.spec;

import dev.convt.ConvTranspose1d;
import dev.convt.ConvTransposeSpec;
import dev.convt.Parallelism;
import dev.convt.Plan;
import dev.convt.Planner;
import dev.convt.Problem;
import dev.convt.kernel.Kernel;
import dev.convt.kernel.KernelChoice;
import dev.convt.kernel.ReferenceKernel;
import org.junit.jupiter.api.Test;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Executor;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What the public types report about themselves (accessors, descriptions, sizes, equality), each
 * against a value stated here: these are what an engine logs and keys caches on.
 */
class PublicAccessorsTest {

    /** An executor with a plain class name for the description. */
    static final class Direct implements Executor {
        @Override
        public void execute(Runnable r) {
            r.run();
        }
    }

    @Test
    void parallelismDescribesItselfAndAcceptsUpToTheThreadLimit() {
        assertEquals("Parallelism[serial]", Parallelism.serial().toString());
        assertEquals("Parallelism[4 threads, convt pool, minTaskWork 2000000]", Parallelism.threads(4).toString());
        assertEquals("Parallelism[1 threads, Direct, minTaskWork 7]", Parallelism.executor(new Direct(), 1).withMinTaskWork(7).toString());
        assertEquals(256, Parallelism.threads(256).threads());
        assertEquals(256, Parallelism.executor(new Direct(), 256).threads());
        assertEquals(1, Parallelism.threads(2).withMinTaskWork(1).minTaskWork());
        assertNull(Parallelism.threads(3).executor());
        assertThrows(IllegalArgumentException.class, () -> Parallelism.threads(257));
    }

    @Test
    void aPlanReportsItsProblemParallelismAndSizes() {
        Problem p = ConvTransposeSpec.builder1d(8, 16, 3).stride(2).build().problem(1, 8, 20);
        float[] w = new float[p.weightLength()];
        float[] b = new float[p.biasLength()];
        Plan plan = Planner.plan(p, w, 0, b, 0, KernelChoice.IM2COL);
        assertEquals(p, plan.problem());
        assertSame(Parallelism.serial(), plan.parallelism());
        assertEquals("Plan[im2col: " + p + "]", plan.toString());
        Plan four = plan.withParallelism(Parallelism.threads(4));
        assertEquals(4, four.parallelism().threads());
        assertEquals("Plan[im2col: " + p + ", Parallelism[4 threads, convt pool, minTaskWork 2000000]]", four.toString());
        // im2col packs every weight (8·16·3 floats) and needs a column workspace
        assertTrue(plan.packedWeightBytes() >= 4L * p.weightLength(), () -> "packed weights " + plan.packedWeightBytes());
        assertTrue(plan.workspaceBytes() > 0, () -> "workspace " + plan.workspaceBytes());
        Plan scatter = Planner.plan(p, w, 0, b, 0, KernelChoice.SCATTER);
        assertTrue(scatter.packedWeightBytes() >= 4L * p.weightLength(), () -> "packed weights " + scatter.packedWeightBytes());
    }

    @Test
    void explainGivesOneDecisionPerKernelInOrder() {
        Problem p = ConvTransposeSpec.builder1d(2, 2, 3).build().problem(1, 2, 5);
        List<Kernel> kernels = Planner.kernels();
        assertEquals(Planner.kernelNames(), kernels.stream().map(Kernel::name).toList());
        assertTrue(kernels.size() >= 2, () -> "the vector kernels are on the class path: " + Planner.kernelNames());
        for (boolean auto : new boolean[] {false, true}) {
            List<Planner.Decision> d = Planner.explain(p, auto);
            assertEquals(Planner.kernelNames(), d.stream().map(Planner.Decision::kernel).toList());
            Planner.Decision ref = d.get(Planner.kernelNames().indexOf(ReferenceKernel.NAME));
            assertTrue(ref.accepted(), "the reference takes every problem");
        }
        // a rank-3 problem: the scatter kernel declines with a reason
        Problem p3 = ConvTransposeSpec.builder(3, 1, 1, new int[] {2, 2, 2}).build().problem(1, 1, 2, 2, 2);
        Planner.Decision scatter = Planner.explain(p3, false).get(Planner.kernelNames().indexOf("scatter"));
        assertFalse(scatter.accepted());
        assertTrue(scatter.reason().contains("rank"), scatter.reason());
        // many input channels, one group: scatter takes the problem when asked, but leaves it to im2col's GEMM
        // in the automatic choice, and says so
        Problem wide = ConvTransposeSpec.builder1d(256, 8, 3).build().problem(1, 256, 10);
        int si = Planner.kernelNames().indexOf("scatter");
        assertTrue(Planner.explain(wide, false).get(si).accepted());
        Planner.Decision auto = Planner.explain(wide, true).get(si);
        assertFalse(auto.accepted());
        assertTrue(auto.reason().contains("im2col"), auto.reason());
        assertEquals(Planner.choose(p).name(), Planner.plan(p, new float[p.weightLength()], new float[p.biasLength()]).kernelName());
    }

    @Test
    void equalSpecsAreEqualAndDifferentOnesAreNot() {
        ConvTransposeSpec a = ConvTransposeSpec.builder2d(4, 6, 3).stride(2).padding(1).build();
        ConvTransposeSpec same = ConvTransposeSpec.builder2d(4, 6, 3).stride(2).padding(1).build();
        assertEquals(a, same);
        assertEquals(a.hashCode(), same.hashCode());
        List<ConvTransposeSpec> others = List.of(
                ConvTransposeSpec.builder2d(4, 6, 3).stride(2).build(),
                ConvTransposeSpec.builder2d(4, 6, 3).stride(1).padding(1).build(),
                ConvTransposeSpec.builder2d(4, 6, 3).stride(2).padding(1).bias(false).build(),
                ConvTransposeSpec.builder2d(4, 6, 3).stride(2).padding(1).dilation(2).build(),
                ConvTransposeSpec.builder2d(4, 6, 3).stride(2).padding(1).outputPadding(1).build(),
                ConvTransposeSpec.builder2d(4, 6, 3).stride(2).padding(1).groups(2).build(),
                ConvTransposeSpec.builder2d(2, 6, 3).stride(2).padding(1).build(),
                ConvTransposeSpec.builder2d(4, 6, 2).stride(2).padding(1).build());
        Set<Integer> hashes = new HashSet<>();
        for (ConvTransposeSpec o : others) {
            assertNotEquals(a, o, () -> o.toString());
            hashes.add(o.hashCode());
        }
        assertTrue(hashes.size() > 1, "the hash ignores the parameters");
        Problem p = a.problem(2, 4, 5, 5);
        assertEquals(p, a.problem(2, 4, 5, 5));
        assertEquals(p.hashCode(), a.problem(2, 4, 5, 5).hashCode());
        assertNotEquals(p, a.problem(1, 4, 5, 5));
        assertNotEquals(p.hashCode(), a.problem(1, 4, 5, 5).hashCode(), "the hash ignores the batch");
    }

    @Test
    void aLayerReportsItsShapesAndItsLastKernel() {
        ConvTranspose1d layer = ConvTranspose1d.builder(2, 3, 4).stride(2).build();
        assertNull(layer.lastKernelName());
        // (5 − 1)·2 + (4 − 1) + 1 = 12
        assertArrayEquals(new int[] {1, 3, 12}, layer.outputShape(1, 2, 5));
        assertArrayEquals(new int[] {3, 12}, layer.outputShape(2, 5));
        float[] y = new float[36];
        layer.forward(new float[10], 0, new int[] {1, 2, 5}, y, 0);
        assertTrue(Planner.kernelNames().contains(layer.lastKernelName()), layer.lastKernelName());
        assertEquals(layer.spec().toString(), layer.toString());
    }

    @Test
    void anOutputSizeTooLargeIsNamedSoAndATooSmallOneIsNot() {
        // (3 − 1)·2^30 + 1 = 2^31 + 1
        IllegalArgumentException big = assertThrows(IllegalArgumentException.class,
                () -> ConvTransposeSpec.builder1d(1, 1, 1).stride(1 << 30).build().outputSpatial(3));
        assertTrue(big.getMessage().contains("or too large (each must be in [1, 2147483647])"), big.getMessage());
        // first dimension exactly Integer.MAX_VALUE ((2 − 1)·(MAX − 1) + 1), the second cropped to 0: too small only
        IllegalArgumentException small = assertThrows(IllegalArgumentException.class,
                () -> ConvTransposeSpec.builder2d(1, 1, 1).stride(Integer.MAX_VALUE - 1, 1).padding(0, 1).build().outputSpatial(2, 1));
        assertTrue(small.getMessage().contains("Output size is too small (out ="), small.getMessage());
    }
}
