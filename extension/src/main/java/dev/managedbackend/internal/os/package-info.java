/**
 * Not API. The bottom layer: facts of the operating system and the few actions on it that everything
 * above shares. Depends on nothing else of the extension.
 */
@API(status = INTERNAL, since = "0.1")
package dev.managedbackend.internal.os;

import static org.apiguardian.api.API.Status.INTERNAL;

import org.apiguardian.api.API;
