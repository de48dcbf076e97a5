package io.tandem.matching;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashSet;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;

class AssignmentTest {
  private static final double F = Assignment.FORBIDDEN;

  @Test
  @DisplayName("forbidden pairs are never assigned and rows may stay unassigned")
  void forbidden() {
    int[] result = Assignment.maximize(new double[][] {{F, F}, {1, F}, {2, F}});
    assertThat(result).containsExactly(-1, -1, 0);
  }

  @RepeatedTest(50)
  @DisplayName("the total equals the brute-force optimum on random small problems")
  void optimal() {
    Random random = new Random();
    int rows = 1 + random.nextInt(5);
    int columns = 1 + random.nextInt(5);
    double[][] score = new double[rows][columns];
    for (int i = 0; i < rows; i++) {
      for (int j = 0; j < columns; j++) {
        score[i][j] = random.nextDouble() < 0.3 ? F : random.nextDouble() * 10;
      }
    }
    int[] result = Assignment.maximize(score);
    Set<Integer> used = new HashSet<>();
    double total = 0;
    for (int i = 0; i < rows; i++) {
      if (result[i] >= 0) {
        assertThat(score[i][result[i]]).isNotEqualTo(F);
        assertThat(used.add(result[i])).as("a column is used once").isTrue();
        total += score[i][result[i]];
      }
    }
    assertThat(total).isCloseTo(bruteForce(score, 0, new boolean[columns]), org.assertj.core.data.Offset.offset(1e-9));
  }

  private static double bruteForce(double[][] score, int row, boolean[] used) {
    if (row == score.length) {
      return 0;
    }
    double best = bruteForce(score, row + 1, used);
    for (int j = 0; j < used.length; j++) {
      if (!used[j] && score[row][j] != F) {
        used[j] = true;
        best = Math.max(best, score[row][j] + bruteForce(score, row + 1, used));
        used[j] = false;
      }
    }
    return best;
  }
}
