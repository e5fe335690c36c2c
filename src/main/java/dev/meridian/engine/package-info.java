/**
 * The query path: {@link dev.meridian.engine.QueryEngine} answers from one immutable {@link
 * dev.meridian.engine.Snapshot}, read once per query from the {@link
 * dev.meridian.engine.SnapshotHolder} that reloads swap atomically. No locks on the query path.
 */
package dev.meridian.engine;
