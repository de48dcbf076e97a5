package io.tandem.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * Temporary files and folders of the test suite, deleted when the test JVM exits, so that a run
 * leaves nothing in the temp folder (an embedded database alone is 40 to 90 MB). Whatever still
 * uses a folder at exit (the shared test database) deletes it itself once stopped, with
 * {@link #delete}.
 */
public final class Scratch {
  private static final List<Path> made = new ArrayList<>();
  /**
   * Whether the exit hook is in place: registered with the first path made, not when the class
   * loads, since {@link #delete} may load it from another exit hook, when no hook can be added.
   */
  private static boolean hooked;

  private Scratch() {}

  /** A new empty folder in the temp folder, named after {@code prefix}. */
  public static Path directory(String prefix) {
    try {
      return remember(Files.createTempDirectory(prefix));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create a temporary folder " + prefix + "…", e);
    }
  }

  /** A new empty file in the temp folder. */
  public static Path file(String prefix, String suffix) {
    try {
      return remember(Files.createTempFile(prefix, suffix));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create a temporary file " + prefix + "…" + suffix, e);
    }
  }

  /** Deletes {@code path} and everything under it, as far as it can: cleanup never fails a run. */
  public static void delete(Path path) {
    if (!Files.exists(path)) {
      return;
    }
    try (Stream<Path> tree = Files.walk(path)) {
      tree.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException | UncheckedIOException e) {
      // a file that vanished meanwhile, or one still held open: the temp folder's owner cleans up the rest
    }
  }

  private static synchronized Path remember(Path path) {
    if (!hooked) {
      Runtime.getRuntime().addShutdownHook(new Thread(Scratch::deleteAll, "scratch-cleanup"));
      hooked = true;
    }
    made.add(path);
    return path;
  }

  private static synchronized void deleteAll() {
    made.forEach(Scratch::delete);
  }
}
