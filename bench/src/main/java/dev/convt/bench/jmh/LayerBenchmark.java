package dev.convt.bench.jmh;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.util.concurrent.TimeUnit;

/**
 * How fast is each kernel on each layer of the workload? One plan per (layer, kernel), timed in
 * runs per second, with GFLOP/s reported through the {@link Work} counter ({@code ·gflop}).
 * {@code threads} sets the threads of each execute. The output of the first run is checked against
 * the definition of transposed convolution in setup,
 * and every iteration must reproduce it exactly. A kernel not available in the JVM (the vector
 * kernels without {@code jdk.incubator.vector}) fails its trials at setup, saying why.
 *
 * <p>The {@code layer} values are the names of the embedded workload (a test keeps them equal).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsPrepend = {"--add-modules=jdk.incubator.vector", "-XX:+UseParallelGC"})
public class LayerBenchmark {
    @Param({"dcgan_g2", "dcgan_g4", "dcgan_g5", "unet_up1", "unet_up4", "pose_deconv1", "pose_deconv3",
            "maskrcnn_mask", "fcn8s_up", "fcn8s_up_dw", "fsrcnn_last", "hifigan_up1", "hifigan_up2",
            "hifigan_up4", "tasnet_dec", "demucs_dec", "dilated_1d"})
    public String layer;

    @Param({"im2col", "scatter", "auto"})
    public String kernel;

    /**
     * Threads per execute (the plan's {@link dev.convt.Parallelism}: 1 is the calling thread, more
     * adds convt's own workers): {@code -p threads=1,2} compares them. Not JMH's {@code -t}, which
     * runs several benchmark threads each executing on its own.
     */
    @Param({"1"})
    public int threads;

    private LayerState state;

    @Setup(Level.Trial)
    public void setup() {
        state = new LayerState(layer, kernel, threads);
    }

    @TearDown(Level.Iteration)
    public void verify() {
        state.verify();
    }

    @Benchmark
    public float run(Work work) {
        work.gflop += state.gflopPerRun;
        return state.run();
    }
}
