package dev.meridian.policy;

import dev.meridian.geo.Location;
import java.net.InetAddress;

/**
 * Who asks: the address that stands for the client (the ECS address when the query had one, else
 * the source) and, for policies that use it, its location. Immutable.
 */
public record Client(InetAddress address, Location location) {}
