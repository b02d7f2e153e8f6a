/**
 * Kernels on the JDK's incubating Vector API ({@code jdk.incubator.vector}), the only package of Striate that
 * imports it.
 *
 * <p>Nothing outside this package links to it: {@link org.striate.kernel.Kernels#create(int)} loads
 * {@link org.striate.kernel.vector.VectorKernels} by name only when the JVM was started with
 * {@code --add-modules jdk.incubator.vector}. Every kernel here is tested against
 * {@link org.striate.kernel.ScalarKernels} on awkward sizes, with the Vector API's bounds checks on.
 *
 * <p>Every kernel uses one vector species, the CPU's preferred one ({@link
 * org.striate.kernel.vector.ConvMicroKernel#SPECIES}; 512 bits on AVX-512): see {@link
 * org.striate.kernel.vector.MicroKernel} for why two sizes must not meet in one JVM.
 */
package org.striate.kernel.vector;
