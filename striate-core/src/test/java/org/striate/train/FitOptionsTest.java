package org.striate.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.striate.data.Dataset;
import org.striate.tensor.Tensor;

class FitOptionsTest {

  @Test
  void kerasDefaults() {
    FitOptions o = FitOptions.builder().build();
    assertEquals(1, o.epochs());
    assertEquals(32, o.batchSize());
    assertEquals(0.0, o.validationSplit());
    assertNull(o.validationData());
    assertTrue(o.shuffle());
    assertSame(TrainingListener.NONE, o.listener());
  }

  @Test
  void validationNamesTheSettingTheRuleAndTheValue() {
    assertEquals("FitOptions: epochs must be at least 1, got 0", message(FitOptions.builder().epochs(0)));
    assertEquals("FitOptions: batch_size must be at least 1, got -3", message(FitOptions.builder().batchSize(-3)));
    assertEquals("FitOptions: validation_split must be in [0, 1), got 1.0",
        message(FitOptions.builder().validationSplit(1)));
    assertEquals("FitOptions: validation_split must be in [0, 1), got NaN",
        message(FitOptions.builder().validationSplit(Double.NaN)));
    Dataset validation = Dataset.ofLabels(Tensor.zeros(4, 2), new int[4], 2);
    assertEquals("FitOptions: give validation_split or validation_data, not both (got validation_split 0.2 and 4"
        + " validation examples)", message(FitOptions.builder().validationSplit(0.2).validationData(validation)));
    assertEquals("FitOptions: listener must not be null (use TrainingListener.NONE), got null",
        message(FitOptions.builder().listener(null)));
  }

  private static String message(FitOptions.Builder builder) {
    return assertThrows(IllegalArgumentException.class, builder::build).getMessage();
  }
}
