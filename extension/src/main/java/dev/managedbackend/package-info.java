/**
 * Starts HTTP backends for integration tests: picks a free port, starts the backend (a uvicorn
 * app, any command, or a container), waits until its health path answers, hands the test its
 * URL, and stops it, also when the test JVM is killed (see the user guide's "Crash safety and its
 * limits" for the platforms where that holds).
 *
 * <p>The entry points:
 * <ul>
 *   <li>{@link dev.managedbackend.ManagedBackend}, the annotation on a test class: the annotation
 *       alone registers the extension. Its attributes' defaults can be configured under
 *       {@code managedbackend.*} keys in {@code junit-platform.properties}.</li>
 *   <li>{@link dev.managedbackend.BackendUrl}, {@link dev.managedbackend.Backend} and
 *       {@link dev.managedbackend.Backends}: what a test gets injected (a parameter or a
 *       field).</li>
 *   <li>{@link dev.managedbackend.BackendBuilder}, a backend described in code, registered with
 *       {@link dev.managedbackend.ManagedBackendExtension} on a {@code @RegisterExtension} field
 *       or started outside JUnit with {@link dev.managedbackend.BackendBuilder#start()}.</li>
 *   <li>{@link dev.managedbackend.Scope}: how long a backend lives and which tests share it.</li>
 * </ul>
 *
 * <p>Status, as marked by {@code @API} on each type. {@code STABLE}: {@code ManagedBackend} and
 * {@code ManagedBackends}, {@code BackendUrl}, {@code Backend}, {@code Backends}, {@code Scope}
 * and the exceptions {@code BackendConfigurationException}, {@code BackendStartException} and
 * {@code BackendNotRunningException}. {@code EXPERIMENTAL}, which may change in a minor release:
 * the builder API, {@code BackendBuilder} and {@code ManagedBackendExtension}, and the choices
 * {@code InheritEnv} and {@code Prefork}. {@code INTERNAL}, not API: {@code BackendEngine},
 * {@code BackendBuilder.Description} and {@code BackendBuilder.ComputedEnv}, and the packages
 * {@code dev.managedbackend.engine} and {@code dev.managedbackend.internal}.
 */
@API(status = STABLE, since = "0.1")
package dev.managedbackend;

import static org.apiguardian.api.API.Status.STABLE;

import org.apiguardian.api.API;
