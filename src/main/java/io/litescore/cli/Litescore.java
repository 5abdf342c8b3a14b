package io.litescore.cli;

import io.litescore.config.ConfigError;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code litescore} command line. */
@Command(name = "litescore", mixinStandardHelpOptions = true, versionProvider = Litescore.Version.class,
    description = "Batch scoring and evaluation of lightweight CNNs on Apache Spark.",
    subcommands = {ScoreCommand.class, CompareCommand.class, PreprocessCommand.class, ZooCommand.class,
        TrainCommand.class, ImportIdxCommand.class, BenchCommand.class, MakeBenchDataCommand.class, SoakCommand.class,
        CommandLine.HelpCommand.class})
public final class Litescore {
  private static final String NO_CLOSURES = "picocli.disable.closures";

  public static void main(String[] args) {
    System.exit(commandLine().execute(args));
  }

  public static CommandLine commandLine() {
    // picocli looks for Groovy's Closure class once, a miss that opens every jar of the class path (300 of them in
    // a Spark installation): 0.2 s of a command's start. litescore's annotations hold no Groovy closures.
    if (System.getProperty(NO_CLOSURES) == null) {
      System.setProperty(NO_CLOSURES, "true");
    }
    CommandLine cl = new CommandLine(new Litescore());
    cl.setExecutionExceptionHandler((e, cmd, parsed) -> {
      Throwable cause = e;
      while (!(cause instanceof ConfigError) && cause.getCause() != null && cause.getCause() != cause) {
        cause = cause.getCause();
      }
      if (cause instanceof ConfigError) {
        cmd.getErr().println("litescore: " + cause.getMessage());
        return 2;
      }
      cmd.getErr().println("litescore: failed: " + e);
      e.printStackTrace(cmd.getErr());
      return 1;
    });
    return cl;
  }

  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      String v = Litescore.class.getPackage().getImplementationVersion();
      return new String[] {"litescore " + (v == null ? "(development build)" : v)};
    }
  }
}
