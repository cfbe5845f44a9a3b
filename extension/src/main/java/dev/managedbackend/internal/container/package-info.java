/**
 * Not API. Container mode ({@code image} / {@code dockerfile}): the only code of the extension that uses
 * Testcontainers, an optional dependency. Nothing outside this package names these classes;
 * {@code BackendStarter} reaches {@link dev.managedbackend.internal.container.ContainerLauncher}
 * by name, so process mode never loads them.
 */
@API(status = INTERNAL, since = "0.1")
package dev.managedbackend.internal.container;

import static org.apiguardian.api.API.Status.INTERNAL;

import org.apiguardian.api.API;
