package io.litescore.image;

import org.bytedeco.javacpp.BytePointer;

/**
 * Memory one thread reuses from image to image: the decoded pixels and the native copy of the encoded bytes that
 * the codec reads. Without it every photo costs two fresh buffers of megabytes (a 5 MP photo: 15 MB of pixels,
 * zeroed by the JVM, and a large object for the collector). An image decoded into these buffers
 * ({@link ImageDecoder#decode(byte[], int, DecodeBuffers)}) is valid until the next decode into the same buffers; its
 * pixel array may be longer than {@code width * height * 3}. Not thread-safe: one per thread. Buffers larger than
 * {@link #KEEP_BYTES} are not kept.
 */
public final class DecodeBuffers {
  /** The largest buffer kept between images (48 MiB: 16 MP of RGB); larger images get a buffer of their own. */
  static final int KEEP_BYTES = 48 << 20;

  private byte[] pixels = new byte[0];
  private byte[] compressed = new byte[0];
  private byte[] raw = new byte[0];
  private BytePointer encoded;

  /** A pixel array of at least {@code n} bytes, its contents undefined. */
  byte[] pixels(int n) {
    if (n > KEEP_BYTES) {
      return new byte[n];
    }
    if (pixels.length < n) {
      pixels = new byte[n];
    }
    return pixels;
  }

  /** An array of at least {@code n} bytes that keeps what the previous call's array held (a PNG's IDAT stream). */
  byte[] compressed(int n) {
    if (compressed.length < n) {
      compressed = java.util.Arrays.copyOf(compressed, Math.max(n, compressed.length + (compressed.length >> 1)));
    }
    return compressed;
  }

  /** An array of at least {@code n} bytes, its contents undefined (a PNG's inflated rows). */
  byte[] raw(int n) {
    if (raw.length < n) {
      raw = new byte[n];
    }
    return raw;
  }

  /** Lets go of the PNG arrays when an image made them larger than {@link #KEEP_BYTES}. */
  void trim() {
    if (compressed.length > KEEP_BYTES) {
      compressed = new byte[0];
    }
    if (raw.length > KEEP_BYTES) {
      raw = new byte[0];
    }
  }

  /** Native memory of at least {@code n} bytes, contents undefined. */
  BytePointer encodedCapacity(long n) {
    if (n > KEEP_BYTES) {
      return new BytePointer(n);
    }
    if (encoded == null || encoded.capacity() < n) {
      if (encoded != null) {
        encoded.close();
      }
      encoded = new BytePointer(Math.max(n, 1 << 20));
    }
    return encoded;
  }

  /** Whether {@code p} is this object's kept native buffer (which the caller must not close). */
  boolean owns(BytePointer p) {
    return p == encoded;
  }
}
