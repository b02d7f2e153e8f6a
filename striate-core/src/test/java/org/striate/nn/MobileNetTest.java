package org.striate.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.striate.tensor.Padding;
import org.striate.tensor.Shape;

class MobileNetTest {
  /** Keras's pointwise filters and strides of the 13 blocks, written out here rather than read from the code. */
  private static final int[] FILTERS = {64, 128, 128, 256, 256, 512, 512, 512, 512, 512, 512, 1024, 1024};
  private static final int[] STRIDES = {1, 2, 1, 2, 1, 2, 1, 1, 1, 1, 1, 2, 1};

  /** Builds the full MobileNet once: 4.3 million parameters. */
  @Test
  void hasKerasParameterCountsAndShapes() {
    Functional m = (Functional) Architectures.byName("mobilenet-v1");
    // keras.applications.MobileNet().summary(): "Total params: 4,253,864", "Trainable params: 4,231,976".
    assertEquals(4_253_864, m.parameterCount());
    assertEquals(4_231_976, m.trainableParameterCount());
    assertEquals(4_253_864, parameters(1.0, 3, 1000, 4), "the layer-list formula below gives Keras's counts");
    assertEquals(4_231_976, parameters(1.0, 3, 1000, 2));
    assertEquals(Shape.of(112, 112, 32), m.layer("conv1_relu").outputShape());
    assertEquals(Shape.of(113, 113, 64), m.layer("conv_pad_2").outputShape());
    assertEquals(Shape.of(56, 56, 64), m.layer("conv_dw_2_relu").outputShape());
    assertEquals(Shape.of(7, 7, 1024), m.layer("conv_pw_13_relu").outputShape());
    assertEquals(Shape.of(1, 1, 1000), m.layer("conv_preds").outputShape());
    assertEquals(Shape.of(1000), m.outputShape());
  }

  @Test
  void theWidthMultiplierScalesEveryLayer() {
    for (double alpha : new double[] {0.25, 0.75}) {
      Functional m = Architectures.mobilenetV1(Shape.of(128, 128, 3), 10, alpha);
      assertEquals(parameters(alpha, 3, 10, 4), m.parameterCount(), "alpha " + alpha);
      assertEquals(parameters(alpha, 3, 10, 2), m.trainableParameterCount(), "alpha " + alpha);
      assertEquals(Shape.of(4, 4, (int) (1024 * alpha)), m.layer("conv_pw_13_relu").outputShape());
    }
  }

  @Test
  void isKerasLayerForLayer() {
    Functional m = Architectures.mobilenetV1(Shape.of(32, 32, 3), 5, 0.25);
    assertEquals(List.of("conv1", "conv1_bn", "conv1_relu", "conv_dw_1", "conv_dw_1_bn", "conv_dw_1_relu", "conv_pw_1",
        "conv_pw_1_bn", "conv_pw_1_relu", "conv_pad_2", "conv_dw_2"), names(m).subList(0, 11));
    assertEquals(List.of("conv_pw_13_relu", "global_average_pooling2d", "reshape_1", "dropout", "conv_preds",
        "reshape_2", "predictions"), names(m).subList(names(m).size() - 7, names(m).size()));
    for (Layer layer : m.layers()) {
      if (layer instanceof ReLU relu) {
        assertEquals(6.0, relu.maxValue(), relu.name() + ": ReLU6");
      }
      if (layer instanceof Conv2D conv && !conv.name().equals("conv_preds")) {
        assertFalse(conv.useBias(), conv.name());
      }
      if (layer instanceof BatchNormalization bn) {
        assertEquals(List.of(1e-3, 0.99), List.of(bn.epsilon(), bn.momentum()), bn.name() + ": Keras's defaults");
      }
    }
    assertEquals(Padding.SAME, ((Conv2D) m.layer("conv1")).padding());
    for (int id = 1; id <= STRIDES.length; id++) {
      boolean strided = STRIDES[id - 1] == 2;
      assertEquals(strided ? Padding.VALID : Padding.SAME, ((DepthwiseConv2D) m.layer("conv_dw_" + id)).padding());
      assertEquals(strided, names(m).contains("conv_pad_" + id), "block " + id);
    }
    assertEquals(List.of(List.of(0, 1), List.of(0, 1)), m.layer("conv_pad_2").config().get("padding"));
    assertEquals(MobileNet.DROPOUT, ((Dropout) m.layer("dropout")).rate());
    assertEquals(true, ((Conv2D) m.layer("conv_preds")).useBias());
    assertEquals(List.of("Softmax"), List.of(m.outputLayer().type()));
  }

  @Test
  void rejectsATooSmallWidthMultiplier() {
    assertEquals("mobilenet-v1: alpha must be finite and at least 1/32 (one filter in the first layer), got 0.01",
        assertThrows(IllegalArgumentException.class,
            () -> Architectures.mobilenetV1(Shape.of(224, 224, 3), 10, 0.01)).getMessage());
    assertEquals("mobilenet-v1: alpha must be finite and at least 1/32 (one filter in the first layer), got NaN",
        assertThrows(IllegalArgumentException.class,
            () -> Architectures.mobilenetV1(Shape.of(224, 224, 3), 10, Double.NaN)).getMessage());
    assertEquals("mobilenet-v1: input height and width must be at least 32, got (31, 64, 3)",
        assertThrows(IllegalArgumentException.class,
            () -> Architectures.mobilenetV1(Shape.of(31, 64, 3), 10)).getMessage());
  }

  /**
   * The parameter count from the layer list: 3x3 stem, then per block a 3x3 depthwise and a 1x1 pointwise kernel,
   * no biases, each followed by batch norm with {@code perChannel} values per channel (2 trainable, 4 in all), and
   * the 1x1 classifier with bias.
   */
  private static long parameters(double alpha, int channels, int classes, int perChannel) {
    int in = (int) (32 * alpha);
    long n = 9L * channels * in + (long) perChannel * in;
    for (int i = 0; i < FILTERS.length; i++) {
      int out = (int) (FILTERS[i] * alpha);
      n += 9L * in + (long) perChannel * in + (long) in * out + (long) perChannel * out;
      in = out;
    }
    return n + (long) in * classes + classes;
  }

  private static List<String> names(Model m) {
    return m.layers().stream().map(Layer::name).toList();
  }
}
