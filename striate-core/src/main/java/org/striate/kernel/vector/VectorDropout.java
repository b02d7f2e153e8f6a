package org.striate.kernel.vector;

import static org.striate.kernel.DropoutMask.GAMMA;
import static org.striate.kernel.vector.ConvMicroKernel.L;
import static org.striate.kernel.vector.ConvMicroKernel.SPECIES;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.LongVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;
import org.striate.kernel.DropoutMask;
import org.striate.kernel.Parallel;

/**
 * Dropout's forward pass with {@link DropoutMask}'s rule, {@code L} elements at a time, bit-identical to the
 * scalar rule: about 0.2 ns an element against 1.1 to 1.5 for the scalar loop (measured on AVX-512, 204,800
 * elements). A block's even elements are hashed in one long vector and its odd elements in another; each lane
 * turns its keep bit into the float bits of its mask value ({@code scale} or {@code +0}), the odd lanes' shifted
 * to the upper half, so the two OR-ed together and read as floats are the block's mask in order. This equals the
 * scalar {@code scale * (float) kept} bit for bit without converting between lane sizes: a version that
 * converted long lanes to floats ({@code L2F}) ran six times slower in about half the JVM runs, when C2 failed
 * to intrinsify the conversion.
 *
 * <p>The mask of element {@code i} depends only on the seed and {@code i}, so any split gives the same bits; runs
 * smaller than {@link #MIN_PARALLEL_ELEMENTS} stay on the caller. The backward pass, a product with the mask, is
 * split the same way, so each thread reads the part of the mask it wrote (mnist-convnet, two threads: 0.039-0.041
 * ms a step against 0.066-0.081 for the layer's own loop on the caller, 4 JVMs; one thread unchanged).
 */
final class VectorDropout {
  /**
   * Below this many elements the loop stays on the caller. With {@link Parallel}'s spinning workers handing half
   * to another thread costs a few microseconds (medians on 2 cores, one thread against two: 65,536 elements 14.3
   * us against 8.6; 204,800, mnist-convnet's dropout, 44 against 25).
   */
  static final int MIN_PARALLEL_ELEMENTS = 1 << 16;
  /** Longs of the float vectors' shape: half as many lanes, so two of them give one float vector. */
  private static final VectorSpecies<Long> LONGS = LongVector.SPECIES_PREFERRED;
  /** {@code 0, 2, 4, ...} times the SplitMix64 increment: the states of a block's even elements. */
  private static final LongVector EVEN_STEPS = LongVector.zero(LONGS).addIndex(1).mul(2 * GAMMA);

  private final Parallel parallel;
  private final int minParallelElements;

  VectorDropout(Parallel parallel, int minParallelElements) {
    this.parallel = parallel;
    this.minParallelElements = minParallelElements;
  }

  /** See {@link org.striate.kernel.Kernels#dropoutForward}. */
  void forward(long seed, double rate, float[] x, float[] mask, float[] y, int n) {
    long threshold = DropoutMask.threshold(rate);
    float scale = DropoutMask.scale(rate);
    Parallel.SpanBody body = (from, to) -> forward(seed, threshold, scale, x, mask, y, from, to);
    if (n < minParallelElements) {
      body.run(0, n);
    } else {
      parallel.forSpans(n, body);
    }
  }

  /** See {@link org.striate.kernel.Kernels#dropoutBackward}: split as {@link #forward}. */
  void backward(float[] mask, float[] gradY, float[] gradX, int n) {
    // The plain loop, which C2 vectorizes and unrolls itself: a loop of one Vector API product a step took 0.067 ms
    // against 0.049-0.058 for mnist-convnet's 204,800 elements on one thread.
    Parallel.SpanBody body = (from, to) -> DropoutMask.backward(mask, gradY, gradX, from, to);
    if (n < minParallelElements) {
      body.run(0, n);
    } else {
      parallel.forSpans(n, body);
    }
  }

  private static void forward(long seed, long threshold, float scale, float[] x, float[] mask, float[] y, int from,
      int to) {
    long scaleBits = Float.floatToRawIntBits(scale) & 0xFFFFFFFFL;
    int i = from;
    // The hash states come from i in every round rather than being carried from round to round: with carried
    // states, one JVM run in four took 2.5 ms instead of 0.08 for mnist-convnet's step (C2 can box vectors that
    // live across loop iterations); computed from i, six runs in six took 0.08 to 0.09 ms.
    for (int end = from + (to - from) / L * L; i < end; i += L) {
      LongVector even = LongVector.broadcast(LONGS, seed + (i + 1L) * GAMMA).add(EVEN_STEPS);
      FloatVector m = maskBits(even, threshold, scaleBits).or(maskBits(even.add(GAMMA), threshold, scaleBits << 32))
          .reinterpretAsFloats();
      m.intoArray(mask, i);
      FloatVector.fromArray(SPECIES, x, i).mul(m).intoArray(y, i);
    }
    DropoutMask.apply(seed, threshold, scale, x, mask, y, i, to);
  }

  /**
   * {@code bits} in the lanes whose element is kept ({@code (mix(z) >>> 32) >= threshold}), 0 in the others: the
   * sign of {@code (mix(z) >>> 32) - threshold}, inverted and spread over the lane, masks {@code bits}.
   */
  private static LongVector maskBits(LongVector z, long threshold, long bits) {
    z = z.lanewise(VectorOperators.LSHR, 30).lanewise(VectorOperators.XOR, z).mul(0xBF58476D1CE4E5B9L);
    z = z.lanewise(VectorOperators.LSHR, 27).lanewise(VectorOperators.XOR, z).mul(0x94D049BB133111EBL);
    LongVector h = z.lanewise(VectorOperators.LSHR, 31).lanewise(VectorOperators.XOR, z);
    return h.lanewise(VectorOperators.LSHR, 32).sub(threshold).not().lanewise(VectorOperators.ASHR, 63).and(bits);
  }
}
