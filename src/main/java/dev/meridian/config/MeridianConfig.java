package dev.meridian.config;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.List;

/**
 * The validated configuration of one server. Immutable; built by {@link ConfigLoader}.
 *
 * @param file the configuration file (relative paths in it are resolved against its folder)
 * @param listen addresses served over both UDP and TCP
 * @param zoneDir folder whose {@code *.zone} files are loaded
 * @param udpWorkers threads (and SO_REUSEPORT sockets) per UDP address
 * @param ednsPayloadSize the UDP payload size we advertise and accept at most
 * @param tcp TCP connection limits and timeouts
 * @param rateLimit response rate limiting over UDP ({@link RateLimitSpec#OFF} when absent)
 * @param anyMode how ANY queries are answered
 * @param minimalResponses leave the apex NS RRset out of positive answers
 * @param transferAllow clients that may AXFR/IXFR
 * @param adminAllow clients that may ask for explanations (CHAOS TXT)
 * @param traffic regions, geo rules, services and rotation
 * @param secondaries by absolute zone name, the addresses told by NOTIFY when the zone changes
 * @param tsigKeys TSIG keys by absolute key name
 * @param updateKeys by absolute zone name, the keys whose signed RFC 2136 updates it accepts
 * @param transferKeys TSIG keys that authorise AXFR/IXFR from any address
 * @param admin the admin HTTP API, events, query log, log format and metrics
 */
public record MeridianConfig(
    Path file,
    List<InetSocketAddress> listen,
    Path zoneDir,
    int udpWorkers,
    int ednsPayloadSize,
    TcpSpec tcp,
    RateLimitSpec rateLimit,
    AnyMode anyMode,
    boolean minimalResponses,
    List<Cidr> transferAllow,
    List<Cidr> adminAllow,
    TrafficSpec traffic,
    java.util.Map<String, List<InetSocketAddress>> secondaries,
    java.util.Map<String, TsigKeySpec> tsigKeys,
    java.util.Map<String, List<String>> updateKeys,
    List<String> transferKeys,
    AdminSpec admin) {

  public MeridianConfig {
    listen = List.copyOf(listen);
    transferAllow = List.copyOf(transferAllow);
    adminAllow = List.copyOf(adminAllow);
    secondaries = java.util.Map.copyOf(secondaries);
    tsigKeys = java.util.Map.copyOf(tsigKeys);
    updateKeys = java.util.Map.copyOf(updateKeys);
    transferKeys = List.copyOf(transferKeys);
  }

  /** A copy listening on other addresses (tests bind port 0). */
  public MeridianConfig withListen(List<InetSocketAddress> addresses) {
    return copy(addresses, admin);
  }

  /** A copy whose admin HTTP API listens on {@code address} (tests bind port 0), or is off. */
  public MeridianConfig withAdminListen(InetSocketAddress address) {
    return copy(
        listen,
        new AdminSpec(
            address,
            admin.token(),
            admin.eventsKept(),
            admin.webhooks(),
            admin.webhookTimeout(),
            admin.queryLog(),
            admin.jsonLog(),
            admin.metrics()));
  }

  private MeridianConfig copy(List<InetSocketAddress> addresses, AdminSpec a) {
    return new MeridianConfig(
        file,
        addresses,
        zoneDir,
        udpWorkers,
        ednsPayloadSize,
        tcp,
        rateLimit,
        anyMode,
        minimalResponses,
        transferAllow,
        adminAllow,
        traffic,
        secondaries,
        tsigKeys,
        updateKeys,
        transferKeys,
        a);
  }

  /** True when {@code client} is on the transfer allow-list. */
  public boolean mayTransfer(java.net.InetAddress client) {
    return Cidr.anyContains(transferAllow, client);
  }

  /** True when {@code client} may ask for explanations. */
  public boolean mayExplain(java.net.InetAddress client) {
    return Cidr.anyContains(adminAllow, client);
  }
}
