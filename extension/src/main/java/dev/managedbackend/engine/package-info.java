/**
 * The engine, not API: what {@link dev.managedbackend.ManagedBackendExtension} and
 * {@link dev.managedbackend.BackendBuilder#start()} hand their work to (through
 * {@link dev.managedbackend.BackendEngine}): the JUnit levels and their plans, the annotations and
 * fields read as declarations, injection, failure reports. It sits above the core and uses the
 * API beneath it; the API never uses it. Its types change without notice.
 */
@API(status = INTERNAL, since = "0.1")
package dev.managedbackend.engine;

import static org.apiguardian.api.API.Status.INTERNAL;

import org.apiguardian.api.API;
