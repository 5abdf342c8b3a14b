package io.litescore.testing;

import com.google.gson.Gson;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Debian's {@code chromium}, headless, driven over the DevTools protocol (the JDK's WebSocket client, no browser
 * driver): open a page, collect its console errors, uncaught exceptions and network requests, evaluate
 * JavaScript, take screenshots.
 */
public final class HeadlessChromium implements AutoCloseable {
  private static final Gson GSON = new Gson();
  private static final Duration START_TIMEOUT = Duration.ofSeconds(60);

  private final Process process;
  private final Path userDataDir;
  private final WebSocket socket;
  private final AtomicInteger ids = new AtomicInteger();
  private final Map<Integer, CompletableFuture<JsonObject>> pending = new ConcurrentHashMap<>();
  private final List<JsonObject> events = new CopyOnWriteArrayList<>();

  /** The browser binary: {@code $LITESCORE_CHROMIUM}, else chromium / chromium-browser on the PATH. */
  public static Optional<Path> binary() {
    String configured = System.getenv("LITESCORE_CHROMIUM");
    if (configured != null && !configured.isBlank()) {
      return Optional.of(Path.of(configured));
    }
    for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
      for (String name : List.of("chromium", "chromium-browser")) {
        Path p = Path.of(dir, name);
        if (Files.isExecutable(p)) {
          return Optional.of(p);
        }
      }
    }
    return Optional.empty();
  }

  /** Starts the browser with an empty profile in {@code userDataDir} and attaches to its first tab. */
  public static HeadlessChromium start(Path binary, Path userDataDir, int width, int height) {
    try {
      Files.createDirectories(userDataDir);
      Path log = userDataDir.resolveSibling(userDataDir.getFileName() + ".log");
      Process p = new ProcessBuilder(binary.toString(), "--headless", "--no-sandbox", "--disable-gpu",
          "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync",
          "--user-data-dir=" + userDataDir, "--remote-debugging-port=0", "--window-size=" + width + "," + height,
          "--hide-scrollbars", "--mute-audio", "about:blank")
          .redirectErrorStream(true).redirectOutput(log.toFile()).start();
      try {
        return new HeadlessChromium(p, userDataDir, log);
      } catch (RuntimeException | IOException e) {
        p.destroyForcibly();
        throw e;
      }
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot start " + binary + ": " + e.getMessage(), e);
    }
  }

  private HeadlessChromium(Process process, Path userDataDir, Path log) throws IOException {
    this.process = process;
    this.userDataDir = userDataDir;
    Path portFile = userDataDir.resolve("DevToolsActivePort");
    long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
    while (!Files.exists(portFile) || Files.readAllLines(portFile).isEmpty()) {
      if (!process.isAlive() || System.nanoTime() > deadline) {
        throw new IllegalStateException("chromium did not open its DevTools port (alive: " + process.isAlive()
            + "); its log:\n" + (Files.exists(log) ? Files.readString(log) : "(none)"));
      }
      sleep(100);
    }
    int port = Integer.parseInt(Files.readAllLines(portFile).get(0).strip());
    HttpClient http = HttpClient.newHttpClient();
    String pageSocket = null;
    while (pageSocket == null) {
      try {
        String list = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/json/list"))
            .build(), HttpResponse.BodyHandlers.ofString()).body();
        for (JsonElement t : JsonParser.parseString(list).getAsJsonArray()) {
          if ("page".equals(t.getAsJsonObject().get("type").getAsString())) {
            pageSocket = t.getAsJsonObject().get("webSocketDebuggerUrl").getAsString();
          }
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
      if (pageSocket == null) {
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException("chromium has no page target on port " + port);
        }
        sleep(100);
      }
    }
    this.socket = http.newWebSocketBuilder().buildAsync(URI.create(pageSocket), new Listener()).join();
    for (String domain : List.of("Runtime", "Log", "Page", "Network")) {
      call(domain + ".enable", new JsonObject());
    }
  }

  private final class Listener implements WebSocket.Listener {
    private final StringBuilder buffer = new StringBuilder();

    @Override
    public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
      buffer.append(data);
      if (last) {
        JsonObject msg = JsonParser.parseString(buffer.toString()).getAsJsonObject();
        buffer.setLength(0);
        if (msg.has("id")) {
          CompletableFuture<JsonObject> f = pending.remove(msg.get("id").getAsInt());
          if (f != null) {
            f.complete(msg);
          }
        } else {
          events.add(msg);
        }
      }
      ws.request(1);
      return null;
    }
  }

  /** Sends a DevTools command and returns its {@code result}. */
  public JsonObject call(String method, JsonObject params) {
    int id = ids.incrementAndGet();
    CompletableFuture<JsonObject> f = new CompletableFuture<>();
    pending.put(id, f);
    JsonObject msg = new JsonObject();
    msg.addProperty("id", id);
    msg.addProperty("method", method);
    msg.add("params", params);
    socket.sendText(GSON.toJson(msg), true).join();
    try {
      JsonObject reply = f.get(60, TimeUnit.SECONDS);
      if (reply.has("error")) {
        throw new IllegalStateException(method + " failed: " + reply.get("error"));
      }
      return reply.getAsJsonObject("result");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
      throw new IllegalStateException(method + ": no answer from chromium", e);
    }
  }

  /** Opens {@code url} and waits for its load event. */
  public void open(URI url) {
    int before = events.size();
    JsonObject p = new JsonObject();
    p.addProperty("url", url.toString());
    JsonObject r = call("Page.navigate", p);
    if (r.has("errorText")) {
      throw new IllegalStateException("Cannot open " + url + ": " + r.get("errorText"));
    }
    // the list's own stream is a snapshot; a subList of it fails when an event arrives meanwhile
    waitFor(() -> events.stream().skip(before)
        .anyMatch(e -> "Page.loadEventFired".equals(e.get("method").getAsString())), Duration.ofSeconds(60),
        "the load event of " + url);
  }

  /** Evaluates a JavaScript expression and returns its value (JSON-compatible values only). */
  public JsonElement evaluate(String expression) {
    JsonObject p = new JsonObject();
    p.addProperty("expression", expression);
    p.addProperty("returnByValue", true);
    p.addProperty("awaitPromise", true);
    JsonObject r = call("Runtime.evaluate", p);
    if (r.has("exceptionDetails")) {
      throw new IllegalStateException("JavaScript failed: " + r.get("exceptionDetails"));
    }
    JsonObject value = r.getAsJsonObject("result");
    return value.has("value") ? value.get("value") : null;
  }

  /** Waits until {@code expression} is true in the page. */
  public void waitUntil(String expression, Duration timeout) {
    waitFor(() -> {
      JsonElement v = evaluate(expression);
      return v != null && v.isJsonPrimitive() && v.getAsBoolean();
    }, timeout, expression);
  }

  /**
   * Console errors and assertion failures, uncaught exceptions and error log entries (failed loads, blocked
   * requests) so far, one line each.
   */
  public List<String> errors() {
    List<String> out = new ArrayList<>();
    for (JsonObject e : events) {
      String method = e.get("method").getAsString();
      JsonObject p = e.getAsJsonObject("params");
      switch (method) {
        case "Runtime.consoleAPICalled" -> {
          String type = p.get("type").getAsString();
          if (type.equals("error") || type.equals("assert")) {
            out.add("console." + type + ": " + p.get("args"));
          }
        }
        case "Runtime.exceptionThrown" -> out.add("exception: " + p.get("exceptionDetails"));
        case "Log.entryAdded" -> {
          JsonObject entry = p.getAsJsonObject("entry");
          if ("error".equals(entry.get("level").getAsString())) {
            out.add("log: " + entry.get("text") + " " + entry.get("url"));
          }
        }
        default -> { }
      }
    }
    return out;
  }

  /** URLs the page requested other than {@code data:} and {@code file:} ones (it should need no network). */
  public List<String> networkRequests() {
    List<String> out = new ArrayList<>();
    for (JsonObject e : events) {
      if ("Network.requestWillBeSent".equals(e.get("method").getAsString())) {
        String url = e.getAsJsonObject("params").getAsJsonObject("request").get("url").getAsString();
        if (!url.startsWith("data:") && !url.startsWith("file:") && !url.startsWith("about:")) {
          out.add(url);
        }
      }
    }
    return out;
  }

  /**
   * A PNG of the page {@code width} CSS pixels wide: the whole page, or its top {@code maxHeight} pixels when
   * {@code maxHeight > 0}.
   */
  public byte[] screenshot(int width, int maxHeight) {
    return screenshot(width, 0, maxHeight);
  }

  /**
   * A PNG of the page {@code width} CSS pixels wide from {@code top} down: to the end of the page, or
   * {@code maxHeight} pixels when {@code maxHeight > 0}.
   */
  public byte[] screenshot(int width, int top, int maxHeight) {
    JsonObject size = new JsonObject();
    size.addProperty("width", width);
    size.addProperty("height", 1000);
    size.addProperty("deviceScaleFactor", 1);
    size.addProperty("mobile", false);
    call("Emulation.setDeviceMetricsOverride", size);
    sleep(300); // the page re-lays out (charts resize) on the new viewport
    JsonObject content = call("Page.getLayoutMetrics", new JsonObject()).getAsJsonObject("cssContentSize");
    int height = (int) Math.ceil(content.get("height").getAsDouble()) - top;
    if (maxHeight > 0) {
      height = Math.min(height, maxHeight);
    }
    if (top < 0 || height <= 0) {
      throw new IllegalArgumentException("Cannot take a screenshot from y = " + top + ": the page is "
          + content.get("height") + " pixels high");
    }
    JsonObject clip = new JsonObject();
    clip.addProperty("x", 0);
    clip.addProperty("y", top);
    clip.addProperty("width", width);
    clip.addProperty("height", height);
    clip.addProperty("scale", 1);
    JsonObject p = new JsonObject();
    p.addProperty("format", "png");
    p.addProperty("captureBeyondViewport", true);
    p.add("clip", clip);
    return Base64.getDecoder().decode(call("Page.captureScreenshot", p).get("data").getAsString());
  }

  /** All events received so far, for diagnostics. */
  public JsonArray events() {
    JsonArray a = new JsonArray();
    events.forEach(a::add);
    return a;
  }

  private static void waitFor(java.util.function.BooleanSupplier condition, Duration timeout, String what) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("Timed out after " + timeout.toSeconds() + " s waiting for " + what);
      }
      sleep(100);
    }
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  @Override
  public void close() {
    try {
      socket.sendClose(WebSocket.NORMAL_CLOSURE, "").get(5, TimeUnit.SECONDS);
    } catch (Exception ignored) {
      // the browser is stopped below in any case
    }
    // Chromium's helper processes (renderer, zygote, crash handler) outlive the browser for a moment and still
    // write into the profile folder: stop them too, so the test's temporary folder can be deleted
    java.util.List<ProcessHandle> helpers = process.descendants().toList();
    process.destroy();
    try {
      if (!process.waitFor(10, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      }
      for (ProcessHandle h : helpers) {
        h.destroyForcibly(); // the browser is gone: nothing of theirs is worth waiting for
      }
      // killed processes write nothing more once the signal lands (their exit may never be reaped in a container
      // whose init does not reap orphans, so it is not awaited)
      Thread.sleep(200);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
