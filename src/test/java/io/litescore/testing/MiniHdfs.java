package io.litescore.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.hdfs.MiniDFSCluster;

/** An HDFS in this JVM (hadoop-client-minicluster): one namenode and one datanode, every address 127.0.0.1:0. */
public final class MiniHdfs implements AutoCloseable {
  private final MiniDFSCluster cluster;

  private MiniHdfs(MiniDFSCluster cluster) {
    this.cluster = cluster;
  }

  public static MiniHdfs start(Path dir) {
    Configuration c = new Configuration();
    c.set(MiniDFSCluster.HDFS_MINIDFS_BASEDIR, dir.toAbsolutePath().toString());
    c.set("dfs.replication", "1");
    for (String key : new String[] {"dfs.namenode.http-address", "dfs.namenode.https-address",
        "dfs.datanode.address", "dfs.datanode.http.address", "dfs.datanode.https.address",
        "dfs.datanode.ipc.address", "dfs.namenode.backup.address", "dfs.namenode.backup.http-address"}) {
      c.set(key, "127.0.0.1:0");
    }
    c.set("dfs.namenode.rpc-bind-host", "127.0.0.1");
    clientSettings(c);
    try {
      MiniDFSCluster cluster = new MiniDFSCluster.Builder(c).numDataNodes(1).nameNodePort(0).nameNodeHttpPort(0)
          .build();
      cluster.waitActive();
      return new MiniHdfs(cluster);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot start HDFS: " + e.getMessage(), e);
    }
  }

  /**
   * Client settings for small files: the first retry to locate the next block waits 400 ms by default, which makes
   * every small-file write on a one-datanode cluster slow.
   */
  public static void clientSettings(Configuration c) {
    c.set("dfs.client.block.write.locateFollowingBlock.initial.delay.ms", "10");
    c.set("dfs.replication", "1");
  }

  /** {@code hdfs://127.0.0.1:port}. */
  public String uri() {
    return cluster.getURI().toString();
  }

  public Configuration hadoopConf() {
    Configuration c = new Configuration();
    clientSettings(c);
    return c;
  }

  @Override
  public void close() {
    cluster.shutdown(true);
  }
}
