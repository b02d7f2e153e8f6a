package org.striate.bench;

import java.util.concurrent.TimeUnit;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
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
import org.openjdk.jmh.annotations.Warmup;

/**
 * The FMA peak of one core, the yardstick for the kernels' GFLOP/s: {@link #ITERATIONS} rounds of 12 independent
 * fused multiply-adds (12 accumulators hide the FMA latency) on vectors of {@code bits} bits, nothing else in the
 * loop. One op is {@code 2 * ACCUMULATORS * lanes * ITERATIONS} FLOPs.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
// the striate launcher's JVM options (see the module's README)
@Fork(value = 1, jvmArgsAppend = {"--add-modules=jdk.incubator.vector", "-XX:ObjectAlignmentInBytes=64",
    "-XX:+UseSerialGC", "-Xms32m", "-Xmn16m", "-XX:MinHeapFreeRatio=10", "-XX:MaxHeapFreeRatio=30"})
public class FmaPeakBenchmark {
  static final int ITERATIONS = 100_000;
  static final int ACCUMULATORS = 12;

  @Param({"512", "256"}) public int bits;

  private float[] seed;

  @Setup
  public void setUp() {
    if (FloatVector.SPECIES_PREFERRED.vectorBitSize() < bits) {
      throw new IllegalStateException("this CPU's widest float vectors are " + FloatVector.SPECIES_PREFERRED
          + ", not " + bits + " bits");
    }
    seed = new float[3 * bits / 32];
    for (int i = 0; i < seed.length; i++) {
      seed[i] = 1f + i * 1e-7f;
    }
  }

  /** The sum of the accumulators is returned, so the loop cannot be optimised away. */
  @Benchmark
  public float fma() {
    return bits == 512 ? loop512(seed) : loop256(seed);
  }

  // Two copies of one loop: C2 compiles Vector API calls to instructions only when the species is a constant.
  private static float loop512(float[] seed) {
    FloatVector a = FloatVector.fromArray(FloatVector.SPECIES_512, seed, 0);
    FloatVector b = FloatVector.fromArray(FloatVector.SPECIES_512, seed, FloatVector.SPECIES_512.length());
    FloatVector c0 = FloatVector.fromArray(FloatVector.SPECIES_512, seed, 2 * FloatVector.SPECIES_512.length());
    FloatVector c1 = c0;
    FloatVector c2 = c0;
    FloatVector c3 = c0;
    FloatVector c4 = c0;
    FloatVector c5 = c0;
    FloatVector c6 = c0;
    FloatVector c7 = c0;
    FloatVector c8 = c0;
    FloatVector c9 = c0;
    FloatVector c10 = c0;
    FloatVector c11 = c0;
    for (int i = 0; i < ITERATIONS; i++) {
      c0 = a.fma(b, c0);
      c1 = a.fma(b, c1);
      c2 = a.fma(b, c2);
      c3 = a.fma(b, c3);
      c4 = a.fma(b, c4);
      c5 = a.fma(b, c5);
      c6 = a.fma(b, c6);
      c7 = a.fma(b, c7);
      c8 = a.fma(b, c8);
      c9 = a.fma(b, c9);
      c10 = a.fma(b, c10);
      c11 = a.fma(b, c11);
    }
    return c0.add(c1).add(c2).add(c3).add(c4).add(c5).add(c6).add(c7).add(c8).add(c9).add(c10).add(c11)
        .reduceLanes(VectorOperators.ADD);
  }

  private static float loop256(float[] seed) {
    FloatVector a = FloatVector.fromArray(FloatVector.SPECIES_256, seed, 0);
    FloatVector b = FloatVector.fromArray(FloatVector.SPECIES_256, seed, FloatVector.SPECIES_256.length());
    FloatVector c0 = FloatVector.fromArray(FloatVector.SPECIES_256, seed, 2 * FloatVector.SPECIES_256.length());
    FloatVector c1 = c0;
    FloatVector c2 = c0;
    FloatVector c3 = c0;
    FloatVector c4 = c0;
    FloatVector c5 = c0;
    FloatVector c6 = c0;
    FloatVector c7 = c0;
    FloatVector c8 = c0;
    FloatVector c9 = c0;
    FloatVector c10 = c0;
    FloatVector c11 = c0;
    for (int i = 0; i < ITERATIONS; i++) {
      c0 = a.fma(b, c0);
      c1 = a.fma(b, c1);
      c2 = a.fma(b, c2);
      c3 = a.fma(b, c3);
      c4 = a.fma(b, c4);
      c5 = a.fma(b, c5);
      c6 = a.fma(b, c6);
      c7 = a.fma(b, c7);
      c8 = a.fma(b, c8);
      c9 = a.fma(b, c9);
      c10 = a.fma(b, c10);
      c11 = a.fma(b, c11);
    }
    return c0.add(c1).add(c2).add(c3).add(c4).add(c5).add(c6).add(c7).add(c8).add(c9).add(c10).add(c11)
        .reduceLanes(VectorOperators.ADD);
  }
}
