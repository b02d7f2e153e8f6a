package org.striate.kernel;

/** Convolution for {@link ScalarKernels}. */
final class ScalarConvolution {
  private final ScalarKernels kernels;
  private final Parallel parallel;

  ScalarConvolution(ScalarKernels kernels, Parallel parallel) {
    this.kernels = kernels;
    this.parallel = parallel;
  }

  void forward(ConvSpec spec, int batch, float[] input, float[] weight, float[] bias, float[] output) {
    throw new UnsupportedOperationException("conv2dForward: not implemented yet");
  }

  void backwardInput(ConvSpec spec, int batch, float[] gradOutput, float[] weight, float[] gradInput) {
    throw new UnsupportedOperationException("conv2dBackwardInput: not implemented yet");
  }

  void backwardWeight(ConvSpec spec, int batch, float[] input, float[] gradOutput, float[] gradWeight, float[] gradBias) {
    throw new UnsupportedOperationException("conv2dBackwardWeight: not implemented yet");
  }
}
