package org.striate.kernel.vector;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import org.junit.jupiter.api.Test;

class PanelAlignmentTest {
  @Test
  void leadPutsTheFirstPanelFloatOnALine() {
    // A 16-byte header (compressed class pointers), a 12-byte one (compact headers) and a 64-byte one.
    assertEquals(12, PanelAlignment.lead(64, 16));
    assertEquals(13, PanelAlignment.lead(64, 12));
    assertEquals(0, PanelAlignment.lead(64, 64));
    assertEquals(12, PanelAlignment.lead(128, 16));
    for (int base = 0; base < 256; base += Float.BYTES) {
      assertEquals(0, (base + Float.BYTES * PanelAlignment.lead(64, base)) % PanelAlignment.LINE_BYTES, "base " + base);
    }
  }

  @Test
  void noLeadWhenObjectsAreNotOnLinesOrTheHeaderIsUnknown() {
    assertEquals(0, PanelAlignment.lead(8, 16));
    assertEquals(0, PanelAlignment.lead(32, 16));
    assertEquals(0, PanelAlignment.lead(0, 16));
    assertEquals(0, PanelAlignment.lead(64, -1));
    assertEquals(0, PanelAlignment.lead(64, 18));
  }

  @Test
  void theTestsRunWithALeadSoTheConvolutionTestsCoverIt() {
    // The build starts test JVMs with -XX:ObjectAlignmentInBytes=64; without a lead the vector convolution tests
    // would check only the panels at offset 0.
    assertNotEquals(0, PanelAlignment.LEAD, "the test JVM should align objects to 64 bytes (see the pom's argLine)");
  }
}
