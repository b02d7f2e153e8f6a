package org.striate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.striate.loss.CrossEntropy;
import org.striate.loss.Loss;
import org.striate.loss.MeanSquaredError;
import org.striate.tensor.Tensor;

/**
 * Every loss fixture under {@code fixtures/losses/} (see {@code tools/README.md}): the loss named by the fixture
 * must reproduce PyTorch's mean loss and its gradient with respect to the predictions within
 * {@link Fixture#LAYER_TOLERANCE} ({@code 1e-5 + 1e-4 |expected|}).
 */
class TorchLossParityTest {

  @Test
  void fixturesArePresent() {
    // A missing resource directory or an emptied one must not pass as "no differences".
    assertTrue(Fixture.all("losses").size() >= 7, "expected at least 7 loss fixtures");
  }

  @TestFactory
  Stream<DynamicTest> lossMatchesPyTorch() {
    return Fixture.all("losses").stream().map(f -> DynamicTest.dynamicTest(f.name(), () -> check(f)));
  }

  private static void check(Fixture f) {
    String function = f.get("function").asText();
    Loss loss = loss(f.name(), function, f.has("from_logits") ? f.get("from_logits") : null, f.get("reduction"));
    Tensor predictions = Fixture.tensor(f.get("predictions"));
    boolean sparse = function.equals("sparse_categorical_crossentropy");
    // Exactly one kind of target, the one the function takes: a fixture with both would test only one of them.
    assertEquals(sparse, f.has("labels"), f.name() + ": 'labels' present");
    assertEquals(!sparse, f.has("targets"), f.name() + ": 'targets' present");
    int[] labels = sparse ? Fixture.ints(f.get("labels")) : null;
    Tensor targets = sparse ? null : Fixture.tensor(f.get("targets"));

    Tensor grad = Tensor.zeros(predictions.shape());
    double value = loss.lossAndGradient(predictions, labels, targets, grad);
    f.assertClose("loss", f.get("loss").doubleValue(), value, Fixture.LAYER_TOLERANCE);
    f.assertClose("grad_predictions", Fixture.tensor(f.get("grad_predictions")), grad, Fixture.LAYER_TOLERANCE);
  }

  /**
   * The Striate loss for a fixture's {@code function}, {@code from_logits} (null when absent) and
   * {@code reduction}; fails on any setting Striate's losses do not implement rather than ignoring it.
   */
  static Loss loss(String caseName, String function, JsonNode fromLogits, JsonNode reduction) {
    if (!reduction.asText().equals("mean")) {
      fail(caseName + ": only reduction 'mean' is implemented, the fixture asks for " + reduction);
    }
    switch (function) {
      case "sparse_categorical_crossentropy", "categorical_crossentropy" -> {
        if (fromLogits == null || !fromLogits.isBoolean() || !fromLogits.booleanValue()) {
          fail(caseName + ": CrossEntropy takes logits, so from_logits must be true, the fixture has " + fromLogits);
        }
        return new CrossEntropy();
      }
      case "mean_squared_error" -> {
        if (fromLogits != null) {
          fail(caseName + ": mean_squared_error has no from_logits setting, the fixture has " + fromLogits);
        }
        return new MeanSquaredError();
      }
      default -> {
        return fail(caseName + ": unknown loss function '" + function + "'");
      }
    }
  }
}
