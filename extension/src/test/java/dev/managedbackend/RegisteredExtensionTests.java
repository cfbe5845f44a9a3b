package dev.managedbackend;

import static dev.managedbackend.TestKit.DIR;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Backends described in code on {@code @RegisterExtension} fields, with real uvicorn: a static
 * field's backend is named after the field, values are computed when the backend starts, and
 * annotations and fields of one class work together. Every field kind with every scope:
 * {@link FieldScopeTests}.
 */
@ExtendWith(OwnProcesses.class)
class RegisteredExtensionTests {

    @Test
    void aStaticFieldIsOneBackendForTheClassNamedAfterTheField() {
        StaticFieldCases.pids.clear();
        TestKit.assertAllPassed(TestKit.run(StaticFieldCases.class), 2);
        assertThat(StaticFieldCases.pids).hasSize(1);
    }

    @Test
    void anEnvValueIsComputedWhenTheBackendStartsFromWhatAnEarlierExtensionMade() {
        TestKit.assertAllPassed(TestKit.run(RuntimeValueCases.class), 1);
    }

    @Test
    void annotationsAndFieldsOfOneClassAreOneSetOfBackends() {
        TestKit.assertAllPassed(TestKit.run(AnnotationAndFieldCases.class), 1);
    }

    @Test
    void aSupplierThatThrowsFailsTheStartNamingTheKey() {
        Throwable failure = TestKit.classFailure(TestKit.run(ThrowingSupplierCases.class), ThrowingSupplierCases.class);

        assertThat(failure).isInstanceOf(BackendStartException.class).hasMessageStartingWith("backend 'api': the value "
                + "of env TOKEN could not be computed: its supplier threw java.lang.IllegalStateException: no token yet.");
    }

    static class StaticFieldCases {
        static final Set<Long> pids = ConcurrentHashMap.newKeySet();

        @RegisterExtension
        static ManagedBackendExtension api = new ManagedBackendExtension(BackendBuilder.app("apps.hello:app").dir(DIR));

        @BeforeAll
        static void backendIsThereForBeforeAll() {
            assertThat(api.backend().name()).isEqualTo("api");
            assertThat(api.backend().isRunning()).isTrue();
        }

        @Test
        void first(@BackendUrl("api") URI url, Backend backend) {
            assertThat(url).isEqualTo(api.backend().baseUrl()).isEqualTo(backend.baseUrl());
            pids.add(backend.pid().getAsLong());
        }

        @Test
        void second(Backend backend) {
            assertThat(Http.get(backend.baseUrl() + "/health").status()).isEqualTo(200);
            pids.add(backend.pid().getAsLong());
        }
    }

    /** Stands for Testcontainers and the like: makes a resource in its beforeAll. */
    static final class Database implements BeforeAllCallback {
        volatile String url;

        @Override
        public void beforeAll(ExtensionContext context) {
            url = "sqlite:///" + context.getRequiredTestClass().getSimpleName() + "-" + System.nanoTime() + ".db";
        }
    }

    static class RuntimeValueCases {
        @RegisterExtension
        @Order(1)
        static Database db = new Database();

        @RegisterExtension
        @Order(2)
        static ManagedBackendExtension api = new ManagedBackendExtension(BackendBuilder.app("apps.env:app").dir(DIR)
                .env("DATABASE_URL", () -> db.url)
                .env("LITERAL", () -> "${not.a.reference}"));

        @Test
        void test(@BackendUrl URI url) {
            assertThat(db.url).isNotNull();
            assertThat(Http.get(url + "/env/DATABASE_URL").body()).contains(db.url);
            assertThat(Http.get(url + "/env/LITERAL").body()).contains("${not.a.reference}");
        }
    }

    @ManagedBackend(name = "users", dir = DIR, app = "apps.hello:app")
    static class AnnotationAndFieldCases {
        @RegisterExtension
        static ManagedBackendExtension orders = new ManagedBackendExtension(BackendBuilder.app("apps.env:app").dir(DIR)
                .env("USERS_URL=${users.url}"));

        @Test
        void test(Backends backends, @BackendUrl("users") URI users, @BackendUrl("orders") URI ordersUrl) {
            assertThat(backends.all()).extracting(Backend::name).containsExactly("users", "orders");
            assertThat(Http.get(ordersUrl + "/env/USERS_URL").body()).contains(users.toString());
        }
    }

    static class ThrowingSupplierCases {
        @RegisterExtension
        static ManagedBackendExtension api = new ManagedBackendExtension(BackendBuilder.app("apps.hello:app").dir(DIR)
                .env("TOKEN", () -> {
                    throw new IllegalStateException("no token yet");
                }));

        @Test
        void test() {
        }
    }
}
