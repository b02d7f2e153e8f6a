package org.striate.bench;

import java.util.SplittableRandom;
import org.striate.kernel.Kernels;

/** The kernels a benchmark asked for, made the way the library makes them, and its random inputs. */
final class KernelChoice {
  private KernelChoice() {}

  /**
   * {@link Kernels#create} with {@code striate.kernels} set to {@code name} ({@code vector} or {@code scalar});
   * each benchmark runs in its own forked JVM, so setting the property affects only that benchmark.
   *
   * @throws IllegalStateException if the kernels made are not the ones asked for
   */
  static Kernels create(String name, int threads) {
    System.setProperty("striate.kernels", name);
    Kernels kernels = Kernels.create(threads);
    if (!kernels.name().equals(name) || kernels.threads() != threads) {
      kernels.close();
      throw new IllegalStateException("asked for " + name + " kernels on " + threads + " threads, got "
          + kernels.name() + " on " + kernels.threads());
    }
    return kernels;
  }

  /** Uniform values in [-1, 1). */
  static float[] randomArray(int n, SplittableRandom random) {
    float[] values = new float[n];
    for (int i = 0; i < n; i++) {
      values[i] = (float) (random.nextDouble() * 2 - 1);
    }
    return values;
  }
}
