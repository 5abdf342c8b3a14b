package io.litescore.image;

import static org.bytedeco.opencv.global.opencv_core.CV_8UC1;
import static org.bytedeco.opencv.global.opencv_imgcodecs.IMREAD_COLOR;
import static org.bytedeco.opencv.global.opencv_imgcodecs.IMREAD_IGNORE_ORIENTATION;
import static org.bytedeco.opencv.global.opencv_imgcodecs.IMREAD_REDUCED_COLOR_2;
import static org.bytedeco.opencv.global.opencv_imgcodecs.IMREAD_REDUCED_COLOR_4;
import static org.bytedeco.opencv.global.opencv_imgcodecs.IMREAD_REDUCED_COLOR_8;
import static org.bytedeco.opencv.global.opencv_imgcodecs.imdecode;

import java.util.logging.Level;
import java.util.logging.Logger;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.opencv.opencv_core.Mat;

/**
 * OpenCV's {@code imdecode} (libjpeg-turbo, libpng; bytedeco's build) for JPEG and PNG: 2-5x faster than ImageIO
 * and, for the files {@link ImageDecoder} gives it, the same pixels (tests compare the two on real photos and on
 * the bad-input corpus). EXIF orientation and ICC profiles are ignored, as PIL's {@code convert("RGB")} does;
 * grayscale is copied to R=G=B, alpha dropped, 16-bit samples keep their high byte. With a factor of 2, 4 or 8 a
 * JPEG is decoded at that fraction of its size in the DCT domain (libjpeg-turbo's scaled IDCT,
 * {@code IMREAD_REDUCED_COLOR_*}): {@code preprocessing.mode = fast}, whose pixels differ from a full decode
 * followed by a resize (measured by {@code litescore bench}).
 */
final class OpenCvDecoder {
  private static final Logger LOG = Logger.getLogger(OpenCvDecoder.class.getName());
  private static volatile Boolean available;

  private OpenCvDecoder() {}

  /** Whether OpenCV's natives load here; when not, every image goes through ImageIO, and this says so once. */
  static boolean available() {
    Boolean a = available;
    if (a == null) {
      synchronized (OpenCvDecoder.class) {
        if (available == null) {
          try {
            org.bytedeco.javacpp.Loader.load(org.bytedeco.opencv.global.opencv_imgcodecs.class);
            available = true;
          } catch (Throwable t) {
            LOG.log(Level.WARNING, "OpenCV's natives do not load here (" + t + "): decoding with ImageIO (slower; "
                + "preprocessing.mode = fast decodes exactly)", t);
            available = false;
          }
        }
        a = available;
      }
    }
    return a;
  }

  /** The image decoded at 1/{@code factor} scale (1 = full size), or null when OpenCV cannot decode it. */
  static RgbImage decode(byte[] bytes, int factor) {
    int flags = IMREAD_IGNORE_ORIENTATION | switch (factor) {
      case 1 -> IMREAD_COLOR;
      case 2 -> IMREAD_REDUCED_COLOR_2;
      case 4 -> IMREAD_REDUCED_COLOR_4;
      case 8 -> IMREAD_REDUCED_COLOR_8;
      default -> throw new IllegalArgumentException("Cannot reduce a JPEG by " + factor + ": expected 1, 2, 4 or 8");
    };
    try (BytePointer data = new BytePointer(bytes);
        Mat encoded = new Mat(1, bytes.length, CV_8UC1, data);
        Mat bgr = imdecode(encoded, flags)) {
      if (bgr == null || bgr.empty() || bgr.channels() != 3 || bgr.depth() != 0) {
        return null;
      }
      int w = bgr.cols();
      int h = bgr.rows();
      byte[] px = new byte[w * h * 3];
      if (bgr.isContinuous()) {
        bgr.data().get(px);
      } else {
        for (int y = 0; y < h; y++) {
          bgr.ptr(y).get(px, y * w * 3, w * 3);
        }
      }
      for (int i = 0; i < px.length; i += 3) {
        byte b = px[i];
        px[i] = px[i + 2];
        px[i + 2] = b;
      }
      return new RgbImage(w, h, px);
    }
  }
}
