package org.striate.nn;

import java.util.ArrayList;
import java.util.List;
import org.striate.tensor.Shape;

/**
 * A model's per-layer table: output shape, parameter count, and the receptive field, that is the size
 * {@code r}, effective stride {@code S} and effective padding {@code P} in input pixels of the region one output
 * unit sees.
 *
 * <p>The receptive field follows the recurrence of Araujo, Norris and Sim, "Computing Receptive Fields of
 * Convolutional Neural Networks" (Distill, 2019), per axis, from {@code r = 1, S = 1, P = 0} at the input: a
 * layer with kernel {@code k}, dilation {@code d}, stride {@code s} and leading padding {@code p} has effective
 * kernel {@code k' = d (k - 1) + 1} and gives {@code r += (k' - 1) S}, {@code P += p S}, {@code S *= s}. Three
 * stacked 3x3 stride-1 convolutions give {@code r = 7}. After a layer that sees its whole input (flatten,
 * global pooling) the field is the whole input. After a transposed convolution, which upsamples, the recurrence
 * does not apply and the field is unknown (see {@link Window#transposed}) until a layer that sees its whole input.
 */
public final class Summary {
  /**
   * One row of the table; {@code rf*} and {@code stride*}, {@code pad*} are in input pixels, and 0 when
   * {@code unknown} (after a transposed convolution).
   */
  public record Row(
      String name, String type, Shape outputShape, long parameters, boolean global,
      int rfH, int rfW, int strideH, int strideW, int padH, int padW, boolean unknown) {}

  private final List<Row> rows;
  private final long totalParameters;
  private final long trainableParameters;
  private final Shape inputShape;

  private Summary(Shape inputShape, List<Row> rows, long totalParameters, long trainableParameters) {
    this.inputShape = inputShape;
    this.rows = rows;
    this.totalParameters = totalParameters;
    this.trainableParameters = trainableParameters;
  }

  public static Summary of(Sequential model) {
    List<Row> rows = new ArrayList<>();
    int rH = 1;
    int rW = 1;
    int sH = 1;
    int sW = 1;
    int pH = 0;
    int pW = 0;
    boolean global = false;
    boolean unknown = false;
    Shape in = model.inputShape();
    for (Layer layer : model.layers()) {
      Window w = layer.window();
      if (w.global() && !global) {
        global = true;
        rH = in.rank() >= 2 ? in.dim(0) : 1;
        rW = in.rank() >= 2 ? in.dim(1) : 1;
      } else if (w.transposed() && !global) {
        unknown = true;
        rH = rW = sH = sW = pH = pW = 0;
      } else if (!global && !unknown) {
        int ekH = w.dilationH() * (w.kernelH() - 1) + 1;
        int ekW = w.dilationW() * (w.kernelW() - 1) + 1;
        rH += (ekH - 1) * sH;
        rW += (ekW - 1) * sW;
        pH += w.padTop() * sH;
        pW += w.padLeft() * sW;
        sH *= w.strideH();
        sW *= w.strideW();
      }
      rows.add(new Row(layer.name(), layer.type(), layer.outputShape(), layer.parameterCount(), global,
          rH, rW, sH, sW, pH, pW, unknown && !global));
    }
    return new Summary(in, List.copyOf(rows), model.parameterCount(), model.trainableParameterCount());
  }

  public List<Row> rows() {
    return rows;
  }

  /** All parameters, trainable or not. */
  public long totalParameters() {
    return totalParameters;
  }

  public long trainableParameters() {
    return trainableParameters;
  }

  @Override
  public String toString() {
    List<String[]> cells = new ArrayList<>();
    cells.add(new String[] {"Layer (type)", "Output shape", "Params", "Receptive field", "Eff. stride", "Eff. pad"});
    cells.add(new String[] {"input (Input)", noneBatch(inputShape), "0", "1", "1", "0"});
    for (Row r : rows) {
      cells.add(new String[] {
        r.name() + " (" + r.type() + ")",
        noneBatch(r.outputShape()),
        String.format("%,d", r.parameters()),
        r.global() ? "global" : r.unknown() ? "unknown" : pair(r.rfH(), r.rfW()),
        r.global() || r.unknown() ? "-" : pair(r.strideH(), r.strideW()),
        r.global() || r.unknown() ? "-" : pair(r.padH(), r.padW())
      });
    }
    int[] width = new int[cells.get(0).length];
    for (String[] row : cells) {
      for (int i = 0; i < row.length; i++) {
        width[i] = Math.max(width[i], row[i].length());
      }
    }
    StringBuilder sb = new StringBuilder();
    int total = 0;
    for (int w : width) {
      total += w + 2;
    }
    String rule = "-".repeat(total) + "\n";
    for (int line = 0; line < cells.size(); line++) {
      String[] row = cells.get(line);
      for (int i = 0; i < row.length; i++) {
        sb.append(i == 0 ? String.format("%-" + width[i] + "s", row[i]) : String.format("%" + width[i] + "s", row[i]));
        sb.append(i == row.length - 1 ? "\n" : "  ");
      }
      if (line == 0) {
        sb.append(rule);
      }
    }
    sb.append(rule);
    sb.append(String.format("Total params: %,d%n", totalParameters));
    sb.append(String.format("Trainable params: %,d%n", trainableParameters));
    sb.append(String.format("Non-trainable params: %,d%n", totalParameters - trainableParameters));
    return sb.toString();
  }

  /** Keras's notation for a batch of any size: {@code (None, 13, 13, 32)}. */
  private static String noneBatch(Shape shape) {
    return "(None" + shape.toBatchString().substring("(batch".length());
  }

  private static String pair(int h, int w) {
    return h == w ? Integer.toString(h) : h + "x" + w;
  }
}
