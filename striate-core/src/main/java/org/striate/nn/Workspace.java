package org.striate.nn;

import java.util.Arrays;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.Map;
import org.striate.tensor.Shape;
import org.striate.tensor.Tensor;

/**
 * The arrays that passes through a model reuse from one step to the next, so that steady-state training
 * allocates no large arrays: layers ask their {@link Context} for their outputs, gradients and masks by
 * {@code (owner, slot, shape)}, and the context takes them from its workspace.
 *
 * <p>A slot holds one array. Asked again for the same shape, it hands back the same array; asked for another
 * shape (the last, smaller batch of an epoch, or evaluation after training), it allocates a new one and forgets
 * the old. {@link #tensor} leaves the previous contents for the caller to overwrite entirely; {@link #zeros}
 * clears them first, for the kernels that accumulate.
 *
 * <p>Whatever a pass returns (a model's output, the gradient with respect to its input) lives in the
 * workspace and is overwritten by the next pass that uses it; copy what must outlive that, as
 * {@link Model#predict} does. A workspace is not thread-safe: each thread, and each trainer, has its own.
 */
public final class Workspace {
  private final boolean poisoned;
  private final Map<Object, Map<String, Object>> slots = new IdentityHashMap<>();
  private long allocations;
  private long allocatedBytes;

  public Workspace() {
    this(false);
  }

  private Workspace(boolean poisoned) {
    this.poisoned = poisoned;
  }

  /**
   * A workspace for tests and debugging that fills every array {@link #tensor} hands out with NaN (and every
   * {@link #ints} array with {@link Integer#MIN_VALUE}) instead of leaving the previous contents, so code that
   * reads an element before writing it, or accumulates into a buffer it did not ask to be zeroed, yields NaN
   * or fails.
   */
  public static Workspace poisoned() {
    return new Workspace(true);
  }

  /**
   * The tensor of {@code owner}'s {@code slot}, with shape {@code shape}: the same array as the previous call
   * when the shape is the same, else a new one. Its contents are undefined; the caller overwrites every element.
   */
  public Tensor tensor(Object owner, String slot, Shape shape) {
    Map<String, Object> owned = slots.computeIfAbsent(owner, o -> new HashMap<>());
    Tensor t = owned.get(slot) instanceof Tensor held && held.shape().equals(shape) ? held : null;
    if (t == null) {
      t = Tensor.zeros(shape);
      count(4L * t.size());
      owned.put(slot, t);
    }
    if (poisoned) {
      Arrays.fill(t.data(), Float.NaN);
    }
    return t;
  }

  /** {@link #tensor}, filled with zeros. */
  public Tensor zeros(Object owner, String slot, Shape shape) {
    Tensor t = tensor(owner, slot, shape);
    Arrays.fill(t.data(), 0f);
    return t;
  }

  /** An int array of {@code length} for {@code owner}'s {@code slot}, reused like {@link #tensor}. */
  public int[] ints(Object owner, String slot, int length) {
    Map<String, Object> owned = slots.computeIfAbsent(owner, o -> new HashMap<>());
    int[] a = owned.get(slot) instanceof int[] held && held.length == length ? held : null;
    if (a == null) {
      a = new int[length];
      count(4L * length);
      owned.put(slot, a);
    }
    if (poisoned) {
      Arrays.fill(a, Integer.MIN_VALUE);
    }
    return a;
  }

  private void count(long bytes) {
    allocations++;
    allocatedBytes += bytes;
  }

  /** How many arrays this workspace has allocated so far; it stops growing once the shapes stop changing. */
  public long allocations() {
    return allocations;
  }

  /** The bytes of all the arrays this workspace has allocated so far, including those it has since replaced. */
  public long allocatedBytes() {
    return allocatedBytes;
  }

  /** The bytes of the arrays it holds now. */
  public long retainedBytes() {
    long bytes = 0;
    for (Map<String, Object> owned : slots.values()) {
      for (Object array : owned.values()) {
        bytes += array instanceof Tensor t ? 4L * t.size() : 4L * ((int[]) array).length;
      }
    }
    return bytes;
  }
}
