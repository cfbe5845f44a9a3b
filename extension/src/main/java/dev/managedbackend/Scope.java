package dev.managedbackend;

import static org.apiguardian.api.API.Status.STABLE;

import org.apiguardian.api.API;

/** How long a backend lives, and which tests share it. */
@API(status = STABLE, since = "0.1")
public enum Scope {
    /** One backend per test class, shared by its tests and its {@code @Nested} classes. */
    CLASS,
    /** A fresh backend for every test method: for tests that change the backend's state. */
    METHOD,
    /**
     * One backend per launcher execution (it lives in JUnit's root store), shared by every class
     * of that execution that declares an identical backend (all attributes equal), and stopped
     * when the execution ends. Under Maven one Surefire or Failsafe fork is one execution; a JVM
     * that runs the launcher twice (an IDE, {@code EngineTestKit}) gets one per execution.
     */
    RUN,
    /**
     * Not a scope: the default of {@link ManagedBackend#scope()}, meaning "not written", so the
     * configured {@value ManagedBackend#SCOPE_PROPERTY_NAME} applies, else {@link #CLASS}.
     */
    DEFAULT
}
