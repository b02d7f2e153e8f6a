package org.striate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.striate.nn.Initializer;
import org.striate.nn.Parameter;
import org.striate.optim.Adam;
import org.striate.optim.AdamW;
import org.striate.optim.Optimizer;
import org.striate.optim.SGD;
import org.striate.tensor.Tensor;

/**
 * Every optimizer fixture under {@code fixtures/optimizers/} (see {@code tools/README.md}): one optimizer built
 * from the fixture's config takes the fixture's steps in order, and after each step the parameters must equal
 * PyTorch's within {@link Fixture#OPTIMIZER_TOLERANCE} ({@code 1e-7 + 1e-6 |expected|}).
 */
class TorchOptimizerParityTest {

  @Test
  void fixturesArePresent() {
    // A missing resource directory or an emptied one must not pass as "no differences".
    assertTrue(Fixture.all("optimizers").size() >= 6, "expected at least 6 optimizer fixtures");
  }

  @TestFactory
  Stream<DynamicTest> optimizerMatchesPyTorch() {
    return Fixture.all("optimizers").stream().map(f -> DynamicTest.dynamicTest(f.name(), () -> check(f)));
  }

  private static void check(Fixture f) {
    Optimizer optimizer = optimizer(f.name(), f.get("optimizer").asText(), Fixture.config(f.get("config")));
    List<Parameter> parameters = new ArrayList<>();
    f.get("params").fields().forEachRemaining(
        e -> parameters.add(new Parameter(e.getKey(), Fixture.tensor(e.getValue()), Initializer.ZEROS)));
    JsonNode steps = f.get("steps");
    assertTrue(steps.size() > 0, f.name() + ": fixture has no steps");
    for (int s = 0; s < steps.size(); s++) {
      JsonNode grads = steps.get(s).get("grads");
      JsonNode expected = steps.get(s).get("params");
      assertEquals(names(parameters), Fixture.fieldNames(grads), f.name() + ": step " + s + " gradient names");
      assertEquals(names(parameters), Fixture.fieldNames(expected), f.name() + ": step " + s + " parameter names");
      for (Parameter p : parameters) {
        Tensor grad = Fixture.tensor(grads.get(p.name()));
        assertEquals(p.shape(), grad.shape(), f.name() + ": step " + s + " shape of the gradient of " + p.name());
        System.arraycopy(grad.data(), 0, p.grad().data(), 0, grad.size());
      }
      optimizer.step(parameters);
      for (Parameter p : parameters) {
        p.zeroGrad();
        f.assertClose(p.name() + " after step " + (s + 1), Fixture.tensor(expected.get(p.name())), p.value(),
            Fixture.OPTIMIZER_TOLERANCE);
      }
    }
  }

  /**
   * The Striate optimizer for a fixture's {@code optimizer} and {@code config}. Every config key must be read
   * by a builder: a setting the builders do not know fails the test instead of being dropped, and so does a
   * missing one (builder defaults are Keras's, which need not be the fixture's).
   */
  static Optimizer optimizer(String caseName, String kind, Map<String, Object> config) {
    Settings s = new Settings(caseName, kind, config);
    Optimizer optimizer = switch (kind) {
      case "sgd" -> SGD.builder().learningRate(s.number("learning_rate")).momentum(s.number("momentum"))
          .nesterov(s.bool("nesterov")).weightDecay(s.number("weight_decay")).build();
      case "adam" -> {
        // torch's Adam would add weight_decay * p to the gradient (coupled L2); Striate's Adam has no decay.
        s.requireZero("weight_decay");
        yield Adam.builder().learningRate(s.number("learning_rate")).beta1(s.number("beta_1"))
            .beta2(s.number("beta_2")).epsilon(s.number("epsilon")).build();
      }
      case "adamw" -> AdamW.builder().learningRate(s.number("learning_rate")).beta1(s.number("beta_1"))
          .beta2(s.number("beta_2")).epsilon(s.number("epsilon")).weightDecay(s.number("weight_decay")).build();
      default -> fail(caseName + ": unknown optimizer '" + kind + "'");
    };
    s.requireAllRead();
    return optimizer;
  }

  /** The config's settings, removed as they are read so that leftovers can be reported. */
  private static final class Settings {
    private final String caseName;
    private final String kind;
    private final Map<String, Object> unread;

    Settings(String caseName, String kind, Map<String, Object> config) {
      this.caseName = caseName;
      this.kind = kind;
      this.unread = new LinkedHashMap<>(config);
    }

    double number(String key) {
      Object value = take(key);
      if (!(value instanceof Number number)) {
        return fail(caseName + ": " + kind + " config '" + key + "' must be a number, got " + value);
      }
      return number.doubleValue();
    }

    boolean bool(String key) {
      Object value = take(key);
      if (!(value instanceof Boolean flag)) {
        return fail(caseName + ": " + kind + " config '" + key + "' must be true or false, got " + value);
      }
      return flag;
    }

    void requireZero(String key) {
      double value = number(key);
      if (value != 0) {
        fail(caseName + ": " + kind + " has no '" + key + "' setting in Striate, the fixture asks for " + value);
      }
    }

    void requireAllRead() {
      if (!unread.isEmpty()) {
        fail(caseName + ": " + kind + " config has settings the Striate builder does not take: " + unread);
      }
    }

    private Object take(String key) {
      if (!unread.containsKey(key)) {
        fail(caseName + ": " + kind + " config has no '" + key + "'");
      }
      return unread.remove(key);
    }
  }

  private static TreeSet<String> names(List<Parameter> parameters) {
    TreeSet<String> names = new TreeSet<>();
    parameters.forEach(p -> names.add(p.name()));
    return names;
  }
}
