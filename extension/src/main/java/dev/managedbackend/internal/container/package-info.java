/**
 * Container mode ({@code image} / {@code dockerfile}): the only code of the extension that uses
 * Testcontainers, an optional dependency. Nothing outside this package names these classes;
 * {@code BackendStarter} reaches {@link dev.managedbackend.internal.container.ContainerLauncher}
 * by name, so process mode never loads them.
 */
package dev.managedbackend.internal.container;
