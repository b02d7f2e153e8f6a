package org.striate.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class BenchCommandTest {
  @TempDir Path dir;

  /** One workload in one child JVM, on real-format data; checks the plumbing, never the speed. */
  @Test
  void runsAWorkloadInAChildJvmAndWritesJson() throws Exception {
    Path data = TinyMnist.write(dir.resolve("data"), 300, 10);
    Path json = dir.resolve("bench.json");
    Cli r = Cli.run("bench", "--models", "lenet5", "--threads", "1", "--workloads", "latency", "--warmup-seconds",
        "0", "--seconds", "0.2", "--data", data.toString(), "--json", json.toString());
    assertEquals(0, r.exitCode(), r.err());
    assertTrue(r.out().startsWith("Striate benchmark: 1 workload, each in a fresh JVM: 0 s warm-up, 0.2 s measured"),
        r.out());
    assertTrue(r.out().contains("\ndata: MNIST, the first 2,048 training images, from " + data + "\n"), r.out());
    assertTrue(r.out().contains("\nlenet5         latency, batch 1   1       vector kernels  median "), r.out());
    assertTrue(r.out().endsWith("Wrote the results to " + json + "\n"), r.out());

    JsonNode doc = new ObjectMapper().readTree(json.toFile());
    assertEquals("striate", doc.get("tool").asText());
    assertEquals("mnist", doc.get("settings").get("data").asText());
    assertEquals(2048, doc.get("settings").get("data_images").asInt());
    assertTrue(doc.get("machine").get("cores").asInt() >= 1);
    assertEquals(1, doc.get("results").size());
    JsonNode result = doc.get("results").get(0);
    List<String> keys = new ArrayList<>();
    result.fieldNames().forEachRemaining(keys::add);
    assertEquals(List.of("model", "workload", "threads", "batch", "backend", "threads_in_use", "ops",
        "measured_seconds", "images_per_second", "op_ms_median", "op_ms_p90", "cpu_utilisation", "allocated_kib_per_op",
        "peak_rss_mib"),
        keys);
    assertEquals("latency", result.get("workload").asText());
    assertEquals(1, result.get("batch").asInt());
    assertEquals(1, result.get("threads_in_use").asInt());
    assertTrue(result.get("ops").asLong() >= 1);
    assertTrue(result.get("op_ms_p90").asDouble() >= result.get("op_ms_median").asDouble());
    if (Files.exists(Path.of("/proc/self/status"))) {
      assertTrue(result.get("peak_rss_mib").asDouble() > 10, result.toString());
      assertTrue(result.get("cpu_utilisation").asDouble() > 0, result.toString());
    }
  }

  @ParameterizedTest
  @CsvSource(delimiter = ';', value = {
    "--models;lenet5,resnet;--models must name built-in models [mnist-convnet, lenet5, mnist-resnet, vgg16, resnet18, resnet50, mobilenet-v1, unet-small], got 'resnet'",
    "--threads;1,0;--threads must be at least 1, got 0",
    "--threads;two;Invalid value for option '--threads' (N): 'two' is not an int",
    "--warmup-seconds;-1;--warmup-seconds must be in [0, 3600], got -1.0",
    "--seconds;0;--seconds must be in (0, 3600], got 0.0",
    "--seconds;NaN;--seconds must be in (0, 3600], got NaN",
    "--workloads;train,fly;Invalid value for option '--workloads' (WORKLOAD): expected one of "
        + "[train, infer, latency] (case-sensitive) but was 'fly'",
  })
  void badArgumentsPrintOneLineAndTheUsage(String option, String value, String message) {
    Cli r = Cli.run("bench", option, value);
    assertEquals(2, r.exitCode(), r.err());
    assertEquals("striate bench: " + message, r.firstErrorLine());
    assertTrue(r.err().contains("Usage: striate bench"), r.err());
    assertFalse(r.hasStackTrace());
  }

  @Test
  void missingDataDirectoryIsAUsageError() {
    Cli r = Cli.run("bench", "--data", dir.resolve("nowhere").toString());
    assertEquals(2, r.exitCode());
    assertEquals("striate bench: --data must be 'auto', 'synthetic' or a directory with the MNIST training files, "
        + "got '" + dir.resolve("nowhere") + "' (no such directory)", r.firstErrorLine());
  }

  @Test
  void directoryWithoutTheFilesFailsWithOneLine() throws Exception {
    Path empty = Files.createDirectories(dir.resolve("empty"));
    Cli r = Cli.run("bench", "--data", empty.toString());
    assertEquals(1, r.exitCode());
    assertEquals("striate bench: benchmark data: neither " + empty.resolve("train-images-idx3-ubyte") + " nor "
        + empty.resolve("train-images-idx3-ubyte.gz") + " exists\n", r.err());
  }

  @Test
  void describesThroughputAndLatency() {
    BenchResult train = new BenchResult("lenet5", "train", 2, 128, "vector kernels", 2, 10, 1.0, 1234.4, 100, 120,
        1.9, 700.0, null);
    BenchResult latency = new BenchResult("lenet5", "latency", 1, 1, "vector kernels", 1, 10, 1.0, 5000, 0.1234,
        0.2, 1.0, null, 300.0);
    assertEquals("1,234 images/s", BenchCommand.describe(train));
    assertEquals("median 123 us, p90 200 us", BenchCommand.describe(latency));
  }
}
