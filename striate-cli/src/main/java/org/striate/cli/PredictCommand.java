package org.striate.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.striate.data.Images;
import org.striate.io.ModelFile;
import org.striate.kernel.Kernels;
import org.striate.loss.CrossEntropy;
import org.striate.nn.Model;
import org.striate.tensor.Tensor;
import org.striate.train.Trainer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code striate predict}: the most likely classes of images. */
@Command(name = "predict", sortOptions = false, mixinStandardHelpOptions = true,
    description = "Classify PNG or JPEG images with a saved model: the top classes with their probabilities.",
    footer = {"", "Images are converted to the model's input size and channels; for MNIST models a dark digit on a",
      "light background is inverted automatically (see --invert).", "",
      "Example:", "  striate predict --model mnist-convnet.safetensors seven.png three.jpg"})
final class PredictCommand implements Callable<Integer> {
  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Option(names = "--model", paramLabel = "MODEL", required = true, description = "A saved model file.")
  String model;

  @Option(names = "--top", paramLabel = "K", defaultValue = "3",
      description = "How many classes to show per image. Default: ${DEFAULT-VALUE}.")
  int top;

  @Option(names = "--invert", paramLabel = "auto|always|never", defaultValue = "auto",
      description = "Invert grey levels: auto inverts images whose border is mostly light. Default: ${DEFAULT-VALUE}.")
  String invert;

  @Mixin ThreadsOption threads = new ThreadsOption();

  @Parameters(paramLabel = "IMAGE", arity = "1..*", description = "PNG or JPEG files.")
  List<Path> images = new ArrayList<>();

  @Override
  public Integer call() throws Exception {
    if (top < 1) {
      throw new UsageException("--top must be at least 1, got " + top);
    }
    Images.Invert mode = switch (invert) {
      case "auto" -> Images.Invert.AUTO;
      case "always" -> Images.Invert.ALWAYS;
      case "never" -> Images.Invert.NEVER;
      default -> throw new UsageException("--invert must be auto, always or never, got '" + invert + "'");
    };
    threads.count();
    PrintWriter out = spec.commandLine().getOut();
    Model net = ModelFile.load(ModelSource.savedModel(model, "--model"));
    Tensor batch = Images.loadBatch(images, net.inputShape(), mode);
    try (Kernels kernels = threads.kernels();
        Trainer trainer = Trainer.builder().model(net).loss(new CrossEntropy()).kernels(kernels).build()) {
      Tensor probabilities = trainer.predict(batch, 64);
      int classes = probabilities.shape().dim(-1);
      for (int i = 0; i < images.size(); i++) {
        out.println(images.get(i) + ": " + topClasses(probabilities.data(), i * classes, classes, top));
      }
    }
    return 0;
  }

  /** The {@code k} largest entries of one row as {@code "7 (99.12%)  2 (0.50%)"}. */
  static String topClasses(float[] p, int offset, int classes, int k) {
    Integer[] order = new Integer[classes];
    for (int c = 0; c < classes; c++) {
      order[c] = c;
    }
    java.util.Arrays.sort(order, (a, b) -> Float.compare(p[offset + b], p[offset + a]));
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < Math.min(k, classes); i++) {
      if (i > 0) {
        sb.append("  ");
      }
      sb.append(String.format(Locale.ROOT, "%d (%.2f%%)", order[i], 100 * p[offset + order[i]]));
    }
    return sb.toString();
  }
}
