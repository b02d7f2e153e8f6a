package org.striate.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

class MemoryTest {

  @Test
  void parsesKilobyteLinesOfProcStatus() {
    List<String> status = List.of("Name:\tjava", "VmPeak:\t 9000 kB", "VmHWM:\t  262144 kB", "VmRSS:\t    1024 kB");
    assertEquals(OptionalLong.of(262144L * 1024), Memory.parseStatus(status, "VmHWM"));
    assertEquals(OptionalLong.of(1024L * 1024), Memory.parseStatus(status, "VmRSS"));
    assertEquals(OptionalLong.empty(), Memory.parseStatus(status, "VmSwap"));
    assertEquals(OptionalLong.empty(), Memory.parseStatus(List.of("VmHWM: 12 MB"), "VmHWM"), "only kB is known");
  }

  @Test
  void theAllocationCounterSeesANewArray() {
    OptionalLong before = Memory.allocatedBytes();
    assertTrue(before.isPresent() || !System.getProperty("java.vm.name").contains("HotSpot"),
        "HotSpot counts allocations");
    byte[] array = new byte[8 << 20];
    long after = Memory.allocatedBytes().orElse(array.length);
    assertTrue(after - before.orElse(0) >= array.length, "allocated " + (after - before.orElse(0)));
  }

  @Test
  void onLinuxThePeakIsAtLeastTheCurrentResidentMemory() {
    OptionalLong now = Memory.residentBytes();
    OptionalLong peak = Memory.peakResidentBytes(); // read second: the peak only grows
    assertEquals(peak.isPresent(), now.isPresent());
    if (System.getProperty("os.name").startsWith("Linux")) {
      assertTrue(peak.isPresent(), "Linux has /proc/self/status");
      assertTrue(peak.getAsLong() >= now.getAsLong() && now.getAsLong() > 0, peak + " " + now);
    }
  }
}
