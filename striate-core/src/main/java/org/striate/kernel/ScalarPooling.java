package org.striate.kernel;

import org.striate.tensor.ConvGeometry;

/** Pooling for {@link ScalarKernels}. */
final class ScalarPooling {
  private final Parallel parallel;

  ScalarPooling(Parallel parallel) {
    this.parallel = parallel;
  }

  void maxForward(ConvGeometry g, int batch, int channels, float[] input, float[] output, int[] argmax) {
    throw new UnsupportedOperationException("maxPool2dForward: not implemented yet");
  }

  void maxBackward(ConvGeometry g, int batch, int channels, float[] gradOutput, int[] argmax, float[] gradInput) {
    throw new UnsupportedOperationException("maxPool2dBackward: not implemented yet");
  }

  void avgForward(ConvGeometry g, int batch, int channels, boolean countIncludePad, float[] input, float[] output) {
    throw new UnsupportedOperationException("avgPool2dForward: not implemented yet");
  }

  void avgBackward(ConvGeometry g, int batch, int channels, boolean countIncludePad, float[] gradOutput, float[] gradInput) {
    throw new UnsupportedOperationException("avgPool2dBackward: not implemented yet");
  }
}
