package org.striate.kernel.vector;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.striate.kernel.ConvSpec;
import org.striate.kernel.Kernels;
import org.striate.kernel.Pointwise;
import org.striate.kernel.ScalarKernels;
import org.striate.tensor.ConvGeometry;
import org.striate.tensor.Padding;

/**
 * GFLOP/s of the convolutions of Striate's models, forward, input gradient and weight gradient; not a test
 * (timings do not belong in unit tests). Run from {@code striate-core} after {@code mvn test-compile}:
 *
 * <pre>
 * java --add-modules jdk.incubator.vector -cp target/classes:target/test-classes \
 *     org.striate.kernel.vector.ConvBenchmark [rounds] [scalar] [shape-name-filter]
 * </pre>
 *
 * Each pass runs {@code rounds} timed rounds of at least 0.2 s after a warm-up and prints the best round, the
 * median and the worst over wall time, because the machine may be shared; with one thread also the best rate
 * over the thread's CPU time, which time slices lost to other processes do not lower. FLOPs are {@code 2 *
 * macs} per pass.
 */
public final class ConvBenchmark {

  private record Shape(String name, int batch, ConvSpec spec) {}

  private static final Shape[] SHAPES = {
      new Shape("mnist-convnet conv1 1->32 3x3 28x28", 128, spec(28, 1, 32, 3, 1, Padding.VALID)),
      new Shape("mnist-convnet conv2 32->64 3x3 13x13", 128, spec(13, 32, 64, 3, 1, Padding.VALID)),
      new Shape("lenet5 conv1 1->6 5x5 pad 2 28x28", 128, spec(28, 1, 6, 5, 1, Padding.explicit(2, 2))),
      new Shape("lenet5 conv2 6->16 5x5 14x14", 128, spec(14, 6, 16, 5, 1, Padding.VALID)),
      new Shape("resnet 64->64 3x3 same 56x56", 16, spec(56, 64, 64, 3, 1, Padding.SAME)),
      new Shape("depthwise 64 3x3 same 56x56", 16, spec(56, 64, 64, 3, 64, Padding.SAME)),
      new Shape("pointwise 1x1 64->128 28x28", 32, spec(28, 64, 128, 1, 1, Padding.VALID)),
  };

  private static ConvSpec spec(int size, int cin, int cout, int kernel, int groups, Padding padding) {
    return new ConvSpec(ConvGeometry.of(size, size, kernel, kernel, 1, 1, 1, 1, padding), cin, cout, groups);
  }

  private ConvBenchmark() {}

  public static void main(String[] args) {
    int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 5;
    boolean scalar = args.length > 1 && args[1].equals("scalar");
    String filter = args.length > 2 ? args[2] : "";
    System.out.printf("%s %s, %d rounds, %s kernels%n", System.getProperty("java.vm.name"), Runtime.version(),
        rounds, scalar ? "scalar" : "vector");
    System.out.printf("%-38s %-8s %3s %7s %7s %7s %7s%n", "shape", "pass", "thr", "best", "median", "worst",
        "cpu");
    for (Shape s : SHAPES) {
      if (!s.name.contains(filter)) {
        continue;
      }
      for (int threads = 1; threads <= 2; threads++) {
        try (Kernels k = scalar ? new ScalarKernels(threads) : new VectorKernels(threads)) {
          for (String pass : new String[] {"forward", "input", "weight", "all"}) {
            double[][] g = measure(k, s, pass, rounds);
            String cpu = threads == 1 ? String.format("%7.1f", g[1][rounds - 1]) : "      -";
            System.out.printf("%-38s %-8s %3d %7.1f %7.1f %7.1f %s%n", s.name, pass, threads, g[0][rounds - 1],
                g[0][rounds / 2], g[0][0], cpu);
          }
        }
      }
    }
  }

  /** GFLOP/s of each round over wall time and over the calling thread's CPU time, each sorted. */
  private static double[][] measure(Kernels kernels, Shape s, String pass, int rounds) {
    ThreadMXBean mx = ManagementFactory.getThreadMXBean();
    SplittableRandom r = new SplittableRandom(1);
    ConvSpec spec = s.spec;
    float[] input = random(r, s.batch * spec.inputImageSize());
    float[] weight = random(r, spec.weightSize());
    float[] bias = random(r, spec.outChannels());
    float[] output = new float[s.batch * spec.outputImageSize()];
    float[] gradOutput = random(r, output.length);
    float[] gradInput = new float[input.length];
    float[] gradWeight = new float[weight.length];
    float[] gradBias = new float[bias.length];
    Runnable call = () -> {
      if (pass.equals("forward") || pass.equals("all")) {
        kernels.conv2dForward(spec, s.batch, input, weight, bias, Pointwise.RELU, 0f, output);
      }
      if (pass.equals("input") || pass.equals("all")) {
        kernels.conv2dBackwardInput(spec, s.batch, gradOutput, weight, gradInput);
      }
      if (pass.equals("weight") || pass.equals("all")) {
        kernels.conv2dBackwardWeight(spec, s.batch, input, gradOutput, gradWeight, gradBias);
      }
    };
    double flops = 2.0 * s.batch * spec.macs() * (pass.equals("all") ? 3 : 1);
    long warmUntil = System.nanoTime() + 500_000_000L;
    while (System.nanoTime() < warmUntil) {
      call.run();
    }
    double[] gflops = new double[rounds];
    double[] cpuGflops = new double[rounds];
    for (int round = 0; round < rounds; round++) {
      long cpuStart = mx.getCurrentThreadCpuTime();
      long start = System.nanoTime();
      long now;
      int calls = 0;
      do {
        call.run();
        calls++;
        now = System.nanoTime();
      } while (now - start < 200_000_000L);
      gflops[round] = flops * calls / (now - start);
      cpuGflops[round] = flops * calls / (mx.getCurrentThreadCpuTime() - cpuStart);
    }
    Arrays.sort(gflops);
    Arrays.sort(cpuGflops);
    return new double[][] {gflops, cpuGflops};
  }

  private static float[] random(SplittableRandom r, int n) {
    float[] x = new float[n];
    for (int i = 0; i < n; i++) {
      x[i] = (float) (r.nextDouble() * 2 - 1);
    }
    return x;
  }
}
