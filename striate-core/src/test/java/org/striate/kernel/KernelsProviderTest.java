package org.striate.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The run-time choice between vector and scalar kernels. Surefire starts the test JVM with
 * {@code --add-modules jdk.incubator.vector}; the JVM without the module is a child process.
 */
class KernelsProviderTest {
  private static final String WARNING = "Striate is using its slower scalar kernels because the"
      + " jdk.incubator.vector module is not present: add --add-modules jdk.incubator.vector to the java"
      + " command to use the vector kernels (or -Dstriate.kernels=scalar to choose the scalar ones without"
      + " this warning)";

  @Test
  void thisJvmHasTheVectorModuleSoTheVectorKernelsAreChosen() {
    try (Kernels k = Kernels.create(2)) {
      assertEquals("vector", k.name());
      assertEquals(2, k.threads());
    }
  }

  @Test
  void thePropertyScalarForcesTheScalarKernels() {
    System.setProperty("striate.kernels", "scalar");
    try (Kernels k = Kernels.create(1)) {
      assertInstanceOf(ScalarKernels.class, k);
    } finally {
      System.clearProperty("striate.kernels");
    }
  }

  @Test
  void eachChoiceGivesItsKernelsAndOnlyTheSilentFallbackWarns() {
    List<String> warnings = new ArrayList<>();
    try (Kernels k = KernelsProvider.create(1, null, true, warnings::add)) {
      assertEquals("vector", k.name());
    }
    try (Kernels k = KernelsProvider.create(1, "vector", true, warnings::add)) {
      assertEquals("vector", k.name());
    }
    try (Kernels k = KernelsProvider.create(1, "scalar", true, warnings::add)) {
      assertInstanceOf(ScalarKernels.class, k);
    }
    try (Kernels k = KernelsProvider.create(1, "scalar", false, warnings::add)) {
      assertInstanceOf(ScalarKernels.class, k);
    }
    assertEquals(List.of(), warnings);
    try (Kernels k = KernelsProvider.create(1, null, false, warnings::add)) {
      assertInstanceOf(ScalarKernels.class, k);
    }
    assertEquals(List.of(WARNING), warnings);
  }

  @Test
  void badChoicesFailWithMessagesThatSayTheFix() {
    IllegalStateException missing = assertThrows(IllegalStateException.class,
        () -> KernelsProvider.create(1, "vector", false, w -> { }));
    assertEquals("striate.kernels=vector, but the jdk.incubator.vector module is not present:"
        + " add --add-modules jdk.incubator.vector to the java command", missing.getMessage());
    IllegalArgumentException unknown = assertThrows(IllegalArgumentException.class,
        () -> KernelsProvider.create(1, "gpu", true, w -> { }));
    assertEquals("striate.kernels must be scalar or vector, got gpu", unknown.getMessage());
    for (boolean vectorModule : new boolean[] {true, false}) {
      List<String> warnings = new ArrayList<>();
      IllegalArgumentException threads = assertThrows(IllegalArgumentException.class,
          () -> KernelsProvider.create(0, null, vectorModule, warnings::add));
      assertEquals("threads must be >= 1, got 0", threads.getMessage());
      assertEquals(List.of(), warnings, "no fallback warning before a failure");
    }
  }

  /** Run in a JVM without the vector module: it must load, fall back and warn once. */
  static final class WithoutVectorModule {
    public static void main(String[] args) {
      try (Kernels first = Kernels.create(1); Kernels second = Kernels.create(2)) {
        System.out.println(first.name() + " " + second.name());
      }
    }
  }

  @Test
  void withoutTheModuleStriateRunsScalarAndWarnsOnceNamingTheFlag() throws Exception {
    String launcher = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    Process p = new ProcessBuilder(launcher, "-cp", System.getProperty("java.class.path"),
        WithoutVectorModule.class.getName()).start();
    assertTrue(p.waitFor(60, TimeUnit.SECONDS), "the child JVM did not finish");
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
    assertEquals(0, p.exitValue(), err);
    assertEquals("scalar scalar", out.strip());
    assertEquals(err.indexOf(WARNING), err.lastIndexOf(WARNING), "one warning: " + err);
    assertTrue(err.contains(WARNING), err);
  }

  @Test
  void onlyTheVectorPackageImportsTheVectorApi() throws IOException {
    Path main = Path.of("src", "main", "java");
    Path vector = main.resolve(Path.of("org", "striate", "kernel", "vector"));
    List<Path> offenders = new ArrayList<>();
    try (Stream<Path> files = Files.walk(main)) {
      for (Path f : (Iterable<Path>) files.filter(f -> f.toString().endsWith(".java"))::iterator) {
        if (!f.startsWith(vector) && Files.readString(f).contains("import jdk.incubator.vector")) {
          offenders.add(f);
        }
      }
    }
    assertTrue(Files.isDirectory(vector), "run from the module directory: " + Path.of("").toAbsolutePath());
    assertEquals(List.of(), offenders);
  }
}
