package org.striate.kernel;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;

/**
 * Runs a loop over {@code [0, n)} on a fixed number of threads. The range is cut into {@link #chunks} contiguous
 * chunks of nearly equal size, a partition that depends only on {@code n} and the thread count, so a body that
 * writes disjoint outputs per chunk gives the same result on every run, whichever thread runs which chunk.
 *
 * <p>The caller and {@code threads - 1} workers of this object's own run the chunks. Chunk {@code c} goes first to
 * thread {@code c} (the caller is thread 0): loops one after another over the same images then give each thread
 * the part it wrote itself, still in its own cache. (When the chunks went to whichever thread asked first, a worker
 * often took chunk 0 and read what the caller had written: training mnist-convnet on 2 threads, a step took 4.4% to
 * 7.3% longer, paired medians in 3 of 3 JVMs.) A thread that finds its own chunk taken, or has none, takes any left,
 * so a thread that the machine holds up does not hold up the loop. Workers wait for the next loop spinning for {@link
 * #SPIN_NANOS} before they sleep: a training step hands out a dozen loops a few hundred microseconds apart, and
 * waking a sleeping thread took 20-25 us each time (an executor's queue; measured on the 2-core test machine),
 * which was more than some of the loops' work.
 *
 * <p>One loop runs at a time. A loop started while another runs (from another thread, or from inside a body)
 * runs its chunks in order on its own caller, with the same partition and so the same results.
 */
public final class Parallel implements AutoCloseable {
  /** How long an idle worker or a waiting caller spins before it sleeps. */
  static final long SPIN_NANOS = 200_000;

  /** The body of a parallel loop: handles indices {@code [from, to)}; {@code chunk} numbers the piece. */
  @FunctionalInterface
  public interface RangeBody {
    void run(int chunk, int from, int to);
  }

  private final int threads;
  private final Thread[] workers;
  private final AtomicBoolean running = new AtomicBoolean();
  /** The loop the workers should join; a new object for every loop. */
  private volatile Loop current;
  private volatile boolean closed;

  /**
   * @throws IllegalArgumentException if {@code threads < 1}
   */
  public Parallel(int threads) {
    if (threads < 1) {
      throw new IllegalArgumentException("threads must be >= 1, got " + threads);
    }
    this.threads = threads;
    this.workers = new Thread[threads - 1];
    for (int i = 0; i < workers.length; i++) {
      workers[i] = new Thread(new Worker(i + 1), "striate-worker-" + (i + 1));
      workers[i].setDaemon(true);
      workers[i].start();
    }
  }

  public int threads() {
    return threads;
  }

  /** The number of chunks {@link #forRange} uses for {@code n} indices: {@code min(n, threads)}. */
  public int chunks(int n) {
    return Math.max(1, Math.min(n, threads));
  }

  /** Runs {@code body} over {@code [0, n)} in {@link #chunks(int)} pieces; the caller takes the first. */
  public void forRange(int n, RangeBody body) {
    int chunks = chunks(n);
    if (chunks == 1 || workers.length == 0 || !running.compareAndSet(false, true)) {
      for (int c = 0; c < chunks; c++) {
        body.run(c, start(n, chunks, c), start(n, chunks, c + 1));
      }
      return;
    }
    try {
      Loop loop = new Loop(n, chunks, body, Thread.currentThread());
      current = loop;
      for (Thread w : workers) {
        LockSupport.unpark(w);
      }
      loop.work(0);
      loop.awaitAll();
      loop.rethrow();
    } finally {
      running.set(false);
    }
  }

  /** The first index of chunk {@code c} when {@code n} indices are cut into {@code chunks} pieces. */
  static int start(int n, int chunks, int c) {
    return (int) ((long) n * c / chunks);
  }

  @Override
  public void close() {
    closed = true;
    for (Thread w : workers) {
      LockSupport.unpark(w);
    }
  }

  /** One call of {@link #forRange}: chunk {@code c} to thread {@code c} unless another claims it first. */
  private static final class Loop {
    final int n;
    final int chunks;
    final RangeBody body;
    final Thread caller;
    /** 1 once a thread has claimed the chunk. */
    final AtomicIntegerArray claimed;
    final AtomicInteger finished = new AtomicInteger();
    final AtomicReference<Throwable> failure = new AtomicReference<>();
    volatile boolean callerAsleep;

    Loop(int n, int chunks, RangeBody body, Thread caller) {
      this.n = n;
      this.chunks = chunks;
      this.body = body;
      this.caller = caller;
      this.claimed = new AtomicIntegerArray(chunks);
    }

    /** Runs thread {@code self}'s own chunk if no one has claimed it, then every other chunk left, in turn. */
    void work(int self) {
      for (int i = 0; i < chunks; i++) {
        int c = (self + i) % chunks;
        if (claimed.get(c) != 0 || !claimed.compareAndSet(c, 0, 1)) {
          continue;
        }
        try {
          body.run(c, start(n, chunks, c), start(n, chunks, c + 1));
        } catch (Throwable t) {
          failure.compareAndSet(null, t);
        }
        // The caller sleeps only after it has seen fewer than all finished, and checks again after saying so.
        if (finished.incrementAndGet() == chunks && callerAsleep) {
          LockSupport.unpark(caller);
        }
      }
    }

    void awaitAll() {
      long deadline = System.nanoTime() + SPIN_NANOS;
      while (finished.get() < chunks) {
        if (System.nanoTime() < deadline) {
          Thread.onSpinWait();
        } else {
          callerAsleep = true;
          if (finished.get() < chunks) {
            LockSupport.park(this);
          }
        }
      }
    }

    void rethrow() {
      Throwable t = failure.get();
      if (t instanceof RuntimeException re) {
        throw re;
      }
      if (t instanceof Error e) {
        throw e;
      }
      if (t != null) {
        throw new IllegalStateException(t);
      }
    }
  }

  /** Joins each new loop; between loops spins for {@link #SPIN_NANOS}, then sleeps until woken. */
  private final class Worker implements Runnable {
    /** This worker's thread number: its own chunk's. */
    private final int self;

    Worker(int self) {
      this.self = self;
    }

    @Override
    public void run() {
      Loop done = null;
      while (!closed) {
        Loop loop = current;
        if (loop != done) {
          loop.work(self);
          done = loop;
          continue;
        }
        long deadline = System.nanoTime() + SPIN_NANOS;
        while ((loop = current) == done && !closed && System.nanoTime() < deadline) {
          Thread.onSpinWait();
        }
        if (loop == done && !closed) {
          // forRange sets current before it unparks, so a loop set after this read still wakes the park
          LockSupport.park(this);
        }
      }
    }
  }
}
