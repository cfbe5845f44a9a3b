/**
 * The core, not API: specs and their rules, settings, ports, launch, readiness and stop. Its
 * types are public only so that the extension, the command line and the tests can use them;
 * they change without notice. Use {@link dev.managedbackend} instead.
 */
@API(status = INTERNAL, since = "0.1")
package dev.managedbackend.internal;

import static org.apiguardian.api.API.Status.INTERNAL;

import org.apiguardian.api.API;
