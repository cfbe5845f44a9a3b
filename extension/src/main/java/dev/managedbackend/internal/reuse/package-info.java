/**
 * Not API. Reuse between runs: a {@code CLASS} or {@code RUN} backend that outlives its test JVM,
 * found again by the next run with the same resolved spec (its key) and the same fingerprint of
 * what it runs, guarded by a per-key lock, renewed while in use and stopped by its keeper once
 * idle. Uses the crash guard (the keeper, detached ledger entries) and the {@code os} layer; the
 * core decides when a backend is reused and checks its health.
 */
@API(status = INTERNAL, since = "0.1")
package dev.managedbackend.internal.reuse;

import static org.apiguardian.api.API.Status.INTERNAL;

import org.apiguardian.api.API;
