/**
 * The {@code meridian} command and the composition root: reads the configuration, loads zones,
 * builds the first snapshot and starts the listeners. May use every package; none uses it.
 */
package dev.meridian.cli;
