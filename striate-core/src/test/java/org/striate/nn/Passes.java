package org.striate.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.striate.kernel.Kernels;
import org.striate.tensor.Tensor;

/** Test helpers for comparing passes with and without a {@link Workspace}, and for counting kernel calls. */
public final class Passes {
  private Passes() {}

  /** What a training pass gives, as bit patterns; {@code inputGradient} is null when it was not asked for. */
  public record Pass(int[] output, int[] inputGradient, int[] parameterGradients) {
    /** Asserts that {@code actual} has the same output and parameter gradients, and input gradient if it has one. */
    public void assertSameAs(Pass expected, String what) {
      assertArrayEquals(expected.output, output, what + ": output");
      assertArrayEquals(expected.parameterGradients, parameterGradients, what + ": parameter gradients");
      if (inputGradient != null) {
        assertArrayEquals(expected.inputGradient, inputGradient, what + ": input gradient");
      }
    }
  }

  /**
   * One training pass of {@code model} on {@code x} (dropout seeded with {@code seed}), backward from
   * {@code gradOutput}; the parameter gradients are zeroed again afterwards.
   */
  public static Pass trainingPass(Model model, Tensor x, Tensor gradOutput, Kernels kernels, Workspace workspace,
      boolean inputGradient, long seed) {
    Context ctx = Context.training(kernels, seed, workspace);
    int[] output = bits(List.of(model.forward(x, ctx)));
    Tensor gradInput = model.backward(gradOutput, ctx, inputGradient);
    if (!inputGradient && gradInput != null) {
      throw new AssertionError("backward without the input gradient returned one");
    }
    List<Tensor> grads = new ArrayList<>();
    for (Parameter p : model.parameters()) {
      grads.add(p.grad());
    }
    Pass pass = new Pass(output, inputGradient ? bits(List.of(gradInput)) : null, bits(grads));
    model.parameters().forEach(Parameter::zeroGrad);
    return pass;
  }

  /** The output of an inference pass, as bit patterns. */
  public static int[] inferencePass(Model model, Tensor x, Kernels kernels, Workspace workspace) {
    return bits(List.of(model.forward(x, Context.inference(kernels, workspace))));
  }

  /** The raw bits of every element of {@code tensors}, one after the other. */
  public static int[] bits(List<Tensor> tensors) {
    int n = 0;
    for (Tensor t : tensors) {
      n += t.size();
    }
    int[] out = new int[n];
    int i = 0;
    for (Tensor t : tensors) {
      for (float v : t.data()) {
        out[i++] = Float.floatToRawIntBits(v);
      }
    }
    return out;
  }

  /** {@code kernels}, counting the calls of each method by name into {@code counts}. */
  public static Kernels counting(Kernels kernels, Map<String, Integer> counts) {
    return (Kernels) Proxy.newProxyInstance(Kernels.class.getClassLoader(), new Class<?>[] {Kernels.class},
        (proxy, method, args) -> {
          counts.merge(method.getName(), 1, Integer::sum);
          try {
            return method.invoke(kernels, args);
          } catch (InvocationTargetException e) {
            throw e.getCause();
          }
        });
  }
}
