package dev.managedbackend;

import static dev.managedbackend.TestKit.DIR;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.junit.jupiter.api.Nested;
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
                        + "${users...}, but no backend named 'users' is visible here (visible: [orders]). Refer to a "
                        + "backend this test can see that lives at least as long (RUN to RUN; CLASS to CLASS or RUN; "
                        + "METHOD to any), as ${name.url}, ${name.host} or ${name.port}.");
    }

    @Test
    void aCycleOfReferencesIsAConfigurationError() {
        Throwable failure = TestKit.classFailure(TestKit.run(CycleCases.class), CycleCases.class);

        assertThat(failure).isExactlyInstanceOf(ExtensionConfigurationException.class).hasMessage(
                CycleCases.class.getName() + ": the env references of its backends form a cycle (a -> b -> a), so "
                        + "none of them could start first. Remove one of the references.");
    }

    @Test
    void referencesResolveAcrossScopesToAnyBackendTheTestCanSee() {
        TestKit.assertAllPassed(TestKit.run(AcrossScopesCases.class), 2);

        // CLASS -> RUN, METHOD -> CLASS, RUN -> RUN; and a nested class's CLASS -> the outer CLASS
        assertThat(SEEN.get("users url")).isNotNull();
        assertThat(SEEN.get("catalog sees")).isEqualTo(SEEN.get("users url"));
        assertThat(SEEN.get("cart sees")).isEqualTo(SEEN.get("catalog url"));
        assertThat(SEEN.get("audit sees")).isEqualTo(SEEN.get("users url"));
        assertThat(SEEN.get("inner sees")).isEqualTo(SEEN.get("catalog url"));
    }

    @Test
    void aRunBackendCannotReferToAClassBackend() {
        Throwable failure = TestKit.classFailure(TestKit.run(RunToClassCases.class), RunToClassCases.class);

        assertThat(failure).isExactlyInstanceOf(ExtensionConfigurationException.class).hasMessage(
                "@ManagedBackend(name = \"shared\") on " + RunToClassCases.class.getName() + ": env refers to "
                        + "${local...}, but 'local' has scope CLASS and this backend scope RUN, so it would outlive its "
                        + "target. Refer to a backend this test can see that lives at least as long (RUN to RUN; CLASS "
                        + "to CLASS or RUN; METHOD to any), as ${name.url}, ${name.host} or ${name.port}.");
        OwnProcesses.assertNoneLeft();
    }

    @Test
    void aClassBackendCannotReferToAMethodBackend() {
        Throwable failure = TestKit.classFailure(TestKit.run(ClassToMethodCases.class), ClassToMethodCases.class);

        assertThat(failure).isExactlyInstanceOf(ExtensionConfigurationException.class).hasMessageContaining(
                "env refers to ${fresh...}, but 'fresh' has scope METHOD and this backend scope CLASS, so it would "
                        + "outlive its target.");
    }

    @Test
    void anythingElseInDollarBracesIsAConfigurationErrorNotLiteralText() {
        // Reported: ${java.io.tmpdir} and a typo reached the app literally, with the test green.
        assertBadEnv(TmpdirCases.class, "TMP=${java.io.tmpdir}", "${java.io.tmpdir} is not a reference to a "
                + "backend. Only ${name.url}, ${name.host} and ${name.port} are replaced (name: a backend this test can "
                + "see); write $${ for a literal ${");
        assertBadEnv(UpperCaseTypoCases.class, "CATALOG=${catalog.URL}", "${catalog.URL} is not a reference to a "
                + "backend; did you mean ${catalog.url}?");
        assertBadEnv(UnclosedCases.class, "CATALOG=${catalog.url", "${catalog.url has no closing '}'; write "
                + "${name.url}, ${name.host} or ${name.port} to refer to another backend, or $${ for a literal ${");
    }

    @Test
    void dollarDollarBraceIsALiteralDollarBrace() {
        TestKit.assertAllPassed(TestKit.run(LiteralCases.class), 1);

        assertThat(SEEN.get("greeting")).isEqualTo("{\"greeting\":\"${HOME} costs $5\"}");
    }

    private static void assertBadEnv(Class<?> fixture, String entry, String problem) {
        Throwable failure = TestKit.classFailure(TestKit.run(fixture), fixture);
        assertThat(failure).isExactlyInstanceOf(ExtensionConfigurationException.class).hasMessage(
                "@ManagedBackend(name = \"default\") on " + fixture.getName() + ": env entry \"" + entry + "\": "
                        + problem + ".");
    }

    private static String greeting(URI backend) {
        String body = Http.get(backend + "/").body();
        return body.substring(body.indexOf("\"greeting\":\"") + 12, body.lastIndexOf('"'));
    }

    @ManagedBackend(name = "users", dir = DIR, app = "apps.hello:app", scope = Scope.RUN)
    @ManagedBackend(name = "audit", dir = DIR, app = "apps.hello:app", scope = Scope.RUN, env = "GREETING=${users.url}")
    @ManagedBackend(name = "catalog", dir = DIR, app = "apps.hello:app", env = "GREETING=${users.url}")
    @ManagedBackend(name = "cart", dir = DIR, app = "apps.hello:app", scope = Scope.METHOD,
            env = "GREETING=${catalog.url}")
    static class AcrossScopesCases {
        @Test
        void wired(@BackendUrl("users") URI users, @BackendUrl("catalog") URI catalog, @BackendUrl("cart") URI cart,
                @BackendUrl("audit") URI audit) {
            SEEN.put("users url", users.toString());
            SEEN.put("catalog url", catalog.toString());
            SEEN.put("catalog sees", greeting(catalog));
            SEEN.put("cart sees", greeting(cart));
            SEEN.put("audit sees", greeting(audit));
        }

        @Nested
        @ManagedBackend(name = "inner", dir = DIR, app = "apps.hello:app", env = "GREETING=${catalog.url}")
        class Inner {
            @Test
            void wired(@BackendUrl("inner") URI inner) {
                SEEN.put("inner sees", greeting(inner));
            }
        }
    }

    @ManagedBackend(name = "local", dir = DIR, app = "apps.hello:app")
    @ManagedBackend(name = "shared", dir = DIR, app = "apps.hello:app", scope = Scope.RUN, env = "GREETING=${local.url}")
    static class RunToClassCases {
        @Test
        void test() {
        }
    }

    @ManagedBackend(name = "fresh", dir = DIR, app = "apps.hello:app", scope = Scope.METHOD)
    @ManagedBackend(name = "lasting", dir = DIR, app = "apps.hello:app", env = "GREETING=${fresh.url}")
    static class ClassToMethodCases {
        @Test
        void test() {
        }
    }

    @ManagedBackend(dir = DIR, app = "apps.hello:app", env = "TMP=${java.io.tmpdir}")
    static class TmpdirCases {
        @Test
        void test() {
        }
    }

    @ManagedBackend(dir = DIR, app = "apps.hello:app", env = "CATALOG=${catalog.URL}")
    static class UpperCaseTypoCases {
        @Test
        void test() {
        }
    }

    @ManagedBackend(dir = DIR, app = "apps.hello:app", env = "CATALOG=${catalog.url")
    static class UnclosedCases {
        @Test
        void test() {
        }
    }

    @ManagedBackend(dir = DIR, app = "apps.hello:app", env = "GREETING=$${HOME} costs $5")
    static class LiteralCases {
        @Test
        void test(@BackendUrl URI url) {
            SEEN.put("greeting", Http.get(url + "/").body().replaceAll("\\{\"pid\":\\d+,", "{"));
        }
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
