package dev.meridian.config;

import java.nio.file.Path;
import java.time.Duration;

/**
 * Health settings of the whole server. Immutable.
 *
 * @param publishInterval bursts of state changes within this time are published together
 * @param stateFile where drains and forced states are kept (survives reloads and restarts)
 */
public record HealthSpec(Duration publishInterval, Path stateFile) {}
