/**
 * Traffic policies: round-robin, weighted, sticky (consistent hashing), failover and geographic
 * (rules or nearest). Each is built once per snapshot and is a pure function of client, family and
 * health, apart from lock-free rotation counters. Uses {@code geo} values and {@code
 * health.HealthView} only.
 */
package dev.meridian.policy;
