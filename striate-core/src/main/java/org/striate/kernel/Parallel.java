package org.striate.kernel;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;

/**
 * Runs loops over {@code [0, n)} on a fixed number of threads, in two kinds. {@link #forRange} cuts the range into
 * {@link #chunks} contiguous chunks of nearly equal size, a partition that depends only on {@code n} and the thread
 * count, and tells the body which chunk it runs: for bodies that sum into a partial result per chunk, whose total
 * is then the same bits on every run. {@link #forSpans} hands out smaller spans as threads come free: for bodies
 * where each index writes outputs of its own, so that any cut gives the same result.
 *
 * <p>The caller and {@code threads - 1} workers of this object's own run the loops. Chunk {@code c}, or block
 * {@code c} of spans, goes first to thread {@code c} (the caller is thread 0): loops one after another over the
 * same images then give each thread the part it wrote itself, still in its own cache. (When the chunks went to
 * whichever thread asked first, a worker often took chunk 0 and read what the caller had written: training
 * mnist-convnet on 2 threads, a step took 4.4% to 7.3% longer, paired medians in 3 of 3 JVMs.) A thread that finds
 * its own chunk taken, or has none, takes any left. Workers wait for the next loop spinning for {@link
 * #SPIN_NANOS} before they sleep: a training step hands out a dozen loops a few hundred microseconds apart, and
 * waking a sleeping thread took 20-25 us each time (an executor's queue; measured on the 2-core test machine),
 * which was more than some of the loops' work.
 *
 * <p>One loop runs at a time. A loop started while another runs (from another thread, or from inside a body)
 * runs on its own caller: {@link #forRange} its chunks in order, with the same partition and so the same results,
 * {@link #forSpans} the whole range at once.
 */
public final class Parallel implements AutoCloseable {
  /** How long an idle worker or a waiting caller spins before it sleeps. */
  static final long SPIN_NANOS = 200_000;

  /** How many spans {@link #forSpans} cuts each thread's block into (fewer if the block is smaller). */
  static final int SPANS_PER_BLOCK = 8;

  /** The body of a parallel loop: handles indices {@code [from, to)}; {@code chunk} numbers the piece. */
  @FunctionalInterface
  public interface RangeBody {
    void run(int chunk, int from, int to);
  }

  /** The body of a {@link #forSpans} loop: handles indices {@code [from, to)}, whichever thread runs it. */
  @FunctionalInterface
  public interface SpanBody {
    void run(int from, int to);
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
    runOnAll(new ChunkLoop(n, chunks, body, Thread.currentThread()));
  }

  /**
   * Runs {@code body} over {@code [0, n)} in spans, on whichever thread is free: for bodies whose result for an
   * index does not depend on which other indices the same call covers (each index writes outputs of its own).
   * Thread {@code t} owns block {@code t} of {@link #chunks(int)} nearly equal blocks, cut into up to {@link
   * #SPANS_PER_BLOCK} spans, and runs them one by one from the front; a thread done with its own block takes the
   * spans left at the back of the others'. So a thread that the machine slows down does not hold up the loop: on
   * the 2-core test machine, training mnist-convnet on 2 threads with one fixed chunk per thread, the two
   * threads' chunk times differed by 1.1-2.5 ms a step in total (steps of 9-11 ms) while the machine was busy and
   * by 0.5-0.6 ms while it was quiet, the slower thread changing from one second to the next.
   */
  public void forSpans(int n, SpanBody body) {
    if (n <= 0) {
      return;
    }
    int blocks = chunks(n);
    if (blocks == 1 || workers.length == 0 || !running.compareAndSet(false, true)) {
      body.run(0, n);
      return;
    }
    runOnAll(new SpanLoop(n, blocks, body, Thread.currentThread()));
  }

  /** Hands {@code loop} to the workers, joins it on the caller and waits; {@link #running} is held. */
  private void runOnAll(Loop loop) {
    try {
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

  /** One loop handed to the threads: {@code pieces} pieces, each run by one thread, then counted as finished. */
  private abstract static class Loop {
    final int pieces;
    final Thread caller;
    final AtomicInteger finished = new AtomicInteger();
    final AtomicReference<Throwable> failure = new AtomicReference<>();
    volatile boolean callerAsleep;

    Loop(int pieces, Thread caller) {
      this.pieces = pieces;
      this.caller = caller;
    }

    /** Runs the pieces thread {@code self} can claim, its own first. */
    abstract void work(int self);

    /** Runs the body over piece {@code piece}. */
    abstract void body(int piece);

    /** Runs one claimed piece, keeping the loop's first failure, then counts the piece as finished. */
    final void runPiece(int piece) {
      try {
        body(piece);
      } catch (Throwable t) {
        failure.compareAndSet(null, t);
      }
      // The caller sleeps only after it has seen fewer than all finished, and checks again after saying so.
      if (finished.incrementAndGet() == pieces && callerAsleep) {
        LockSupport.unpark(caller);
      }
    }

    void awaitAll() {
      long deadline = System.nanoTime() + SPIN_NANOS;
      while (finished.get() < pieces) {
        if (System.nanoTime() < deadline) {
          Thread.onSpinWait();
        } else {
          callerAsleep = true;
          if (finished.get() < pieces) {
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

  /** One call of {@link #forRange}: chunk {@code c} to thread {@code c} unless another claims it first. */
  private static final class ChunkLoop extends Loop {
    final int n;
    final RangeBody body;
    /** 1 once a thread has claimed the chunk. */
    final AtomicIntegerArray claimed;

    ChunkLoop(int n, int chunks, RangeBody body, Thread caller) {
      super(chunks, caller);
      this.n = n;
      this.body = body;
      this.claimed = new AtomicIntegerArray(chunks);
    }

    /** Runs thread {@code self}'s own chunk if no one has claimed it, then every other chunk left, in turn. */
    @Override
    void work(int self) {
      for (int i = 0; i < pieces; i++) {
        int c = (self + i) % pieces;
        if (claimed.get(c) == 0 && claimed.compareAndSet(c, 0, 1)) {
          runPiece(c);
        }
      }
    }

    @Override
    void body(int c) {
      body.run(c, start(n, pieces, c), start(n, pieces, c + 1));
    }
  }

  /**
   * One call of {@link #forSpans}: block {@code b} of {@code blocks} cut into {@code spans} spans; its owner
   * claims them from the front, other threads from the back. A block's state is one long, the next span from the
   * front in the high half and the end of the unclaimed ones in the low half, so that both claims are one CAS.
   */
  private static final class SpanLoop extends Loop {
    /** Longs between two blocks' states, so that each has a cache line of its own. */
    private static final int STRIDE = 8;

    final int n;
    final int blocks;
    final int spans;
    final SpanBody body;
    final AtomicLongArray state;

    SpanLoop(int n, int blocks, SpanBody body, Thread caller) {
      this(n, blocks, Math.min(SPANS_PER_BLOCK, n / blocks), body, caller);
    }

    private SpanLoop(int n, int blocks, int spans, SpanBody body, Thread caller) {
      super(blocks * spans, caller);
      this.n = n;
      this.blocks = blocks;
      this.spans = spans;
      this.body = body;
      this.state = new AtomicLongArray(blocks * STRIDE);
      for (int b = 0; b < blocks; b++) {
        state.set(b * STRIDE, spans);
      }
    }

    /**
     * Runs its own block's spans from the front, then takes the others' from their back until none is left. With
     * fewer indices than threads, threads {@code blocks} and up own no block and only take.
     */
    @Override
    void work(int self) {
      for (int piece; self < blocks && (piece = claim(self, true)) >= 0; ) {
        runPiece(piece);
      }
      for (int i = 1; i <= blocks; i++) {
        int victim = (self + i) % blocks;
        for (int piece; (piece = claim(victim, false)) >= 0; ) {
          runPiece(piece);
        }
      }
    }

    /** The piece number of a span of {@code block} claimed from its front or back, or -1 if none is left. */
    private int claim(int block, boolean front) {
      int at = block * STRIDE;
      while (true) {
        long s = state.get(at);
        int next = (int) (s >>> 32);
        int end = (int) s;
        if (next >= end) {
          return -1;
        }
        long claimed = front ? s + (1L << 32) : s - 1;
        if (state.compareAndSet(at, s, claimed)) {
          return block * spans + (front ? next : end - 1);
        }
      }
    }

    /** Piece {@code p} is span {@code p % spans} of block {@code p / spans}. */
    @Override
    void body(int p) {
      int blockStart = start(n, blocks, p / spans);
      int size = start(n, blocks, p / spans + 1) - blockStart;
      int span = p % spans;
      body.run(blockStart + start(size, spans, span), blockStart + start(size, spans, span + 1));
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
