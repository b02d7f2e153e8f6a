package org.striate.nn;

import org.striate.tensor.ConvGeometry;

/**
 * Max pooling's output gradient with what its backward pass would route it by, passed to the convolution before
 * it instead of the gradient with respect to that convolution's output (see {@link Conv2D#takesPooledGradient}).
 *
 * @param pool the pooling's geometry
 * @param gradient the gradient with respect to the pooling's output
 * @param argmax the winners its forward pass recorded
 * @param rectified its output, whose positive elements let the ReLU's gradient through
 */
record MaxPoolGradient(ConvGeometry pool, float[] gradient, int[] argmax, float[] rectified) {}
