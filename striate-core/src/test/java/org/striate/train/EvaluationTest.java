package org.striate.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class EvaluationTest {

  @Test
  void printsTheMatrixWithRowsForTrueClasses() {
    Evaluation e = new Evaluation(0.12345, 0.9, 120, 108, new int[][] {{50, 2, 0}, {3, 40, 0}, {0, 7, 18}});
    assertEquals(String.join("\n",
        "loss 0.1235, accuracy 0.9000 (108 of 120)",
        "confusion matrix (rows: true class, columns: predicted class)",
        "       0   1   2",
        "   0  50   2   0",
        "   1   3  40   0",
        "   2   0   7  18"), e.toString());
  }

  @Test
  void theMatrixIsACopy() {
    Evaluation e = new Evaluation(1, 0.5, 2, 1, new int[][] {{1, 0}, {1, 0}});
    e.confusionMatrix()[0][0] = 99;
    assertEquals(1, e.confusionMatrix()[0][0]);
  }

  @Test
  void withoutClassesOnlyTheLoss() {
    Evaluation e = new Evaluation(0.5, Double.NaN, 3, 0, null);
    assertEquals("loss 0.5000", e.toString());
    assertFalse(e.hasClasses());
    assertEquals("evaluation: no confusion matrix, the targets are not classes",
        assertThrows(IllegalStateException.class, e::confusionMatrix).getMessage());
  }
}
