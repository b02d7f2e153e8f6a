package org.striate.kernel.vector;

import static org.striate.kernel.vector.ConvMicroKernel.L;
import static org.striate.kernel.vector.ConvMicroKernel.SPECIES;
import static org.striate.kernel.vector.ConvPlan.ceilDiv;

import java.util.Arrays;
import java.util.function.IntFunction;
import jdk.incubator.vector.FloatVector;
import org.striate.kernel.ConvSpec;
import org.striate.kernel.Pointwise;

/**
 * Depthwise convolution ({@code groups = inChannels = outChannels}): each channel meets only its own filter, so
 * there is no product to tile; the kernels run over vectors of {@link ConvMicroKernel#L} channels, which NHWC
 * stores contiguously, and finish the last {@code channels % L} with scalar code. The weight {@code (kernelH,
 * kernelW, 1, C)} holds tap {@code t}'s filters for all channels at {@code t * C}.
 *
 * <p>Threads: forward splits output rows of all images, the input gradient splits images, the weight gradient
 * splits blocks of channels (every thread reads every image); every output element is computed by one thread
 * in an order fixed by the sizes, so results do not depend on the thread count.
 */
final class DepthwiseConvolution {
  private DepthwiseConvolution() {}

  /** Whether {@code spec} is depthwise with one filter per channel. */
  static boolean handles(ConvSpec spec) {
    return spec.groups() > 1 && spec.inChannelsPerGroup() == 1 && spec.outChannelsPerGroup() == 1;
  }

  static void forward(VectorConvolution.Split run, ConvPlan plan, int batch, float[] input, float[] weight,
      float[] bias, Pointwise f, float alpha, float[] output, IntFunction<float[]> buffers) {
    int c = plan.cout;
    int taps = plan.geo.kernelArea();
    int outW = plan.geo.outW();
    int rows = plan.geo.outH();
    run.spans(batch * rows, (from, to) -> {
      for (int u = from; u < to; ) {
        int n = u / rows;
        int r1 = Math.min(rows, u % rows + to - u);
        float[] src = plan.source(input, n, buffers.apply(plan.sourceImage));
        int base = plan.sourceBase(n);
        for (int q = u % rows * outW; q < r1 * outW; q++) {
          int w = base + plan.windows[q];
          int o = n * plan.outImage + q * c;
          int ch = 0;
          for (; ch + L <= c; ch += L) {
            FloatVector acc = bias == null ? FloatVector.zero(SPECIES) : FloatVector.fromArray(SPECIES, bias, ch);
            for (int t = 0; t < taps; t++) {
              acc = FloatVector.fromArray(SPECIES, src, w + plan.taps[t] + ch)
                  .fma(FloatVector.fromArray(SPECIES, weight, t * c + ch), acc);
            }
            acc.intoArray(output, o + ch);
            if (f != Pointwise.IDENTITY) {
              TileMerge.activate(output, o + ch, null, 0, f, alpha, output, o + ch);
            }
          }
          for (; ch < c; ch++) {
            float acc = bias == null ? 0f : bias[ch];
            for (int t = 0; t < taps; t++) {
              acc = Math.fma(src[w + plan.taps[t] + ch], weight[t * c + ch], acc);
            }
            output[o + ch] = TileMerge.activate(acc, f, alpha);
          }
        }
        u += r1 - u % rows;
      }
    });
  }

  static void backwardInput(VectorConvolution.Split run, ConvPlan plan, int batch, float[] gradOutput,
      float[] weight, float[] gradInput, IntFunction<float[]> buffers) {
    int c = plan.cout;
    int taps = plan.geo.kernelArea();
    run.spans(batch, (from, to) -> {
      for (int n = from; n < to; n++) {
        float[] target = plan.target(gradInput, n, buffers.apply(plan.sourceImage));
        int base = plan.sourceBase(n);
        for (int q = 0; q < plan.pixels; q++) {
          int w = base + plan.windows[q];
          int o = n * plan.outImage + q * c;
          int ch = 0;
          for (; ch + L <= c; ch += L) {
            FloatVector g = FloatVector.fromArray(SPECIES, gradOutput, o + ch);
            for (int t = 0; t < taps; t++) {
              int at = w + plan.taps[t] + ch;
              g.fma(FloatVector.fromArray(SPECIES, weight, t * c + ch), FloatVector.fromArray(SPECIES, target, at))
                  .intoArray(target, at);
            }
          }
          for (; ch < c; ch++) {
            for (int t = 0; t < taps; t++) {
              int at = w + plan.taps[t] + ch;
              target[at] = Math.fma(gradOutput[o + ch], weight[t * c + ch], target[at]);
            }
          }
        }
        plan.finish(target, gradInput, n);
      }
    });
  }

  static void backwardWeight(VectorConvolution.Split run, ConvPlan plan, int batch, float[] input,
      float[] gradOutput, Pointwise f, float alpha, float[] output, float[] gradWeight, float[] gradBias,
      IntFunction<float[]> buffers) {
    int c = plan.cout;
    int taps = plan.geo.kernelArea();
    // one call per thread, not per span: the body makes its sums for all channels
    run.chunks(ceilDiv(c, L), (chunk, from, to) -> {
      int c0 = from * L;
      int c1 = Math.min(c, to * L);
      int vectorEnd = c0 + (c1 - c0) / L * L;
      // Sums over all images, pixel by pixel: each image is read once (a tap-by-tap order re-read it from memory
      // once per tap and ran at 8 GFLOP/s). Row t of sums is tap t, row taps the bias.
      float[] sums = new float[(taps + 1) * c];
      float[] lanes = new float[L];
      for (int n = 0; n < batch; n++) {
        float[] src = plan.source(input, n, buffers.apply(plan.sourceImage));
        int base = plan.sourceBase(n);
        for (int q = 0; q < plan.pixels; q++) {
          int w = base + plan.windows[q];
          int o = n * plan.outImage + q * c;
          for (int ch = c0; ch < vectorEnd; ch += L) {
            VectorElementwise.derivative(f, alpha, output, output, gradOutput, o + ch, lanes, 0);
            FloatVector g = FloatVector.fromArray(SPECIES, lanes, 0);
            for (int t = 0; t < taps; t++) {
              int at = t * c + ch;
              FloatVector.fromArray(SPECIES, src, w + plan.taps[t] + ch)
                  .fma(g, FloatVector.fromArray(SPECIES, sums, at))
                  .intoArray(sums, at);
            }
            g.add(FloatVector.fromArray(SPECIES, sums, taps * c + ch)).intoArray(sums, taps * c + ch);
          }
          for (int ch = vectorEnd; ch < c1; ch++) {
            float g = TileMerge.gradient(gradOutput, f, alpha, output, o + ch);
            for (int t = 0; t < taps; t++) {
              sums[t * c + ch] = Math.fma(src[w + plan.taps[t] + ch], g, sums[t * c + ch]);
            }
            sums[taps * c + ch] += g;
          }
        }
      }
      for (int ch = c0; ch < c1; ch++) {
        for (int t = 0; t < taps; t++) {
          gradWeight[t * c + ch] = sums[t * c + ch] + gradWeight[t * c + ch];
        }
        if (gradBias != null) {
          gradBias[ch] = sums[taps * c + ch] + gradBias[ch];
        }
      }
    });
  }
}
