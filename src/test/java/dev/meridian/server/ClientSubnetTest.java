package dev.meridian.server;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.Inet6Address;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.xbill.DNS.DClass;
import org.xbill.DNS.EDNSOption;
import org.xbill.DNS.GenericEDNSOption;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.OPTRecord;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/** RFC 7871 section 6 option data, read from the wire by {@link ClientSubnet}. */
class ClientSubnetTest {
  static byte[] hex(String s) {
    return HexFormat.of().parseHex(s.replace(" ", ""));
  }

  /** An option's data: its wire form after code and length. */
  static byte[] data(EDNSOption o) {
    byte[] w = o.toWire();
    assertEquals(ClientSubnet.CODE, (w[0] & 0xFF) << 8 | (w[1] & 0xFF));
    return java.util.Arrays.copyOfRange(w, 4, w.length);
  }

  static ClientSubnet parse(String hex) {
    byte[] b = hex(hex);
    return ClientSubnet.parse(b, 0, b.length);
  }

  @ParameterizedTest(name = "{0}: {1}")
  @CsvSource({
    "IPv4 /24, 0001 18 00 510245, 81.2.69.0",
    "IPv4 /0, 0001 00 00, 0.0.0.0",
    "IPv4 /32, 0001 20 00 510245a0, 81.2.69.160",
    "IPv4 /23 with its last bit clear, 0001 17 00 510244, 81.2.68.0",
    "IPv6 /48, 0002 30 00 2a0014504001, 2a00:1450:4001:0:0:0:0:0",
    "IPv4-mapped /123, 0002 7b 00 00000000000000000000ffff510245a0, 0:0:0:0:0:ffff:5102:45a0",
    "IPv4-mapped /96, 0002 60 00 00000000000000000000ffff, 0:0:0:0:0:ffff:0:0",
    "IPv4-mapped /128, 0002 80 00 00000000000000000000ffff510245a0, 0:0:0:0:0:ffff:5102:45a0",
    "IPv4-compatible /120, 0002 78 00 000000000000000000000000510245, 0:0:0:0:0:0:5102:4500",
    "6to4 /48, 0002 30 00 2002510245a0, 2002:5102:45a0:0:0:0:0:0",
  })
  void acceptsEveryWellFormedOption(String what, String hex, String address) {
    ClientSubnet c = parse(hex);
    assertNotNull(c, what);
    assertEquals(address, c.address().getHostAddress(), what);
    assertEquals(hex(hex)[2] & 0xFF, c.sourcePrefix(), what);
    if (hex.startsWith("0002")) {
      assertTrue(c.address() instanceof Inet6Address, "family 2 stays IPv6: " + what);
    }
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource({
    "family 3, 0003 18 00 510245",
    "family 0, 0000 00 00",
    "IPv4 prefix 33, 0001 21 00 510245a000",
    "IPv6 prefix 129, 0002 81 00 00000000000000000000ffff510245a000",
    "scope not 0 in a query, 0001 18 10 510245",
    "address longer than the prefix needs, 0001 18 00 51024500",
    "address shorter than the prefix needs, 0001 18 00 5102",
    "bits set past the prefix, 0001 17 00 510245",
    "bits set past an IPv6 prefix, 0002 7b 00 00000000000000000000ffff510245a1",
    "shorter than the fixed part, 0001 18",
  })
  void rejectsMalformedOptions(String what, String hex) {
    assertNull(parse(hex), what);
  }

  static byte[] query(List<EDNSOption> options) throws Exception {
    Message q =
        Message.newQuery(Record.newRecord(Name.fromString("www.example.com."), Type.A, DClass.IN));
    q.addRecord(new OPTRecord(1232, 0, 0, 0, options), Section.ADDITIONAL);
    return q.toWire();
  }

  @Test
  void scanFindsTheOptionAndHidesItFromDnsjava() throws Exception {
    byte[] mapped = hex("0002 7b 00 00000000000000000000ffff510245a0");
    byte[] wire = query(List.of(new GenericEDNSOption(ClientSubnet.CODE, mapped)));
    ClientSubnet.Scan scan = ClientSubnet.scan(wire, wire.length);
    assertFalse(scan.malformed());
    assertEquals(123, scan.option().sourcePrefix());
    Message parsed = new Message(scan.wire()); // dnsjava alone throws on this option
    assertTrue(parsed.getOPT().getOptions(ClientSubnet.CODE).isEmpty());
    assertEquals(1, parsed.getOPT().getOptions().size(), "the option is kept, renamed");
  }

  @Test
  void scanReportsTwoOptionsAsMalformed() throws Exception {
    byte[] ecs = hex("0001 18 00 510245");
    byte[] wire =
        query(
            List.of(
                new GenericEDNSOption(ClientSubnet.CODE, ecs),
                new GenericEDNSOption(ClientSubnet.CODE, ecs)));
    ClientSubnet.Scan scan = ClientSubnet.scan(wire, wire.length);
    assertTrue(scan.malformed());
    assertNull(scan.option());
  }

  @Test
  void scanWithoutOptionFindsNothing() throws Exception {
    byte[] wire = query(List.of());
    ClientSubnet.Scan scan = ClientSubnet.scan(wire, wire.length);
    assertNull(scan.option());
    assertFalse(scan.malformed());
    assertArrayEquals(wire, scan.wire());
  }

  @Test
  void echoKeepsTheClientsFamilyPrefixAndAddress() {
    ClientSubnet mapped = parse("0002 7b 00 00000000000000000000ffff510245a0");
    assertArrayEquals(hex("0002 7b 71 00000000000000000000ffff510245a0"), data(mapped.echo(113)));
    ClientSubnet v4 = parse("0001 18 00 510245");
    assertArrayEquals(hex("0001 18 20 510245"), data(v4.echo(99)));
    ClientSubnet optOut = parse("0001 00 00");
    assertArrayEquals(hex("0001 00 00"), data(optOut.echo(17)));
  }
}
