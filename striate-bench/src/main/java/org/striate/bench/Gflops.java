package org.striate.bench;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.infra.BenchmarkParams;
import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.CommandLineOptionException;
import org.openjdk.jmh.runner.options.CommandLineOptions;

/**
 * The benchmarks jar's entry point: takes JMH's own command line (benchmark regexps, {@code -p name=values},
 * {@code -wi}, {@code -i}, {@code -f}, {@code -rf json}, ...), runs JMH, then prints a GFLOP/s table computed from
 * each benchmark's known FLOP count ({@link GemmBenchmark#flops}, {@link ConvCase#flops}) and its time per op.
 *
 * <pre>
 *   java -jar striate-bench/target/benchmarks.jar                              # everything (about 12 minutes)
 *   java -jar striate-bench/target/benchmarks.jar ConvBenchmark -p shape=MNIST_32_64 -p kernels=vector
 *   java -jar striate-bench/target/benchmarks.jar -h                           # JMH's options
 * </pre>
 */
public final class Gflops {
  private Gflops() {}

  public static void main(String[] args) throws Exception {
    CommandLineOptions options;
    try {
      options = new CommandLineOptions(args);
    } catch (CommandLineOptionException e) {
      System.err.println("benchmarks: " + e.getMessage() + " (-h lists JMH's options)");
      System.exit(2);
      return;
    }
    Runner runner = new Runner(options);
    if (options.shouldHelp()) {
      options.showHelp();
      return;
    }
    if (options.shouldList()) {
      runner.list();
      return;
    }
    if (options.shouldListWithParams()) {
      runner.listWithParams(options);
      return;
    }
    if (options.shouldListProfilers() || options.shouldListResultFormats()) {
      org.openjdk.jmh.Main.main(args);
      return;
    }
    try {
      print(runner.run());
    } catch (RunnerException e) {
      System.err.println("benchmarks: " + e.getMessage());
      System.exit(1);
    }
  }

  private static void print(Collection<RunResult> results) {
    List<String[]> rows = new ArrayList<>();
    rows.add(new String[] {"benchmark", "case", "threads", "kernels", "time/op (99.9% CI)", "GFLOP/s mean",
        "GFLOP/s best iteration"});
    for (RunResult r : results) {
      BenchmarkParams p = r.getParams();
      Result<?> score = r.getPrimaryResult();
      double flops = flops(p);
      String[] row = new String[7];
      row[0] = simpleName(p.getBenchmark());
      row[1] = describeCase(p);
      row[2] = orDash(p.getParam("threads"));
      row[3] = orDash(p.getParam("kernels"));
      row[4] = String.format(Locale.ROOT, "%.4g ± %.2g %s", score.getScore(), score.getScoreError(),
          score.getScoreUnit());
      row[5] = gflops(flops, score.getScore(), p);
      row[6] = gflops(flops, best(p.getMode(), score), p);
      rows.add(row);
    }
    System.out.println();
    System.out.println("GFLOP/s = FLOPs per op / time per op; FLOPs = 2 x multiply-adds (GEMM: 2 n^3; convolution:"
        + " 2 x batch x outH x outW x outC x kH x kW x inC, for each of the three passes; bias terms left out;"
        + " FMA peak: 2 x 12 accumulators x lanes x iterations).");
    System.out.println("'best iteration' uses the fastest measurement iteration: on a shared machine it is the"
        + " least disturbed one.");
    int[] widths = new int[rows.get(0).length];
    for (String[] row : rows) {
      for (int i = 0; i < row.length; i++) {
        widths[i] = Math.max(widths[i], row[i].length());
      }
    }
    for (String[] row : rows) {
      StringBuilder line = new StringBuilder();
      for (int i = 0; i < row.length; i++) {
        line.append(String.format(Locale.ROOT, i < 4 ? "%-" + widths[i] + "s  " : "%" + widths[i] + "s  ", row[i]));
      }
      System.out.println(line.toString().stripTrailing());
    }
  }

  /** The FLOPs of one op, or NaN for a benchmark this class does not know. */
  static double flops(BenchmarkParams p) {
    String name = simpleName(p.getBenchmark());
    if (name.startsWith("GemmBenchmark.")) {
      return GemmBenchmark.flops(Integer.parseInt(p.getParam("size")));
    }
    if (name.startsWith("ConvBenchmark.")) {
      return ConvCase.valueOf(p.getParam("shape")).flops();
    }
    if (name.startsWith("FmaPeakBenchmark.")) {
      // From the constants alone: loading FmaPeakBenchmark here would need the Vector API module in this JVM.
      return 2.0 * FmaPeakBenchmark.ACCUMULATORS * (Integer.parseInt(p.getParam("bits")) / 32)
          * FmaPeakBenchmark.ITERATIONS;
    }
    return Double.NaN;
  }

  /** The fastest iteration's score in the same unit as the mean: least time per op, or most ops per time. */
  private static double best(Mode mode, Result<?> score) {
    return mode == Mode.Throughput ? score.getStatistics().getMax() : score.getStatistics().getMin();
  }

  private static String gflops(double flops, double score, BenchmarkParams p) {
    if (Double.isNaN(flops) || p.getMode() == Mode.All) {
      return "n/a";
    }
    double unitSeconds = p.getTimeUnit().toNanos(1) / 1e9;
    double opsPerSecond = p.getMode() == Mode.Throughput ? score / unitSeconds : 1 / (score * unitSeconds);
    return String.format(Locale.ROOT, "%.1f", flops * opsPerSecond / 1e9);
  }

  /** A parameter the benchmark does not have (the FMA peak has neither threads nor kernels) shows as "-". */
  private static String orDash(String value) {
    return value == null ? "-" : value;
  }

  private static String describeCase(BenchmarkParams p) {
    List<String> parts = new ArrayList<>();
    for (String key : p.getParamsKeys()) {
      if (!key.equals("threads") && !key.equals("kernels")) {
        parts.add(key + "=" + p.getParam(key));
      }
    }
    return String.join(" ", parts);
  }

  private static String simpleName(String benchmark) {
    String[] parts = benchmark.split("\\.");
    return parts.length < 2 ? benchmark : parts[parts.length - 2] + "." + parts[parts.length - 1];
  }
}
