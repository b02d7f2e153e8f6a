package org.striate.nn;

import org.striate.kernel.ConvSpec;
import org.striate.kernel.Kernels;
import org.striate.tensor.ConvGeometry;
import org.striate.tensor.Shape;
import org.striate.tensor.Tensor;

/**
 * One convolution through the {@link Kernels}, forward and backward side by side, for the layers that chain
 * convolutions ({@link DepthwiseConv2D}, {@link SeparableConv2D}): each stage is one call here, and the chain's
 * backward is these backward calls in reverse order.
 */
final class Convolution {
  private Convolution() {}

  /**
   * {@code conv(input, kernel) + bias}, a tensor {@code (N, outH, outW, outChannels)} in {@code owner}'s
   * {@code slot} of the context.
   *
   * @param input {@code (N, inH, inW, inChannels)}
   * @param kernel {@code (kernelH, kernelW, inChannels / groups, outChannels)}, or any shape with that layout
   * @param bias {@code (outChannels)}, or null for none
   */
  static Tensor forward(
      Context ctx, Layer owner, String slot, ConvSpec spec, Tensor input, Parameter kernel, Parameter bias) {
    int batch = input.shape().dim(0);
    ConvGeometry g = spec.geometry();
    Tensor output = ctx.buffer(owner, slot, Shape.of(batch, g.outH(), g.outW(), spec.outChannels()));
    ctx.kernels().conv2dForward(spec, batch, input.data(), kernel.value().data(),
        bias == null ? null : bias.value().data(), output.data());
    return output;
  }

  /**
   * Adds the gradients of {@code kernel} and {@code bias} (if not null) into their {@link Parameter#grad()} and
   * returns the gradient with respect to {@code input}, the tensor the matching {@link #forward} received, in
   * {@code owner}'s {@code slot}; or null, skipping that work, when {@code slot} is null.
   */
  static Tensor backward(Context ctx, Layer owner, String slot, ConvSpec spec, Tensor input, Tensor gradOutput,
      Parameter kernel, Parameter bias) {
    Kernels k = ctx.kernels();
    int batch = input.shape().dim(0);
    k.conv2dBackwardWeight(spec, batch, input.data(), gradOutput.data(), kernel.grad().data(),
        bias == null ? null : bias.grad().data());
    if (slot == null) {
      return null;
    }
    Tensor gradInput = ctx.buffer(owner, slot, input.shape());
    k.conv2dBackwardInput(spec, batch, gradOutput.data(), kernel.value().data(), gradInput.data());
    return gradInput;
  }
}
