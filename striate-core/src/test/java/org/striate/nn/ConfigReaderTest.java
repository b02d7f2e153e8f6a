package org.striate.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.striate.nn.MaxPool2DTest.assertMessage;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.striate.tensor.Padding;

class ConfigReaderTest {

  private static ConfigReader reader(String key, Object value) {
    return new ConfigReader(Map.of("type", "Conv2D", "name", "c", key, value));
  }

  @Test
  void paddingReadsBackWhatItWrites() {
    for (Padding p : List.of(Padding.VALID, Padding.SAME, Padding.explicit(1, 2, 0, 3))) {
      assertEquals(p, reader("padding", ConfigReader.paddingValue(p)).getPadding("padding", null));
    }
    assertEquals("same", ConfigReader.paddingValue(Padding.SAME));
    assertEquals(List.of(1, 2, 0, 3), ConfigReader.paddingValue(Padding.explicit(1, 2, 0, 3)));
    assertEquals(Padding.SAME, new ConfigReader(Map.of("type", "Conv2D")).getPadding("padding", Padding.SAME));
  }

  @Test
  void paddingRejectsAnythingElse() {
    String expected = "layer 'c' (Conv2D): config key 'padding' must be 'valid', 'same' or [top, bottom, left, right]"
        + " of non-negative integers, got ";
    assertMessage(expected + "'full'", () -> reader("padding", "full").getPadding("padding", null));
    assertMessage(expected + "[1, 1]", () -> reader("padding", List.of(1, 1)).getPadding("padding", null));
    assertMessage(expected + "[0, -1, 0, 0]",
        () -> reader("padding", List.of(0, -1, 0, 0)).getPadding("padding", null));
  }

  @Test
  void requiredPairsTakeOneOrTwoIntegers() {
    assertArrayEquals(new int[] {3, 3}, reader("kernel_size", 3).getPair("kernel_size"));
    assertArrayEquals(new int[] {3, 5}, reader("kernel_size", List.of(3, 5)).getPair("kernel_size"));
    assertMessage("layer 'c' (Conv2D): config key 'strides' is required but missing",
        () -> reader("kernel_size", 3).getPair("strides"));
  }
}
