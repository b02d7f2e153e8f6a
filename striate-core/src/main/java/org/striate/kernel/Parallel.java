package org.striate.kernel;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Runs a loop over {@code [0, n)} on a fixed number of threads. The range is cut into {@code threads}
 * contiguous chunks of nearly equal size, a partition that depends only on {@code n} and the thread count,
 * so a body that writes disjoint outputs per index gives the same result on every run.
 */
public final class Parallel implements AutoCloseable {

  /** The body of a parallel loop: handles indices {@code [from, to)}; {@code chunk} numbers the piece. */
  @FunctionalInterface
  public interface RangeBody {
    void run(int chunk, int from, int to);
  }

  private final int threads;
  private final ExecutorService pool;

  /**
   * @throws IllegalArgumentException if {@code threads < 1}
   */
  public Parallel(int threads) {
    if (threads < 1) {
      throw new IllegalArgumentException("threads must be >= 1, got " + threads);
    }
    this.threads = threads;
    this.pool = threads == 1 ? null : Executors.newFixedThreadPool(threads - 1, r -> {
      Thread t = new Thread(r, "striate-worker");
      t.setDaemon(true);
      return t;
    });
  }

  public int threads() {
    return threads;
  }

  /** The number of chunks {@link #forRange} uses for {@code n} indices: {@code min(n, threads)}. */
  public int chunks(int n) {
    return Math.max(1, Math.min(n, threads));
  }

  /** Runs {@code body} over {@code [0, n)} in {@link #chunks(int)} pieces; the caller runs the first. */
  public void forRange(int n, RangeBody body) {
    int chunks = chunks(n);
    if (chunks == 1 || pool == null) {
      body.run(0, 0, n);
      return;
    }
    List<Future<?>> futures = new ArrayList<>(chunks - 1);
    for (int c = 1; c < chunks; c++) {
      final int chunk = c;
      futures.add(pool.submit(() -> body.run(chunk, start(n, chunks, chunk), start(n, chunks, chunk + 1))));
    }
    body.run(0, 0, start(n, chunks, 1));
    for (Future<?> f : futures) {
      try {
        f.get();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted while waiting for a worker thread", e);
      } catch (ExecutionException e) {
        Throwable cause = e.getCause();
        if (cause instanceof RuntimeException re) {
          throw re;
        }
        if (cause instanceof Error err) {
          throw err;
        }
        throw new IllegalStateException(cause);
      }
    }
  }

  /** The first index of chunk {@code c} when {@code n} indices are cut into {@code chunks} pieces. */
  static int start(int n, int chunks, int c) {
    return (int) ((long) n * c / chunks);
  }

  @Override
  public void close() {
    if (pool != null) {
      pool.shutdownNow();
    }
  }
}
