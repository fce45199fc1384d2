package dev.convt.bench.jmh;

import dev.convt.Planner;
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
import org.openjdk.jmh.infra.BenchmarkParams;

import java.util.concurrent.TimeUnit;

/**
 * What does the vector module buy? The planner's automatic choice on one layer, once in a JVM with
 * the vector kernels switched off ({@code -Ddev.convt.vector=false}: the scalar reference) and once
 * with them on, in separate forks as Lucene does, so neither JIT profile pollutes the other.
 *
 * <p>The default layers are the smaller ones of the workload, since the scalar side takes seconds on
 * the big ones; {@code -p layer=NAME} picks any layer of the embedded workload.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 5, time = 1)
public class ScalarVsVectorBenchmark {
    @Param({"dcgan_g5", "fcn8s_up_dw", "hifigan_up4", "tasnet_dec", "dilated_1d"})
    public String layer;

    private LayerState state;

    @Setup(Level.Trial)
    public void setup(BenchmarkParams params) {
        state = new LayerState(layer, "auto", 1);
        boolean scalar = params.getBenchmark().endsWith(".scalar");
        if (scalar != state.plan.kernelName().equals("reference")) {
            throw new IllegalStateException(params.getBenchmark() + " on " + layer + " planned '" + state.plan.kernelName() + "'"
                    + (scalar ? "" : "; the vector kernels are not in use: " + Planner.vectorUnavailableReason()));
        }
    }

    @TearDown(Level.Iteration)
    public void verify() {
        state.verify();
    }

    @Benchmark
    @Fork(value = 1, jvmArgsPrepend = {"--add-modules=jdk.incubator.vector", "-XX:+UseParallelGC", "-Ddev.convt.vector=false"})
    public float scalar(Work work) {
        work.gflop += state.gflopPerRun;
        return state.run();
    }

    @Benchmark
    @Fork(value = 1, jvmArgsPrepend = {"--add-modules=jdk.incubator.vector", "-XX:+UseParallelGC"})
    public float vector(Work work) {
        work.gflop += state.gflopPerRun;
        return state.run();
    }
}
