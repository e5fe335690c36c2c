/**
 * {@code meridian.yaml} to a validated, immutable {@link dev.meridian.config.MeridianConfig}. Every
 * error names file, line and key path and what is allowed; unknown keys are errors. Keys: listen,
 * zone_dir, udp_workers, edns.payload_size, tcp.*, rate_limit.*, any_queries, minimal_responses,
 * transfer.allow (README, "Configuration"). Uses nothing of ours.
 */
package dev.meridian.config;
