package org.striate.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class MainTest {

  @Test
  void noCommandIsAUsageError() {
    Cli r = Cli.run();
    assertEquals(2, r.exitCode());
    assertEquals("striate: a command is required", r.firstErrorLine());
    assertTrue(r.err().contains("Usage: striate"), r.err());
    assertFalse(r.hasStackTrace());
  }

  @Test
  void unknownCommandIsAUsageError() {
    Cli r = Cli.run("fly");
    assertEquals(2, r.exitCode());
    assertEquals("striate: Unmatched argument at index 0: 'fly'", r.firstErrorLine());
    assertFalse(r.hasStackTrace());
  }

  @Test
  void helpListsTheCommandsAndExamples() {
    Cli r = Cli.run("--help");
    assertEquals(0, r.exitCode());
    for (String command : new String[] {"train", "evaluate", "predict", "summary"}) {
      assertTrue(r.out().contains("  " + command + " "), command + " missing from:\n" + r.out());
    }
    assertTrue(r.out().contains("Examples:"));
  }

  @Test
  void versionPrints() {
    Cli r = Cli.run("--version");
    assertEquals(0, r.exitCode());
    assertTrue(r.out().startsWith("striate "), r.out());
  }
}
