/**
 * Not API. What the command line ({@code dev.managedbackend.cli}) may use of the library besides
 * its public API: a few types, each named for one job (the settings a terminal reads, detached
 * backends, the reap, who holds a port, a backend's health now, the children of {@code run}),
 * so that the command line needs no internal class and no cast. Above {@code internal}; nothing
 * of the library uses it.
 */
@API(status = INTERNAL, since = "0.1", consumers = "dev.managedbackend.cli")
package dev.managedbackend.terminal;

import static org.apiguardian.api.API.Status.INTERNAL;

import org.apiguardian.api.API;
