package dev.meridian.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import org.junit.jupiter.api.Test;

class TcpConnectionTableTest {
  private static InetAddress key(String a) throws Exception {
    return TcpConnectionTable.clientKey(InetAddress.getByName(a));
  }

  @Test
  void countsIpv4ByAddressAndIpv6ByTheSlash64() throws Exception {
    assertEquals(key("192.0.2.1"), key("192.0.2.1"));
    assertNotEquals(key("192.0.2.1"), key("192.0.2.2"));
    assertEquals(key("2001:db8:0:1::1"), key("2001:db8:0:1:ffff:ffff:ffff:ffff"));
    assertNotEquals(key("2001:db8:0:1::1"), key("2001:db8:0:2::1"));
  }

  @Test
  void tellsTransfersAndUpdatesFromQueries() throws Exception {
    byte[] a = org.xbill.DNS.Message.newQuery(record("example.org.", 1)).toWire();
    byte[] axfr = org.xbill.DNS.Message.newQuery(record("example.org.", 252)).toWire();
    byte[] ixfr = org.xbill.DNS.Message.newQuery(record("example.org.", 251)).toWire();
    org.xbill.DNS.Message update = new org.xbill.DNS.Message();
    update.getHeader().setOpcode(org.xbill.DNS.Opcode.UPDATE);
    assertEquals(false, TcpListener.runsOnWorker(a, a.length));
    assertTrue(TcpListener.runsOnWorker(axfr, axfr.length));
    assertTrue(TcpListener.runsOnWorker(ixfr, ixfr.length));
    byte[] u = update.toWire();
    assertTrue(TcpListener.runsOnWorker(u, u.length));
  }

  private static org.xbill.DNS.Record record(String name, int type) throws Exception {
    return org.xbill.DNS.Record.newRecord(
        org.xbill.DNS.Name.fromString(name), type, org.xbill.DNS.DClass.IN);
  }
}
