package org.striate.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.striate.tensor.Shape;
import org.striate.tensor.Tensor;

class DatasetTest {
  private static final Shape SHAPE = Shape.of(5, 2, 3, 1);
  private static final int[] LABELS = {3, 0, 2, 1, 3};

  /** 30 bytes spread over [0, 255], 255 first. */
  private static byte[] pixels() {
    byte[] b = new byte[SHAPE.size()];
    for (int i = 0; i < b.length; i++) {
      b[i] = (byte) (i == 0 ? 255 : i * 37 % 256);
    }
    return b;
  }

  /** The float-stored set of the same images: each byte divided by 255, as IdxReader.readImages converts. */
  private static Dataset floatSet() {
    byte[] b = pixels();
    float[] x = new float[b.length];
    for (int i = 0; i < b.length; i++) {
      x[i] = (b[i] & 0xff) / 255f;
    }
    return Dataset.ofLabels(new Tensor(SHAPE, x), LABELS, 4);
  }

  private static Dataset byteSet() {
    return Dataset.ofUnsignedBytes(SHAPE, pixels(), LABELS, 4);
  }

  private static Tensor gather(Dataset d, int[] indices, int from, int to) {
    Tensor t = Tensor.zeros(d.exampleShape().withBatch(to - from));
    d.gatherInputs(indices, from, to, t);
    return t;
  }

  @Test
  void aByteSetGathersTheBatchesOfTheFloatSet() {
    Dataset bytes = byteSet();
    Dataset floats = floatSet();
    assertTrue(bytes.storesBytes());
    assertFalse(floats.storesBytes());
    int[] order = {3, 0, 4, 1, 2};
    assertArrayEquals(gather(floats, order, 0, 3).data(), gather(bytes, order, 0, 3).data());
    assertArrayEquals(gather(floats, order, 3, 5).data(), gather(bytes, order, 3, 5).data());
    assertArrayEquals(gather(floats, null, 1, 4).data(), gather(bytes, null, 1, 4).data());
    assertArrayEquals(floats.inputs().data(), bytes.inputs().data());
    assertEquals(1f, bytes.inputs().get(0, 0, 0, 0), 0f);
    assertEquals(37 / 255f, bytes.inputs().get(0, 0, 1, 0), 0f);
    int[] labels = new int[2];
    bytes.gatherLabels(order, 1, 3, labels);
    assertArrayEquals(new int[] {3, 3}, labels);
  }

  @Test
  void gatheringOverwritesTheRowsInTheGivenOrder() {
    Dataset d = floatSet();
    Tensor t = Tensor.zeros(2, 2, 3, 1);
    java.util.Arrays.fill(t.data(), Float.NaN);
    d.gatherInputs(new int[] {4, 1}, 0, 2, t);
    float[] all = d.inputs().data();
    for (int k = 0; k < 6; k++) {
      assertEquals(all[4 * 6 + k], t.data()[k], 0f);
      assertEquals(all[6 + k], t.data()[6 + k], 0f);
    }
  }

  @Test
  void aFullFloatSetHandsBackItsOwnTensorAndLabels() {
    Tensor x = Tensor.zeros(SHAPE);
    Dataset d = Dataset.ofLabels(x, LABELS, 4);
    assertSame(x, d.inputs());
    assertSame(LABELS, d.labels());
    assertNull(d.targetShape());
  }

  @Test
  void aSliceSharesTheStorageAndSlicesCompose() {
    Dataset d = byteSet();
    Dataset middle = d.slice(1, 4);
    assertEquals(3, middle.size());
    assertArrayEquals(new int[] {0, 2, 1}, middle.labels());
    assertArrayEquals(gather(d, null, 1, 4).data(), middle.inputs().data());
    Dataset inner = middle.slice(1, 3);
    assertArrayEquals(new int[] {2, 1}, inner.labels());
    assertArrayEquals(gather(d, new int[] {2, 3}, 0, 2).data(), gather(inner, new int[] {0, 1}, 0, 2).data());
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> middle.slice(2, 4));
    assertEquals("dataset slice: need 0 <= from < to <= 3, got [2, 4)", e.getMessage());
  }

  @Test
  void selectCopiesIntoAFloatSet() {
    Dataset d = floatSet();
    Dataset s = d.select(new int[] {2, 2, 0});
    assertFalse(s.storesBytes());
    assertArrayEquals(new int[] {2, 2, 3}, s.labels());
    float before = s.inputs().data()[0];
    d.inputs().data()[2 * 6] = -1f;
    assertEquals(before, s.inputs().data()[0], 0f);
  }

  @Test
  void tensorTargetsAreGatheredAndSlicedLikeInputs() {
    Tensor x = Tensor.zeros(4, 2);
    Tensor y = Tensor.of(Shape.of(4, 3), 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11);
    Dataset d = Dataset.ofTargets(x, y);
    assertEquals(Shape.of(3), d.targetShape());
    Tensor t = Tensor.zeros(2, 3);
    d.gatherTargets(new int[] {3, 1}, 0, 2, t);
    assertArrayEquals(new float[] {9, 10, 11, 3, 4, 5}, t.data());
    assertArrayEquals(new float[] {6, 7, 8, 9, 10, 11}, d.slice(2, 4).targets().data());
    IllegalStateException e = assertThrows(IllegalStateException.class, () -> d.gatherLabels(null, 0, 1, new int[1]));
    assertEquals("dataset: has tensor targets, not labels; use gatherTargets", e.getMessage());
  }

  @Test
  void rejectsBadShapesAndLabels() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> Dataset.ofUnsignedBytes(SHAPE, new byte[29], LABELS, 4));
    assertEquals("dataset: need inputs of shape (N, ...) with as many bytes as elements, got 29 bytes for shape "
        + "(5, 2, 3, 1)", e.getMessage());
    e = assertThrows(IllegalArgumentException.class,
        () -> Dataset.ofUnsignedBytes(SHAPE, pixels(), new int[] {0, 1, 2, 3, 4}, 4));
    assertEquals("dataset: labels must be in [0, 4), got 4 at example 4", e.getMessage());
    e = assertThrows(IllegalArgumentException.class,
        () -> byteSet().gatherInputs(null, 0, 2, Tensor.zeros(3, 2, 3, 1)));
    assertEquals("dataset: gathered inputs: expected shape (2, 2, 3, 1), got (3, 2, 3, 1)", e.getMessage());
  }
}
