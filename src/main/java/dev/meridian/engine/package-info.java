/**
 * The query path and what feeds it. {@link dev.meridian.engine.QueryEngine} answers from one
 * immutable {@link dev.meridian.engine.Snapshot}, read once per query from the {@link
 * dev.meridian.engine.SnapshotHolder}; no locks on the query path. {@link
 * dev.meridian.engine.SnapshotLoader} is the one loader behind serve, check and explain (zone
 * files, journal replay, geo database, snapshot build); {@link dev.meridian.engine.Reloader} owns
 * what a reload replaces (configuration, snapshot, health monitor), is the only writer of reloads
 * (SIGHUP, file changes and the admin API all come through it, one at a time) and publishes each
 * new snapshot with one reference swap.
 */
package dev.meridian.engine;
