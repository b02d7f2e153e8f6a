package org.striate.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.striate.kernel.ScalarKernels;
import org.striate.tensor.Shape;
import org.striate.tensor.Tensor;

class WorkspaceTest {
  private final Object owner = new Object();

  @Test
  void theSameShapeGetsTheSameArrayBack() {
    Workspace ws = new Workspace();
    Tensor a = ws.tensor(owner, "out", Shape.of(2, 3));
    a.data()[4] = 7f;
    Tensor b = ws.tensor(owner, "out", Shape.of(2, 3));
    assertSame(a, b);
    assertEquals(7f, b.data()[4], "contents are left for the caller to overwrite");
    assertEquals(1, ws.allocations());
    assertEquals(24, ws.allocatedBytes());
  }

  @Test
  void anotherShapeGetsANewArrayThatReplacesTheOld() {
    Workspace ws = new Workspace();
    Tensor a = ws.tensor(owner, "out", Shape.of(2, 3));
    Tensor b = ws.tensor(owner, "out", Shape.of(3, 2)); // same size, another shape
    assertNotSame(a, b);
    assertEquals(Shape.of(3, 2), b.shape());
    Tensor c = ws.tensor(owner, "out", Shape.of(2, 3));
    assertNotSame(a, c, "a slot keeps only its latest array");
    assertEquals(3, ws.allocations());
    assertEquals(72, ws.allocatedBytes());
    assertEquals(24, ws.retainedBytes());
  }

  @Test
  void slotsAndOwnersAreSeparate() {
    Workspace ws = new Workspace();
    Object other = new Object();
    Tensor a = ws.tensor(owner, "out", Shape.of(4));
    assertNotSame(a, ws.tensor(owner, "gradInput", Shape.of(4)));
    assertNotSame(a, ws.tensor(other, "out", Shape.of(4)));
    assertSame(a, ws.tensor(owner, "out", Shape.of(4)));
    assertEquals(3, ws.allocations());
    assertEquals(48, ws.retainedBytes());
  }

  @Test
  void twoWorkspacesShareNothing() {
    Workspace first = new Workspace();
    Workspace second = new Workspace();
    Tensor a = first.tensor(owner, "out", Shape.of(5));
    Tensor b = second.tensor(owner, "out", Shape.of(5));
    assertNotSame(a, b);
    Arrays.fill(a.data(), 3f);
    assertArrayEquals(new float[5], b.data());
    assertSame(a, first.tensor(owner, "out", Shape.of(5)));
    assertSame(b, second.tensor(owner, "out", Shape.of(5)));
  }

  @Test
  void zerosClearsWhatTheLastUseLeft() {
    Workspace ws = new Workspace();
    Tensor a = ws.zeros(owner, "grad", Shape.of(3));
    Arrays.fill(a.data(), 2f);
    Tensor b = ws.zeros(owner, "grad", Shape.of(3));
    assertSame(a, b);
    assertArrayEquals(new float[3], b.data());
  }

  @Test
  void intArraysAreReusedByLength() {
    Workspace ws = new Workspace();
    int[] a = ws.ints(owner, "argmax", 6);
    assertSame(a, ws.ints(owner, "argmax", 6));
    int[] b = ws.ints(owner, "argmax", 5);
    assertEquals(5, b.length);
    assertNotSame(a, b);
    assertEquals(2, ws.allocations());
    assertEquals(44, ws.allocatedBytes());
  }

  @Test
  void aPoisonedWorkspaceHandsOutNaNAndIntMinValue() {
    Workspace ws = Workspace.poisoned();
    Tensor a = ws.tensor(owner, "out", Shape.of(4));
    Arrays.fill(a.data(), 1f);
    Tensor b = ws.tensor(owner, "out", Shape.of(4));
    assertSame(a, b);
    for (float v : b.data()) {
      assertTrue(Float.isNaN(v));
    }
    assertArrayEquals(new float[4], ws.zeros(owner, "out", Shape.of(4)).data());
    int[] ints = ws.ints(owner, "argmax", 2);
    assertArrayEquals(new int[] {Integer.MIN_VALUE, Integer.MIN_VALUE}, ints);
  }

  @Test
  void aContextWithoutWorkspaceGivesNewZeroedArrays() {
    try (ScalarKernels kernels = new ScalarKernels(1)) {
      Context ctx = Context.inference(kernels);
      Tensor a = ctx.buffer(owner, "out", Shape.of(3));
      Arrays.fill(a.data(), 5f);
      Tensor b = ctx.buffer(owner, "out", Shape.of(3));
      assertNotSame(a, b);
      assertArrayEquals(new float[3], b.data());
      assertNotSame(ctx.ints(owner, "argmax", 3), ctx.ints(owner, "argmax", 3));
    }
  }

  @Test
  void aContextTakesItsArraysFromItsWorkspace() {
    Workspace ws = new Workspace();
    try (ScalarKernels kernels = new ScalarKernels(1)) {
      Tensor a = Context.training(kernels, 1, ws).buffer(owner, "out", Shape.of(3));
      assertSame(a, Context.inference(kernels, ws).buffer(owner, "out", Shape.of(3)));
      assertSame(a, ws.tensor(owner, "out", Shape.of(3)));
    }
  }
}
