package org.striate.tensor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class ShapeTest {

  @Test
  void sizeRankAndNegativeAxes() {
    Shape s = Shape.of(128, 28, 28, 1);
    assertEquals(4, s.rank());
    assertEquals(128 * 28 * 28, s.size());
    assertEquals(1, s.dim(-1));
    assertEquals(28, s.dim(-2));
    assertEquals(1, Shape.of().size());
  }

  @Test
  void batchHelpers() {
    Shape example = Shape.of(28, 28, 1);
    assertEquals(Shape.of(5, 28, 28, 1), example.withBatch(5));
    assertEquals(example, example.withBatch(5).dropFirst());
    assertEquals("(batch, 28, 28, 1)", example.toBatchString());
    assertEquals("(batch, 10)", Shape.of(10).toBatchString());
  }

  @Test
  void printsAsATuple() {
    assertEquals("(2, 3)", Shape.of(2, 3).toString());
    assertEquals("(10,)", Shape.of(10).toString());
    assertEquals("()", Shape.of().toString());
  }

  @Test
  void equalityIsByValueAndDimsAreCopied() {
    int[] dims = {2, 3};
    Shape s = Shape.of(dims);
    dims[0] = 9;
    assertEquals(Shape.of(2, 3), s);
    assertEquals(Shape.of(2, 3).hashCode(), s.hashCode());
    assertNotEquals(Shape.of(3, 2), s);
    s.dims()[1] = 7;
    assertEquals(3, s.dim(1));
  }

  @Test
  void rejectsNonPositiveDimensions() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Shape.of(2, 0, 3));
    assertEquals("shape: every dimension must be positive, got [2, 0, 3] (dimension 1)", e.getMessage());
  }

  @Test
  void rejectsOverflowingSizes() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Shape.of(65536, 65536));
    assertEquals("shape: element count must fit in an int (at most 2147483647), got [65536, 65536]", e.getMessage());
  }

  @Test
  void scalarHasNoFirstDimension() {
    IllegalStateException e = assertThrows(IllegalStateException.class, () -> Shape.of().dropFirst());
    assertEquals("shape: a scalar shape has no first dimension to drop", e.getMessage());
  }
}
