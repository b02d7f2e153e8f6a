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
}
