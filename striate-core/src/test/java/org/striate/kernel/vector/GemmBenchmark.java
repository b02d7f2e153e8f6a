package org.striate.kernel.vector;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.striate.kernel.Kernels;
import org.striate.kernel.ScalarKernels;

/**
 * GFLOP/s of the GEMM shapes Striate cares about; not a test (timings do not belong in unit tests). Run from
 * {@code striate-core} after {@code mvn test-compile}:
 *
 * <pre>
 * java --add-modules jdk.incubator.vector -cp target/classes:target/test-classes \
 *     org.striate.kernel.vector.GemmBenchmark [rounds] [scalar]
 * </pre>
 *
 * Each shape runs {@code rounds} timed rounds of at least 0.3 s after a warm-up; it prints the best round,
 * the median and the worst, because the machine may be shared. With one thread it also prints the best rate
 * over the thread's CPU time, which time slices lost to other processes do not lower.
 */
public final class GemmBenchmark {

  private record Shape(String name, boolean transA, boolean transB, int m, int n, int k) {}

  private static final Shape[] SHAPES = {
      new Shape("square 256", false, false, 256, 256, 256),
      new Shape("square 512", false, false, 512, 512, 512),
      new Shape("square 1024", false, false, 1024, 1024, 1024),
      new Shape("conv2 forward (im2col)", false, false, 128 * 11 * 11, 64, 288),
      new Shape("conv2 backward weight (A^T)", true, false, 288, 64, 128 * 11 * 11),
      new Shape("conv2 backward data (B^T)", false, true, 128 * 11 * 11, 288, 64),
      new Shape("dense 128x1600 * 1600x10", false, false, 128, 10, 1600),
  };

  private GemmBenchmark() {}

  public static void main(String[] args) {
    int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 7;
    boolean scalar = args.length > 1 && args[1].equals("scalar");
    System.out.printf("%s %s, %d rounds%n", System.getProperty("java.vm.name"), Runtime.version(), rounds);
    System.out.printf("%-30s %7s %7s %7s %7s %7s%n", "shape", "threads", "best", "median", "worst", "cpu");
    for (Shape s : SHAPES) {
      for (int threads = 1; threads <= 2; threads++) {
        try (Kernels k = scalar ? new ScalarKernels(threads) : new VectorKernels(threads)) {
          double[][] g = measure(k, s, rounds);
          double[] wall = g[0];
          String cpu = threads == 1 ? String.format("%7.1f", g[1][rounds - 1]) : "      -";
          System.out.printf("%-30s %7d %7.1f %7.1f %7.1f %s%n",
              s.name, threads, wall[rounds - 1], wall[rounds / 2], wall[0], cpu);
        }
      }
    }
  }

  /** GFLOP/s of each round over wall time and over the calling thread's CPU time, each sorted. */
  private static double[][] measure(Kernels kernels, Shape s, int rounds) {
    ThreadMXBean mx = ManagementFactory.getThreadMXBean();
    SplittableRandom r = new SplittableRandom(1);
    float[] a = new float[s.m * s.k];
    float[] b = new float[s.k * s.n];
    float[] c = new float[s.m * s.n];
    for (int i = 0; i < a.length; i++) {
      a[i] = (float) r.nextDouble();
    }
    for (int i = 0; i < b.length; i++) {
      b[i] = (float) r.nextDouble();
    }
    int lda = s.transA ? s.m : s.k;
    int ldb = s.transB ? s.k : s.n;
    double flops = 2.0 * s.m * s.n * s.k;
    long warmUntil = System.nanoTime() + 1_000_000_000L;
    while (System.nanoTime() < warmUntil) {
      kernels.gemm(s.transA, s.transB, s.m, s.n, s.k, a, 0, lda, b, 0, ldb, false, c, 0, s.n);
    }
    double[] gflops = new double[rounds];
    double[] cpuGflops = new double[rounds];
    for (int round = 0; round < rounds; round++) {
      long cpuStart = mx.getCurrentThreadCpuTime();
      long start = System.nanoTime();
      long now;
      int calls = 0;
      do {
        kernels.gemm(s.transA, s.transB, s.m, s.n, s.k, a, 0, lda, b, 0, ldb, false, c, 0, s.n);
        calls++;
        now = System.nanoTime();
      } while (now - start < 300_000_000L);
      gflops[round] = flops * calls / (now - start);
      cpuGflops[round] = flops * calls / (mx.getCurrentThreadCpuTime() - cpuStart);
    }
    Arrays.sort(gflops);
    Arrays.sort(cpuGflops);
    return new double[][] {gflops, cpuGflops};
  }
}
