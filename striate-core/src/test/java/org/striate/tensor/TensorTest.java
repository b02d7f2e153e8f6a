package org.striate.tensor;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class TensorTest {

  @Test
  void rowMajorIndexing() {
    Tensor t = Tensor.of(Shape.of(2, 3), 0, 1, 2, 3, 4, 5);
    assertEquals(5f, t.get(1, 2));
    assertEquals(3f, t.get(1, 0));
    t.set(9f, 0, 1);
    assertEquals(9f, t.data()[1]);
  }

  @Test
  void reshapeSharesDataAndCopyDoesNot() {
    Tensor t = Tensor.of(Shape.of(2, 3), 0, 1, 2, 3, 4, 5);
    assertSame(t.data(), t.reshape(Shape.of(3, 2)).data());
    Tensor c = t.copy();
    c.data()[0] = 7f;
    assertEquals(0f, t.data()[0]);
  }

  @Test
  void sliceCopiesRowsOfTheFirstAxis() {
    Tensor t = Tensor.of(Shape.of(3, 2), 0, 1, 2, 3, 4, 5);
    Tensor s = t.slice(1, 3);
    assertEquals(Shape.of(2, 2), s.shape());
    assertArrayEquals(new float[] {2, 3, 4, 5}, s.data());
  }

  @Test
  void badInputsNameTheShapes() {
    assertEquals("tensor: data length must equal the shape's element count 6 for shape (2, 3), got 5",
        assertThrows(IllegalArgumentException.class, () -> new Tensor(Shape.of(2, 3), new float[5])).getMessage());
    Tensor t = Tensor.zeros(2, 3);
    assertEquals("reshape: the new shape must have the same element count as (2, 3) (6), got (4,) (4)",
        assertThrows(IllegalArgumentException.class, () -> t.reshape(Shape.of(4))).getMessage());
    assertEquals("slice: need 0 <= from < to <= 2 for shape (2, 3), got [1, 1)",
        assertThrows(IllegalArgumentException.class, () -> t.slice(1, 1)).getMessage());
    assertEquals("index: need 2 coordinates for shape (2, 3), got [1]",
        assertThrows(IllegalArgumentException.class, () -> t.get(1)).getMessage());
    assertEquals("index [0, 3] is outside shape (2, 3) at axis 1",
        assertThrows(IndexOutOfBoundsException.class, () -> t.get(0, 3)).getMessage());
    assertEquals("labels: expected shape (3,), got (2, 3)",
        assertThrows(IllegalArgumentException.class, () -> t.requireShape(Shape.of(3), "labels")).getMessage());
  }
}
