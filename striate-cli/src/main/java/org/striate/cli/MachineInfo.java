package org.striate.cli;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/** The machine a benchmark ran on, as far as a JVM can tell; the keys match {@code tools/bench_pytorch.py}. */
final class MachineInfo {
  private MachineInfo() {}

  static Map<String, Object> describe() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("cpu", cpuModel());
    m.put("cores", Runtime.getRuntime().availableProcessors());
    m.put("os", System.getProperty("os.name") + " " + System.getProperty("os.version"));
    m.put("runtime", System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version"));
    m.put("runtime_options", ManagementFactory.getRuntimeMXBean().getInputArguments());
    return m;
  }

  /** The {@code model name} of the first processor in {@code /proc/cpuinfo}, else {@code os.arch}. */
  static String cpuModel() {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"), StandardCharsets.ISO_8859_1)) {
        if (line.startsWith("model name")) {
          return line.substring(line.indexOf(':') + 1).trim();
        }
      }
    } catch (IOException e) {
      // not Linux: fall through
    }
    return System.getProperty("os.arch");
  }

  /** The 1-minute system load average, or null where the JVM cannot tell. */
  static Double loadAverage() {
    double load = ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
    return load < 0 ? null : load;
  }
}
