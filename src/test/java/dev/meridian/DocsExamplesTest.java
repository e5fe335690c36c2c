package dev.meridian;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.meridian.config.ConfigLoader;
import dev.meridian.config.MeridianConfig;
import dev.meridian.zone.ZoneFileLoader;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** What we ship loads: the example configuration and every example zone. */
class DocsExamplesTest {
  @Test
  void shippedConfigurationAndZonesLoadCleanly() throws Exception {
    MeridianConfig c = ConfigLoader.load(Path.of("meridian.yaml"));
    assertEquals(1053, c.listen().get(0).getPort());
    assertTrue(c.listen().get(0).getAddress().isLoopbackAddress(), "laptop default: loopback");
    ZoneFileLoader.DirectoryResult zones = ZoneFileLoader.loadDirectory(c.zoneDir());
    assertEquals(java.util.List.of(), zones.errors());
    assertTrue(zones.zones().size() >= 1);
    for (ZoneFileLoader.Loaded l : zones.zones()) {
      assertEquals(java.util.List.of(), l.warnings(), l.zone().origin().toString());
    }
  }

  /** Starting the shipped example must never send a probe off this machine. */
  @Test
  void shippedExampleProbesNothingButLoopback() throws Exception {
    for (String file : new String[] {"meridian.yaml", "demo/meridian.yaml"}) {
      MeridianConfig c = ConfigLoader.load(Path.of(file));
      var zones =
          ZoneFileLoader.loadDirectory(c.zoneDir()).zones().stream().map(l -> l.zone()).toList();
      var snapshot =
          new dev.meridian.engine.SnapshotBuilder()
              .build(c, zones, dev.meridian.geo.GeoLocator.NONE, 1);
      for (var t : snapshot.healthTargets()) {
        if (t.check() != null) {
          assertTrue(t.check().target().getAddress().isLoopbackAddress(), file + ": " + t);
        }
      }
    }
  }
}
