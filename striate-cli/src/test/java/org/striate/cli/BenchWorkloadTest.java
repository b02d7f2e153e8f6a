package org.striate.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class BenchWorkloadTest {
  @ParameterizedTest
  @CsvSource({"lenet5, train, 128", "mnist-convnet, infer, 256", "lenet5, latency, 1"})
  void runsEachKindInProcess(String model, BenchWorkload.Kind kind, int batch) {
    BenchResult r = new BenchWorkload(model, kind, 2, 0, 0.05).run(BenchData.synthetic(3));
    assertEquals(model, r.model());
    assertEquals(kind.name(), r.workload());
    assertEquals(batch, r.batch());
    assertEquals(2, r.threadsInUse());
    assertTrue(r.ops() >= 1);
    assertEquals(r.ops() * batch / r.measuredSeconds(), r.imagesPerSecond(), 1e-9 * r.imagesPerSecond());
    assertTrue(r.opMsMedian() > 0 && r.opMsP90() >= r.opMsMedian());
    assertNull(r.peakRssMib());
    assertTrue(r.allocatedKibPerOp() != null && r.allocatedKibPerOp() >= 0, "allocated: " + r.allocatedKibPerOp());
  }

  @Test
  void percentilesAreNearestRank() {
    BenchWorkload.Timings t = new BenchWorkload.Timings(new long[] {5_000_000, 1_000_000, 3_000_000, 2_000_000,
        4_000_000}, 0.015, 0.015, -1);
    assertEquals(3.0, t.percentileMs(0.5));
    assertEquals(5.0, t.percentileMs(0.9));
    assertEquals(1.0, t.percentileMs(0.2));
  }

  @Test
  void warmsUpAndMeasuresAtLeastOneOpEach() {
    AtomicInteger calls = new AtomicInteger();
    BenchWorkload.Timings t = BenchWorkload.measure(i -> assertEquals(calls.getAndIncrement(), i), 0, 1e-9);
    assertEquals(1, t.nanos().length);
    assertEquals(2, calls.get());
  }

  private static volatile long[] sink;

  /** An op that allocates 1 MiB is counted at 1 MiB an op, give or take what other threads allocated meanwhile. */
  @Test
  void countsTheHeapTheMeasuredOpsAllocate() {
    BenchWorkload.Timings t = BenchWorkload.measure(i -> sink = new long[128 * 1024], 0, 0.05);
    long ops = t.nanos().length;
    assertTrue(t.allocatedBytes() >= ops * (1 << 20), t.allocatedBytes() + " bytes for " + ops + " ops");
    assertTrue(t.allocatedBytes() < ops * (1 << 20) + (4 << 20), t.allocatedBytes() + " bytes for " + ops + " ops");
  }
}
