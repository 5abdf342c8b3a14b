package io.litescore.jobs.score.stream;

import java.util.EnumSet;
import java.util.Map;
import java.util.Set;
import org.apache.spark.sql.connector.catalog.SupportsRead;
import org.apache.spark.sql.connector.catalog.Table;
import org.apache.spark.sql.connector.catalog.TableCapability;
import org.apache.spark.sql.connector.catalog.TableProvider;
import org.apache.spark.sql.connector.expressions.Transform;
import org.apache.spark.sql.connector.read.Scan;
import org.apache.spark.sql.connector.read.ScanBuilder;
import org.apache.spark.sql.connector.read.streaming.MicroBatchStream;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.sql.util.CaseInsensitiveStringMap;

/**
 * A Structured Streaming source of the image files below a folder, listed as {@code litescore score} lists them
 * (zero-byte files kept, names starting with '.' or '_' skipped, each real folder once, any name the file system
 * allows): rows {@code (path, label, length, modified)}, the ImageFolder label being the first folder below the
 * root. Use {@code spark.readStream().format(ImageFileSource.class.getName()).option("path", root)}; options
 * {@code layout} ({@code imagefolder} or {@code unlabeled}), {@code extensions} (comma-separated) and
 * {@code maxFilesPerTrigger}.
 *
 * <p>Spark's own file source is not used for images: it drops zero-byte files silently, skips files whose
 * modification time is older than its {@code maxFileAge} relative to the newest it has seen (a copied-in old photo),
 * and reads other files of a batch again when one name looks like a glob. This source keeps the files it found in
 * its checkpoint folder; a file is new when its (path, size, modification time) was never seen.
 */
public final class ImageFileSource implements TableProvider {
  @Override
  public StructType inferSchema(CaseInsensitiveStringMap options) {
    return ImageFileStream.SCHEMA;
  }

  @Override
  public Table getTable(StructType schema, Transform[] partitioning, Map<String, String> properties) {
    return new FileTable(new CaseInsensitiveStringMap(properties));
  }

  private record FileTable(CaseInsensitiveStringMap options) implements Table, SupportsRead {
    @Override
    public String name() {
      return "litescore image files " + options.get("path");
    }

    @Override
    public StructType schema() {
      return ImageFileStream.SCHEMA;
    }

    @Override
    public Set<TableCapability> capabilities() {
      return EnumSet.of(TableCapability.MICRO_BATCH_READ);
    }

    @Override
    public ScanBuilder newScanBuilder(CaseInsensitiveStringMap scanOptions) {
      return () -> new Scan() {
        @Override
        public StructType readSchema() {
          return ImageFileStream.SCHEMA;
        }

        @Override
        public MicroBatchStream toMicroBatchStream(String checkpointLocation) {
          return new ImageFileStream(options, checkpointLocation);
        }
      };
    }
  }
}
