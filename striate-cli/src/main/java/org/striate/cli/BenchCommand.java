package org.striate.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.striate.data.MnistFetcher;
import org.striate.files.AtomicWrite;
import org.striate.nn.Architectures;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code striate bench}: training and inference speed, batch-1 latency and peak RSS of the built-in models, each
 * workload in a fresh JVM ({@link BenchChild}); what is timed is said in {@link BenchWorkload}.
 */
@Command(name = "bench", sortOptions = false, mixinStandardHelpOptions = true,
    description = {"Measure training and inference speed, batch-1 latency and peak memory of the built-in models.",
      "Each workload (model x what x threads) runs in a fresh JVM with this JVM's options, so its peak RSS is its "
          + "own: training images/s (Trainer.fit, batch 128, Adam 1e-3), inference images/s (batch 256) and "
          + "batch-1 latency (median and p90 of many calls), all timed after a warm-up."},
    footer = {"", "The child JVMs get this JVM's options (STRIATE_JAVA_OPTS with ./striate), -Dstriate.kernels too.", "",
      "Examples:",
      "  striate bench                          # 2 models x 1 and 2 threads: ~4 min",
      "  striate bench --models lenet5 --threads 2 --workloads train --seconds 5",
      "  striate bench --json striate.json      # tools/compare.sh reads this",
      "  STRIATE_JAVA_OPTS=-Dstriate.kernels=scalar ./striate bench"})
final class BenchCommand implements Callable<Integer> {
  static final String SYNTHETIC = "synthetic";
  private static final String AUTO = "auto";
  private static final double STARTUP_SECONDS = 1.5;

  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Option(names = "--models", paramLabel = "NAME", split = ",", defaultValue = "mnist-convnet,lenet5",
      description = "Built-in models to measure. Default: ${DEFAULT-VALUE}.")
  List<String> models;

  @Option(names = "--threads", paramLabel = "N", split = ",", defaultValue = "1,2",
      description = "Thread counts; each is measured separately. Default: ${DEFAULT-VALUE}.")
  List<Integer> threads;

  @Option(names = "--workloads", paramLabel = "WORKLOAD", split = ",", defaultValue = "train,infer,latency",
      description = "What to measure: train, infer, latency. Default: ${DEFAULT-VALUE}.")
  List<BenchWorkload.Kind> workloads;

  @Option(names = "--warmup-seconds", paramLabel = "X", defaultValue = "5",
      description = "Running time before measuring, per workload (at least one op). Default: ${DEFAULT-VALUE}.")
  double warmupSeconds;

  @Option(names = "--seconds", paramLabel = "X", defaultValue = "10",
      description = "Measured time per workload (at least one op). Default: ${DEFAULT-VALUE}.")
  double seconds;

  @Option(names = "--data", paramLabel = "auto|synthetic|DIR", defaultValue = AUTO,
      description = "Images to cycle through (the first 2,048 training images): 'auto' takes MNIST from the cache "
          + "if it is there (never fetches) and synthetic images of the same shape otherwise; 'synthetic'; or a "
          + "directory with the MNIST training files. Default: ${DEFAULT-VALUE}.")
  String data;

  @Option(names = "--json", paramLabel = "FILE", description = "Also write the results as JSON.")
  Path json;

  @Override
  public Integer call() throws Exception {
    validate();
    PrintWriter out = spec.commandLine().getOut();
    String source = resolveData();
    List<BenchWorkload> plan = new ArrayList<>();
    for (String model : models) {
      for (BenchWorkload.Kind kind : workloads) {
        for (int t : threads) {
          plan.add(new BenchWorkload(model, kind, t, warmupSeconds, seconds));
        }
      }
    }
    Map<String, Object> machine = MachineInfo.describe();
    machine.put("load_average_before", MachineInfo.loadAverage());
    out.printf(Locale.ROOT, "Striate benchmark: %d workload%s, each in a fresh JVM: %s s warm-up, %s s measured "
            + "(about %s in all)%n", plan.size(), plan.size() == 1 ? "" : "s", number(warmupSeconds),
        number(seconds), ProgressBar.clock(plan.size() * (warmupSeconds + seconds + STARTUP_SECONDS)));
    out.printf(Locale.ROOT, "data: %s%n", source.equals(SYNTHETIC)
        ? "synthetic 28x28x1 images (uniform pixels), 2,048 of them" : "MNIST, the first 2,048 training images, from "
        + source);
    out.printf(Locale.ROOT, "machine: %s, %s cores; %s; load average %s%n", machine.get("cpu"),
        machine.get("cores"), machine.get("runtime"), load(machine.get("load_average_before")));
    out.println(row("model", "workload", "threads", "backend", "result", "cores busy", "allocated/op", "peak RSS"));
    out.flush();
    List<BenchResult> results = new ArrayList<>();
    for (BenchWorkload w : plan) {
      BenchResult r = BenchChild.run(w, source);
      results.add(r);
      out.println(row(r));
      out.flush();
    }
    machine.put("load_average_after", MachineInfo.loadAverage());
    out.printf(Locale.ROOT, "load average after: %s%n", load(machine.get("load_average_after")));
    if (json != null) {
      writeJson(machine, source, results);
      out.println("Wrote the results to " + json);
    }
    return 0;
  }

  private void validate() {
    for (String model : models) {
      if (!Architectures.exists(model)) {
        throw new UsageException("--models must name built-in models " + Architectures.names() + ", got '"
            + model + "'");
      }
    }
    for (int t : threads) {
      if (t < 1) {
        throw new UsageException("--threads must be at least 1, got " + t);
      }
    }
    if (!(warmupSeconds >= 0 && warmupSeconds <= 3600)) {
      throw new UsageException("--warmup-seconds must be in [0, 3600], got " + warmupSeconds);
    }
    if (!(seconds > 0 && seconds <= 3600)) {
      throw new UsageException("--seconds must be in (0, 3600], got " + seconds);
    }
    if (!data.equals(AUTO) && !data.equals(SYNTHETIC) && !Files.isDirectory(Path.of(data))) {
      throw new UsageException("--data must be 'auto', 'synthetic' or a directory with the MNIST training files, "
          + "got '" + data + "' (" + (Files.exists(Path.of(data)) ? "not a directory" : "no such directory") + ")");
    }
  }

  /** A directory holding MNIST, or {@link #SYNTHETIC}; the directory's files are checked here, not in each child. */
  private String resolveData() throws IOException {
    if (data.equals(SYNTHETIC)) {
      return SYNTHETIC;
    }
    if (data.equals(AUTO)) {
      MnistFetcher cache = new MnistFetcher(MnistFetcher.defaultCacheDir());
      return cache.isCached() ? cache.directory().toString() : SYNTHETIC;
    }
    BenchData.mnist(Path.of(data));
    return data;
  }

  private void writeJson(Map<String, Object> machine, String source, List<BenchResult> results) throws IOException {
    Map<String, Object> settings = new LinkedHashMap<>();
    settings.put("data", source.equals(SYNTHETIC) ? SYNTHETIC : "mnist");
    settings.put("data_images", BenchData.POOL);
    settings.put("warmup_seconds", warmupSeconds);
    settings.put("seconds", seconds);
    settings.put("optimizer", "adam lr 0.001");
    Map<String, Object> doc = new LinkedHashMap<>();
    doc.put("tool", "striate");
    doc.put("machine", machine);
    doc.put("settings", settings);
    List<Map<String, Object>> rows = new ArrayList<>();
    results.forEach(r -> rows.add(r.toJson()));
    doc.put("results", rows);
    String text = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(doc);
    AtomicWrite.writeString(json, text + "\n");
  }

  /** {@code 1,234 images/s} for throughput, {@code median 123 us, p90 150 us} for latency. */
  static String describe(BenchResult r) {
    if (r.workload().equals(BenchWorkload.Kind.latency.name())) {
      return String.format(Locale.ROOT, "median %,.0f us, p90 %,.0f us", r.opMsMedian() * 1000, r.opMsP90() * 1000);
    }
    return String.format(Locale.ROOT, "%,.0f images/s", r.imagesPerSecond());
  }

  private static String row(BenchResult r) {
    return row(r.model(), r.workload() + ", batch " + r.batch(), Integer.toString(r.threads()), r.backend(),
        describe(r), Double.isNaN(r.cpuUtilisation()) ? "unknown" : String.format(Locale.ROOT, "%.2f",
            r.cpuUtilisation()),
        r.allocatedKibPerOp() == null ? "unknown" : String.format(Locale.ROOT, "%,.0f KiB", r.allocatedKibPerOp()),
        r.peakRssMib() == null ? "unknown" : String.format(Locale.ROOT, "%.0f MiB", r.peakRssMib()));
  }

  private static String row(String model, String workload, String threads, String backend, String result,
      String cores, String allocated, String rss) {
    return String.format(Locale.ROOT, "%-14s %-18s %-7s %-15s %-28s %-10s %-12s %s", model, workload, threads,
        backend, result, cores, allocated, rss);
  }

  private static String load(Object value) {
    return value == null ? "unknown" : String.format(Locale.ROOT, "%.2f", (Double) value);
  }

  private static String number(double value) {
    return String.format(Locale.ROOT, "%s", value).replaceAll("\\.0$", "");
  }
}
