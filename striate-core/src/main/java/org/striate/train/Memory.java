package org.striate.train;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.OptionalLong;

/**
 * Memory measurements for benchmarks: heap bytes allocated (to count what a training step allocates) and the
 * process's resident memory (to report its peak).
 *
 * <pre>{@code
 * long before = Memory.allocatedBytes().orElse(-1);
 * trainer.fit(data, options);                      // or N steps, read from a TrainingListener
 * long perStep = (Memory.allocatedBytes().orElse(-1) - before) / steps;
 * String peak = Memory.peakResidentBytes().isPresent() ? ... : "unknown";
 * }</pre>
 */
public final class Memory {
  private static final Path STATUS = Path.of("/proc/self/status");

  private Memory() {}

  /**
   * The heap bytes allocated so far by all the threads of this JVM, running or ended (HotSpot's
   * {@code com.sun.management.ThreadMXBean#getTotalThreadAllocatedBytes}), so the difference between two calls
   * counts what the kernels' worker threads allocated too; empty if the JVM does not measure it.
   */
  public static OptionalLong allocatedBytes() {
    try {
      ThreadMXBean threads = ManagementFactory.getThreadMXBean();
      if (threads instanceof com.sun.management.ThreadMXBean hotspot && hotspot.isThreadAllocatedMemorySupported()
          && hotspot.isThreadAllocatedMemoryEnabled()) {
        long bytes = hotspot.getTotalThreadAllocatedBytes();
        return bytes < 0 ? OptionalLong.empty() : OptionalLong.of(bytes);
      }
    } catch (LinkageError | UnsupportedOperationException e) {
      // no jdk.management module, or a JVM without the measurement
    }
    return OptionalLong.empty();
  }

  /** The most resident memory this process has held, in bytes ({@code VmHWM} on Linux); empty elsewhere. */
  public static OptionalLong peakResidentBytes() {
    return statusBytes("VmHWM");
  }

  /** The resident memory of this process now, in bytes ({@code VmRSS} on Linux); empty elsewhere. */
  public static OptionalLong residentBytes() {
    return statusBytes("VmRSS");
  }

  private static OptionalLong statusBytes(String key) {
    try {
      return Files.isReadable(STATUS) ? parseStatus(Files.readAllLines(STATUS), key) : OptionalLong.empty();
    } catch (IOException | RuntimeException e) {
      return OptionalLong.empty();
    }
  }

  /** The value of {@code key} in {@code /proc/self/status} lines such as {@code VmHWM:   262144 kB}, in bytes. */
  static OptionalLong parseStatus(List<String> lines, String key) {
    for (String line : lines) {
      if (line.startsWith(key + ":")) {
        String[] parts = line.substring(key.length() + 1).trim().split("\\s+");
        if (parts.length == 2 && parts[1].equals("kB")) {
          return OptionalLong.of(Long.parseLong(parts[0]) * 1024);
        }
      }
    }
    return OptionalLong.empty();
  }
}
