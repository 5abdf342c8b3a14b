package io.litescore.runtime;

import java.util.function.Supplier;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.config.Configurator;

/**
 * Runs a native library's start-up with one of its loggers raised to ERROR: for warnings that describe an absent
 * GPU to a run that asked for none. Where the logging back end is not log4j2 (Spark's default), nothing is
 * changed.
 */
final class Quiet {
  private Quiet() {}

  static <T> T unless(boolean keepWarnings, String logger, Supplier<T> action) {
    if (keepWarnings) {
      return action.get();
    }
    Level before;
    try {
      before = LogManager.getLogger(logger).getLevel();
      Configurator.setLevel(logger, Level.ERROR);
    } catch (LinkageError | RuntimeException e) {
      return action.get();
    }
    try {
      return action.get();
    } finally {
      Configurator.setLevel(logger, before);
    }
  }
}
