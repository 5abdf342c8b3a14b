package io.litescore.cli;

import java.io.PrintWriter;

/** Runs the CLI in-process with a captured error stream. */
public final class LitescoreCliAccess {
  private LitescoreCliAccess() {}

  public static int run(PrintWriter err, String... args) {
    return Litescore.commandLine().setErr(err).execute(args);
  }
}
