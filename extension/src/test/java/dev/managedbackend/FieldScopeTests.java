package dev.managedbackend;

import static dev.managedbackend.TestKit.DIR;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.ExtensionConfigurationException;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Every kind of {@code @RegisterExtension} field (static or instance) with every scope (CLASS,
 * METHOD, RUN) either works, {@code backend()} giving the backend of the current test, or is
 * refused before any test runs with a message that says what to write instead.
 */
@ExtendWith(OwnProcesses.class)
class FieldScopeTests {

    @Test
    void staticClassIsOneBackendForTheClass() {
        StaticClassCases.pids.clear();
        TestKit.assertAllPassed(TestKit.run(StaticClassCases.class), 2);
        assertThat(StaticClassCases.pids).hasSize(1);
    }

    @Test
    void staticMethodIsAFreshBackendPerTestAndBackendReturnsTheCurrentOne() {
        StaticMethodCases.pids.clear();
        TestKit.assertAllPassed(TestKit.run(StaticMethodCases.class), 2);
        assertThat(StaticMethodCases.pids).hasSize(2);
        assertThat(StaticMethodCases.beforeAll).isEqualTo("the backend of @RegisterExtension static field api of "
                + StaticMethodCases.class.getName() + " has scope METHOD: there is one per test, from the test's "
                + "beforeEach to its end, and none outside a test (a static initializer, @BeforeAll, @AfterAll, or "
                + "another thread). Read it in @BeforeEach or the test, or make it a backend of the class (leave "
                + "scope out).");
    }

    @Test
    void staticRunIsOneBackendForEveryClassThatDeclaresIt() {
        StaticRunCases.pids.clear();
        TestKit.assertAllPassed(TestKit.run(StaticRunCases.class, OtherStaticRunCases.class), 2);
        assertThat(StaticRunCases.pids).hasSize(1);
    }

    /** {@code scope(Scope.DEFAULT)} means what the annotation's DEFAULT means: the configured scope, else CLASS. */
    @Test
    void staticDefaultTakesTheConfiguredScope() {
        StaticDefaultCases.pids.clear();
        TestKit.assertAllPassed(TestKit.run(Map.of(ManagedBackend.SCOPE_PROPERTY_NAME, "method"),
                StaticDefaultCases.class), 2);
        assertThat(StaticDefaultCases.pids).hasSize(2).doesNotHaveDuplicates();
    }

    @Test
    void staticDefaultIsOneBackendForTheClassWhenNoScopeIsConfigured() {
        StaticDefaultCases.pids.clear();
        TestKit.assertAllPassed(TestKit.run(StaticDefaultCases.class), 2);
        assertThat(StaticDefaultCases.pids).hasSize(2).containsOnly(StaticDefaultCases.pids.get(0));
    }

    @Test
    void instanceMethodIsAFreshBackendPerTest() {
        InstanceMethodCases.pids.clear();
        TestKit.assertAllPassed(TestKit.run(InstanceMethodCases.class), 2);
        assertThat(InstanceMethodCases.pids).hasSize(2);
    }

    @Test
    void anOuterInstanceFieldIsAFreshBackendForEachNestedTestToo() {
        TestKit.assertAllPassed(TestKit.run(OuterInstanceFieldCases.class), 2);
    }

    @Test
    void instanceClassIsRefused() {
        assertRefused(InstanceClassCases.class, "CLASS");
    }

    @Test
    void instanceRunIsRefused() {
        assertRefused(InstanceRunCases.class, "RUN");
    }

    private static void assertRefused(Class<?> fixture, String scope) {
        Throwable failure = TestKit.testFailure(TestKit.run(fixture), "test");

        assertThat(failure).isInstanceOf(ExtensionConfigurationException.class).hasMessage("@RegisterExtension field "
                + "api of " + fixture.getName() + ": scope = " + scope + " does not apply to an instance field, whose "
                + "backend is started for each test. Make the field static for a backend of the class (or of the "
                + "run), or leave scope out.");
    }

    private static BackendBuilder hello() {
        return BackendBuilder.app("apps.hello:app").dir(DIR);
    }

    static class StaticClassCases {
        static final Set<Long> pids = ConcurrentHashMap.newKeySet();

        @RegisterExtension
        static ManagedBackendExtension api = new ManagedBackendExtension(hello().scope(Scope.CLASS));

        @BeforeAll
        static void theBackendIsThereForBeforeAll() {
            pids.add(api.backend().pid().getAsLong());
        }

        @Test
        void first(Backend backend) {
            assertThat(api.backend()).isSameAs(backend);
            pids.add(backend.pid().getAsLong());
        }

        @Test
        void second(Backend backend) {
            assertThat(api.backend()).isSameAs(backend);
            pids.add(backend.pid().getAsLong());
        }
    }

    static class StaticMethodCases {
        static final List<Long> pids = new CopyOnWriteArrayList<>();
        static volatile String beforeAll;

        @RegisterExtension
        static ManagedBackendExtension api = new ManagedBackendExtension(hello().scope(Scope.METHOD));

        @BeforeAll
        static void noBackendOutsideATest() {
            assertThatThrownBy(api::backend).isInstanceOf(BackendNotRunningException.class)
                    .satisfies(e -> beforeAll = e.getMessage());
        }

        @BeforeEach
        void theTestsBackendIsThereForBeforeEach(Backend backend) {
            assertThat(api.backend()).isSameAs(backend);
        }

        @Test
        void first(Backend backend) {
            assertThat(api.backend()).isSameAs(backend);
            assertThat(Http.get(backend.baseUrl() + "/health").status()).isEqualTo(200);
            pids.add(backend.pid().getAsLong());
        }

        @Test
        void second(Backend backend) {
            assertThat(api.backend()).isSameAs(backend);
            pids.add(backend.pid().getAsLong());
        }
    }

    static class StaticDefaultCases {
        static final List<Long> pids = new CopyOnWriteArrayList<>();

        @RegisterExtension
        static ManagedBackendExtension api = new ManagedBackendExtension(hello().scope(Scope.DEFAULT));

        @Test
        void first(Backend backend) {
            pids.add(backend.pid().getAsLong());
        }

        @Test
        void second(Backend backend) {
            pids.add(backend.pid().getAsLong());
        }
    }

    static class StaticRunCases {
        static final Set<Long> pids = ConcurrentHashMap.newKeySet();

        @RegisterExtension
        static ManagedBackendExtension api = new ManagedBackendExtension(hello().scope(Scope.RUN));

        @Test
        void test(Backend backend) {
            assertThat(api.backend()).isSameAs(backend);
            pids.add(backend.pid().getAsLong());
        }
    }

    static class OtherStaticRunCases {
        @RegisterExtension
        static ManagedBackendExtension api = new ManagedBackendExtension(hello().scope(Scope.RUN));

        @Test
        void test(Backend backend) {
            assertThat(api.backend()).isSameAs(backend);
            StaticRunCases.pids.add(backend.pid().getAsLong());
        }
    }

    static class InstanceMethodCases {
        static final List<Long> pids = new CopyOnWriteArrayList<>();

        @RegisterExtension
        ManagedBackendExtension api = new ManagedBackendExtension(hello().scope(Scope.METHOD));

        @Test
        void first(Backend backend) {
            assertThat(api.backend()).isSameAs(backend);
            pids.add(backend.pid().getAsLong());
        }

        @Test
        void second(Backend backend) {
            assertThat(api.backend()).isSameAs(backend);
            pids.add(backend.pid().getAsLong());
        }
    }

    static class OuterInstanceFieldCases {
        @RegisterExtension
        ManagedBackendExtension api = new ManagedBackendExtension(hello());

        @BackendUrl("api")
        URI url;

        @Test
        void outer(Backend backend) {
            assertThat(api.backend()).isSameAs(backend);
            assertThat(url).isEqualTo(backend.baseUrl());
        }

        @Nested
        class Inner {
            @Test
            void inner(Backend backend) {
                assertThat(api.backend()).isSameAs(backend);
                assertThat(url).isEqualTo(backend.baseUrl());
            }
        }
    }

    static class InstanceClassCases {
        @RegisterExtension
        ManagedBackendExtension api = new ManagedBackendExtension(hello().scope(Scope.CLASS));

        @Test
        void test() {
        }
    }

    static class InstanceRunCases {
        @RegisterExtension
        ManagedBackendExtension api = new ManagedBackendExtension(hello().scope(Scope.RUN));

        @Test
        void test() {
        }
    }
}
