/**
 * The operators' window: the admin HTTP API ({@code /status}, {@code /reload}, {@code /health/...},
 * {@code /explain}, {@code /metrics}, {@code /events}), the live map served from the jar ({@code /}
 * and {@code /ui/}), and the webhook sender for events. Bound to loopback unless a bearer token is
 * configured. Its own threads; never on the query path. Uses {@code engine} (status, reload,
 * overrides, explanations), {@code health} and {@code metrics}. Config keys: admin.listen,
 * admin.token, admin.token_file, events.keep, events.webhooks, events.timeout.
 */
package dev.meridian.admin;
