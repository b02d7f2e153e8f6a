package org.striate.tensor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class ConvGeometryTest {

  /** PyTorch's formula, written out independently: floor((in + pads - d*(k-1) - 1) / s) + 1. */
  private static int torchOut(int in, int pads, int k, int s, int d) {
    return (in + pads - d * (k - 1) - 1) / s + 1;
  }

  @Test
  void validMatchesTheFormulaOnManySettings() {
    for (int in = 1; in <= 12; in++) {
      for (int k = 1; k <= 4; k++) {
        for (int s = 1; s <= 3; s++) {
          for (int d = 1; d <= 2; d++) {
            int ek = d * (k - 1) + 1;
            if (ek > in) {
              continue;
            }
            ConvGeometry g = ConvGeometry.of(in, in, k, k, s, s, d, d, Padding.VALID);
            assertEquals(torchOut(in, 0, k, s, d), g.outH(), "in=" + in + " k=" + k + " s=" + s + " d=" + d);
          }
        }
      }
    }
  }

  @Test
  void sameGivesCeilOfInOverStrideWithTheOddPixelAfter() {
    // in 5, k 3, stride 2: out 3, total pad (3-1)*2+3-5 = 2 -> 1 before, 1 after.
    ConvGeometry g = ConvGeometry.of(5, 6, 3, 3, 2, 2, 1, 1, Padding.SAME);
    assertEquals(3, g.outH());
    assertEquals(1, g.padTop());
    assertEquals(1, g.padBottom());
    // in 6, k 3, stride 2: out 3, total pad 1 -> 0 before (left), 1 after (right).
    assertEquals(3, g.outW());
    assertEquals(0, g.padLeft());
    assertEquals(1, g.padRight());
    // even kernel, stride 1: total pad 1 -> bottom only.
    ConvGeometry e = ConvGeometry.of(4, 4, 2, 2, 1, 1, 1, 1, Padding.SAME);
    assertEquals(4, e.outH());
    assertEquals(0, e.padTop());
    assertEquals(1, e.padBottom());
    for (int in = 1; in <= 11; in++) {
      for (int s = 1; s <= 3; s++) {
        ConvGeometry q = ConvGeometry.of(in, in, 3, 3, s, s, 2, 2, Padding.SAME);
        assertEquals((in + s - 1) / s, q.outH(), "in=" + in + " s=" + s);
      }
    }
  }

  @Test
  void explicitAsymmetricPadding() {
    ConvGeometry g = ConvGeometry.of(7, 5, 3, 2, 2, 1, 1, 2, Padding.explicit(0, 2, 1, 3));
    assertEquals(torchOut(7, 2, 3, 2, 1), g.outH());
    assertEquals(torchOut(5, 4, 2, 1, 2), g.outW());
    assertEquals(3, g.effectiveKernelH());
    assertEquals(3, g.effectiveKernelW());
  }

  @Test
  void emptyOutputIsRejectedWithEverySetting() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> ConvGeometry.of(4, 4, 3, 3, 1, 1, 2, 2, Padding.VALID));
    assertEquals("window output would be empty (0x0): input 4x4, kernel 3x3 (effective 5x5 with dilation 2x2), "
        + "stride 1x1, padding valid; need input + padding >= effective kernel on both axes", e.getMessage());
  }

  @Test
  void nonPositiveSettingsAreRejected() {
    assertEquals("stride width must be positive, got 0", assertThrows(IllegalArgumentException.class,
        () -> ConvGeometry.of(4, 4, 3, 3, 1, 0, 1, 1, Padding.VALID)).getMessage());
    assertEquals("kernel height must be positive, got -1", assertThrows(IllegalArgumentException.class,
        () -> ConvGeometry.of(4, 4, -1, 3, 1, 1, 1, 1, Padding.VALID)).getMessage());
    assertEquals("dilation height must be positive, got 0", assertThrows(IllegalArgumentException.class,
        () -> ConvGeometry.of(4, 4, 3, 3, 1, 1, 0, 1, Padding.VALID)).getMessage());
  }
}
