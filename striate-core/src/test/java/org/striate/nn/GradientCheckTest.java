package org.striate.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.striate.tensor.Shape;
import org.striate.tensor.Tensor;

/** The checker must catch wrong backward passes, not only accept right ones. */
class GradientCheckTest {

  /** Ways the test layer's backward can go wrong. */
  private enum Fault {
    NONE, INPUT_TERM_DROPPED, INPUT_OFF_BY_ONE_PERCENT, LAST_INPUT_WRONG, WEIGHT_DOUBLED, STATE_GRADIENT
  }

  /**
   * {@code y = w[c] * x^2 + x} per channel {@code c} (the last axis), with a parameter {@code w (C)};
   * {@code dy/dx = 2 w x + 1}, {@code dy/dw = x^2}, and a non-trainable {@code count (1)} of forward passes in
   * training, which y does not depend on. Backward can be made wrong on purpose.
   */
  private static final class QuadraticLayer extends Layer {
    private final Fault fault;
    private Parameter weight; // (C)
    private Parameter count; // (1), non-trainable

    QuadraticLayer(Fault fault) {
      super(null);
      this.fault = fault;
    }

    @Override
    public String type() {
      return "Quadratic";
    }

    @Override
    protected Shape computeOutputShape(Shape input) {
      return input;
    }

    @Override
    protected void createParameters(Shape input, SplittableRandom random) {
      weight = addParameter("weight", Shape.of(input.dim(-1)), Initializer.GLOROT_UNIFORM, random);
      count = addState("count", Shape.of(1), Initializer.ZEROS, random);
    }

    @Override
    public Tensor forward(Tensor input, Context ctx) {
      checkInput(input);
      float[] x = input.data();
      float[] w = weight.value().data();
      Tensor out = Tensor.zeros(input.shape());
      for (int i = 0; i < x.length; i++) {
        out.data()[i] = w[i % w.length] * x[i] * x[i] + x[i];
      }
      if (ctx.training()) {
        count.value().data()[0]++;
      }
      ctx.save(this, input);
      return out;
    }

    @Override
    public Tensor backward(Tensor gradOutput, Context ctx) {
      Tensor input = ctx.saved(this);
      float[] x = input.data();
      float[] g = gradOutput.data();
      float[] w = weight.value().data();
      float[] gw = weight.grad().data();
      Tensor gradInput = Tensor.zeros(input.shape());
      float[] gx = gradInput.data();
      for (int i = 0; i < x.length; i++) {
        int c = i % w.length;
        float identityTerm = fault == Fault.INPUT_TERM_DROPPED ? 0f : 1f;
        gx[i] = g[i] * (2 * w[c] * x[i] + identityTerm);
        gw[c] += (fault == Fault.WEIGHT_DOUBLED ? 2 : 1) * g[i] * x[i] * x[i];
      }
      if (fault == Fault.INPUT_OFF_BY_ONE_PERCENT) {
        for (int i = 0; i < gx.length; i++) {
          gx[i] *= 1.01f;
        }
      }
      if (fault == Fault.LAST_INPUT_WRONG) {
        gx[gx.length - 1] += 0.5f;
      }
      if (fault == Fault.STATE_GRADIENT) {
        count.grad().data()[0] += 1;
      }
      return gradInput;
    }

    @Override
    protected void addConfig(Map<String, Object> config) {}
  }

  private static final Tensor INPUT = GradientCheck.random(Shape.of(2, 3), 11);

  @Test
  void acceptsACorrectBackward() {
    GradientCheck.check(new QuadraticLayer(Fault.NONE), INPUT);
  }

  @Test
  void catchesADroppedTerm() {
    assertFails(Fault.INPUT_TERM_DROPPED, "Quadratic(quadratic): gradient of input[0] is ");
  }

  @Test
  void catchesAOnePercentError() {
    assertFails(Fault.INPUT_OFF_BY_ONE_PERCENT, "Quadratic(quadratic): gradient of input[");
  }

  @Test
  void checksEveryElementUpToTheLast() {
    assertFails(Fault.LAST_INPUT_WRONG, "Quadratic(quadratic): gradient of input[5] is ");
  }

  @Test
  void checksParameterGradients() {
    assertFails(Fault.WEIGHT_DOUBLED, "Quadratic(quadratic): gradient of weight[0] is ");
  }

  @Test
  void leavesNonTrainableStateAloneButRejectsAGradientForIt() {
    QuadraticLayer layer = new QuadraticLayer(Fault.NONE);
    GradientCheck.check(layer, INPUT);
    assertTrue(layer.count.value().data()[0] > 10, "forward ran in training mode");
    assertFails(Fault.STATE_GRADIENT,
        "Quadratic(quadratic): backward gave non-trainable parameter count a gradient 1.0");
  }

  @Test
  void checksInInferenceModeToo() {
    QuadraticLayer layer = new QuadraticLayer(Fault.NONE);
    GradientCheck.checkInference(layer, INPUT);
    assertEquals(0f, layer.count.value().data()[0], "no forward pass ran in training mode");
    AssertionError e = assertThrows(AssertionError.class,
        () -> GradientCheck.checkInference(new QuadraticLayer(Fault.WEIGHT_DOUBLED), INPUT));
    assertTrue(e.getMessage().startsWith("Quadratic(quadratic): gradient of weight[0] is "), e.getMessage());
  }

  @Test
  void catchesAWrongModelGradient() {
    Sequential model = new Sequential(Shape.of(3), new Dense(3), new QuadraticLayer(Fault.WEIGHT_DOUBLED));
    AssertionError e = assertThrows(AssertionError.class, () -> GradientCheck.check(model, INPUT));
    assertTrue(e.getMessage().startsWith("Quadratic(quadratic): gradient of weight[0] is "), e.getMessage());
  }

  @Test
  void aSampledCheckAcceptsACorrectModelAndStillChecksTheLastElement() {
    Tensor input = GradientCheck.random(Shape.of(2, 8), 11);
    Sequential right = new Sequential(Shape.of(8), new Dense(6, Activation.TANH), new QuadraticLayer(Fault.NONE));
    GradientCheck.checkSampled(right, input, 3);
    // Wrong in the model input's last element only: a sample of 3 out of 16 finds it because the last is always in.
    Sequential wrong =
        new Sequential(Shape.of(8), new QuadraticLayer(Fault.LAST_INPUT_WRONG), new Dense(6, Activation.TANH));
    AssertionError e = assertThrows(AssertionError.class, () -> GradientCheck.checkSampled(wrong, input, 3));
    assertTrue(e.getMessage().startsWith("model: gradient of input[15] is "), e.getMessage());
  }

  @Test
  void aSampledCheckComparesAStepAcrossAKinkWithTheMeanSlope() {
    // ReLU's input 1e-4 lies within a step of 0: a third of the step has slope 0, so the central difference is
    // two thirds of backward's gradient, and only the mean of backward over the step matches it.
    Sequential model = new Sequential(Shape.of(3), new ReLU());
    Tensor input = Tensor.of(Shape.of(1, 3), 1e-4f, 0.5f, -0.5f);
    AssertionError e = assertThrows(AssertionError.class, () -> GradientCheck.check(model, input));
    assertTrue(e.getMessage().startsWith("model: gradient of input[0] is "), e.getMessage());
    GradientCheck.checkSampled(model, input, 2);
  }

  @Test
  void aSampledCheckCatchesAWrongParameterGradient() {
    Sequential model = new Sequential(Shape.of(3), new Dense(3), new QuadraticLayer(Fault.WEIGHT_DOUBLED));
    AssertionError e = assertThrows(AssertionError.class, () -> GradientCheck.checkSampled(model, INPUT, 2));
    assertTrue(e.getMessage().startsWith("Quadratic(quadratic): gradient of weight[0] is "), e.getMessage());
    assertEquals("checkSampled: samplesPerTensor must be at least 2 (the first and last elements), got 1",
        assertThrows(IllegalArgumentException.class, () -> GradientCheck.checkSampled(model, INPUT, 1)).getMessage());
  }

  private static void assertFails(Fault fault, String messageStart) {
    AssertionError e = assertThrows(AssertionError.class, () -> GradientCheck.check(new QuadraticLayer(fault), INPUT));
    assertTrue(e.getMessage().startsWith(messageStart), e.getMessage());
  }
}
