package org.striate.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.striate.tensor.Padding;
import org.striate.tensor.Shape;

class SummaryTest {

  @Test
  void threeStackedThreeByThreeConvolutionsSeeSevenPixels() {
    Sequential m = new Sequential(Shape.of(16, 16, 1), new Conv2D(4, 3), new Conv2D(4, 3), new Conv2D(4, 3));
    List<Summary.Row> rows = Summary.of(m).rows();
    assertEquals(List.of(3, 5, 7), List.of(rows.get(0).rfH(), rows.get(1).rfH(), rows.get(2).rfH()));
    assertEquals(7, rows.get(2).rfW());
    assertEquals(1, rows.get(2).strideH());
    // 4 * 3 * 3 * 1 + 4, then twice 4 * 3 * 3 * 4 + 4.
    List<String> lines = Summary.of(m).toString().lines().toList();
    // MACs: 14*14*4 outputs of 9 products, then 12*12*4 and 10*10*4 outputs of 36 each.
    assertEquals(List.of("Total params: 336", "Trainable params: 336", "Non-trainable params: 0",
        "MACs per example: 42,192 (42.2 K); FLOPs = 2 x MACs = 84.4 K",
        "Activation memory per example: 6.9 KiB (float32 outputs of all layers)"),
        lines.subList(lines.size() - 5, lines.size()));
    assertEquals(14 * 14 * 4 * 9 + (12 * 12 + 10 * 10) * 4 * 36, Summary.of(m).totalMacs());
    assertEquals(4L * 4 * (14 * 14 + 12 * 12 + 10 * 10), Summary.of(m).totalActivationBytes());
  }

  @Test
  void thePrintedTableHasARowPerLayerAndEndsWithTheTotals() {
    List<String> lines = Architectures.mnistConvnet().summary().lines().toList();
    assertEquals(List.of("Total params: 34,826", "Trainable params: 34,826", "Non-trainable params: 0",
        "MACs per example: 2,440,960 (2.44 M); FLOPs = 2 x MACs = 4.88 M",
        "Activation memory per example: 154.7 KiB (float32 outputs of all layers)"),
        lines.subList(lines.size() - 5, lines.size()), "the Keras example's model.summary() totals, then costs");
    assertEquals(List.of("Layer", "(type)", "Output", "shape", "Params", "MACs", "Activations", "Receptive", "field",
        "Eff.", "stride", "Eff.", "pad"), words(lines.get(0)));
    assertEquals(List.of("input", "(Input)", "(None,", "28,", "28,", "1)", "0", "0", "3.1", "KiB", "1", "1", "0"),
        words(lines.get(2)));
    // 11 * 11 * 64 outputs, each of 3 * 3 * 32 products; 11 * 11 * 64 floats of 4 bytes.
    assertEquals(List.of("conv2d_1", "(Conv2D)", "(None,", "11,", "11,", "64)", "18,496", "2,230,272", "30.3", "KiB",
        "8", "2", "0"), words(lines.get(5)));
    assertEquals(List.of("flatten", "(Flatten)", "(None,", "1600)", "0", "0", "6.3", "KiB", "global", "-", "-"),
        words(lines.get(7)));
    assertEquals(List.of("dense", "(Dense)", "(None,", "10)", "16,010", "16,000", "40", "B", "global", "-", "-"),
        words(lines.get(9)));
  }

  private static List<String> words(String line) {
    return List.of(line.trim().split(" +"));
  }

  @Test
  void aStrideTwoLayerDoublesTheEffectiveStrideAndTheGrowthOfTheField() {
    Sequential m = new Sequential(Shape.of(16, 16, 1),
        new Conv2D(4, 3), new MaxPool2D(), Conv2D.builder(4).kernelSize(3, 3).padding(Padding.SAME).build(),
        new GlobalAvgPool2D());
    List<Summary.Row> rows = Summary.of(m).rows();
    // conv 3x3: r = 3, S = 1; pool 2x2/2: r = 3 + 1 * 1 = 4, S = 2; conv 3x3: r = 4 + 2 * 2 = 8, S = 2, and
    // its padding of 1 counts twice in input pixels: P = 1 * 2.
    assertEquals(List.of(3, 4, 8), List.of(rows.get(0).rfH(), rows.get(1).rfH(), rows.get(2).rfH()));
    assertEquals(List.of(1, 2, 2), List.of(rows.get(0).strideH(), rows.get(1).strideH(), rows.get(2).strideW()));
    assertEquals(2, rows.get(2).padH());
    assertTrue(rows.get(3).global());
    assertEquals(4 * 9 + 4 + 4 * 4 * 9 + 4, Summary.of(m).totalParameters());
  }

  @Test
  void macsOfEachKindOfProductLayer() {
    Sequential m = new Sequential(Shape.of(9, 9, 4),
        DepthwiseConv2D.builder().kernelSize(3, 3).depthMultiplier(2).build(), // 7x7x8 outputs of 9 products
        SeparableConv2D.builder(5).kernelSize(3, 3).build(), // 5x5x8 of 9, then 5x5x5 of 8
        Conv2D.builder(6).kernelSize(1, 1).groups(1).build(), // 5x5x6 of 5
        new Dense(3)); // 5x5 rows of 6x3
    List<Summary.Row> rows = Summary.of(m).rows();
    assertEquals(7 * 7 * 8 * 9, rows.get(0).macs());
    assertEquals(5 * 5 * 8 * 9 + 5 * 5 * 5 * 8, rows.get(1).macs());
    assertEquals(5 * 5 * 6 * 5, rows.get(2).macs());
    assertEquals(5 * 5 * 6 * 3, rows.get(3).macs());
    assertEquals(4L * 5 * 5 * 3, rows.get(3).activationBytes());
  }

  @Test
  void afterATransposedConvolutionTheFieldIsUnknownUntilAGlobalLayer() {
    Sequential m = new Sequential(Shape.of(8, 8, 1), new Conv2D(2, 3),
        Conv2DTranspose.builder(2).kernelSize(3, 3).strides(2, 2).build(), new Conv2D(2, 3), new Flatten());
    List<Summary.Row> rows = Summary.of(m).rows();
    assertEquals(List.of("3", "unknown", "unknown", "global"),
        rows.stream().map(r -> r.field().describe()).toList());
    assertEquals(3, rows.get(0).rfH());
    assertTrue(rows.get(3).global());
    List<String> lines = Summary.of(m).toString().lines().toList();
    // 6x6x2 inputs each scattered through 3x3x2 weights: 6 * 6 * 2 * 9 * 2 MACs.
    assertEquals(List.of("conv2d_transpose", "(Conv2DTranspose)", "(None,", "13,", "13,", "2)", "38", "1,296", "1.3",
        "KiB", "unknown", "-", "-"), words(lines.get(4)));
  }
}
