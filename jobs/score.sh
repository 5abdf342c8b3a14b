#!/usr/bin/env bash
# Submits `litescore score` to Spark with spark-submit: everything after the script name is `score`'s arguments.
#
#   LITESCORE_SPARK_PROPERTIES=conf/spark/standalone.properties jobs/score.sh --conf job.conf [--set key=value ...]
#
# spark-submit's settings (master, deploy mode, executors, S3/HDFS access) come from the properties file
# LITESCORE_SPARK_PROPERTIES (default conf/spark/local.properties; templates in conf/spark/), on top of the
# cluster's own spark-defaults.conf. spark-submit is $SPARK_HOME/bin/spark-submit, else the one on PATH.
# The application jar is target/litescore-app.jar (`mvn -q -B package -DskipTests`), or LITESCORE_APP_JAR: a copy
# of it the cluster can read (hdfs://, s3a://, https://, local:/ for one baked into the image).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
PROPERTIES="${LITESCORE_SPARK_PROPERTIES:-$ROOT/conf/spark/local.properties}"
JAR="${LITESCORE_APP_JAR:-$ROOT/target/litescore-app.jar}"
if [[ "$JAR" != *:* && ! -f "$JAR" ]]; then
  echo "score.sh: $JAR not found; build it first: (cd $ROOT && mvn -q -B package -DskipTests)" >&2
  exit 2
fi
if [[ ! -f "$PROPERTIES" ]]; then
  echo "score.sh: properties file $PROPERTIES not found (LITESCORE_SPARK_PROPERTIES)" >&2
  exit 2
fi
SUBMIT="spark-submit"
if [[ -n "${SPARK_HOME:-}" ]]; then
  SUBMIT="$SPARK_HOME/bin/spark-submit"
fi
# The SLF4J 1.x binder shim on the driver's class path: the AWS SDK bundle in Spark's jars looks for one and, when
# it finds none, prints "Failed to load class org.slf4j.impl.StaticLoggerBinder" (and drops its own log lines).
SHIM="$ROOT/target/litescore-slf4j-shim.jar"
DRIVER_CP=()
if [[ -f "$SHIM" ]]; then
  DRIVER_CP=(--driver-class-path "$SHIM")
fi
# OpenCV's own log stays quiet (damaged images become error rows with their reason)
export OPENCV_LOG_LEVEL="${OPENCV_LOG_LEVEL:-SILENT}"
exec "$SUBMIT" --properties-file "$PROPERTIES" --load-spark-defaults "${DRIVER_CP[@]}" \
  --conf spark.executorEnv.OPENCV_LOG_LEVEL="$OPENCV_LOG_LEVEL" \
  --class io.litescore.cli.Litescore "$JAR" score "$@"
