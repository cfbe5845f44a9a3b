/**
 * Not API. Prefork: Python processes that import uvicorn and an app once ("templates", one per distinct
 * interpreter, folder, uvicorn arguments and environment) and fork a fresh backend on request.
 * The Python side is {@code template.py} beside these classes. Uses the crash guard and the
 * {@code os} layer; the core decides when to fork and runs the forked backend like any other.
 */
@API(status = INTERNAL, since = "0.1")
package dev.managedbackend.internal.prefork;

import static org.apiguardian.api.API.Status.INTERNAL;

import org.apiguardian.api.API;
