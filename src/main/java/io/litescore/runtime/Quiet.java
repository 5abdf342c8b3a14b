package io.litescore.runtime;

import java.beans.PropertyChangeListener;
import java.util.function.Supplier;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.LoggerContext;
import org.apache.logging.log4j.core.config.Configurator;

/**
 * Runs a native library's start-up with one of its loggers raised to ERROR: for warnings that describe an absent
 * GPU to a run that asked for none. Where the logging back end is not log4j2 (Spark's default), nothing is
 * changed.
 *
 * <p>The start-up may run on a background thread while the main thread starts Spark, whose first log line can
 * replace the whole logging configuration (spark-submit without a log4j2 file loads Spark's defaults): a level set
 * before that is gone. The level is set again whenever the configuration changes while the action runs.
 */
final class Quiet {
  private Quiet() {}

  static <T> T unless(boolean keepWarnings, String logger, Supplier<T> action) {
    if (keepWarnings) {
      return action.get();
    }
    Level before;
    LoggerContext context;
    PropertyChangeListener again = e -> {
      if (LoggerContext.PROPERTY_CONFIG.equals(e.getPropertyName())) {
        Configurator.setLevel(logger, Level.ERROR);
      }
    };
    try {
      before = LogManager.getLogger(logger).getLevel();
      context = (LoggerContext) LogManager.getContext(false);
      context.addPropertyChangeListener(again);
      Configurator.setLevel(logger, Level.ERROR);
    } catch (LinkageError | RuntimeException e) {
      return action.get();
    }
    try {
      return action.get();
    } finally {
      context.removePropertyChangeListener(again);
      Configurator.setLevel(logger, before);
    }
  }
}
