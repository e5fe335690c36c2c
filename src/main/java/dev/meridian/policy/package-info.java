/**
 * Traffic policies: round-robin, weighted, sticky (consistent hashing), failover and geographic
 * (rules or nearest). Each is built once per snapshot and is a pure function of client, family and
 * health, apart from lock-free rotation counters. Geographic policies route by a {@code RouteMap}
 * built once per database and rules: networks merged where their region order is the same, so the
 * ECS scope is the widest block that routes alike. Uses {@code geo} values and {@code
 * health.HealthView} only.
 */
package dev.meridian.policy;
