package org.striate.nn;

import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.striate.tensor.Shape;

/**
 * A model's per-layer table: output shape, parameter count, multiply-accumulates, activation memory, the layers
 * it reads (for graphs), and the {@link ReceptiveField} of its output units in input pixels: size {@code r},
 * effective stride {@code S} and effective padding {@code P}.
 *
 * <p>Costs are per example (batch 1) for the forward pass. MACs count the products of convolutions and dense
 * layers ({@link Layer#macs()}); FLOPs are taken as {@code 2 x MACs}, the usual convention, and element-wise
 * work is not counted. Activation memory is the layer's float32 output, {@code 4 x elements} bytes. Three stacked 3x3 stride-1 convolutions give {@code r = 7}. Where branches join,
 * the field is the union over all paths (the largest); it reads "not aligned" when the paths' strides differ,
 * "global" after a layer that sees its whole input (flatten, global pooling) and "unknown" after upsampling.
 */
public final class Summary {
  /** One row of the table. */
  public record Row(
      String name, String type, Shape outputShape, long parameters, long macs, List<String> inbound,
      ReceptiveField field) {

    /** Bytes of this layer's float32 output for one example. */
    public long activationBytes() {
      return 4L * outputShape.size();
    }

    public boolean global() {
      return field.status() == ReceptiveField.Status.GLOBAL;
    }

    public int rfH() {
      return field.rH();
    }

    public int rfW() {
      return field.rW();
    }

    public int strideH() {
      return field.strideH();
    }

    public int strideW() {
      return field.strideW();
    }

    public int padH() {
      return field.padH();
    }

    public int padW() {
      return field.padW();
    }
  }

  private final List<Row> rows;
  private final long totalParameters;
  private final long trainableParameters;
  private final Shape inputShape;
  private final boolean graph;

  private Summary(Shape inputShape, List<Row> rows, long totalParameters, long trainableParameters, boolean graph) {
    this.inputShape = inputShape;
    this.rows = rows;
    this.totalParameters = totalParameters;
    this.trainableParameters = trainableParameters;
    this.graph = graph;
  }

  public static Summary of(Model model) {
    Shape in = model.inputShape();
    int inH = in.rank() >= 2 ? in.dim(0) : 1;
    int inW = in.rank() >= 2 ? in.dim(1) : 1;
    Map<Layer, ReceptiveField> fields = new IdentityHashMap<>();
    List<Row> rows = new ArrayList<>();
    for (Layer layer : model.layers()) {
      List<Layer> inbound = model.inboundLayers(layer);
      List<ReceptiveField> reads = new ArrayList<>();
      List<String> names = new ArrayList<>();
      if (inbound.isEmpty()) {
        reads.add(ReceptiveField.INPUT);
        names.add(Functional.INPUT_NAME);
      }
      for (Layer l : inbound) {
        reads.add(fields.get(l));
        names.add(l.name());
      }
      if (model instanceof Functional f) {
        names = f.inboundNames(layer);
      }
      ReceptiveField field = ReceptiveField.union(reads).through(layer.window(), inH, inW);
      fields.put(layer, field);
      rows.add(new Row(layer.name(), layer.type(), layer.outputShape(), layer.parameterCount(), layer.macs(),
          List.copyOf(names), field));
    }
    return new Summary(in, List.copyOf(rows), model.parameterCount(), model.trainableParameterCount(),
        model instanceof Functional);
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

  /** Multiply-accumulates of one forward pass of one example. */
  public long totalMacs() {
    long n = 0;
    for (Row r : rows) {
      n += r.macs();
    }
    return n;
  }

  /** Bytes of all layer outputs for one example (the input not included). */
  public long totalActivationBytes() {
    long n = 0;
    for (Row r : rows) {
      n += r.activationBytes();
    }
    return n;
  }

  @Override
  public String toString() {
    List<String[]> cells = new ArrayList<>();
    List<String> header = new ArrayList<>(List.of("Layer (type)", "Output shape", "Params", "MACs", "Activations"));
    if (graph) {
      header.add("Connected to");
    }
    header.addAll(List.of("Receptive field", "Eff. stride", "Eff. pad"));
    cells.add(header.toArray(new String[0]));
    List<String> input = new ArrayList<>(List.of("input (Input)", noneBatch(inputShape), "0", "0",
        bytes(4L * inputShape.size())));
    if (graph) {
      input.add("-");
    }
    input.addAll(List.of("1", "1", "0"));
    cells.add(input.toArray(new String[0]));
    for (Row r : rows) {
      ReceptiveField f = r.field();
      List<String> row = new ArrayList<>(List.of(r.name() + " (" + r.type() + ")", noneBatch(r.outputShape()),
          String.format(Locale.ROOT, "%,d", r.parameters()), String.format(Locale.ROOT, "%,d", r.macs()), bytes(r.activationBytes())));
      if (graph) {
        row.add(String.join(", ", r.inbound()));
      }
      row.add(f.describe());
      row.add(f.aligned() ? ReceptiveField.pair(f.strideH(), f.strideW()) : "-");
      row.add(f.aligned() ? ReceptiveField.pair(f.padH(), f.padW()) : "-");
      cells.add(row.toArray(new String[0]));
    }
    int[] width = new int[cells.get(0).length];
    for (String[] row : cells) {
      for (int i = 0; i < row.length; i++) {
        width[i] = Math.max(width[i], row[i].length());
      }
    }
    int total = 0;
    for (int w : width) {
      total += w + 2;
    }
    String rule = "-".repeat(total) + "\n";
    StringBuilder sb = new StringBuilder();
    for (int line = 0; line < cells.size(); line++) {
      String[] row = cells.get(line);
      for (int i = 0; i < row.length; i++) {
        boolean left = i == 0 || (graph && i == 5);
        sb.append(String.format(Locale.ROOT, left ? "%-" + width[i] + "s" : "%" + width[i] + "s", row[i]));
        sb.append(i == row.length - 1 ? "\n" : "  ");
      }
      if (line == 0) {
        sb.append(rule);
      }
    }
    sb.append(rule);
    sb.append(String.format(Locale.ROOT, "Total params: %,d%n", totalParameters));
    sb.append(String.format(Locale.ROOT, "Trainable params: %,d%n", trainableParameters));
    sb.append(String.format(Locale.ROOT, "Non-trainable params: %,d%n", totalParameters - trainableParameters));
    long macs = totalMacs();
    sb.append(String.format(Locale.ROOT, "MACs per example: %,d (%s); FLOPs = 2 x MACs = %s%n", macs, scaled(macs),
        scaled(2 * macs)));
    sb.append(String.format(Locale.ROOT, "Activation memory per example: %s (float32 outputs of all layers)%n",
        bytes(totalActivationBytes())));
    return sb.toString();
  }

  /** {@code 1.23 G}, {@code 45.6 M}, {@code 7.8 K} or the plain number. */
  static String scaled(long n) {
    if (n >= 1_000_000_000L) {
      return String.format(Locale.ROOT, "%.2f G", n / 1e9);
    }
    if (n >= 1_000_000L) {
      return String.format(Locale.ROOT, "%.2f M", n / 1e6);
    }
    if (n >= 1_000L) {
      return String.format(Locale.ROOT, "%.1f K", n / 1e3);
    }
    return Long.toString(n);
  }

  /** Binary units: {@code 2.6 KiB}, {@code 1.5 MiB}. */
  static String bytes(long n) {
    if (n >= 1L << 30) {
      return String.format(Locale.ROOT, "%.1f GiB", n / (double) (1L << 30));
    }
    if (n >= 1L << 20) {
      return String.format(Locale.ROOT, "%.1f MiB", n / (double) (1L << 20));
    }
    if (n >= 1L << 10) {
      return String.format(Locale.ROOT, "%.1f KiB", n / 1024.0);
    }
    return n + " B";
  }

  /** Keras's notation for a batch of any size: {@code (None, 13, 13, 32)}. */
  private static String noneBatch(Shape shape) {
    return "(None" + shape.toBatchString().substring("(batch".length());
  }
}
