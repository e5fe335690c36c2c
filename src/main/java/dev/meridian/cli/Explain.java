package dev.meridian.cli;

import dev.meridian.config.MeridianConfig;
import dev.meridian.engine.Explainer;
import dev.meridian.engine.Snapshot;
import java.io.PrintStream;
import java.net.InetAddress;
import java.nio.file.Path;
import java.util.Map;
import org.xbill.DNS.Name;
import org.xbill.DNS.TextParseException;
import org.xbill.DNS.Type;

/**
 * {@code meridian explain NAME}: loads the configuration, zones and geo database as {@code serve}
 * does (without listening) and prints why NAME answers as it does for one client.
 */
final class Explain {
  private Explain() {}

  static int run(
      Path configFile, String name, Map<String, String> options, PrintStream out, PrintStream err) {
    int type = Type.value(options.getOrDefault("type", "A"));
    if (type != Type.A && type != Type.AAAA) {
      err.println("meridian explain: --type must be A or AAAA");
      return Main.EXIT_USAGE;
    }
    if (options.containsKey("client") && options.containsKey("subnet")) {
      err.println("meridian explain: give --client or --subnet, not both");
      return Main.EXIT_USAGE;
    }
    InetAddress subject;
    Name qname;
    try {
      qname = Name.fromString(name.endsWith(".") ? name : name + ".");
      boolean subnet = options.containsKey("subnet");
      subject =
          Explainer.subject(
              subnet ? options.get("subnet") : options.getOrDefault("client", "127.0.0.1"), subnet);
    } catch (TextParseException | IllegalArgumentException e) {
      err.println("meridian explain: " + e.getMessage());
      return Main.EXIT_USAGE;
    }
    MeridianConfig config = Main.config(configFile, err);
    Snapshot snapshot = config == null ? null : Main.offline(config, err);
    if (snapshot == null) {
      return Main.EXIT_USAGE;
    }
    for (String line : Explainer.explain(snapshot, qname, type, subject)) {
      out.println(line);
    }
    if (!snapshot.healthTargets().isEmpty()) {
      out.println(
          "(offline: endpoints are shown in their start states; a running server answers"
              + " 'dig CH TXT "
              + qname
              + "' with live health)");
    }
    return 0;
  }
}
