package org.striate.cli;

import java.util.Arrays;
import java.util.function.IntConsumer;
import org.striate.data.Dataset;
import org.striate.kernel.Kernels;
import org.striate.loss.CrossEntropy;
import org.striate.nn.Architectures;
import org.striate.nn.Model;
import org.striate.optim.Adam;
import org.striate.tensor.Tensor;
import org.striate.train.FitOptions;
import org.striate.train.Memory;
import org.striate.train.Trainer;

/**
 * One measured workload of {@code striate bench}: a built-in model, what is timed ({@link Kind}), the thread
 * count, and how long to warm up and to measure. {@link #run} times it in this JVM; {@link BenchChild} runs it
 * in a fresh JVM so that the peak RSS belongs to this workload alone.
 *
 * <p>Timed, one op at a time with {@link System#nanoTime}: for {@code train}, {@code Trainer.fit} on one
 * in-memory batch of 128 (the copy of the batch that fit makes, forward, softmax cross-entropy, backward, the
 * Adam step and zeroing the gradients); for {@code infer}, {@code Model.predict} on one batch of 256 images
 * (dropout off); for {@code latency}, {@code Model.predict} on one image. Not timed: reading the data,
 * building the batches (done once, before the warm-up), building and initialising the model.
 */
record BenchWorkload(String model, Kind kind, int threads, double warmupSeconds, double seconds) {
  private static final long SEED = 42;
  /** Distinct single images the latency workload cycles through. */
  private static final int LATENCY_IMAGES = 64;

  /** What one op computes; the names are those of the command line and the JSON. */
  enum Kind {
    train(128), infer(256), latency(1);

    final int batch;

    Kind(int batch) {
      this.batch = batch;
    }
  }

  /**
   * The durations of the measured ops, in order, the wall time they took together, the processor time the whole
   * process used meanwhile (every thread: kernels, JIT compiler, garbage collector), or NaN if unknown, and the
   * heap bytes all threads allocated meanwhile, or -1 if unknown.
   */
  record Timings(long[] nanos, double seconds, double cpuSeconds, long allocatedBytes) {
    /** The nearest-rank percentile ({@code q} in (0, 1]) of the op durations, in milliseconds. */
    double percentileMs(double q) {
      long[] sorted = nanos.clone();
      Arrays.sort(sorted);
      int rank = (int) Math.ceil(q * sorted.length);
      return sorted[Math.max(0, rank - 1)] / 1e6;
    }
  }

  /** Times the workload in this JVM; the peak RSS is left unknown. */
  BenchResult run(BenchData data) {
    Model net = Architectures.byName(model).initialize(SEED);
    try (Kernels kernels = Kernels.create(threads);
        Trainer trainer = Trainer.builder().model(net).optimizer(new Adam()).loss(new CrossEntropy())
            .kernels(kernels).seed(SEED).build()) {
      Timings t = measure(operation(trainer, data), warmupSeconds, seconds);
      int ops = t.nanos().length;
      return new BenchResult(model, kind.name(), threads, kind.batch, kernels.name() + " kernels",
          kernels.threads(), ops, t.seconds(), (double) ops * kind.batch / t.seconds(), t.percentileMs(0.5),
          t.percentileMs(0.9), t.cpuSeconds() / t.seconds(),
          t.allocatedBytes() < 0 ? null : t.allocatedBytes() / 1024.0 / ops, null);
    }
  }

  private IntConsumer operation(Trainer trainer, BenchData data) {
    Model net = trainer.model();
    Kernels kernels = trainer.kernels();
    int batch = kind.batch;
    switch (kind) {
      case train -> {
        Dataset[] batches = new Dataset[BenchData.POOL / batch];
        for (int i = 0; i < batches.length; i++) {
          batches[i] = data.batch(i * batch, batch);
        }
        FitOptions once = FitOptions.builder().epochs(1).batchSize(batch).shuffle(false).build();
        return i -> trainer.fit(batches[i % batches.length], once);
      }
      case infer, latency -> {
        Tensor[] inputs = new Tensor[kind == Kind.infer ? BenchData.POOL / batch : LATENCY_IMAGES];
        for (int i = 0; i < inputs.length; i++) {
          inputs[i] = data.images(i * batch, batch);
        }
        return i -> net.predict(inputs[i % inputs.length], kernels, batch);
      }
      default -> throw new AssertionError(kind);
    }
  }

  /**
   * Runs {@code op} until {@code warmupSeconds} have passed, then times it op by op until {@code seconds} have
   * passed; at least one op each.
   */
  static Timings measure(IntConsumer op, double warmupSeconds, double seconds) {
    int i = 0;
    long warmupEnd = System.nanoTime() + (long) (warmupSeconds * 1e9);
    do {
      op.accept(i++);
    } while (System.nanoTime() < warmupEnd);
    long[] nanos = new long[1024];
    int n = 0;
    double cpuStart = cpuSeconds();
    long allocatedStart = Memory.allocatedBytes().orElse(-1);
    long start = System.nanoTime();
    long stop = start + (long) (seconds * 1e9);
    long last = start;
    do {
      op.accept(i++);
      long now = System.nanoTime();
      if (n == nanos.length) {
        nanos = Arrays.copyOf(nanos, 2 * n);
      }
      nanos[n++] = now - last;
      last = now;
    } while (last < stop);
    long allocatedEnd = Memory.allocatedBytes().orElse(-1);
    return new Timings(Arrays.copyOf(nanos, n), (last - start) / 1e9, cpuSeconds() - cpuStart,
        allocatedStart < 0 || allocatedEnd < 0 ? -1 : allocatedEnd - allocatedStart);
  }

  /** Processor time used by this process so far (all threads), or NaN where the JVM cannot tell. */
  private static double cpuSeconds() {
    return ProcessHandle.current().info().totalCpuDuration().map(d -> d.toNanos() / 1e9).orElse(Double.NaN);
  }
}
