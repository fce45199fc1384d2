package dev.convt.tests.kernels;

import dev.convt.ConvTransposeSpec;
import dev.convt.Problem;
import dev.convt.kernel.KernelPlan;
import dev.convt.tests.support.TestData;
import dev.convt.vector.ScatterKernel;
import dev.convt.vector.scatter.ScatterTuning;

import java.lang.management.ManagementFactory;
import java.util.List;

/**
 * Run in a fresh JVM by {@link ScatterKernelTest#executeAllocatesNothingOnceWarm}: warms the scatter
 * plan of each code path, then prints, per path, the bytes its thread allocated over 20 executions
 * (the first zero of a bounded number of rounds, else the last count). A fresh JVM, because the JIT
 * state left by hundreds of other problems in the test JVM is not what this measures.
 */
public final class ScatterAllocationProbe {
    private ScatterAllocationProbe() {}

    /** One problem per code path: stride 1 with 4-channel blocks, strided phases, tap vectors (both block sizes). */
    static List<Problem> paths() {
        int v = ScatterTuning.TAP_V;
        return List.of(
                ConvTransposeSpec.builder1d(8, 8, 3).dilation(2).padding(2).groups(2).build().problem(1, new int[] {50}),
                ConvTransposeSpec.builder1d(3, 1, 5).stride(3).padding(1).outputPadding(1).build().problem(1, new int[] {90}),
                ConvTransposeSpec.builder1d(4, 4, 3).stride(2).padding(1).build().problem(1, new int[] {70}),
                ConvTransposeSpec.builder2d(3, 3, 2 * v).stride(v).padding(2).groups(3).bias(false).build().problem(1, new int[] {3, 20}),
                ConvTransposeSpec.builder1d(2, 5, 2 * v).stride(v).build().problem(1, new int[] {30}));
    }

    public static void main(String[] args) throws InterruptedException {
        var bean = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        for (Problem p : paths()) {
            float[] x = TestData.uniform(p.inputLength(), 1);
            float[] w = TestData.uniform(p.weightLength(), 2);
            float[] b = p.spec().hasBias() ? TestData.uniform(p.spec().outChannels(), 3) : null;
            KernelPlan plan = new ScatterKernel().prepare(p, w, 0, b, 0);
            float[] y = new float[p.outputLength()];
            long allocated = -1;
            for (int round = 0; round < 300 && allocated != 0; round++) {
                for (int i = 0; i < 500; i++) {
                    plan.execute(x, 0, y, 0);
                }
                long before = bean.getCurrentThreadAllocatedBytes();
                for (int i = 0; i < 20; i++) {
                    plan.execute(x, 0, y, 0);
                }
                allocated = bean.getCurrentThreadAllocatedBytes() - before;
                if (allocated != 0) {
                    Thread.sleep(20); // let a busy JIT finish compiling
                }
            }
            System.out.println(allocated + "\t" + p);
        }
    }
}
