package org.striate.kernel;

import java.util.Arrays;
import org.striate.tensor.ConvGeometry;

/**
 * Pooling for {@link ScalarKernels}, on NHWC data: each window position is visited once and its channels are
 * handled by a contiguous inner loop.
 *
 * <p>Forward passes split the output rows {@code (n, oh)} across threads; backward passes split the images,
 * because overlapping windows of one image add into the same input elements. Every element is written by one
 * thread, in a fixed order, so results do not depend on the thread count.
 *
 * <p>Windows that hold no input pixel at all (possible only with large explicit padding and dilation) give
 * max pooling {@code -inf} with argmax {@code -1}, which backward skips, and average pooling without
 * {@code countIncludePad} the value 0.
 */
final class ScalarPooling {
  private final Parallel parallel;

  ScalarPooling(Parallel parallel) {
    this.parallel = parallel;
  }

  void maxForward(ConvGeometry g, int batch, int channels, float[] input, float[] output, int[] argmax) {
    parallel.forRange(batch * g.outH(), (chunk, from, to) -> {
      int[] taps = new int[g.kernelArea()];
      for (int row = from; row < to; row++) {
        for (int ow = 0; ow < g.outW(); ow++) {
          int o = (row * g.outW() + ow) * channels;
          int count = PoolingWindows.taps(g, row / g.outH(), row % g.outH(), ow, channels, taps);
          Arrays.fill(output, o, o + channels, Float.NEGATIVE_INFINITY);
          if (argmax != null) {
            Arrays.fill(argmax, o, o + channels, -1);
          }
          for (int t = 0; t < count; t++) {
            int i = taps[t];
            for (int c = 0; c < channels; c++) {
              float v = input[i + c];
              // The first real pixel always wins, later ones only if strictly larger (ties keep the first);
              // NaN wins and propagates, as in PyTorch.
              if (t == 0 || v > output[o + c] || Float.isNaN(v)) {
                output[o + c] = v;
                if (argmax != null) {
                  argmax[o + c] = i + c;
                }
              }
            }
          }
        }
      }
    });
  }

  void maxBackward(ConvGeometry g, int batch, int channels, float[] gradOutput, int[] argmax, float[] rectified,
      float[] gradInput) {
    int inImage = g.inH() * g.inW() * channels;
    int outImage = g.outH() * g.outW() * channels;
    parallel.forRange(batch, (chunk, from, to) ->
        PoolingWindows.routeToWinners(gradOutput, argmax, rectified, from * outImage, to * outImage, gradInput,
            from * inImage, to * inImage));
  }

  void avgForward(ConvGeometry g, int batch, int channels, boolean countIncludePad, float[] input, float[] output) {
    parallel.forRange(batch * g.outH(), (chunk, from, to) -> {
      int[] taps = new int[g.kernelArea()];
      for (int row = from; row < to; row++) {
        int oh = row % g.outH();
        for (int ow = 0; ow < g.outW(); ow++) {
          int o = (row * g.outW() + ow) * channels;
          int count = PoolingWindows.taps(g, row / g.outH(), oh, ow, channels, taps);
          Arrays.fill(output, o, o + channels, 0f);
          for (int t = 0; t < count; t++) {
            int i = taps[t];
            for (int c = 0; c < channels; c++) {
              output[o + c] += input[i + c];
            }
          }
          int divisor = PoolingWindows.divisor(g, oh, ow, countIncludePad);
          if (divisor > 0) {
            for (int c = 0; c < channels; c++) {
              output[o + c] /= divisor;
            }
          }
        }
      }
    });
  }

  void avgBackward(
      ConvGeometry g, int batch, int channels, boolean countIncludePad, float[] gradOutput, float[] gradInput) {
    int inImage = g.inH() * g.inW() * channels;
    parallel.forRange(batch, (chunk, from, to) -> {
      int[] taps = new int[g.kernelArea()];
      float[] share = new float[channels];
      Arrays.fill(gradInput, from * inImage, to * inImage, 0f);
      for (int n = from; n < to; n++) {
        for (int oh = 0; oh < g.outH(); oh++) {
          for (int ow = 0; ow < g.outW(); ow++) {
            int divisor = PoolingWindows.divisor(g, oh, ow, countIncludePad);
            if (divisor == 0) {
              continue;
            }
            int o = ((n * g.outH() + oh) * g.outW() + ow) * channels;
            for (int c = 0; c < channels; c++) {
              share[c] = gradOutput[o + c] / divisor;
            }
            int count = PoolingWindows.taps(g, n, oh, ow, channels, taps);
            for (int t = 0; t < count; t++) {
              int i = taps[t];
              for (int c = 0; c < channels; c++) {
                gradInput[i + c] += share[c];
              }
            }
          }
        }
      }
    });
  }
}
