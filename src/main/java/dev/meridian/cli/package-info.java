/**
 * The {@code meridian} command: argument parsing, the commands, and the composition root that wires
 * the loader, the reloader, the listeners and signals together. Loading and reloading live in
 * {@code engine}. May use every package; none uses it.
 */
package dev.meridian.cli;
