package org.striate.kernel.vector;

import java.util.Arrays;
import org.striate.tensor.ConvGeometry;

/**
 * Where the windows of one pooling geometry lie on NHWC data, worked out once per call rather than per window:
 * the offsets of a window's taps from its first tap, the outputs whose windows lie wholly inside the input (no
 * tap in padding), and, when no input pixel lies under two windows, which window each input row and column
 * belongs to.
 */
final class PoolingGrid {
  /** The flat offset of tap {@code (kh, kw)} from tap {@code (0, 0)}, in row-major window order; ascending. */
  final int[] offsets;
  private final int ohFrom;
  private final int ohTo;
  private final int owFrom;
  private final int owTo;
  /** For each input row, the output row whose windows cover it, or -1; null if two windows share a pixel. */
  private final int[] rowOwner;
  /** For each input column, the output column whose windows cover it, or -1; null as {@link #rowOwner}. */
  private final int[] columnOwner;

  PoolingGrid(ConvGeometry g, int channels) {
    offsets = new int[g.kernelArea()];
    for (int kh = 0; kh < g.kernelH(); kh++) {
      for (int kw = 0; kw < g.kernelW(); kw++) {
        offsets[kh * g.kernelW() + kw] = (kh * g.dilationH() * g.inW() + kw * g.dilationW()) * channels;
      }
    }
    int[] rows = insideRange(g.outH(), g.strideH(), g.padTop(), g.effectiveKernelH(), g.inH());
    int[] columns = insideRange(g.outW(), g.strideW(), g.padLeft(), g.effectiveKernelW(), g.inW());
    ohFrom = rows[0];
    ohTo = rows[1];
    owFrom = columns[0];
    owTo = columns[1];
    int[] byRow = owners(g.inH(), g.outH(), g.strideH(), g.padTop(), g.kernelH(), g.dilationH());
    int[] byColumn = owners(g.inW(), g.outW(), g.strideW(), g.padLeft(), g.kernelW(), g.dilationW());
    boolean disjoint = byRow != null && byColumn != null;
    rowOwner = disjoint ? byRow : null;
    columnOwner = disjoint ? byColumn : null;
  }

  /** Whether the windows of output row {@code oh} have all their rows inside the input. */
  boolean rowInside(int oh) {
    return oh >= ohFrom && oh < ohTo;
  }

  /** The first output column whose windows lie wholly inside the input (see {@link #insideColumns}). */
  int firstInsideColumn() {
    return owFrom;
  }

  /** How many output columns, from {@link #firstInsideColumn}, have windows wholly inside the input. */
  int insideColumns() {
    return owTo - owFrom;
  }

  /** Whether the windows of output column {@code ow} have all their columns inside the input. */
  boolean columnInside(int ow) {
    return ow >= owFrom && ow < owTo;
  }

  /** Whether every input pixel lies under at most one window, so {@link #rowOwner} and {@link #columnOwner} hold. */
  boolean disjoint() {
    return rowOwner != null;
  }

  /** The output row whose windows cover input row {@code ih}, or -1 if none does; only when {@link #disjoint}. */
  int rowOwner(int ih) {
    return rowOwner[ih];
  }

  /** The output column whose windows cover input column {@code iw}, or -1; only when {@link #disjoint}. */
  int columnOwner(int iw) {
    return columnOwner[iw];
  }

  /**
   * Along one axis: {@code [from, to)}, the outputs whose window {@code [o * stride - pad, o * stride - pad +
   * extent)} lies inside {@code [0, in)}; these are consecutive because the window moves one way.
   */
  private static int[] insideRange(int out, int stride, int pad, int extent, int in) {
    int from = 0;
    while (from < out && from * stride - pad < 0) {
      from++;
    }
    int to = from;
    while (to < out && to * stride - pad + extent <= in) {
      to++;
    }
    return new int[] {from, to};
  }

  /**
   * Along one axis: for each input index, the output whose window taps it, or -1 if none does; null if some
   * input index is tapped by two outputs' windows (or twice by one, which dilation rules out).
   */
  private static int[] owners(int in, int out, int stride, int pad, int kernel, int dilation) {
    int[] owner = new int[in];
    Arrays.fill(owner, -1);
    for (int o = 0; o < out; o++) {
      for (int k = 0; k < kernel; k++) {
        int x = o * stride - pad + k * dilation;
        if (x >= 0 && x < in) {
          if (owner[x] >= 0) {
            return null;
          }
          owner[x] = o;
        }
      }
    }
    return owner;
  }
}
