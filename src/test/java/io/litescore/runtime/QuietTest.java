package io.litescore.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.config.Configurator;
import org.apache.logging.log4j.core.config.builder.api.ConfigurationBuilder;
import org.apache.logging.log4j.core.config.builder.api.ConfigurationBuilderFactory;
import org.apache.logging.log4j.core.config.builder.impl.BuiltConfiguration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** A logger raised to ERROR for the length of an action, even when the logging configuration is replaced meanwhile. */
class QuietTest {
  private static final String LOGGER = "io.litescore.runtime.QuietTest.NativeLibrary";

  /** A new configuration whose root logs warnings, as Spark's defaults log INFO. */
  private static void warnConfiguration() {
    ConfigurationBuilder<BuiltConfiguration> b = ConfigurationBuilderFactory.newConfigurationBuilder();
    b.add(b.newRootLogger(Level.WARN));
    Configurator.reconfigure(b.build());
  }

  @AfterEach
  void defaultConfiguration() {
    Configurator.reconfigure();
  }

  @Test
  void theLevelHoldsThroughAReconfigurationDuringTheAction() {
    warnConfiguration();
    assertThat(LogManager.getLogger(LOGGER).getLevel()).isEqualTo(Level.WARN);
    Level[] during = new Level[2];
    String result = Quiet.unless(false, LOGGER, () -> {
      during[0] = LogManager.getLogger(LOGGER).getLevel();
      // what Spark's first log line does under spark-submit without a log4j2 file: a new configuration
      warnConfiguration();
      during[1] = LogManager.getLogger(LOGGER).getLevel();
      return "started";
    });
    assertThat(result).isEqualTo("started");
    assertThat(during).containsExactly(Level.ERROR, Level.ERROR);
    assertThat(LogManager.getLogger(LOGGER).getLevel()).isEqualTo(Level.WARN);
    // and a later reconfiguration no longer raises it
    warnConfiguration();
    assertThat(LogManager.getLogger(LOGGER).getLevel()).isEqualTo(Level.WARN);
  }

  @Test
  void keepsWarningsWhereAGpuWasAskedFor() {
    warnConfiguration();
    Level during = Quiet.unless(true, LOGGER, () -> LogManager.getLogger(LOGGER).getLevel());
    assertThat(during).isEqualTo(Level.WARN);
  }
}
