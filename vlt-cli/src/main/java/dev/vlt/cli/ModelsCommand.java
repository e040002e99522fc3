package dev.vlt.cli;

import dev.vlt.models.Architecture;
import dev.vlt.models.Architectures;
import dev.vlt.models.Capability;
import dev.vlt.models.ModelConfig;
import dev.vlt.models.Models;
import dev.vlt.systems.QuickstartSystem;
import dev.vlt.systems.Systems;
import dev.vlt.train.Tasks;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;

/** {@code vlt models}: what the registry holds — architectures, their capabilities and tasks, configs, quickstarts. */
@Command(name = "models", mixinStandardHelpOptions = true,
    description = {"List the architectures vlt builds, what each can do (capabilities: which commands take it) and train on",
        "(tasks: vlt train --task), the registry's configs of each (--model NAME) and the quickstart systems."})
public final class ModelsCommand implements Callable<Integer> {
  @Override
  public Integer call() {
    Map<String, List<String>> configs = new LinkedHashMap<>();
    for (String name : Models.registry()) {
      ModelConfig c = Models.config(name);
      configs.computeIfAbsent(c.arch(), k -> new ArrayList<>()).add(name);
    }
    for (Architecture a : Architectures.all()) {
      System.out.println(a.title() + " (" + a.name() + "): " + a.description());
      System.out.println("  capabilities: " + a.capabilities().stream().map(Capability::name).collect(Collectors.joining(", ")));
      System.out.println("  tasks:        " + a.tasks().stream().map(t -> t + " (" + Tasks.get(t).description() + ")")
          .collect(Collectors.joining("; ")));
      System.out.println("  configs:      " + String.join(", ", configs.getOrDefault(a.name(), List.of())));
    }
    System.out.println();
    System.out.println("quickstarts (vlt quickstart --system NAME):");
    for (QuickstartSystem s : Systems.all()) System.out.printf("  %-10s %s%n", s.name(), s.description());
    return 0;
  }
}
