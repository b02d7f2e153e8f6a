package org.striate.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.striate.tensor.Shape;

class UNetTest {

  @Test
  void parameterCountFromTheLayerList() {
    Functional m = Architectures.unetSmall(Shape.of(128, 128, 3), 2);
    // 3x3 convolutions with bias: k * k * in * out + out.
    long encoder = conv(3, 3, 16) + conv(3, 16, 16) + conv(3, 16, 32) + conv(3, 32, 32) + conv(3, 32, 64)
        + conv(3, 64, 64);
    long bottleneck = conv(3, 64, 128) + conv(3, 128, 128);
    // Each level: the 2x2 up-convolution, then two 3x3 convolutions over the concatenation with the skip.
    long decoder = conv(2, 128, 64) + conv(3, 128, 64) + conv(3, 64, 64)
        + conv(2, 64, 32) + conv(3, 64, 32) + conv(3, 32, 32)
        + conv(2, 32, 16) + conv(3, 32, 16) + conv(3, 16, 16);
    long output = conv(1, 16, 2);
    assertEquals(encoder + bottleneck + decoder + output, m.parameterCount());
    assertEquals(482_050, m.parameterCount());
    assertEquals(m.parameterCount(), m.trainableParameterCount());
    // In general 481,584 + 144 * channels + 17 * classes, as the Javadoc says.
    assertEquals(481_584 + 144 * 5 + 17 * 7, Architectures.unetSmall(Shape.of(16, 24, 5), 7).parameterCount());
  }

  @Test
  void shapesAndSkipConnections() {
    Functional m = Architectures.unetSmall(Shape.of(64, 32, 3), 4);
    assertEquals(Shape.of(64, 32, 16), m.layer("enc1_conv2").outputShape());
    assertEquals(Shape.of(8, 4, 64), m.layer("enc3_pool").outputShape());
    assertEquals(Shape.of(8, 4, 128), m.layer("bottleneck_conv2").outputShape());
    assertEquals("Conv2DTranspose", m.layer("dec3_upconv").type());
    assertEquals(Shape.of(16, 8, 64), m.layer("dec3_upconv").outputShape());
    assertEquals(Shape.of(16, 8, 128), m.layer("dec3_concat").outputShape());
    assertEquals(Shape.of(64, 32, 32), m.layer("dec1_concat").outputShape());
    assertEquals(Shape.of(64, 32, 4), m.outputShape());
    assertEquals(List.of("dec3_upconv", "enc3_conv2"), m.inboundNames(m.layer("dec3_concat")));
    assertEquals(List.of("dec2_upconv", "enc2_conv2"), m.inboundNames(m.layer("dec2_concat")));
    assertEquals(List.of("dec1_upconv", "enc1_conv2"), m.inboundNames(m.layer("dec1_concat")));
    assertEquals(Activation.SOFTMAX, m.outputLayer().activation(), "a softmax over the classes at every pixel");
    assertEquals(Activation.LINEAR, m.layer("dec2_upconv").activation());
    assertEquals(Activation.RELU, m.layer("dec2_conv1").activation());
  }

  private static long conv(int k, int in, int out) {
    return (long) k * k * in * out + out;
  }
}
