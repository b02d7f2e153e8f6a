package org.striate.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Locale;
import java.util.OptionalDouble;
import java.util.concurrent.Callable;
import org.striate.data.Mnist;
import org.striate.io.ModelFile;
import org.striate.kernel.Kernels;
import org.striate.loss.CrossEntropy;
import org.striate.nn.Model;
import org.striate.optim.Adam;
import org.striate.optim.AdamW;
import org.striate.optim.Optimizer;
import org.striate.optim.SGD;
import org.striate.train.EpochResult;
import org.striate.train.Evaluation;
import org.striate.train.FitOptions;
import org.striate.train.History;
import org.striate.train.Trainer;
import org.striate.train.TrainingListener;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code striate train}: trains a model on a data set, reports the test accuracy and saves the model. */
@Command(name = "train", sortOptions = false, mixinStandardHelpOptions = true,
    description = "Train a CNN, report its test accuracy and save it.",
    footer = {"", "Examples:",
      "  striate train                    # mnist-convnet on MNIST: 3 epochs, Adam 1e-3, batch 128",
      "  striate train --model lenet5 --threads 2 --out lenet5.safetensors",
      "  striate train --model net.json --optimizer sgd --lr 0.05 --metrics m.json"})
final class TrainCommand implements Callable<Integer> {
  enum OptimizerName { sgd, adam, adamw }

  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Mixin DataOptions data = new DataOptions();

  @Option(names = "--model", paramLabel = "NAME|FILE", defaultValue = "mnist-convnet",
      description = "A built-in model (mnist-convnet, lenet5, mnist-resnet; the others need larger images), built "
          + "for the data's image shape and classes, an architecture .json file, or a saved model to train further. "
          + "Default: ${DEFAULT-VALUE}.")
  String model;

  @Option(names = "--epochs", paramLabel = "N", defaultValue = "3", description = "Default: ${DEFAULT-VALUE}.")
  int epochs;

  @Option(names = "--batch-size", paramLabel = "N", defaultValue = "128", description = "Default: ${DEFAULT-VALUE}.")
  int batchSize;

  @Option(names = "--optimizer", paramLabel = "sgd|adam|adamw", defaultValue = "adam",
      description = "Default: ${DEFAULT-VALUE}.")
  OptimizerName optimizer;

  @Option(names = "--lr", paramLabel = "X",
      description = "Learning rate. Default: the optimizer's Keras default (sgd 0.01, adam and adamw 0.001).")
  Double learningRate;

  @Option(names = "--validation-split", paramLabel = "X", defaultValue = "0",
      description = "Fraction of the training set (its end) held out for validation each epoch. Default: 0.")
  double validationSplit;

  @Option(names = "--seed", paramLabel = "N", defaultValue = "42",
      description = "Seeds initialisation, shuffling and dropout. Default: ${DEFAULT-VALUE}.")
  long seed;

  @Mixin ThreadsOption threads = new ThreadsOption();

  @Option(names = "--out", paramLabel = "MODEL",
      description = "Where to save the trained model. Default: <model name>.safetensors in this directory.")
  Path out;

  @Option(names = "--metrics", paramLabel = "FILE.json",
      description = "Also write the per-epoch history and the test accuracy as JSON.")
  Path metrics;

  @Override
  public Integer call() throws Exception {
    validate();
    PrintWriter out = spec.commandLine().getOut();
    ModelSource source = ModelSource.resolve(model, "--model");
    Optimizer opt = optimizer();
    Mnist mnist = data.load(out);
    Model net = source.load(mnist.train().exampleShape(), mnist.train().numClasses());
    if (source.kind() != ModelSource.Kind.SAVED) {
      net.initialize(seed);
    }
    Path target = this.out != null ? this.out : Path.of(source.displayName() + ".safetensors");
    int threadCount = threads.count();
    out.printf(Locale.ROOT, "Training %s (%,d parameters) on %s: %,d training and %,d test images; %d epoch%s, "
            + "batch %d, %s lr %s, %d thread%s, seed %d%n",
        source.displayName(), net.parameterCount(), data.describe(), mnist.train().size(), mnist.test().size(),
        epochs, plural(epochs), batchSize, opt.name(), format(opt.learningRate()), threadCount, plural(threadCount),
        seed);
    out.flush();
    try (Kernels kernels = threads.kernels();
        Trainer trainer = Trainer.builder().model(net).optimizer(opt).loss(new CrossEntropy()).kernels(kernels)
            .seed(seed).build()) {
      ProgressBar bar = new ProgressBar(out, System.console() != null);
      FitOptions options = FitOptions.builder().epochs(epochs).batchSize(batchSize)
          .validationSplit(validationSplit).listener(listener(bar)).build();
      long start = System.nanoTime();
      History history = trainer.fit(mnist.train(), options);
      double trainSeconds = (System.nanoTime() - start) / 1e9;
      // The training batch size lets evaluation reuse the arrays training left in the trainer's workspace.
      Evaluation test = trainer.evaluate(mnist.test(), batchSize);
      out.printf(Locale.ROOT, "Test accuracy: %.2f%% (%,d/%,d), test loss %.4f; training took %s (%,.0f images/s)%n",
          100 * test.accuracy(), test.correct(), test.examples(), test.loss(), ProgressBar.clock(trainSeconds),
          (double) mnist.train().size() * (1 - validationSplit) * epochs / trainSeconds);
      ModelFile.save(net, target);
      out.println("Saved the model to " + target);
      if (metrics != null) {
        history.writeJson(metrics, OptionalDouble.of(test.accuracy()));
        out.println("Wrote the metrics to " + metrics);
      }
    }
    return 0;
  }

  private void validate() {
    if (epochs < 1) {
      throw new UsageException("--epochs must be at least 1, got " + epochs);
    }
    if (batchSize < 1) {
      throw new UsageException("--batch-size must be at least 1, got " + batchSize);
    }
    if (learningRate != null && !(learningRate > 0 && Double.isFinite(learningRate))) {
      throw new UsageException("--lr must be a positive number, got " + learningRate);
    }
    if (!(validationSplit >= 0 && validationSplit < 1)) {
      throw new UsageException("--validation-split must be in [0, 1), got " + validationSplit);
    }
    threads.count();
  }

  private Optimizer optimizer() {
    return switch (optimizer) {
      case sgd -> learningRate == null ? new SGD() : SGD.builder().learningRate(learningRate).build();
      case adam -> learningRate == null ? new Adam() : Adam.builder().learningRate(learningRate).build();
      case adamw -> learningRate == null ? new AdamW() : AdamW.builder().learningRate(learningRate).build();
    };
  }

  private static TrainingListener listener(ProgressBar bar) {
    return new TrainingListener() {
      private int epochs;
      private long epochStart;

      @Override
      public void onEpochStart(int epoch, int lastEpoch, int batches) {
        epochs = lastEpoch;
        epochStart = System.nanoTime();
      }

      @Override
      public void onBatchEnd(int epoch, int batch, int batches, double loss, double accuracy, double perSecond) {
        bar.update(epoch, epochs, batch, batches, loss, accuracy, perSecond, (System.nanoTime() - epochStart) / 1e9);
      }

      @Override
      public void onEpochEnd(EpochResult r) {
        if (r.hasValidation()) {
          bar.message(String.format(Locale.ROOT, "  validation: loss %.4f, accuracy %.4f", r.valLoss(),
              r.valAccuracy()));
        }
      }
    };
  }

  private static String plural(int n) {
    return n == 1 ? "" : "s";
  }

  private static String format(double value) {
    return String.format(Locale.ROOT, "%s", value).replaceAll("\\.0$", "");
  }
}
