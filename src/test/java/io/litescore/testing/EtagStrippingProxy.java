package io.litescore.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * An S3-compatible store that sends no ETags, as some do: a loopback HTTP proxy in front of S3Proxy that removes
 * the {@code ETag} header from every response. One request per connection (it asks both sides to close), bytes
 * otherwise passed through untouched, so AWS signatures stay valid.
 */
public final class EtagStrippingProxy implements AutoCloseable {
  private final ServerSocket server;
  private final int targetPort;
  private final ExecutorService pool = Executors.newCachedThreadPool(r -> {
    Thread t = new Thread(r, "etag-stripping-proxy");
    t.setDaemon(true);
    return t;
  });

  private EtagStrippingProxy(ServerSocket server, int targetPort) {
    this.server = server;
    this.targetPort = targetPort;
  }

  /** Listens on 127.0.0.1 (an ephemeral port) and forwards to {@code 127.0.0.1:targetPort}. */
  public static EtagStrippingProxy start(int targetPort) throws IOException {
    EtagStrippingProxy p = new EtagStrippingProxy(new ServerSocket(0, 50, InetAddress.getLoopbackAddress()),
        targetPort);
    p.pool.execute(p::accept);
    return p;
  }

  public String endpoint() {
    return "http://127.0.0.1:" + server.getLocalPort();
  }

  private void accept() {
    while (!server.isClosed()) {
      try {
        Socket client = server.accept();
        pool.execute(() -> relay(client));
      } catch (IOException e) {
        return;
      }
    }
  }

  private void relay(Socket client) {
    try (client; Socket upstream = new Socket(InetAddress.getLoopbackAddress(), targetPort)) {
      InputStream fromClient = client.getInputStream();
      OutputStream toUpstream = upstream.getOutputStream();
      toUpstream.write(rewrite(headers(fromClient), false));
      toUpstream.flush();
      pool.execute(() -> copy(fromClient, toUpstream)); // the request body, if any
      InputStream fromUpstream = upstream.getInputStream();
      OutputStream toClient = client.getOutputStream();
      toClient.write(rewrite(headers(fromUpstream), true));
      fromUpstream.transferTo(toClient);
      toClient.flush();
    } catch (IOException e) {
      // the client or the server went away: nothing to relay
    }
  }

  /** The bytes up to and including the blank line that ends an HTTP head. */
  private static String headers(InputStream in) throws IOException {
    ByteArrayOutputStream head = new ByteArrayOutputStream();
    int last4 = 0;
    while (last4 != 0x0d0a0d0a) {
      int b = in.read();
      if (b < 0) {
        break;
      }
      head.write(b);
      last4 = (last4 << 8) | b;
    }
    return head.toString(StandardCharsets.ISO_8859_1);
  }

  /** One request per connection; responses without ETag. */
  private static byte[] rewrite(String head, boolean response) {
    StringBuilder out = new StringBuilder();
    for (String line : head.split("\r\n")) {
      String lower = line.toLowerCase(java.util.Locale.ROOT);
      if (lower.startsWith("connection:") || (response && lower.startsWith("etag:"))) {
        continue;
      }
      if (!line.isEmpty()) {
        out.append(line).append("\r\n");
      }
    }
    out.append("Connection: close\r\n\r\n");
    return out.toString().getBytes(StandardCharsets.ISO_8859_1);
  }

  private static void copy(InputStream in, OutputStream out) {
    try {
      in.transferTo(out);
      out.flush();
    } catch (IOException e) {
      // done
    }
  }

  @Override
  public void close() throws IOException {
    server.close();
    pool.shutdownNow();
  }
}
