package io.litescore.image;

import static org.bytedeco.opencv.global.opencv_core.CV_8UC1;
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
 * Decodes a JPEG at 1/2, 1/4 or 1/8 scale in the DCT domain: libjpeg-turbo's scaled IDCT, through OpenCV's
 * {@code imdecode} with {@code IMREAD_REDUCED_COLOR_*}. EXIF orientation is ignored, as in exact mode. The pixels
 * differ from a full decode followed by a resize (that difference is what {@code litescore bench} measures as the
 * cost of {@code preprocessing.mode = fast}).
 */
final class ReducedJpeg {
  private static final Logger LOG = Logger.getLogger(ReducedJpeg.class.getName());
  private static volatile Boolean available;

  private ReducedJpeg() {}

  /** Whether OpenCV's natives load here; when not, fast mode decodes exactly and says so once. */
  static boolean available() {
    Boolean a = available;
    if (a == null) {
      synchronized (ReducedJpeg.class) {
        if (available == null) {
          try {
            org.bytedeco.javacpp.Loader.load(org.bytedeco.opencv.global.opencv_imgcodecs.class);
            available = true;
          } catch (Throwable t) {
            LOG.log(Level.WARNING, "preprocessing.mode = fast: OpenCV natives do not load here ("
                + t + "); decoding every image exactly", t);
            available = false;
          }
        }
        a = available;
      }
    }
    return a;
  }

  /** The image decoded at 1/{@code factor} scale, or null when OpenCV cannot decode it. */
  static RgbImage decode(byte[] bytes, int factor) {
    int flags = IMREAD_IGNORE_ORIENTATION | switch (factor) {
      case 2 -> IMREAD_REDUCED_COLOR_2;
      case 4 -> IMREAD_REDUCED_COLOR_4;
      case 8 -> IMREAD_REDUCED_COLOR_8;
      default -> throw new IllegalArgumentException("Cannot reduce a JPEG by " + factor + ": expected 2, 4 or 8");
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
