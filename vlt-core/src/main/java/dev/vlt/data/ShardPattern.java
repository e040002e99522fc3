package dev.vlt.data;

import java.util.ArrayList;
import java.util.List;

/**
 * Brace expansion of shard names as WebDataset writes them: {@code shards/{000000..000099}.tar} (a numeric range, padded
 * to the width of the first bound when it has leading zeros) and {@code {train,val}} (alternatives); several groups expand
 * as their product, left to right.
 */
public final class ShardPattern {
  private ShardPattern() {}

  public static List<String> expand(String pattern) {
    int open = pattern.indexOf('{');
    if (open < 0) {
      if (pattern.indexOf('}') >= 0) throw new IllegalArgumentException("shard pattern '" + pattern + "': '}' without '{'");
      return List.of(pattern);
    }
    int close = pattern.indexOf('}', open);
    if (close < 0) throw new IllegalArgumentException("shard pattern '" + pattern + "': '{' without '}'");
    String head = pattern.substring(0, open);
    List<String> tails = expand(pattern.substring(close + 1));
    List<String> out = new ArrayList<>();
    for (String choice : choices(pattern, pattern.substring(open + 1, close))) {
      for (String tail : tails) out.add(head + choice + tail);
    }
    return out;
  }

  private static List<String> choices(String pattern, String body) {
    int dots = body.indexOf("..");
    if (dots < 0) return List.of(body.split(",", -1));
    String from = body.substring(0, dots);
    String to = body.substring(dots + 2);
    if (!from.matches("\\d+") || !to.matches("\\d+")) {
      throw new IllegalArgumentException("shard pattern '" + pattern + "': range {" + body + "} must be {first..last} with digits");
    }
    long a = Long.parseLong(from);
    long b = Long.parseLong(to);
    if (b < a) throw new IllegalArgumentException("shard pattern '" + pattern + "': range {" + body + "} runs backwards");
    if (b - a >= 1_000_000) throw new IllegalArgumentException("shard pattern '" + pattern + "': range {" + body + "} is too long");
    int width = from.length() > 1 && from.startsWith("0") ? from.length() : 0;
    List<String> out = new ArrayList<>();
    for (long i = a; i <= b; i++) out.add(width > 0 ? String.format("%0" + width + "d", i) : Long.toString(i));
    return out;
  }
}
