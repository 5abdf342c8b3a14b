package io.litescore.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.litescore.image.Npy;
import io.litescore.testing.Fixtures;
import io.litescore.testing.Resources;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PreprocessCommandTest {
  @Test
  void writesTorchvisionsTensorAsNpy(@TempDir Path dir) throws Exception {
    Path image = Fixtures.copyResource("reference/photos/grace_hopper.jpg", dir.resolve("g.jpg"));
    Path out = dir.resolve("g.npy");
    int code = Litescore.commandLine().execute("preprocess", "--image", image.toString(), "--out", out.toString());
    assertThat(code).isZero();
    Npy.Array a;
    try (InputStream in = Files.newInputStream(out)) {
      a = Npy.readFloat32(in);
    }
    assertThat(a.shape()).containsExactly(3, 224, 224);
    ByteBuffer le = ByteBuffer.allocate(a.data().length * 4).order(ByteOrder.LITTLE_ENDIAN);
    le.asFloatBuffer().put(a.data());
    String sha = Resources.hex(MessageDigest.getInstance("SHA-256").digest(le.array()));
    assertThat(new String(Resources.bytes("reference/tensor_sha256.json"))).contains(sha);
  }
}
