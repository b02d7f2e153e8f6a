package org.striate.kernel;

import java.lang.reflect.InvocationTargetException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

/**
 * Chooses the {@link Kernels} implementation at run time; see {@link Kernels#create(int)}. The vector
 * kernels are loaded by name so that nothing else in Striate links to {@code jdk.incubator.vector}.
 */
final class KernelsProvider {
  static final String PROPERTY = "striate.kernels";
  static final String VECTOR_MODULE = "jdk.incubator.vector";
  static final String VECTOR_KERNELS = "org.striate.kernel.vector.VectorKernels";
  static final String ADD_MODULES = "--add-modules " + VECTOR_MODULE;
  static final String MISSING_MODULE_WARNING =
      "Striate is using its slower scalar kernels because the " + VECTOR_MODULE + " module is not present:"
          + " add " + ADD_MODULES + " to the java command to use the vector kernels"
          + " (or -D" + PROPERTY + "=scalar to choose the scalar ones without this warning)";

  private static final AtomicBoolean WARNED = new AtomicBoolean();

  private KernelsProvider() {}

  static Kernels create(int threads) {
    boolean vectorModule = ModuleLayer.boot().findModule(VECTOR_MODULE).isPresent();
    return create(threads, System.getProperty(PROPERTY), vectorModule, KernelsProvider::warnOnce);
  }

  /**
   * The choice itself, with its inputs explicit for tests: {@code choice} is the value of
   * {@value #PROPERTY} (null when unset), {@code warning} receives the messages of a silent fallback.
   */
  static Kernels create(int threads, String choice, boolean vectorModule, Consumer<String> warning) {
    if (choice == null || choice.isEmpty()) {
      if (!vectorModule) {
        Kernels scalar = new ScalarKernels(threads);
        warning.accept(MISSING_MODULE_WARNING);
        return scalar;
      }
      try {
        return loadVectorKernels(threads);
      } catch (IllegalStateException e) {
        Kernels scalar = new ScalarKernels(threads);
        warning.accept("Striate is using its slower scalar kernels: " + e.getMessage());
        return scalar;
      }
    }
    switch (choice) {
      case "scalar":
        return new ScalarKernels(threads);
      case "vector":
        if (!vectorModule) {
          throw new IllegalStateException(PROPERTY + "=vector, but the " + VECTOR_MODULE
              + " module is not present: add " + ADD_MODULES + " to the java command");
        }
        return loadVectorKernels(threads);
      default:
        throw new IllegalArgumentException(PROPERTY + " must be scalar or vector, got " + choice);
    }
  }

  /**
   * @throws IllegalArgumentException if {@code threads < 1}
   * @throws IllegalStateException if the vector kernels cannot run on this JVM or CPU
   */
  private static Kernels loadVectorKernels(int threads) {
    try {
      return Class.forName(VECTOR_KERNELS).asSubclass(Kernels.class).getConstructor(int.class).newInstance(threads);
    } catch (InvocationTargetException e) {
      if (e.getCause() instanceof IllegalArgumentException iae) {
        throw iae;
      }
      Throwable cause = e.getCause();
      String why = cause.getMessage() != null ? cause.getMessage() : cause.toString();
      throw new IllegalStateException("the vector kernels cannot run here: " + why, cause);
    } catch (ReflectiveOperationException | LinkageError e) {
      throw new IllegalStateException("the vector kernels cannot be loaded: " + e, e);
    }
  }

  private static void warnOnce(String message) {
    if (WARNED.compareAndSet(false, true)) {
      System.getLogger(Kernels.class.getName()).log(System.Logger.Level.WARNING, message);
    }
  }
}
