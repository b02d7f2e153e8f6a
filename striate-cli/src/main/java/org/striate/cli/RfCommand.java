package org.striate.cli;

import java.io.PrintWriter;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.striate.nn.Layer;
import org.striate.nn.Model;
import org.striate.nn.ReceptiveField;
import org.striate.nn.Summary;
import org.striate.tensor.Shape;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code striate rf}: the input rectangle one output unit of a layer sees. */
@Command(name = "rf", sortOptions = false, mixinStandardHelpOptions = true,
    description = "Show the input rectangle that one output unit of a layer sees (its receptive field).",
    footer = {"", "Rows and columns are input pixel indices, inclusive; parts outside the image are padding.", "",
      "Examples:", "  striate rf mnist-convnet --layer conv2d_1 --at 5,5", "  striate rf vgg16 --layer block5_pool --at 0,0"})
final class RfCommand implements Callable<Integer> {
  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Parameters(paramLabel = "NAME|FILE", description = "A built-in model, an architecture .json file or a saved model.")
  String model;

  @Option(names = "--layer", paramLabel = "NAME", required = true, description = "The layer, by name (see 'striate summary').")
  String layerName;

  @Option(names = "--at", paramLabel = "Y,X", defaultValue = "0,0",
      description = "The output unit: row and column in the layer's output. Default: ${DEFAULT-VALUE}.")
  String at;

  @Override
  public Integer call() throws Exception {
    int[] yx = parseAt(at);
    Model net = ModelSource.resolve(model, "NAME|FILE").load();
    Layer layer;
    try {
      layer = net.layer(layerName);
    } catch (IllegalArgumentException e) {
      throw new UsageException("--layer: " + e.getMessage());
    }
    Summary.Row row = Summary.of(net).rows().get(net.layers().indexOf(layer));
    ReceptiveField f = row.field();
    Shape out = layer.outputShape();
    Shape in = net.inputShape();
    PrintWriter w = spec.commandLine().getOut();
    w.printf(Locale.ROOT, "layer '%s' (%s), output %s, input %s%n", layer.name(), layer.type(), out, in);
    switch (f.status()) {
      case GLOBAL -> w.printf(Locale.ROOT, "every output unit sees the whole input: rows 0..%d, columns 0..%d%n",
          in.dim(0) - 1, in.dim(1) - 1);
      case NOT_ALIGNED -> throw new IllegalStateException("layer '" + layer.name() + "' joins branches whose "
          + "strides differ, so its units' receptive fields are not aligned to one rectangle size and stride");
      case UNKNOWN -> throw new IllegalStateException("layer '" + layer.name() + "' comes after upsampling or a "
          + "transposed convolution, so its units' receptive fields are not one rectangle size and stride");
      case ALIGNED -> {
        if (out.rank() != 3) {
          throw new UsageException("--at needs a layer with (height, width, channels) output, got " + out);
        }
        if (yx[0] >= out.dim(0) || yx[1] >= out.dim(1)) {
          throw new UsageException("--at must be inside the layer's output of " + out.dim(0) + "x" + out.dim(1)
              + " (rows 0.." + (out.dim(0) - 1) + ", columns 0.." + (out.dim(1) - 1) + "), got " + at);
        }
        int[] r = f.region(yx[0], yx[1]);
        w.printf(Locale.ROOT, "receptive field %s, effective stride %s, effective padding %s%n", f.describe(),
            pair(f.strideH(), f.strideW()), pair(f.padH(), f.padW()));
        w.printf(Locale.ROOT, "unit (%d, %d) sees input rows %d..%d and columns %d..%d%s%n", yx[0], yx[1], r[0], r[1],
            r[2], r[3], clipping(r, in));
      }
    }
    return 0;
  }

  private static String clipping(int[] r, Shape in) {
    int h = in.rank() >= 2 ? in.dim(0) : 1;
    int w = in.rank() >= 2 ? in.dim(1) : 1;
    if (r[0] >= 0 && r[1] < h && r[2] >= 0 && r[3] < w) {
      return " (inside the image)";
    }
    return String.format(Locale.ROOT, "; inside the %dx%d image: rows %d..%d, columns %d..%d, the rest is padding",
        h, w, Math.max(0, r[0]), Math.min(h - 1, r[1]), Math.max(0, r[2]), Math.min(w - 1, r[3]));
  }

  private static String pair(int h, int w) {
    return h == w ? Integer.toString(h) : h + "x" + w;
  }

  private static int[] parseAt(String text) {
    String[] parts = text.split(",");
    try {
      if (parts.length == 2) {
        int y = Integer.parseInt(parts[0].trim());
        int x = Integer.parseInt(parts[1].trim());
        if (y >= 0 && x >= 0) {
          return new int[] {y, x};
        }
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw new UsageException("--at must be two non-negative integers Y,X such as 3,4, got '" + text + "'");
  }
}
