package org.striate.nn;

import java.util.List;

/**
 * What one output unit of a layer sees of the model input, per axis: the size {@code r}, the effective stride
 * {@code S} (how far the region moves per output step) and the effective padding {@code P} (how far the first
 * unit's region starts before the input), in input pixels. Output unit {@code y} (per axis) sees input pixels
 * {@code [y * S - P, y * S - P + r - 1]}.
 *
 * <p>Through a layer with kernel {@code k}, dilation {@code d}, stride {@code s} and leading padding {@code p}
 * (Araujo, Norris and Sim, "Computing Receptive Fields of Convolutional Neural Networks", Distill 2019):
 * {@code r += (d (k - 1)) S}, {@code P += p S}, {@code S *= s}. Where paths join, the region is the union of
 * the inputs' regions, which has one size and stride only if the strides agree; otherwise the field is
 * {@link Status#NOT_ALIGNED}. After a layer whose outputs see everything it is {@link Status#GLOBAL}; after
 * upsampling it is {@link Status#UNKNOWN}.
 */
public record ReceptiveField(Status status, int rH, int rW, int strideH, int strideW, int padH, int padW) {

  public enum Status { ALIGNED, GLOBAL, NOT_ALIGNED, UNKNOWN }

  /** The model input: each unit sees itself. */
  public static final ReceptiveField INPUT = new ReceptiveField(Status.ALIGNED, 1, 1, 1, 1, 0, 0);

  static ReceptiveField global(int inputH, int inputW) {
    return new ReceptiveField(Status.GLOBAL, inputH, inputW, 0, 0, 0, 0);
  }

  private static final ReceptiveField NOT_ALIGNED = new ReceptiveField(Status.NOT_ALIGNED, 0, 0, 0, 0, 0, 0);
  private static final ReceptiveField UNKNOWN = new ReceptiveField(Status.UNKNOWN, 0, 0, 0, 0, 0, 0);

  public boolean aligned() {
    return status == Status.ALIGNED;
  }

  /** This field after a layer with {@code window}; {@code inputH, inputW} size the model input for globals. */
  ReceptiveField through(Window window, int inputH, int inputW) {
    if (window.kind() == Window.Kind.GLOBAL) {
      return global(inputH, inputW); // whatever came before, such a layer's outputs see everything
    }
    if (status != Status.ALIGNED) {
      return this;
    }
    switch (window.kind()) {
      case GLOBAL:
        return global(inputH, inputW);
      case UNKNOWN:
        return UNKNOWN;
      default:
        int ekH = window.dilationH() * (window.kernelH() - 1) + 1;
        int ekW = window.dilationW() * (window.kernelW() - 1) + 1;
        return new ReceptiveField(Status.ALIGNED,
            rH + (ekH - 1) * strideH, rW + (ekW - 1) * strideW,
            strideH * window.strideH(), strideW * window.strideW(),
            padH + window.padTop() * strideH, padW + window.padLeft() * strideW);
    }
  }

  /** The field of a unit that reads units of every field in {@code inputs} at the same position. */
  static ReceptiveField union(List<ReceptiveField> inputs) {
    ReceptiveField first = inputs.get(0);
    for (ReceptiveField f : inputs) {
      if (f.status == Status.GLOBAL) {
        return f;
      }
    }
    for (ReceptiveField f : inputs) {
      if (f.status != Status.ALIGNED) {
        return f.status == Status.UNKNOWN ? UNKNOWN : NOT_ALIGNED;
      }
      if (f.strideH != first.strideH || f.strideW != first.strideW) {
        return NOT_ALIGNED;
      }
    }
    int padH = 0;
    int padW = 0;
    int endH = Integer.MIN_VALUE;
    int endW = Integer.MIN_VALUE;
    for (ReceptiveField f : inputs) {
      padH = Math.max(padH, f.padH);
      padW = Math.max(padW, f.padW);
      endH = Math.max(endH, f.rH - 1 - f.padH);
      endW = Math.max(endW, f.rW - 1 - f.padW);
    }
    return new ReceptiveField(Status.ALIGNED, endH + padH + 1, endW + padW + 1, first.strideH, first.strideW, padH,
        padW);
  }

  /** The first and last input row and column that output unit {@code (y, x)} sees; only when aligned. */
  public int[] region(int y, int x) {
    if (status != Status.ALIGNED) {
      throw new IllegalStateException("the receptive field is " + describe() + ", so it has no region");
    }
    int top = y * strideH - padH;
    int left = x * strideW - padW;
    return new int[] {top, top + rH - 1, left, left + rW - 1};
  }

  /** {@code global}, {@code not aligned}, {@code unknown}, or the size such as {@code 7} or {@code 7x5}. */
  public String describe() {
    return switch (status) {
      case GLOBAL -> "global";
      case NOT_ALIGNED -> "not aligned";
      case UNKNOWN -> "unknown";
      case ALIGNED -> pair(rH, rW);
    };
  }

  static String pair(int h, int w) {
    return h == w ? Integer.toString(h) : h + "x" + w;
  }
}
