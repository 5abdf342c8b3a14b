package org.slf4j.impl;

import org.slf4j.ILoggerFactory;
import org.slf4j.LoggerFactory;

/**
 * Answers the SLF4J 1.x binder lookup of libraries that shade an old SLF4J API (the AWS SDK bundle that S3A uses)
 * with the SLF4J 2 logger factory Spark configures, so their logs go where Spark's go and they print no
 * "Failed to load class org.slf4j.impl.StaticLoggerBinder" on the console. SLF4J 2 itself never looks here.
 */
public final class StaticLoggerBinder {
  private static final StaticLoggerBinder SINGLETON = new StaticLoggerBinder();

  /** The SLF4J 1.x API version this binder is written for. */
  public static String REQUESTED_API_VERSION = "1.7.36";

  private StaticLoggerBinder() {}

  public static StaticLoggerBinder getSingleton() {
    return SINGLETON;
  }

  public ILoggerFactory getLoggerFactory() {
    return LoggerFactory.getILoggerFactory();
  }

  public String getLoggerFactoryClassStr() {
    return getLoggerFactory().getClass().getName();
  }
}
