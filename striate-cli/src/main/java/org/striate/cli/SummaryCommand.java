package org.striate.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code striate summary}: the per-layer table of a model. */
@Command(name = "summary", mixinStandardHelpOptions = true,
    description = "Show a model's layers: output shapes, parameters and receptive fields.",
    footer = {"", "Examples:", "  striate summary mnist-convnet", "  striate summary my-net.json",
      "  striate summary lenet5.safetensors"})
final class SummaryCommand implements Callable<Integer> {
  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Parameters(paramLabel = "NAME|FILE", description = "A built-in model, an architecture .json file or a saved model.")
  String model;

  @Override
  public Integer call() throws Exception {
    ModelSource source = ModelSource.resolve(model, "NAME|FILE");
    spec.commandLine().getOut().print(source.load().summary());
    return 0;
  }
}
