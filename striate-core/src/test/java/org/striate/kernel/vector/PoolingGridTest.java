package org.striate.kernel.vector;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.striate.tensor.ConvGeometry;
import org.striate.tensor.Padding;

/** Window layouts worked out by hand: tap offsets, the windows wholly inside, and who owns each input pixel. */
class PoolingGridTest {

  @Test
  void tapOffsetsFollowRowMajorWindowOrderWithDilation() {
    // 2x3 taps, dilation 2 down and 3 across, on a 9-wide input with 4 channels: tap (kh, kw) is at
    // (2 * kh * 9 + 3 * kw) * 4.
    PoolingGrid grid = new PoolingGrid(ConvGeometry.of(9, 9, 2, 3, 1, 1, 2, 3, Padding.VALID), 4);
    assertArrayEquals(new int[] {0, 12, 24, 72, 84, 96}, grid.offsets);
  }

  @Test
  void twoByTwoWindowsOnAnOddInputLeaveTheLastRowAndColumnToNobody() {
    PoolingGrid grid = new PoolingGrid(ConvGeometry.of(7, 5, 2, 2, 2, 2, 1, 1, Padding.VALID), 3);
    assertTrue(grid.disjoint());
    assertArrayEquals(new int[] {0, 0, 1, 1, 2, 2, -1}, owners(grid::rowOwner, 7));
    assertArrayEquals(new int[] {0, 0, 1, 1, -1}, owners(grid::columnOwner, 5));
    assertEquals(0, grid.firstInsideColumn());
    assertEquals(2, grid.insideColumns());
    assertTrue(grid.rowInside(2));
  }

  @Test
  void paddedBordersAreNotInsideAndStridesBeyondTheWindowLeaveGaps() {
    // Rows: SAME padding of 7 with 2x2 windows, stride 2, pads one row at the bottom, so output row 3 (rows 6
    // and 7) is not inside. Columns: 2-wide windows every 3 columns of 8, no padding: taps 0,1 / 3,4 / 6,7.
    PoolingGrid grid = new PoolingGrid(ConvGeometry.of(7, 8, 2, 2, 2, 3, 1, 1, Padding.explicit(0, 1, 0, 0)), 1);
    assertTrue(grid.disjoint());
    assertTrue(grid.rowInside(2));
    assertFalse(grid.rowInside(3));
    assertArrayEquals(new int[] {0, 0, 1, 1, 2, 2, 3}, owners(grid::rowOwner, 7));
    assertArrayEquals(new int[] {0, 0, -1, 1, 1, -1, 2, 2}, owners(grid::columnOwner, 8));
    assertEquals(3, grid.insideColumns());
  }

  @Test
  void dilationCanInterleaveWindowsWithoutOverlap() {
    // Rows: taps 0,3 / 2,5 / 4,7 (kernel 2, dilation 3, stride 2) on 8 rows. Columns: padding 1 on the left puts
    // window 0 at columns -1 and 0, so it is not inside; windows 1 and 2 are.
    PoolingGrid grid = new PoolingGrid(ConvGeometry.of(8, 6, 2, 2, 2, 2, 3, 1, Padding.explicit(0, 0, 1, 0)), 2);
    assertTrue(grid.disjoint());
    assertArrayEquals(new int[] {0, -1, 1, 0, 2, 1, -1, 2}, owners(grid::rowOwner, 8));
    assertArrayEquals(new int[] {0, 1, 1, 2, 2, -1}, owners(grid::columnOwner, 6));
    assertEquals(1, grid.firstInsideColumn());
    assertEquals(2, grid.insideColumns());
    assertFalse(grid.columnInside(0));
  }

  @Test
  void overlappingWindowsAreNotDisjoint() {
    assertFalse(new PoolingGrid(ConvGeometry.of(7, 7, 3, 3, 2, 2, 1, 1, Padding.VALID), 1).disjoint());
    // Only the columns overlap (2 wide, stride 1).
    assertFalse(new PoolingGrid(ConvGeometry.of(6, 6, 2, 2, 2, 1, 1, 1, Padding.VALID), 1).disjoint());
    // Dilation 2 with stride 1: taps 0,2 / 1,3 / 2,4 share row 2.
    assertFalse(new PoolingGrid(ConvGeometry.of(5, 5, 2, 1, 1, 1, 2, 1, Padding.VALID), 1).disjoint());
  }

  @Test
  void aWindowWiderThanThePaddedInputHasNoColumnInside() {
    PoolingGrid grid = new PoolingGrid(ConvGeometry.of(1, 1, 3, 3, 1, 1, 1, 1, Padding.SAME), 5);
    assertEquals(0, grid.insideColumns());
    assertFalse(grid.rowInside(0));
  }

  private static int[] owners(java.util.function.IntUnaryOperator owner, int n) {
    return IntStream.range(0, n).map(owner).toArray();
  }
}
