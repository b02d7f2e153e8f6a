package org.striate.bench;

import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.striate.kernel.Kernels;

/**
 * {@code C = A * B} for square {@code size x size} matrices (no transposes, C overwritten) through
 * {@link Kernels#create}. One op is one product, {@code 2 * size^3} floating-point operations.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
// the striate launcher's JVM options (see the module's README)
@Fork(value = 1, jvmArgsAppend = {"--add-modules=jdk.incubator.vector", "-XX:ObjectAlignmentInBytes=64",
    "-XX:+UseSerialGC", "-Xms32m", "-Xmn16m", "-XX:MinHeapFreeRatio=10", "-XX:MaxHeapFreeRatio=30"})
public class GemmBenchmark {
  @Param({"256", "512", "1024"}) public int size;
  @Param({"1", "2"}) public int threads;
  @Param({"vector", "scalar"}) public String kernels;

  private Kernels k;
  private float[] a;
  private float[] b;
  private float[] c;

  @Setup
  public void setUp() {
    k = KernelChoice.create(kernels, threads);
    SplittableRandom random = new SplittableRandom(1);
    a = KernelChoice.randomArray(size * size, random);
    b = KernelChoice.randomArray(size * size, random);
    c = new float[size * size];
  }

  @TearDown
  public void tearDown() {
    k.close();
  }

  @Benchmark
  public void gemm() {
    k.gemm(false, false, size, size, size, a, 0, size, b, 0, size, false, c, 0, size);
  }

  static double flops(int size) {
    return 2.0 * size * size * size;
  }
}
