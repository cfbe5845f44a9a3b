/**
 * Crash safety, not API: the ledger, its sweep and the watchdog, so that no backend outlives a
 * test JVM however it ends. Uses only {@link dev.managedbackend.internal.os}.
 */
@API(status = INTERNAL, since = "0.1")
package dev.managedbackend.internal.crash;

import static org.apiguardian.api.API.Status.INTERNAL;

import org.apiguardian.api.API;
