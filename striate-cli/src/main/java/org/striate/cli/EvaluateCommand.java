package org.striate.cli;

import java.io.PrintWriter;
import java.util.concurrent.Callable;
import org.striate.data.Mnist;
import org.striate.io.ModelFile;
import org.striate.kernel.Kernels;
import org.striate.loss.CrossEntropy;
import org.striate.nn.Model;
import org.striate.train.Evaluation;
import org.striate.train.Trainer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code striate evaluate}: test accuracy and confusion matrix of a saved model. */
@Command(name = "evaluate", sortOptions = false, mixinStandardHelpOptions = true,
    description = "Report a saved model's accuracy and confusion matrix on the test set.",
    footer = {"", "Example:", "  striate evaluate --model mnist-convnet.safetensors"})
final class EvaluateCommand implements Callable<Integer> {
  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Option(names = "--model", paramLabel = "MODEL", required = true, description = "A saved model file.")
  String model;

  @Mixin DataOptions data = new DataOptions();

  @Option(names = "--batch-size", paramLabel = "N", defaultValue = "256", description = "Default: ${DEFAULT-VALUE}.")
  int batchSize;

  @Mixin ThreadsOption threads = new ThreadsOption();

  @Override
  public Integer call() throws Exception {
    if (batchSize < 1) {
      throw new UsageException("--batch-size must be at least 1, got " + batchSize);
    }
    threads.count();
    PrintWriter out = spec.commandLine().getOut();
    Model net = ModelFile.load(ModelSource.savedModel(model, "--model"));
    Mnist mnist = data.load(out);
    try (Kernels kernels = threads.kernels();
        Trainer trainer = Trainer.builder().model(net).loss(new CrossEntropy()).kernels(kernels).build()) {
      Evaluation e = trainer.evaluate(mnist.test(), batchSize);
      out.println(e);
    }
    return 0;
  }
}
