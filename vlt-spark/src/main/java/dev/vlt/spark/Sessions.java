package dev.vlt.spark;

import java.util.Map;
import org.apache.spark.sql.SparkSession;

/** Spark sessions as vlt starts them: the given master, or the one spark-submit configured. */
public final class Sessions {
  private Sessions() {}

  /**
   * @param master e.g. {@code local[2]}; null: spark-submit's {@code --master} (the {@code spark.master} property), else
   *     {@code local[*]}
   * @param conf further settings ({@code --conf KEY=VALUE})
   */
  public static SparkSession open(String master, String appName, Map<String, String> conf) {
    String m = master != null ? master : System.getProperty("spark.master", "local[*]");
    SparkSession.Builder b = SparkSession.builder().appName(appName).master(m);
    if (m.startsWith("local")) {
      // a local run talks to itself only: loopback, whatever the machine's host name resolves to; no web UI port
      b.config("spark.driver.host", "127.0.0.1").config("spark.driver.bindAddress", "127.0.0.1").config("spark.ui.enabled", "false");
    }
    b.config("spark.sql.shuffle.partitions", "8"); // the jobs shuffle little; Spark's 200 would be 200 tiny tasks
    conf.forEach(b::config);
    return b.getOrCreate();
  }
}
