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
    assertEquals(List.of("Total params: 336", "Trainable params: 336", "Non-trainable params: 0"),
        lines.subList(lines.size() - 3, lines.size()));
  }

  @Test
  void thePrintedTableHasARowPerLayerAndEndsWithTheTotals() {
    List<String> lines = Architectures.mnistConvnet().summary().lines().toList();
    assertEquals(List.of("Total params: 34,826", "Trainable params: 34,826", "Non-trainable params: 0"),
        lines.subList(lines.size() - 3, lines.size()), "the Keras example's model.summary() totals");
    assertEquals(List.of("Layer", "(type)", "Output", "shape", "Params", "Receptive", "field", "Eff.", "stride", "Eff.",
        "pad"), words(lines.get(0)));
    assertEquals(List.of("input", "(Input)", "(None,", "28,", "28,", "1)", "0", "1", "1", "0"), words(lines.get(2)));
    assertEquals(List.of("conv2d_1", "(Conv2D)", "(None,", "11,", "11,", "64)", "18,496", "8", "2", "0"),
        words(lines.get(5)));
    assertEquals(List.of("flatten", "(Flatten)", "(None,", "1600)", "0", "global", "-", "-"), words(lines.get(7)));
    assertEquals(List.of("dense", "(Dense)", "(None,", "10)", "16,010", "global", "-", "-"), words(lines.get(9)));
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
  void afterATransposedConvolutionTheFieldIsUnknownUntilAGlobalLayer() {
    Sequential m = new Sequential(Shape.of(8, 8, 1), new Conv2D(2, 3),
        Conv2DTranspose.builder(2).kernelSize(3, 3).strides(2, 2).build(), new Conv2D(2, 3), new Flatten());
    List<Summary.Row> rows = Summary.of(m).rows();
    assertEquals(List.of(false, true, true, false), rows.stream().map(Summary.Row::unknown).toList());
    assertEquals(3, rows.get(0).rfH());
    assertEquals(List.of(0, 0, 0), List.of(rows.get(2).rfH(), rows.get(2).strideH(), rows.get(2).padH()));
    assertTrue(rows.get(3).global());
    List<String> lines = Summary.of(m).toString().lines().toList();
    assertEquals(List.of("conv2d_transpose", "(Conv2DTranspose)", "(None,", "13,", "13,", "2)", "38", "unknown", "-",
        "-"), words(lines.get(4)));
  }
}
