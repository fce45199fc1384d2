package dev.convt.bench.jmh;

import dev.convt.vector.gemm.Sgemm;
import org.openjdk.jmh.annotations.AuxCounters;
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

import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

/**
 * The question: how fast is the packed Vector API SGEMM alone ({@code C = A·B}, n × n × n, packing of
 * A and B included), single thread?
 *
 * <p>Score: multiplies per second (throughput). GFLOP/s is the auxiliary counter {@code gflops}: an
 * {@link AuxCounters} {@code OPERATIONS} counter that adds {@code 2·n³ / 1e9} per call, which JMH
 * normalises by time in throughput mode, so its "ops/s" column reads GFLOP per second (the same
 * 2 × multiplications ÷ time definition as the rest of the project; every product lands in C).
 *
 * <p>Dead-code proof: the inputs are small integers, so C is exact and deterministic; {@link #check}
 * compares a checksum of C after each iteration with the one computed by a naive loop in setup
 * and fails the run if they differ.
 *
 * <p>Run: {@code java --add-modules jdk.incubator.vector -cp bench/target/convt-bench.jar
 * org.openjdk.jmh.Main SgemmBenchmark -f 1 -wi 3 -i 5}.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector"})
@State(Scope.Thread)
public class SgemmBenchmark {
    @Param({"512", "1024"})
    public int n;

    private float[] a, b, c;
    private double expectedChecksum;
    private final Sgemm sgemm = new Sgemm();

    /** GFLOP performed, reported by JMH as a rate (GFLOP/s). */
    @AuxCounters(AuxCounters.Type.OPERATIONS)
    @State(Scope.Thread)
    public static class Flops {
        public double gflops;
    }

    @Setup
    public void setUp() {
        a = smallInts(n * n, 1);
        b = smallInts(n * n, 2);
        c = new float[n * n];
        // checksum of the exact product by a plain loop: Σ_ij C[i][j]·(1 + (i·31 + j) % 7)
        double sum = 0;
        float[] row = new float[n];
        for (int i = 0; i < n; i++) {
            java.util.Arrays.fill(row, 0f);
            for (int p = 0; p < n; p++) {
                float av = a[i * n + p];
                for (int j = 0; j < n; j++) {
                    row[j] += av * b[p * n + j];
                }
            }
            for (int j = 0; j < n; j++) {
                sum += row[j] * (1 + (i * 31 + j) % 7);
            }
        }
        expectedChecksum = sum;
    }

    @Benchmark
    public float[] multiply(Flops flops) {
        sgemm.multiply(n, n, n, a, 0, n, b, 0, n, c, 0, n);
        flops.gflops += 2.0 * n * n * n / 1e9;
        return c;
    }

    @TearDown(Level.Iteration)
    public void check() {
        double sum = 0;
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                sum += c[i * n + j] * (1 + (i * 31 + j) % 7);
            }
        }
        if (sum != expectedChecksum) {
            throw new IllegalStateException("SGEMM result is wrong: checksum " + sum + ", expected " + expectedChecksum);
        }
    }

    /** Integers in [-4, 4]: every product and partial sum is exact in float32 at these sizes. */
    private static float[] smallInts(int len, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        float[] v = new float[len];
        for (int i = 0; i < len; i++) {
            v[i] = r.nextInt(9) - 4;
        }
        return v;
    }
}
