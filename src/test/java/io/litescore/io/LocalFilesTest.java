package io.litescore.io;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.attribute.PosixFilePermissions;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.permission.FsPermission;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link LocalFiles} gives directories, files and checksum files the permissions Hadoop's local file system does. */
class LocalFilesTest {
  @TempDir java.nio.file.Path dir;

  @Test
  void permissionsOfDirectoriesFilesAndChecksumsAreHadoops() throws Exception {
    Configuration conf = new Configuration(false);
    conf.set("fs.permissions.umask-mode", "027");
    Configuration theirs = new Configuration(conf);
    conf.set("fs.file.impl", LocalFiles.class.getName());
    theirs.set("fs.file.impl", org.apache.hadoop.fs.LocalFileSystem.class.getName());
    try (FileSystem ours = FileSystem.newInstance(dir.toUri(), conf);
        FileSystem hadoops = FileSystem.newInstance(dir.toUri(), theirs)) {
      assertThat(ours).isInstanceOf(LocalFiles.class);
      assertThat(hadoops).isNotInstanceOf(LocalFiles.class);
      for (FileSystem fs : new FileSystem[] {ours, hadoops}) {
        Path base = new Path(dir.toUri().toString(), fs == ours ? "ours" : "hadoops");
        assertThat(fs.mkdirs(new Path(base, "a/b"))).isTrue();
        fs.mkdirs(new Path(base, "c"), new FsPermission((short) 0700));
        try (OutputStream o = fs.create(new Path(base, "a/b/file.txt"))) {
          o.write("x".getBytes(StandardCharsets.UTF_8));
        }
        fs.create(new Path(base, "a/b/other.txt")).close();
        fs.setPermission(new Path(base, "a/b/other.txt"), new FsPermission((short) 0604));
      }
      for (String f : new String[] {"a", "a/b", "c", "a/b/file.txt", "a/b/.file.txt.crc", "a/b/other.txt"}) {
        assertThat(perms(dir.resolve("ours").resolve(f))).as(f).isEqualTo(perms(dir.resolve("hadoops").resolve(f)));
      }
      assertThat(perms(dir.resolve("ours/a/b"))).isEqualTo("rwxr-x---");
      assertThat(perms(dir.resolve("ours/c"))).isEqualTo("rwx------");
      assertThat(perms(dir.resolve("ours/a/b/file.txt"))).isEqualTo("rw-r-----");
      assertThat(perms(dir.resolve("ours/a/b/other.txt"))).isEqualTo("rw----r--");
      assertThat(Files.readString(dir.resolve("ours/a/b/file.txt"))).isEqualTo("x");
    }
  }

  private static String perms(java.nio.file.Path p) throws Exception {
    return PosixFilePermissions.toString(Files.getPosixFilePermissions(p));
  }
}
