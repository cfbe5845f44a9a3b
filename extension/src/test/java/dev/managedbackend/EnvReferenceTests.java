package dev.managedbackend;

import static dev.managedbackend.TestKit.DIR;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.ExtensionConfigurationException;

/** {@code env} values that refer to another backend of the class: "${users.url}". */
@ExtendWith(OwnProcesses.class)
class EnvReferenceTests {

    static final Map<String, Object> SEEN = new ConcurrentHashMap<>();

    @Test
    void aBackendGetsTheUrlOfTheOneItRefersToWhichStartsFirst() {
        TestKit.assertAllPassed(TestKit.run(WiredCases.class), 1);

        assertThat(SEEN.get("orders sees")).isEqualTo("{\"greeting\":\"" + SEEN.get("users url") + " port "
                + ((URI) SEEN.get("users url")).getPort() + "\"}");
    }

    @Test
    void aReferenceToAnUnknownBackendIsAConfigurationError() {
        Throwable failure = TestKit.classFailure(TestKit.run(UnknownTargetCases.class), UnknownTargetCases.class);

        assertThat(failure).isExactlyInstanceOf(ExtensionConfigurationException.class).hasMessage(
                "@ManagedBackend(name = \"orders\") on " + UnknownTargetCases.class.getName() + ": env refers to "
                        + "${users...}, but the class declares no backend named 'users' (it declares [orders]). "
                        + "Refer to a backend declared on the same class with the same scope, as ${name.url}, "
                        + "${name.host} or ${name.port}.");
    }

    @Test
    void aCycleOfReferencesIsAConfigurationError() {
        Throwable failure = TestKit.classFailure(TestKit.run(CycleCases.class), CycleCases.class);

        assertThat(failure).isExactlyInstanceOf(ExtensionConfigurationException.class).hasMessage(
                CycleCases.class.getName() + ": the env references of its backends form a cycle (a -> b -> a), so "
                        + "none of them could start first. Remove one of the references.");
    }

    @ManagedBackend(name = "orders", dir = DIR, app = "apps.hello:app", env = "GREETING=${users.url} port ${users.port}")
    @ManagedBackend(name = "users", dir = DIR, app = "apps.hello:app")
    static class WiredCases {
        @Test
        void wired(@BackendUrl("users") URI users, @BackendUrl("orders") URI orders) {
            SEEN.put("users url", users);
            String body = Http.get(orders + "/").body();
            SEEN.put("orders sees", body.replaceAll("\"pid\":\\d+,", "").replaceAll("\\{\"pid\":\\d+,", "{"));
        }
    }

    @ManagedBackend(name = "orders", dir = DIR, app = "apps.hello:app", env = "USERS=${users.url}")
    static class UnknownTargetCases {
        @Test
        void test() {
        }
    }

    @ManagedBackend(name = "a", dir = DIR, app = "apps.hello:app", env = "B=${b.url}")
    @ManagedBackend(name = "b", dir = DIR, app = "apps.hello:app", env = "A=${a.url}")
    static class CycleCases {
        @Test
        void test() {
        }
    }
}
