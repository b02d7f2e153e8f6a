package org.striate.tensor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

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
  /** PyTorch's conv_transpose2d output size, with the padding of each side given separately. */
  private static int torchTransposedOut(int in, int before, int after, int k, int s, int d, int op) {
    return (in - 1) * s - before - after + d * (k - 1) + op + 1;
  }

  /** The forward convolution's invariant: its windows end exactly on the transposed convolution's input. */
  private static void assertExactFit(ConvGeometry g, String where) {
    assertEquals((g.outH() - 1) * g.strideH(), g.inH() + g.padTop() + g.padBottom() - g.effectiveKernelH(), where);
    assertEquals((g.outW() - 1) * g.strideW(), g.inW() + g.padLeft() + g.padRight() - g.effectiveKernelW(), where);
  }

  @Test
  void transposedExplicitMatchesPyTorchOnManySettings() {
    int checked = 0;
    for (int in = 1; in <= 6; in++) {
      for (int k = 1; k <= 4; k++) {
        for (int s = 1; s <= 3; s++) {
          for (int d = 1; d <= 3; d++) {
            for (int op = 0; op < Math.max(s, d); op++) {
              for (int before = 0; before <= 2; before++) {
                for (int after = 0; after <= 2; after++) {
                  // Width gets other settings, so that each axis must use its own.
                  int opW = Math.min(op, Math.max(4 - s, 4 - d) - 1);
                  int expected = torchTransposedOut(in, before, after, k, s, d, op);
                  int expectedW = torchTransposedOut(7 - in, after, before, 5 - k, 4 - s, 4 - d, opW);
                  if (expected <= 0 || expectedW <= 0) {
                    continue;
                  }
                  String where = "in=" + in + " k=" + k + " s=" + s + " d=" + d + " op=" + op + " pad=" + before
                      + "," + after;
                  ConvGeometry g = ConvGeometry.transposed(in, 7 - in, k, 5 - k, s, 4 - s, d, 4 - d,
                      Padding.explicit(before, after, after, before), op, opW);
                  assertEquals(expected, g.inH(), where);
                  assertEquals(expectedW, g.inW(), where);
                  assertEquals(in, g.outH(), where);
                  assertEquals(7 - in, g.outW(), where);
                  assertEquals(before, g.padTop(), where);
                  assertEquals(after - op, g.padBottom(), where);
                  assertEquals(after, g.padLeft(), where);
                  assertExactFit(g, where);
                  checked++;
                }
              }
            }
          }
        }
      }
    }
    assertTrue(checked > 2000, "settings checked: " + checked);
  }

  @Test
  void transposedValidIsExplicitZeroAndDefaultsToKerasOutputPadding() {
    for (int in = 1; in <= 6; in++) {
      for (int k = 1; k <= 4; k++) {
        for (int s = 1; s <= 4; s++) {
          for (int d = 1; d <= 2; d++) {
            String where = "in=" + in + " k=" + k + " s=" + s + " d=" + d;
            int ek = d * (k - 1) + 1;
            ConvGeometry zero = ConvGeometry.transposed(in, in, k, k, s, s, d, d, Padding.VALID, 0, 0);
            assertEquals(torchTransposedOut(in, 0, 0, k, s, d, 0), zero.inH(), where);
            assertEquals(0, zero.padTop(), where);
            // Keras 3, output_padding=None: in * stride + max(ek - stride, 0).
            ConvGeometry keras = ConvGeometry.transposed(in, in, k, k, s, s, d, d, Padding.VALID);
            assertEquals(in * s + Math.max(ek - s, 0), keras.inH(), where);
            assertEquals(0, keras.padTop(), where);
            assertExactFit(keras, where);
            ConvGeometry explicitNone = ConvGeometry.transposed(in, in, k, k, s, s, d, d, Padding.explicit(0, 0));
            assertEquals(zero, explicitNone, where);
          }
        }
      }
    }
  }

  /**
   * Keras 3's same padding, as its JAX backend writes it: lax.conv_transpose pads the stride-dilated input with
   * (left, right) and convolves with the flipped kernel, so the output has (in - 1) * s + left + right - ek + 2
   * pixels and pixel x lands at x * s - (ek - 1 - left) + i * d.
   */
  private static int[] kerasJaxSame(int in, int k, int s, int d, Integer op) {
    int ek = (k - 1) * d + 1;
    int padLen = op == null ? s + ek - 2 : ek + ek % 2 - 2 + op;
    int left = Math.min(padLen / 2 + padLen % 2, ek - 1);
    int right = padLen - left;
    return new int[] {(in - 1) * s + left + right - ek + 2, ek - 1 - left, ek - 1 - right};
  }

  /** A square transposed convolution with same padding; output padding -1 means none. */
  private static ConvGeometry same(int in, int k, int s, int d, int op) {
    return op < 0
        ? ConvGeometry.transposed(in, in, k, k, s, s, d, d, Padding.SAME)
        : ConvGeometry.transposed(in, in, k, k, s, s, d, d, Padding.SAME, op, op);
  }

  private static Executable sameCall(int in, int k, int s, int d, int op) {
    return () -> same(in, k, s, d, op);
  }

  @Test
  void transposedSameFollowsKeras() {
    int checked = 0;
    for (int in = 1; in <= 7; in++) {
      for (int k = 1; k <= 5; k++) {
        for (int s = 1; s <= 4; s++) {
          for (int d = 1; d <= 3; d++) {
            for (int op = -1; op < Math.max(s, d); op++) {
              String where = "in=" + in + " k=" + k + " s=" + s + " d=" + d + " op=" + (op < 0 ? "none" : op);
              int[] keras = kerasJaxSame(in, k, s, d, op < 0 ? null : op);
              if (keras[0] <= 0) { // (in - 1) * s + ek % 2 + op is 0 for in 1, an even kernel and op 0
                assertThrows(IllegalArgumentException.class, sameCall(in, k, s, d, op), where);
                continue;
              }
              ConvGeometry g = same(in, k, s, d, op);
              if (op < 0) {
                assertEquals(in * s, g.inH(), where);
              }
              assertEquals(keras[0], g.inH(), where + ": size");
              assertEquals(keras[1], g.padTop(), where + ": crop before");
              assertEquals(keras[2], g.padBottom(), where + ": crop after less output padding");
              assertEquals(g.padTop(), g.padLeft(), where);
              assertEquals(in, g.outH(), where);
              assertExactFit(g, where);
              checked++;
            }
          }
        }
      }
    }
    assertTrue(checked > 1000, "settings checked: " + checked);
  }

  @Test
  void transposedSameExamples() {
    // Keras's own test: in 5, kernel 3, stride 2, same -> jax padding (2, 1): out 10, crop 0 before, 1 after.
    ConvGeometry g = ConvGeometry.transposed(5, 5, 3, 3, 2, 2, 1, 1, Padding.SAME);
    assertEquals(10, g.inH());
    assertEquals(0, g.padTop());
    assertEquals(1, g.padBottom());
    // Kernel 1, stride 3: out 3 * in; the last 2 rows of every 3 are beyond the kernel, the final 2 reached by none.
    ConvGeometry wide = ConvGeometry.transposed(4, 4, 1, 1, 3, 3, 1, 1, Padding.SAME);
    assertEquals(12, wide.inH());
    assertEquals(0, wide.padTop());
    assertEquals(-2, wide.padBottom());
    // Even kernel 4, stride 2, output padding 1: (in - 1) * 2 + 0 + 1.
    ConvGeometry even = ConvGeometry.transposed(3, 3, 4, 4, 2, 2, 1, 1, Padding.SAME, 1, 1);
    assertEquals(5, even.inH());
    assertEquals(1, even.padTop());
    assertEquals(2, even.padBottom());
  }

  @Test
  void transposedOutputPaddingMayReachTheDilationWhenTheStrideIsSmaller() {
    // Output padding 2 >= stride 1 but < dilation 3 (PyTorch accepts it; Keras would not): 2 rows no window reaches.
    ConvGeometry g = ConvGeometry.transposed(2, 3, 2, 2, 1, 2, 3, 1, Padding.VALID, 2, 1);
    assertEquals(torchTransposedOut(2, 0, 0, 2, 1, 3, 2), g.inH());
    assertEquals(torchTransposedOut(3, 0, 0, 2, 2, 1, 1), g.inW());
    assertEquals(-2, g.padBottom());
    assertEquals(-1, g.padRight());
  }

  @Test
  void transposedRejectsOutputPaddingThatIsNotSmallerThanStrideOrDilation() {
    assertEquals("output padding height must be smaller than either the stride height or the dilation height, got "
            + "output padding 2, stride 2, dilation 2", assertThrows(IllegalArgumentException.class,
        () -> ConvGeometry.transposed(4, 4, 3, 3, 2, 2, 2, 1, Padding.VALID, 2, 0)).getMessage());
    assertEquals("output padding width must be smaller than either the stride width or the dilation width, got "
            + "output padding 1, stride 1, dilation 1", assertThrows(IllegalArgumentException.class,
        () -> ConvGeometry.transposed(4, 4, 3, 3, 1, 1, 1, 1, Padding.SAME, 0, 1)).getMessage());
    assertEquals("output padding height must be >= 0, got -1", assertThrows(IllegalArgumentException.class,
        () -> ConvGeometry.transposed(4, 4, 3, 3, 2, 2, 1, 1, Padding.VALID, -1, 0)).getMessage());
    assertEquals("stride height must be positive, got 0", assertThrows(IllegalArgumentException.class,
        () -> ConvGeometry.transposed(4, 4, 3, 3, 0, 2, 1, 1, Padding.VALID)).getMessage());
  }

  @Test
  void transposedRejectsAnEmptyOutputWithEverySetting() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> ConvGeometry.transposed(1, 3, 2, 2, 1, 1, 1, 1, Padding.explicit(1, 1, 0, 0), 0, 0));
    assertEquals("transposed convolution output would be empty (0x4): input 1x3, kernel 2x2 (effective 2x2 with "
        + "dilation 1x1), stride 1x1, padding (1, 1, 0, 0), output padding 0x0; need (input - 1) * stride + "
        + "effective kernel + output padding > padding on both axes", e.getMessage());
    // Only explicit padding can empty the output, and there Keras's default output padding is 0.
    assertEquals("transposed convolution output would be empty (0x1): input 1x1, kernel 1x1 (effective 1x1 with "
        + "dilation 1x1), stride 1x1, padding (0, 1, 0, 0), output padding 0x0; need (input - 1) * stride + "
        + "effective kernel + output padding > padding on both axes", assertThrows(IllegalArgumentException.class,
        () -> ConvGeometry.transposed(1, 1, 1, 1, 1, 1, 1, 1, Padding.explicit(0, 1, 0, 0))).getMessage());
  }
}
