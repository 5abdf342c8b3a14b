package io.litescore.testing;

import io.litescore.cli.LitescoreCliAccess;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;

/**
 * {@code litescore} run in this JVM, with what it printed to standard output and its error stream. Logs keep going
 * to the JVM's standard error (log4j holds on to the stream it found first).
 */
public record CliRun(int exitCode, String output) {
  public static synchronized CliRun of(String... args) {
    ByteArrayOutputStream buf = new ByteArrayOutputStream();
    PrintStream capture = new PrintStream(buf, true, StandardCharsets.UTF_8);
    PrintStream out = System.out;
    System.setOut(capture);
    int code;
    try {
      code = LitescoreCliAccess.run(new PrintWriter(capture, true), args);
    } finally {
      System.setOut(out);
    }
    String text = buf.toString(StandardCharsets.UTF_8);
    out.print(text);
    return new CliRun(code, text);
  }
}
