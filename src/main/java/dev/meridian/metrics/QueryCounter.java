package dev.meridian.metrics;

import io.prometheus.metrics.core.metrics.CounterWithCallback;
import java.util.concurrent.atomic.LongAdder;

/**
 * Counts answered queries by qtype, rcode, transport and ECS presence: {@code
 * meridian_dns_queries_total{qtype,rcode,transport}} and {@code
 * meridian_dns_ecs_queries_total{ecs}}. Every combination has its {@link LongAdder}, created at
 * startup, so {@link #count} takes no lock and allocates nothing; a scrape sums them and exports
 * the non-zero series only (about 1,200 combinations exist, a server sees a handful). Thread-safe.
 *
 * <p>The client's own {@code CounterDataPoint.inc()} is a {@code LongAdder} too and allocates
 * nothing when built without exemplars, but pre-resolving every data point would export every
 * combination as a zero series; counting here and exporting by callback exports what happened.
 */
public final class QueryCounter {
  /** Qtype labels; the rest of the 65,536 types count as "other". */
  static final String[] QTYPES = {
    "A", "NS", "CNAME", "SOA", "PTR", "MX", "TXT", "AAAA", "SRV", "DS", "SVCB", "HTTPS", "CAA",
    "IXFR", "AXFR", "ANY", "other"
  };

  /** RCODE labels 0..16 (RFC 6895 section 2.3; 16 is BADVERS, RFC 6891), then "other". */
  static final String[] RCODES = {
    "NOERROR", "FORMERR", "SERVFAIL", "NXDOMAIN", "NOTIMP", "REFUSED", "YXDOMAIN", "YXRRSET",
    "NXRRSET", "NOTAUTH", "NOTZONE", "DSOTYPENI", "RCODE12", "RCODE13", "RCODE14", "RCODE15",
    "BADVERS", "other"
  };

  private static final String[] TRANSPORTS = {"udp", "tcp"};
  private static final int OTHER_QTYPE = QTYPES.length - 1;
  private static final int OTHER_RCODE = RCODES.length - 1;

  private final boolean enabled;

  /** Index ((qtype * RCODES + rcode) * 2 + tcp) * 2 + ecs. */
  private final LongAdder[] counts;

  QueryCounter(boolean enabled) {
    this.enabled = enabled;
    this.counts = new LongAdder[enabled ? QTYPES.length * RCODES.length * 4 : 0];
    for (int i = 0; i < counts.length; i++) {
      counts[i] = new LongAdder();
    }
  }

  /**
   * Counts one answered query. On the query path: no lock, no allocation.
   *
   * @param qtype the question's type as on the wire (1 for A, ...), or -1 when it has none
   * @param rcode the full response code (the header's 4 bits, or 16 for BADVERS)
   * @param tcp whether it came over TCP (else UDP)
   * @param ecs whether it carried an EDNS Client Subnet option (RFC 7871)
   */
  public void count(int qtype, int rcode, boolean tcp, boolean ecs) {
    if (!enabled) {
      return;
    }
    int r = rcode >= 0 && rcode < OTHER_RCODE ? rcode : OTHER_RCODE;
    int i = ((qtypeIndex(qtype) * RCODES.length + r) * 2 + (tcp ? 1 : 0)) * 2 + (ecs ? 1 : 0);
    counts[i].increment();
  }

  /** Whether {@link #count} counts at all; false for {@link Metrics#disabled()}. */
  public boolean isEnabled() {
    return enabled;
  }

  /** Builds the two counters that export these counts (the caller registers them). */
  CounterWithCallback[] exporters() {
    CounterWithCallback queries =
        CounterWithCallback.builder()
            .name("meridian_dns_queries_total")
            .help("DNS queries answered, by question type, response code and transport")
            .labelNames("qtype", "rcode", "transport")
            .callback(
                cb -> {
                  for (int i = 0; i < counts.length; i += 2) {
                    long n = counts[i].sum() + counts[i + 1].sum(); // with and without ECS
                    if (n > 0) {
                      int t = i / (RCODES.length * 4);
                      int r = i / 4 % RCODES.length;
                      cb.call((double) n, QTYPES[t], RCODES[r], TRANSPORTS[i / 2 % 2]);
                    }
                  }
                })
            .build();
    CounterWithCallback ecs =
        CounterWithCallback.builder()
            .name("meridian_dns_ecs_queries_total")
            .help("DNS queries answered, by presence of an EDNS Client Subnet option (RFC 7871)")
            .labelNames("ecs")
            .callback(
                cb -> {
                  long[] byEcs = new long[2];
                  for (int i = 0; i < counts.length; i++) {
                    byEcs[i % 2] += counts[i].sum();
                  }
                  cb.call((double) byEcs[0], "absent");
                  cb.call((double) byEcs[1], "present");
                })
            .build();
    return new CounterWithCallback[] {queries, ecs};
  }

  /** The label index of a wire qtype (RFC 1035 3.2.2, 3.2.3; RFC 3596; RFC 9460; RFC 8659). */
  static int qtypeIndex(int qtype) {
    switch (qtype) {
      case 1:
        return 0;
      case 2:
        return 1;
      case 5:
        return 2;
      case 6:
        return 3;
      case 12:
        return 4;
      case 15:
        return 5;
      case 16:
        return 6;
      case 28:
        return 7;
      case 33:
        return 8;
      case 43:
        return 9;
      case 64:
        return 10;
      case 65:
        return 11;
      case 257:
        return 12;
      case 251:
        return 13;
      case 252:
        return 14;
      case 255:
        return 15;
      default:
        return OTHER_QTYPE;
    }
  }
}
