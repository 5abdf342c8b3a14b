package io.litescore.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.HttpURLConnection;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.hadoop.conf.Configuration;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * S3Proxy with its in-memory (transient) backend, in a JVM of its own (in-process its Jetty and jclouds clash with Spark's
 * classpath), listening on 127.0.0.1 only and requiring AWS signatures with a fresh secret key per instance.
 */
public final class S3ProxyServer implements AutoCloseable {
  public static final String ACCESS_KEY = "litescore-it-access";

  private final ChildProcess process;
  private final String endpoint;
  private final String secretKey;

  private S3ProxyServer(ChildProcess process, String endpoint, String secretKey) {
    this.process = process;
    this.endpoint = endpoint;
    this.secretKey = secretKey;
  }

  /** Starts S3Proxy storing under {@code dir}, with the given buckets, and waits until it answers. */
  public static S3ProxyServer start(Path dir, String... buckets) {
    String secret = "it-secret-" + UUID.randomUUID();
    try {
      Files.createDirectories(dir);
      int port = freePort();
      String endpoint = "http://127.0.0.1:" + port;
      Path props = dir.resolve("s3proxy.properties");
      Files.writeString(props, String.join("\n",
          "s3proxy.endpoint=" + endpoint,
          "s3proxy.authorization=aws-v2-or-v4",
          "s3proxy.identity=" + ACCESS_KEY,
          "s3proxy.credential=" + secret,
          // in memory: the filesystem backend takes ~10 s to delete a "directory" key, which every rename of the
          // classic committer does; filesystem-nio2 breaks listings and multipart uploads
          "jclouds.provider=transient",
          "jclouds.identity=local",
          "jclouds.credential=local",
          ""));
      ChildProcess p = ChildProcess.start("s3proxy",
          ChildProcess.java(List.of("-Xmx512m"), "-jar", ItPaths.built("it-tools/s3proxy.jar").toString(),
              "--properties", props.toString()),
          Map.of("LOG_LEVEL", "info"), dir, dir.resolve("logs/s3proxy.log"));
      S3ProxyServer s = new S3ProxyServer(p, endpoint, secret);
      try {
        s.awaitReady(Duration.ofSeconds(60));
        s.createBuckets(buckets);
      } catch (RuntimeException e) {
        s.close();
        throw e;
      }
      return s;
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot start S3Proxy: " + e.getMessage(), e);
    }
  }

  private void awaitReady(Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      if (!process.handle().isAlive()) {
        throw new IllegalStateException("S3Proxy exited:\n" + process.tail());
      }
      try {
        HttpURLConnection c = (HttpURLConnection) URI.create(endpoint + "/").toURL().openConnection();
        c.setConnectTimeout(500);
        c.setReadTimeout(2000);
        int code = c.getResponseCode(); // 403 without a signature: it is serving
        c.disconnect();
        if (code > 0) {
          return;
        }
      } catch (IOException notYet) {
        // not listening yet
      }
      try {
        Thread.sleep(200);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
    }
    process.close();
    throw new IllegalStateException("S3Proxy did not answer on " + endpoint + " within " + timeout + ":\n"
        + process.tail());
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  public String endpoint() {
    return endpoint;
  }

  public String secretKey() {
    return secretKey;
  }

  /** S3A cannot create buckets: the AWS SDK that comes with it can. */
  private void createBuckets(String... buckets) {
    try (S3Client client = S3Client.builder()
        .endpointOverride(URI.create(endpoint))
        .region(Region.US_EAST_1)
        .forcePathStyle(true)
        .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(ACCESS_KEY, secretKey)))
        .build()) {
      for (String b : buckets) {
        client.createBucket(r -> r.bucket(b));
      }
    }
  }

  public ChildProcess process() {
    return process;
  }

  /** The S3A settings a client needs: endpoint, keys, path-style access. */
  public Map<String, String> s3aConf() {
    Map<String, String> m = new LinkedHashMap<>();
    m.put("fs.s3a.endpoint", endpoint);
    m.put("fs.s3a.access.key", ACCESS_KEY);
    m.put("fs.s3a.secret.key", secretKey);
    m.put("fs.s3a.path.style.access", "true");
    return m;
  }

  public Configuration hadoopConf() {
    Configuration c = new Configuration();
    s3aConf().forEach(c::set);
    return c;
  }

  @Override
  public void close() {
    process.close();
  }
}
