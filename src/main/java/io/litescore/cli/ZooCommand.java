package io.litescore.cli;

import com.google.gson.GsonBuilder;
import io.litescore.runtime.TorchRuntime;
import io.litescore.zoo.Stem;
import io.litescore.zoo.Variant;
import io.litescore.zoo.ZooNet;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "zoo", mixinStandardHelpOptions = true,
    description = "List the zoo architectures: parameters (1000 classes, counted on the built network), input size "
        + "and the default preprocessing of their torchvision weights.")
final class ZooCommand implements Callable<Integer> {
  @Option(names = "--json", description = "Print JSON instead of a table.")
  boolean json;

  @Override
  public Integer call() {
    TorchRuntime.start(1);
    List<Map<String, Object>> rows = new ArrayList<>();
    for (Variant v : Variant.all()) {
      long params;
      try (ZooNet net = ZooNet.build(v, 1000, v.inputSize(), Stem.STANDARD, false)) {
        params = net.parameterCount();
      }
      Map<String, Object> r = new LinkedHashMap<>();
      r.put("name", v.name());
      r.put("family", v.family());
      r.put("params", params);
      r.put("input_size", v.inputSize());
      r.put("resize", v.preprocessing().resize());
      r.put("crop", v.preprocessing().crop());
      r.put("mean", v.preprocessing().mean());
      r.put("std", v.preprocessing().std());
      r.put("description", v.description());
      rows.add(r);
    }
    if (json) {
      System.out.println(new GsonBuilder().setPrettyPrinting().create().toJson(rows));
      return 0;
    }
    System.out.printf("%-22s %-13s %10s %6s %7s  %s%n", "name", "family", "params", "input", "resize", "description");
    for (Map<String, Object> r : rows) {
      System.out.printf(Locale.ROOT, "%-22s %-13s %,10d %6d %7d  %s%n", r.get("name"), r.get("family"),
          (Long) r.get("params"), (Integer) r.get("input_size"), (Integer) r.get("resize"), r.get("description"));
    }
    return 0;
  }
}
