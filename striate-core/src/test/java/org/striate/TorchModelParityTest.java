package org.striate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.striate.data.Dataset;
import org.striate.kernel.Kernels;
import org.striate.kernel.ScalarKernels;
import org.striate.loss.Loss;
import org.striate.nn.Activation;
import org.striate.nn.Context;
import org.striate.nn.Layer;
import org.striate.nn.Layers;
import org.striate.nn.Parameter;
import org.striate.nn.Sequential;
import org.striate.optim.Optimizer;
import org.striate.tensor.Shape;
import org.striate.tensor.Tensor;
import org.striate.train.FitOptions;
import org.striate.train.History;
import org.striate.train.Trainer;

/**
 * Every model fixture under {@code fixtures/models/} (see {@code tools/README.md}): one training step of a small
 * convnet. The model built from the fixture's layer configs, with the fixture's parameters, must reproduce
 * PyTorch's logits, loss and parameter gradients within {@link Fixture#LAYER_TOLERANCE}; and one step of the
 * real {@link Trainer} must report that loss and leave the parameters PyTorch's optimizer gives, within
 * {@link Fixture#OPTIMIZER_TOLERANCE}.
 */
class TorchModelParityTest {
  private static final Set<String> KEYS = Set.of("layers", "input_shape", "loss", "optimizer", "config", "inputs",
      "labels", "params", "logits", "loss_before", "grads", "params_after");
  private static final Set<String> LOSS_KEYS = Set.of("function", "from_logits", "reduction");

  @Test
  void fixturesArePresent() {
    // A missing resource directory or an emptied one must not pass as "no differences".
    assertTrue(Fixture.all("models").size() >= 3, "expected at least 3 model fixtures");
  }

  @TestFactory
  Stream<DynamicTest> oneTrainingStepMatchesPyTorch() {
    return Fixture.all("models").stream().map(f -> DynamicTest.dynamicTest(f.name(), () -> check(f)));
  }

  private static void check(Fixture f) {
    assertEquals(new TreeSet<>(KEYS), f.keys(), f.name() + ": top-level keys");
    JsonNode lossNode = f.get("loss");
    assertEquals(new TreeSet<>(LOSS_KEYS), Fixture.fieldNames(lossNode), f.name() + ": loss keys");
    String function = lossNode.get("function").asText();
    if (!function.equals("sparse_categorical_crossentropy")) {
      fail(f.name() + ": model fixtures train on integer labels, so the loss must be"
          + " sparse_categorical_crossentropy, got '" + function + "'");
    }
    Loss loss = TorchLossParityTest.loss(f.name(), function, lossNode.get("from_logits"), lossNode.get("reduction"));
    Tensor inputs = Fixture.tensor(f.get("inputs"));
    int[] labels = Fixture.ints(f.get("labels"));
    Tensor expectedLogits = Fixture.tensor(f.get("logits"));
    double lossBefore = f.get("loss_before").doubleValue();

    try (Kernels kernels = new ScalarKernels(1)) {
      // By hand: forward, loss and backward, compared before any update.
      Sequential model = model(f);
      assertEquals(model.inputShape().withBatch(labels.length), inputs.shape(), f.name() + ": shape of inputs");
      Context ctx = Context.training(kernels, 1);
      Tensor logits = model.forward(inputs, ctx);
      f.assertClose("logits", expectedLogits, logits, Fixture.LAYER_TOLERANCE);
      Tensor gradLogits = Tensor.zeros(logits.shape());
      f.assertClose("loss_before", lossBefore, loss.lossAndGradient(logits, labels, null, gradLogits),
          Fixture.LAYER_TOLERANCE);
      model.backward(gradLogits, ctx);
      compareByLayer(f, "grads", model, Parameter::grad, Fixture.LAYER_TOLERANCE);

      // Through the training loop, on a fresh copy: one epoch of one batch holding every example.
      Sequential trained = model(f);
      Optimizer optimizer =
          TorchOptimizerParityTest.optimizer(f.name(), f.get("optimizer").asText(), Fixture.config(f.get("config")));
      Dataset data = Dataset.ofLabels(inputs, labels, trained.outputShape().dim(0));
      try (Trainer trainer = Trainer.builder().model(trained).optimizer(optimizer).loss(loss).kernels(kernels).seed(1)
          .build()) {
        History history = trainer.fit(data,
            FitOptions.builder().epochs(1).batchSize(labels.length).shuffle(false).build());
        assertEquals(1, history.epochs().size(), f.name() + ": epochs run");
        f.assertClose("epoch loss of the trainer", lossBefore, history.last().loss(), Fixture.LAYER_TOLERANCE);
      }
      compareByLayer(f, "params_after", trained, Parameter::value, Fixture.OPTIMIZER_TOLERANCE);
    }
  }

  /**
   * The fixture's model: layers from their configs, names as given, and the fixture's initial parameters. The
   * output must be logits, as the loss's {@code from_logits} says.
   */
  private static Sequential model(Fixture f) {
    List<Layer> layers = new ArrayList<>();
    for (JsonNode config : f.get("layers")) {
      layers.add(Layers.fromConfig(Fixture.config(config)));
    }
    Sequential model = new Sequential(Shape.of(Fixture.ints(f.get("input_shape"))), layers);
    Layer last = layers.get(layers.size() - 1);
    if (last.activation() != Activation.LINEAR) {
      fail(f.name() + ": the loss takes logits, so the last layer must be linear, got " + last.activation());
    }
    requireSectionsFor(f, "params", model);
    for (Layer layer : model.layers()) {
      if (!layer.parameters().isEmpty()) {
        TorchLayerParityTest.copyParameters(f.name() + ": layer '" + layer.name() + "'",
            f.get("params").get(layer.name()), layer);
      }
    }
    return model;
  }

  /** Compares, for every layer with parameters, each parameter's {@code value} with the fixture's section. */
  private static void compareByLayer(Fixture f, String section, Sequential model, Function<Parameter, Tensor> value,
      Fixture.Tolerance tolerance) {
    requireSectionsFor(f, section, model);
    for (Layer layer : model.layers()) {
      JsonNode expected = f.get(section).get(layer.name());
      if (expected == null) {
        continue;
      }
      TreeSet<String> names = new TreeSet<>();
      layer.parameters().forEach(p -> names.add(p.name()));
      assertEquals(names, Fixture.fieldNames(expected), f.name() + ": " + section + " of layer '" + layer.name() + "'");
      for (Parameter p : layer.parameters()) {
        f.assertClose(section + " " + layer.name() + "/" + p.name(), Fixture.tensor(expected.get(p.name())),
            value.apply(p), tolerance);
      }
    }
  }

  /** The section (such as {@code params}) must have one entry per layer with parameters, and no other. */
  private static void requireSectionsFor(Fixture f, String section, Sequential model) {
    TreeSet<String> withParameters = new TreeSet<>();
    for (Layer layer : model.layers()) {
      if (!layer.parameters().isEmpty()) {
        withParameters.add(layer.name());
      }
    }
    assertEquals(withParameters, Fixture.fieldNames(f.get(section)), f.name() + ": layers in '" + section + "'");
  }
}
