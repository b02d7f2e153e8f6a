package org.striate.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerArray;
import org.junit.jupiter.api.Test;

class ParallelTest {

  @Test
  void everyIndexRunsExactlyOnceInContiguousChunks() {
    for (int threads = 1; threads <= 4; threads++) {
      try (Parallel p = new Parallel(threads)) {
        for (int n : new int[] {1, 2, 3, 7, 100}) {
          AtomicIntegerArray hits = new AtomicIntegerArray(n);
          AtomicIntegerArray chunkOf = new AtomicIntegerArray(n);
          p.forRange(n, (chunk, from, to) -> {
            for (int i = from; i < to; i++) {
              hits.incrementAndGet(i);
              chunkOf.set(i, chunk);
            }
          });
          for (int i = 0; i < n; i++) {
            assertEquals(1, hits.get(i), "index " + i + " of " + n + " with " + threads + " threads");
            assertEquals(Math.min(n, threads), p.chunks(n));
            if (i > 0) {
              int step = chunkOf.get(i) - chunkOf.get(i - 1);
              assertEquals(true, step == 0 || step == 1, "chunks are contiguous and ordered");
            }
          }
        }
      }
    }
  }

  /**
   * Chunk c runs on thread c when every thread is free: each chunk's body waits until all have started, so no
   * thread can run two, and which thread holds which shows the order they were offered in.
   */
  @Test
  void eachThreadRunsItsOwnChunk() {
    try (Parallel p = new Parallel(3)) {
      for (int round = 0; round < 20; round++) {
        String[] ranOn = new String[3];
        AtomicInteger started = new AtomicInteger();
        p.forRange(3, (chunk, from, to) -> {
          ranOn[chunk] = Thread.currentThread().getName();
          started.incrementAndGet();
          long deadline = System.nanoTime() + 10_000_000_000L;
          while (started.get() < 3 && System.nanoTime() < deadline) {
            Thread.onSpinWait();
          }
        });
        assertEquals(Thread.currentThread().getName(), ranOn[0], "round " + round);
        assertEquals("striate-worker-1", ranOn[1], "round " + round);
        assertEquals("striate-worker-2", ranOn[2], "round " + round);
      }
    }
  }

  @Test
  void everyIndexRunsExactlyOnceInSpans() {
    for (int threads = 1; threads <= 4; threads++) {
      try (Parallel p = new Parallel(threads)) {
        for (int n : new int[] {0, 1, 2, 3, 7, 17, 100, 1001}) {
          AtomicIntegerArray hits = new AtomicIntegerArray(Math.max(n, 1));
          p.forSpans(n, (from, to) -> {
            assertTrue(0 <= from && from < to && to <= n, "span [" + from + ", " + to + ") of " + n);
            for (int i = from; i < to; i++) {
              hits.incrementAndGet(i);
            }
          });
          for (int i = 0; i < n; i++) {
            assertEquals(1, hits.get(i), "index " + i + " of " + n + " with " + threads + " threads");
          }
        }
      }
    }
  }

  /**
   * Spans over fewer indices than threads leave the threads without a block of their own taking spans, and
   * alive: afterwards each of 4 chunks still runs on a thread of its own, every body waiting for all to start.
   * (Such a thread once claimed from a block past the last and died; its chunks then waited out the 2 s.)
   */
  @Test
  void fewerIndicesThanThreadsLeaveEveryWorkerRunning() {
    try (Parallel p = new Parallel(4)) {
      for (int n = 1; n <= 3; n++) {
        AtomicIntegerArray hits = new AtomicIntegerArray(n);
        p.forSpans(n, (from, to) -> {
          for (int i = from; i < to; i++) {
            hits.incrementAndGet(i);
          }
        });
        for (int i = 0; i < n; i++) {
          assertEquals(1, hits.get(i), "index " + i + " of " + n);
        }
      }
      AtomicInteger started = new AtomicInteger();
      p.forRange(4, (chunk, from, to) -> {
        started.incrementAndGet();
        long deadline = System.nanoTime() + 2_000_000_000L;
        while (started.get() < 4 && System.nanoTime() < deadline) {
          Thread.onSpinWait();
        }
        assertEquals(4, started.get(), "chunk " + chunk + ": the chunks that started together");
      });
    }
  }

  /**
   * The caller's first span waits until the worker has run one of the caller's other spans: it returns only
   * because a free thread takes the spans left in a busy thread's block (with one chunk per thread it waited 10 s
   * and the assertions failed).
   */
  @Test
  void aFreeThreadTakesTheSpansLeftInABusyThreadsBlock() {
    try (Parallel p = new Parallel(2)) {
      Thread caller = Thread.currentThread();
      for (int round = 0; round < 20; round++) {
        int n = 2 * Parallel.SPANS_PER_BLOCK;
        Thread[] ranOn = new Thread[n];
        AtomicInteger workerInCallersBlock = new AtomicInteger();
        p.forSpans(n, (from, to) -> {
          assertEquals(from + 1, to, "one index a span");
          ranOn[from] = Thread.currentThread();
          if (from < n / 2 && Thread.currentThread() != caller) {
            workerInCallersBlock.incrementAndGet();
          }
          long deadline = System.nanoTime() + 10_000_000_000L;
          while (from == 0 && workerInCallersBlock.get() == 0 && System.nanoTime() < deadline) {
            Thread.onSpinWait();
          }
        });
        assertTrue(workerInCallersBlock.get() > 0, "round " + round + ": the worker ran none of the caller's spans");
        for (int i = n / 2; i < n; i++) {
          assertNotEquals(caller, ranOn[i], "round " + round + ": the caller took span " + i
              + " from the worker's block while its own was held up");
        }
      }
    }
  }

  @Test
  void chunkBoundariesDependOnlyOnSizeAndCount() {
    assertEquals(0, Parallel.start(10, 3, 0));
    assertEquals(3, Parallel.start(10, 3, 1));
    assertEquals(6, Parallel.start(10, 3, 2));
    assertEquals(10, Parallel.start(10, 3, 3));
  }

  @Test
  void workerExceptionsReachTheCaller() {
    try (Parallel p = new Parallel(2)) {
      IllegalStateException e = assertThrows(IllegalStateException.class, () -> p.forRange(4, (chunk, from, to) -> {
        if (chunk == 1) {
          throw new IllegalStateException("boom in chunk 1");
        }
      }));
      assertEquals("boom in chunk 1", e.getMessage());
      IllegalStateException s = assertThrows(IllegalStateException.class, () -> p.forSpans(100, (from, to) -> {
        if (from <= 77 && 77 < to) {
          throw new IllegalStateException("boom at 77");
        }
      }));
      assertEquals("boom at 77", s.getMessage());
    }
  }

  /** A loop started inside a body, or from another thread while one runs, runs on its caller with the same chunks. */
  @Test
  void nestedAndConcurrentLoopsRunEveryChunkOnce() throws Exception {
    try (Parallel p = new Parallel(2)) {
      AtomicIntegerArray hits = new AtomicIntegerArray(6 * 10);
      p.forRange(6, (outer, from, to) -> {
        for (int i = from; i < to; i++) {
          int row = i;
          p.forRange(10, (inner, a, b) -> {
            assertEquals(Parallel.start(10, 2, inner), a);
            for (int j = a; j < b; j++) {
              hits.incrementAndGet(row * 10 + j);
            }
          });
        }
      });
      for (int i = 0; i < hits.length(); i++) {
        assertEquals(1, hits.get(i), "nested index " + i);
      }
      AtomicIntegerArray spanHits = new AtomicIntegerArray(6 * 10);
      p.forSpans(6, (from, to) -> {
        for (int i = from; i < to; i++) {
          int row = i;
          p.forSpans(10, (a, b) -> {
            assertEquals(0, a, "a nested loop runs whole on its caller");
            for (int j = a; j < b; j++) {
              spanHits.incrementAndGet(row * 10 + j);
            }
          });
        }
      });
      for (int i = 0; i < spanHits.length(); i++) {
        assertEquals(1, spanHits.get(i), "nested span index " + i);
      }
      int callers = 4;
      AtomicIntegerArray sums = new AtomicIntegerArray(callers);
      Thread[] threads = new Thread[callers];
      for (int t = 0; t < callers; t++) {
        int caller = t;
        threads[t] = new Thread(() -> {
          for (int repeat = 0; repeat < 200; repeat++) {
            p.forRange(100, (chunk, from, to) -> {
              for (int i = from; i < to; i++) {
                sums.addAndGet(caller, i);
              }
            });
          }
        });
        threads[t].start();
      }
      for (Thread t : threads) {
        t.join();
      }
      for (int t = 0; t < callers; t++) {
        assertEquals(200 * 4950, sums.get(t), "caller " + t);
      }
    }
  }

  @Test
  void aClosedPoolStillRunsLoopsOnTheCaller() {
    Parallel p = new Parallel(3);
    p.close();
    AtomicIntegerArray hits = new AtomicIntegerArray(7);
    p.forRange(7, (chunk, from, to) -> {
      for (int i = from; i < to; i++) {
        hits.incrementAndGet(i);
      }
    });
    for (int i = 0; i < 7; i++) {
      assertEquals(1, hits.get(i));
    }
  }

  @Test
  void rejectsZeroThreads() {
    assertEquals("threads must be >= 1, got 0",
        assertThrows(IllegalArgumentException.class, () -> new Parallel(0)).getMessage());
  }
}
