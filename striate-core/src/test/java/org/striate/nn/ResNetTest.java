package org.striate.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.striate.tensor.Padding;
import org.striate.tensor.Shape;

class ResNetTest {

  /** Builds the full ResNet-18 once: 11.7 million parameters. */
  @Test
  void resnet18HasTorchvisionsParameterCountAndShapes() {
    Functional m = (Functional) Architectures.byName("resnet18");
    // torchvision: sum(p.numel() for p in resnet18().parameters()) == 11,689,512.
    assertEquals(11_689_512, m.trainableParameterCount());
    // Batch-norm channels: stem 64, then per stage 4 in the blocks and one in the projection (none in stage 1).
    long bnChannels = 64 + 4 * 64 + 5 * 128 + 5 * 256 + 5 * 512;
    assertEquals(11_689_512 + 2 * bnChannels, m.parameterCount(), "plus a moving mean and variance per channel");
    assertEquals(20, count(m, Conv2D.class), "the stem, 16 in the blocks and 3 projections");
    assertEquals(20, count(m, BatchNormalization.class));
    assertEquals(Shape.of(112, 112, 64), m.layer("relu").outputShape());
    assertEquals(Shape.of(56, 56, 64), m.layer("maxpool").outputShape());
    assertEquals(Shape.of(56, 56, 64), m.layer("layer1.1.relu").outputShape());
    assertEquals(Shape.of(28, 28, 128), m.layer("layer2.1.relu").outputShape());
    assertEquals(Shape.of(14, 14, 256), m.layer("layer3.1.relu").outputShape());
    assertEquals(Shape.of(7, 7, 512), m.layer("layer4.1.relu").outputShape());
    assertEquals(Shape.of(512), m.layer("avgpool").outputShape());
    assertEquals(Shape.of(1000), m.outputShape());
    // conv 7x7/2 pad 3: r = 7, S = 2, P = 3; max pool 3x3/2 pad 1: r = 7 + 2 * 2, S = 4, P = 3 + 1 * 2.
    List<Summary.Row> rows = Summary.of(m).rows();
    Summary.Row conv1 = rows.stream().filter(r -> r.name().equals("conv1")).findFirst().orElseThrow();
    Summary.Row maxpool = rows.stream().filter(r -> r.name().equals("maxpool")).findFirst().orElseThrow();
    assertEquals(List.of(7, 2, 3), List.of(conv1.rfH(), conv1.strideH(), conv1.padH()));
    assertEquals(List.of(11, 4, 5), List.of(maxpool.rfW(), maxpool.strideW(), maxpool.padW()));
  }

  /** Builds the full ResNet-50 once: 25.6 million parameters. */
  @Test
  void resnet50HasTorchvisionsParameterCountAndShapes() {
    Functional m = (Functional) Architectures.byName("resnet50");
    // torchvision: sum(p.numel() for p in resnet50().parameters()) == 25,557,032.
    assertEquals(25_557_032, m.trainableParameterCount());
    // Per block width w: w, w and 4w channels; each stage's first block adds a projection of 4w.
    long bnChannels = 64 + 3 * 384 + 256 + 4 * 768 + 512 + 6 * 1_536 + 1_024 + 3 * 3_072 + 2_048;
    assertEquals(25_557_032 + 2 * bnChannels, m.parameterCount());
    assertEquals(53, count(m, Conv2D.class), "the stem, 16 blocks of 3 and 4 projections");
    assertEquals(Shape.of(56, 56, 256), m.layer("layer1.0.downsample.1").outputShape(),
        "stage 1 changes the channels (64 to 256) without a stride, so it has a projection too");
    // v1.5: the stride is on the 3x3 convolution, not on the first 1x1.
    assertEquals(Shape.of(56, 56, 128), m.layer("layer2.0.conv1").outputShape());
    assertEquals(Shape.of(28, 28, 128), m.layer("layer2.0.conv2").outputShape());
    assertEquals(Shape.of(28, 28, 512), m.layer("layer2.0.conv3").outputShape());
    assertEquals(Shape.of(7, 7, 2048), m.layer("layer4.2.relu").outputShape());
    assertEquals(Shape.of(1000), m.outputShape());
  }

  @Test
  void followsTorchvisionsConventions() {
    Functional m = Architectures.resnet18(Shape.of(32, 32, 3), 10, 8);
    for (Layer layer : m.layers()) {
      if (layer instanceof Conv2D conv) {
        assertFalse(conv.useBias(), conv.name() + ": followed by batch norm, no bias");
        int k = (Integer) ((List<?>) conv.config().get("kernel_size")).get(0);
        assertEquals(Padding.explicit((k - 1) / 2, (k - 1) / 2), conv.padding(), conv.name() + ": PyTorch's padding");
      }
      if (layer instanceof BatchNormalization bn) {
        assertEquals(1e-5, bn.epsilon(), bn.name());
        assertEquals(0.9, bn.momentum(), bn.name() + ": PyTorch's momentum 0.1 in Keras's convention");
      }
    }
    assertEquals(Padding.explicit(1, 1), ((MaxPool2D) m.layer("maxpool")).padding());
    // Identity shortcuts where the shape is kept, projections where it changes.
    assertEquals(List.of("layer1.0.bn2", "maxpool"), m.inboundNames(m.layer("layer1.0.add")));
    assertEquals(List.of("layer1.1.bn2", "layer1.0.relu"), m.inboundNames(m.layer("layer1.1.add")));
    assertEquals(List.of("layer2.0.bn2", "layer2.0.downsample.1"), m.inboundNames(m.layer("layer2.0.add")));
    assertEquals(List.of("layer2.0.add"), m.inboundNames(m.layer("layer2.0.relu")));
    assertEquals(Activation.SOFTMAX, m.layer("fc").activation());
    assertEquals(Shape.of(1, 1, 64), m.layer("layer4.1.relu").outputShape());
  }

  private static long count(Model m, Class<? extends Layer> type) {
    return m.layers().stream().filter(type::isInstance).count();
  }
}
