package org.striate.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * Runs one {@link BenchWorkload} in a fresh JVM, so that its peak RSS is its own: the same java binary, JVM
 * options and class path as this JVM, with this class as the main class. The child prints one line,
 * {@value #PREFIX} followed by the result as JSON, with the peak RSS read from {@code /proc/self/status}
 * ({@code VmHWM}; unknown where that file does not exist).
 */
final class BenchChild {
  static final String PREFIX = "bench-result ";
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final long SPARE_SECONDS = 300;

  private BenchChild() {}

  /** The child's entry point: {@code model kind threads warmupSeconds seconds data}, data being a directory or {@code synthetic}. */
  public static void main(String[] args) {
    try {
      BenchWorkload w = new BenchWorkload(args[0], BenchWorkload.Kind.valueOf(args[1]), Integer.parseInt(args[2]),
          Double.parseDouble(args[3]), Double.parseDouble(args[4]));
      BenchResult r = w.run(load(args[5])).withPeakRss(peakRssMib());
      System.out.println(PREFIX + JSON.writeValueAsString(r.toJson()));
      System.exit(0);
    } catch (Exception | Error e) {
      System.err.println("bench child: " + e);
      e.printStackTrace();
      System.exit(1);
    }
  }

  static BenchData load(String data) throws IOException {
    return data.equals(BenchCommand.SYNTHETIC) ? BenchData.synthetic(1) : BenchData.mnist(Path.of(data));
  }

  /**
   * Starts the child for {@code w} on {@code data} (a directory or {@code synthetic}) and waits for its result.
   *
   * @throws IOException if the child cannot start, fails (its last lines of standard error are in the message)
   *     or prints no result
   */
  static BenchResult run(BenchWorkload w, String data) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>();
    command.add(ProcessHandle.current().info().command()
        .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
    command.addAll(ManagementFactory.getRuntimeMXBean().getInputArguments());
    command.add("-cp");
    command.add(System.getProperty("java.class.path"));
    command.add(BenchChild.class.getName());
    command.addAll(List.of(w.model(), w.kind().name(), Integer.toString(w.threads()),
        Double.toString(w.warmupSeconds()), Double.toString(w.seconds()), data));
    Path output = Files.createTempFile("striate-bench-", ".out");
    Path errors = Files.createTempFile("striate-bench-", ".err");
    try {
      Process child = new ProcessBuilder(command).redirectOutput(output.toFile()).redirectError(errors.toFile())
          .start();
      long limit = (long) Math.ceil(w.warmupSeconds() + w.seconds()) + SPARE_SECONDS;
      if (!child.waitFor(limit, TimeUnit.SECONDS)) {
        child.destroyForcibly();
        throw new IOException("the benchmark child for " + describe(w) + " did not finish in " + limit + " s");
      }
      if (child.exitValue() == 0) {
        for (String line : Files.readAllLines(output, StandardCharsets.UTF_8)) {
          if (line.startsWith(PREFIX)) {
            return BenchResult.fromJson(JSON.readTree(line.substring(PREFIX.length())));
          }
        }
      }
      throw new IOException("the benchmark child for " + describe(w) + " failed (exit " + child.exitValue() + "): "
          + firstErrorLines(errors));
    } finally {
      Files.deleteIfExists(output);
      Files.deleteIfExists(errors);
    }
  }

  /** The process's peak resident set size in MiB, or null when {@code /proc/self/status} cannot tell. */
  static Double peakRssMib() {
    Path status = Path.of("/proc/self/status");
    try {
      for (String line : Files.readAllLines(status, StandardCharsets.ISO_8859_1)) {
        if (line.startsWith("VmHWM:")) {
          String[] parts = line.substring("VmHWM:".length()).trim().split("\\s+");
          if (parts.length == 2 && parts[1].equals("kB")) {
            return Long.parseLong(parts[0]) / 1024.0;
          }
        }
      }
    } catch (IOException | NumberFormatException e) {
      return null;
    }
    return null;
  }

  static String describe(BenchWorkload w) {
    return String.format(Locale.ROOT, "%s %s on %d thread%s", w.model(), w.kind(), w.threads(),
        w.threads() == 1 ? "" : "s");
  }

  /** The start of the child's standard error (its message and where it was thrown), without the JVM's notices. */
  private static String firstErrorLines(Path file) throws IOException {
    List<String> lines = new ArrayList<>();
    for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
      if (!line.isBlank() && !line.startsWith("WARNING: Using incubator modules")) {
        lines.add(line.strip());
      }
    }
    return lines.isEmpty() ? "no message" : String.join(" | ", lines.subList(0, Math.min(lines.size(), 3)));
  }
}
