package dev.managedbackend;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import java.net.URI;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.ExtensionConfigurationException;
import org.junit.jupiter.api.extension.ParameterResolutionException;
import org.junit.platform.testkit.engine.EngineExecutionResults;

/**
 * Asking for what cannot be injected fails the asking test (or class) with a message that names
 * the injection point, what it asked for and what exists. The backends started for these
 * fixtures are still stopped.
 */
@ExtendWith(OwnProcesses.class)
class InjectionTests {

    @Test
    void failuresOfSingleInjectionPoints() {
        EngineExecutionResults results = TestKit.run(TwoBackendsCases.class);

        results.testEvents().assertStatistics(stats -> stats.started(5).succeeded(1).failed(4));
        assertThat(TestKit.testFailure(results, "intParameter"))
                .isExactlyInstanceOf(ParameterResolutionException.class)
                .hasMessage("@BackendUrl parameter int arg0 of TwoBackendsCases.intParameter(int) has type int, "
                        + "which cannot hold a URL; use java.net.URI, java.net.URL, String or okhttp3.HttpUrl.")
                .hasCauseExactlyInstanceOf(ExtensionConfigurationException.class); // the cause is kept
        assertThat(TestKit.testFailure(results, "unknownName"))
                .isExactlyInstanceOf(ParameterResolutionException.class)
                .hasMessage("parameter URI arg1 of TwoBackendsCases.unknownName(URI, URI) asks for backend "
                        + "'nope', but there is none by that name; backends of this test: 'a', 'b'.");
        assertThat(TestKit.testFailure(results, "onlyUrlOfTwo"))
                .isExactlyInstanceOf(ParameterResolutionException.class)
                .hasMessage("parameter String arg0 of TwoBackendsCases.onlyUrlOfTwo(String) asks for the only "
                        + "backend of this test, but there are several; backends of this test: 'a', 'b'. Name "
                        + "one, e.g. @BackendUrl(\"a\") URI, or take Backends and call get(\"a\").");
        assertThat(TestKit.testFailure(results, "onlyBackendOfTwo"))
                .isExactlyInstanceOf(ParameterResolutionException.class)
                .hasMessage("parameter Backend arg0 of TwoBackendsCases.onlyBackendOfTwo(Backend) asks for the "
                        + "only backend of this test, but there are several; backends of this test: 'a', 'b'. "
                        + "Name one, e.g. @BackendUrl(\"a\") URI, or take Backends and call get(\"a\").");
    }

    @Test
    void backendsGetWithAnUnknownName() {
        EngineExecutionResults results = TestKit.run(BackendsGetCases.class);

        assertThat(TestKit.testFailure(results, "unknown"))
                .isExactlyInstanceOf(IllegalArgumentException.class)
                .hasMessage("No backend named 'nope'; backends of this test: 'default'.");
    }

    @Test
    void finalInstanceField() {
        EngineExecutionResults results = TestKit.run(FinalInstanceFieldCases.class);

        results.testEvents().assertStatistics(stats -> stats.started(1).failed(1));
        assertThat(TestKit.testFailure(results, "test"))
                .isExactlyInstanceOf(ExtensionConfigurationException.class)
                .hasMessage("@BackendUrl field String url of " + FinalInstanceFieldCases.class.getName()
                        + " is final; remove final so the URL can be injected.");
    }

    @Test
    void finalStaticField() {
        EngineExecutionResults results = TestKit.run(FinalStaticFieldCases.class);

        assertThat(TestKit.classFailure(results, FinalStaticFieldCases.class))
                .isExactlyInstanceOf(ExtensionConfigurationException.class)
                .hasMessage("@BackendUrl field URI URL of " + FinalStaticFieldCases.class.getName()
                        + " is final; remove final so the URL can be injected.");
    }

    @Test
    void staticFieldOfAnUnsupportedType() {
        EngineExecutionResults results = TestKit.run(IntFieldCases.class);

        assertThat(TestKit.classFailure(results, IntFieldCases.class))
                .isExactlyInstanceOf(ExtensionConfigurationException.class)
                .hasMessage("@BackendUrl field int port of " + IntFieldCases.class.getName() + " has type int, "
                        + "which cannot hold a URL; use java.net.URI, java.net.URL, String or okhttp3.HttpUrl.");
    }

    @Test
    void methodScopedBackendAskedForInBeforeAll() {
        EngineExecutionResults results = TestKit.run(MethodScopeInBeforeAllCases.class);

        assertThat(TestKit.classFailure(results, MethodScopeInBeforeAllCases.class))
                .isExactlyInstanceOf(ParameterResolutionException.class)
                .hasMessage("parameter URI arg0 of MethodScopeInBeforeAllCases.beforeAll(URI) asks for the "
                        + "backend of this test, but none is running here (scope METHOD backends [default] "
                        + "exist only inside a test method, not in static fields, constructors or @BeforeAll).");
    }

    /** A quick server for fixtures that need one running but do not care what it is. */
    @Target(ElementType.TYPE)
    @Retention(RetentionPolicy.RUNTIME)
    @ManagedBackend(dir = TestKit.DIR, healthPath = "",
            command = {"python3", "-m", "http.server", "{port}", "--bind", "{host}"})
    @interface HttpServer {
    }

    @ManagedBackend(name = "a", dir = TestKit.DIR, healthPath = "",
            command = {"python3", "-m", "http.server", "{port}", "--bind", "{host}"})
    @ManagedBackend(name = "b", dir = TestKit.DIR, healthPath = "",
            command = {"python3", "-m", "http.server", "{port}", "--bind", "{host}"})
    static class TwoBackendsCases {

        @Test
        void intParameter(@BackendUrl int port) {
        }

        @Test
        void unknownName(@BackendUrl("a") URI a, @BackendUrl("nope") URI nope) {
        }

        @Test
        void onlyUrlOfTwo(@BackendUrl String url) {
        }

        @Test
        void onlyBackendOfTwo(Backend backend) {
        }

        @Test
        void named(@BackendUrl("a") URI a, @BackendUrl("b") URI b) {
        }
    }

    @HttpServer
    static class BackendsGetCases {
        @Test
        void unknown(Backends backends) {
            backends.get("nope");
        }
    }

    @HttpServer
    static class FinalInstanceFieldCases {
        @BackendUrl
        final String url = null;

        @Test
        void test() {
        }
    }

    @HttpServer
    static class FinalStaticFieldCases {
        @BackendUrl
        static final URI URL = null;

        @Test
        void test() {
        }
    }

    @HttpServer
    static class IntFieldCases {
        @BackendUrl
        static int port;

        @Test
        void test() {
        }
    }

    @ManagedBackend(dir = TestKit.DIR, healthPath = "", scope = Scope.METHOD,
            command = {"python3", "-m", "http.server", "{port}", "--bind", "{host}"})
    static class MethodScopeInBeforeAllCases {
        @BeforeAll
        static void beforeAll(@BackendUrl URI url) {
        }

        @Test
        void test() {
        }
    }
}
