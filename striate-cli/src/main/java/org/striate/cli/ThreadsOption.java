package org.striate.cli;

import org.striate.kernel.Kernels;
import picocli.CommandLine.Option;

/** {@code --threads}, shared by the commands that compute. */
final class ThreadsOption {
  @Option(names = "--threads", paramLabel = "N",
      description = "Threads for the heavy operations. Default: all available processors.")
  Integer threads;

  int count() {
    int n = threads == null ? Runtime.getRuntime().availableProcessors() : threads;
    if (n < 1) {
      throw new UsageException("--threads must be at least 1, got " + n);
    }
    return n;
  }

  /** The fastest kernels this JVM can run (see {@link Kernels#create}). */
  Kernels kernels() {
    return Kernels.create(count());
  }
}
