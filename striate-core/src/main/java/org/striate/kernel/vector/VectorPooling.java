package org.striate.kernel.vector;

import static org.striate.kernel.vector.ConvMicroKernel.L;
import static org.striate.kernel.vector.ConvMicroKernel.SPECIES;

import java.util.Arrays;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;
import org.striate.kernel.Parallel;
import org.striate.kernel.PoolingWindows;
import org.striate.tensor.ConvGeometry;

/**
 * Max and average pooling on vectors of {@link ConvMicroKernel#L} channels (contiguous in NHWC), with the
 * arithmetic of the scalar kernels lane by lane, so results are bit-identical to them; the last {@code channels
 * % L} channels run the scalar loops. Max pooling's backward pass is a scatter, which vectors do not speed up;
 * it is here only to stay on the caller's thread when small.
 *
 * <p>Forward passes split the output rows {@code (n, oh)}; average pooling's backward pass splits images, since
 * overlapping windows add into the same input elements. Passes smaller than {@link #MIN_PARALLEL_FLOATS} run on
 * the caller.
 */
final class VectorPooling {
  /** Below this many output (or input, for backward) floats, handing work to a thread costs more than it saves. */
  static final int MIN_PARALLEL_FLOATS = 1 << 15;
  private static final VectorSpecies<Integer> INDEX = SPECIES.withLanes(int.class);
  private static final IntVector LANES = IntVector.zero(INDEX).addIndex(1);

  private final Parallel parallel;
  private final int minParallelFloats;

  VectorPooling(Parallel parallel, int minParallelFloats) {
    this.parallel = parallel;
    this.minParallelFloats = minParallelFloats;
  }

  void maxForward(ConvGeometry g, int batch, int channels, float[] input, float[] output, int[] argmax) {
    run(batch * g.outH(), output.length, (chunk, from, to) -> {
      int[] taps = new int[g.kernelArea()];
      float[] lastMax = new float[L];
      int[] lastArgmax = new int[L];
      for (int row = from; row < to; row++) {
        for (int ow = 0; ow < g.outW(); ow++) {
          int o = (row * g.outW() + ow) * channels;
          int count = PoolingWindows.taps(g, row / g.outH(), row % g.outH(), ow, channels, taps);
          if (count == 0) {
            Arrays.fill(output, o, o + channels, Float.NEGATIVE_INFINITY);
            Arrays.fill(argmax, o, o + channels, -1);
            continue;
          }
          int c = 0;
          for (; c + L <= channels; c += L) {
            maxVector(input, taps, count, c, output, argmax, o + c);
          }
          if (c < channels && taps[count - 1] + c + L <= input.length) {
            // The last channels as a whole vector whose extra lanes read the next pixel's; only the real lanes
            // are kept. (Scalar code branches on every comparison: 6-channel pooling ran 4 to 5 times slower.)
            maxVector(input, taps, count, c, lastMax, lastArgmax, 0);
            System.arraycopy(lastMax, 0, output, o + c, channels - c);
            System.arraycopy(lastArgmax, 0, argmax, o + c, channels - c);
            c = channels;
          }
          for (; c < channels; c++) {
            float best = input[taps[0] + c];
            int winner = taps[0] + c;
            for (int t = 1; t < count; t++) {
              float v = input[taps[t] + c];
              // Later pixels win only if strictly larger (ties keep the first); NaN wins, as in the scalar kernels.
              if (v > best || Float.isNaN(v)) {
                best = v;
                winner = taps[t] + c;
              }
            }
            output[o + c] = best;
            argmax[o + c] = winner;
          }
        }
      }
    });
  }

  /** Channels {@code [c, c + L)} of one window: the maximum over its {@code count} taps and where it was. */
  private static void maxVector(float[] input, int[] taps, int count, int c, float[] output, int[] argmax, int o) {
    FloatVector best = FloatVector.fromArray(SPECIES, input, taps[0] + c);
    IntVector winner = LANES.add(taps[0] + c);
    for (int t = 1; t < count; t++) {
      FloatVector v = FloatVector.fromArray(SPECIES, input, taps[t] + c);
      VectorMask<Float> wins = v.compare(VectorOperators.GT, best).or(v.test(VectorOperators.IS_NAN));
      best = best.blend(v, wins);
      winner = winner.blend(LANES.add(taps[t] + c), wins.cast(INDEX));
    }
    best.intoArray(output, o);
    winner.intoArray(argmax, o);
  }

  /** Max pooling's gradient: see {@link PoolingWindows#routeToWinners}; splits images across threads. */
  void maxBackward(ConvGeometry g, int batch, int channels, float[] gradOutput, int[] argmax, float[] gradInput) {
    int inImage = g.inH() * g.inW() * channels;
    int outImage = g.outH() * g.outW() * channels;
    run(batch, gradInput.length, (chunk, from, to) ->
        PoolingWindows.routeToWinners(gradOutput, argmax, from * outImage, to * outImage, gradInput,
            from * inImage, to * inImage));
  }

  void avgForward(ConvGeometry g, int batch, int channels, boolean countIncludePad, float[] input, float[] output) {
    run(batch * g.outH(), output.length, (chunk, from, to) -> {
      int[] taps = new int[g.kernelArea()];
      float[] lastAverage = new float[L];
      for (int row = from; row < to; row++) {
        int oh = row % g.outH();
        for (int ow = 0; ow < g.outW(); ow++) {
          int o = (row * g.outW() + ow) * channels;
          int count = PoolingWindows.taps(g, row / g.outH(), oh, ow, channels, taps);
          int divisor = PoolingWindows.divisor(g, oh, ow, countIncludePad);
          int c = 0;
          for (; c + L <= channels; c += L) {
            averageVector(input, taps, count, c, divisor, output, o + c);
          }
          if (c < channels && count > 0 && taps[count - 1] + c + L <= input.length) {
            averageVector(input, taps, count, c, divisor, lastAverage, 0); // as in max pooling
            System.arraycopy(lastAverage, 0, output, o + c, channels - c);
            c = channels;
          }
          for (; c < channels; c++) {
            float sum = 0f;
            for (int t = 0; t < count; t++) {
              sum += input[taps[t] + c];
            }
            output[o + c] = divisor > 0 ? sum / divisor : sum;
          }
        }
      }
    });
  }

  /** Channels {@code [c, c + L)} of one window: the sum over its {@code count} taps, divided by a positive divisor. */
  private static void averageVector(float[] input, int[] taps, int count, int c, int divisor, float[] output, int o) {
    FloatVector sum = FloatVector.zero(SPECIES);
    for (int t = 0; t < count; t++) {
      sum = sum.add(FloatVector.fromArray(SPECIES, input, taps[t] + c));
    }
    (divisor > 0 ? sum.div(divisor) : sum).intoArray(output, o);
  }

  void avgBackward(
      ConvGeometry g, int batch, int channels, boolean countIncludePad, float[] gradOutput, float[] gradInput) {
    int inImage = g.inH() * g.inW() * channels;
    run(batch, gradInput.length, (chunk, from, to) -> {
      int[] taps = new int[g.kernelArea()];
      Arrays.fill(gradInput, from * inImage, to * inImage, 0f);
      for (int n = from; n < to; n++) {
        for (int oh = 0; oh < g.outH(); oh++) {
          for (int ow = 0; ow < g.outW(); ow++) {
            int divisor = PoolingWindows.divisor(g, oh, ow, countIncludePad);
            if (divisor == 0) {
              continue;
            }
            int o = ((n * g.outH() + oh) * g.outW() + ow) * channels;
            int count = PoolingWindows.taps(g, n, oh, ow, channels, taps);
            int c = 0;
            for (; c + L <= channels; c += L) {
              FloatVector share = FloatVector.fromArray(SPECIES, gradOutput, o + c).div(divisor);
              for (int t = 0; t < count; t++) {
                int at = taps[t] + c;
                FloatVector.fromArray(SPECIES, gradInput, at).add(share).intoArray(gradInput, at);
              }
            }
            for (; c < channels; c++) {
              float share = gradOutput[o + c] / divisor;
              for (int t = 0; t < count; t++) {
                gradInput[taps[t] + c] += share;
              }
            }
          }
        }
      }
    });
  }

  private void run(int units, int floats, Parallel.RangeBody body) {
    if (floats < minParallelFloats) {
      body.run(0, 0, units);
    } else {
      parallel.forRange(units, body);
    }
  }
}
