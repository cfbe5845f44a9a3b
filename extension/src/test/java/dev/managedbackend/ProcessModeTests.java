package dev.managedbackend;

import static dev.managedbackend.TestKit.DIR;
import static org.assertj.core.api.Assertions.assertThat;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import java.net.URI;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestInstance.Lifecycle;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.platform.testkit.engine.EngineExecutionResults;

import okhttp3.HttpUrl;

/** A uvicorn app started once for a class: every injection point, the process, and its teardown. */
@ExtendWith(OwnProcesses.class)
class ProcessModeTests {

    /** What the fixtures saw while their backend ran. */
    static final Map<String, Object> SEEN = new ConcurrentHashMap<>();

    @BeforeEach
    void forget() {
        SEEN.clear();
    }

    @Test
    void startsUvicornOnceForTheClassAndInjectsItsUrlEverywhere() {
        EngineExecutionResults results = TestKit.run(HelloCases.class);

        TestKit.assertAllPassed(results, 2);
        long pid = (Long) SEEN.get("pid");
        int port = (Integer) SEEN.get("port");
        String url = "http://127.0.0.1:" + port;
        assertThat(SEEN.get("host")).isEqualTo("127.0.0.1");
        assertThat(SEEN.get("name")).isEqualTo("default");
        assertThat(port).isBetween(20000, 32767);
        assertThat(SEEN).containsEntry("URI", URI.create(url))
                .containsEntry("URL", url)
                .containsEntry("String", url)
                .containsEntry("HttpUrl", HttpUrl.get(url))
                .containsEntry("baseUrl", URI.create(url))
                .containsEntry("static field", URI.create(url))
                .containsEntry("instance field", url)
                .containsEntry("constructor", HttpUrl.get(url))
                .containsEntry("@BeforeAll parameter", URI.create(url))
                .containsEntry("@BeforeAll Backend pid", pid)
                .containsEntry("Backends", List.of("default"))
                .containsEntry("running", true)
                .containsEntry("GET /health", new Http.Answer(200, "{\"status\":\"ok\"}"))
                .containsEntry("GET /", new Http.Answer(200, "{\"pid\":" + pid + ",\"greeting\":\"hi\"}"));
        assertThat(SEEN.get("second test pid")).describedAs("one backend for the class").isEqualTo(pid);
        Path log = (Path) SEEN.get("logFile");
        assertThat(log).exists().hasParent(Path.of("target/managed-backend").toAbsolutePath());
        assertThat(log.getFileName().toString()).startsWith("ProcessModeTests_HelloCases-default-");

        assertThat(OwnProcesses.isAlive(pid)).describedAs("backend process after the class").isFalse();
        @SuppressWarnings("unchecked")
        List<Long> descendants = (List<Long>) SEEN.get("descendants");
        assertThat(descendants).filteredOn(OwnProcesses::isAlive).describedAs("its descendants").isEmpty();
        assertThat(OwnProcesses.canBind(port)).describedAs("port " + port + " free after the class").isTrue();
        assertThat(log).content().contains("[managed-backend] starting ", " -m uvicorn apps.hello:app --port "
                + port + " --host 127.0.0.1");
    }

    @Test
    void perClassLifecycleGetsTheUrlInItsConstructorAndInFieldsBeforeNonStaticBeforeAll() {
        EngineExecutionResults results = TestKit.run(PerClassCases.class);

        TestKit.assertAllPassed(results, 2);
        URI url = (URI) SEEN.get("baseUrl");
        assertThat(SEEN).containsEntry("constructor", url)
                .containsEntry("field in @BeforeAll", url)
                .containsEntry("second test pid", SEEN.get("first test pid"));
        assertThat(OwnProcesses.isAlive((Long) SEEN.get("first test pid"))).isFalse();
    }

    @Test
    void nestedClassesShareTheOuterBackend() {
        EngineExecutionResults results = TestKit.run(OuterCases.class);

        TestKit.assertAllPassed(results, 2);
        long pid = (Long) SEEN.get("outer pid");
        assertThat(SEEN).containsEntry("inner pid", pid)
                .containsEntry("inner Backends", List.of("default"))
                .containsEntry("outer field seen from inner", SEEN.get("inner url"))
                .containsEntry("inner field", SEEN.get("inner url"));
        assertThat(OwnProcesses.isAlive(pid)).isFalse();
    }

    @Test
    void aNestedClassMayDeclareABackendOfItsOwnBesideTheOuterOne() {
        EngineExecutionResults results = TestKit.run(OuterWithInnerBackendCases.class);

        TestKit.assertAllPassed(results, 2);
        assertThat(SEEN).containsEntry("inner all", List.of("default", "files"))
                .containsEntry("outer all", List.of("default"))
                .containsEntry("inner default pid", SEEN.get("outer default pid"))
                .containsEntry("files /", 200);
        assertThat(OwnProcesses.isAlive((Long) SEEN.get("files pid"))).isFalse();
        assertThat(OwnProcesses.isAlive((Long) SEEN.get("outer default pid"))).isFalse();
    }

    @Test
    void subclassesInheritTheAnnotation() {
        EngineExecutionResults results = TestKit.run(InheritingCases.class);

        TestKit.assertAllPassed(results, 1);
        assertThat(SEEN).containsEntry("inherited", new Http.Answer(200, "{\"status\":\"ok\"}"));
        assertThat(OwnProcesses.isAlive((Long) SEEN.get("pid"))).isFalse();
    }

    @Test
    void aComposedAnnotationWorksLikeTheAnnotationItself() {
        EngineExecutionResults results = TestKit.run(ComposedCases.class);

        TestKit.assertAllPassed(results, 1);
        assertThat(SEEN).containsEntry("composed", new Http.Answer(200, "{\"status\":\"ok\"}"));
        assertThat(OwnProcesses.isAlive((Long) SEEN.get("pid"))).isFalse();
    }

    @ManagedBackend(dir = DIR, app = "apps.hello:app", env = "GREETING=hi")
    static class HelloCases {

        @BackendUrl
        static URI staticField;
        @BackendUrl
        String instanceField;
        private final HttpUrl fromConstructor;

        HelloCases(@BackendUrl HttpUrl url) {
            this.fromConstructor = url;
        }

        @BeforeAll
        static void beforeAll(@BackendUrl URI url, Backend backend) {
            SEEN.put("@BeforeAll parameter", url);
            SEEN.put("@BeforeAll Backend pid", backend.pid().getAsLong());
            SEEN.put("static field", staticField);
        }

        @Test
        void first(@BackendUrl URI uri, @BackendUrl URL url, @BackendUrl String string, @BackendUrl HttpUrl httpUrl,
                Backend backend, Backends backends) {
            SEEN.put("URI", uri);
            SEEN.put("URL", url.toString());
            SEEN.put("String", string);
            SEEN.put("HttpUrl", httpUrl);
            SEEN.put("instance field", instanceField);
            SEEN.put("constructor", fromConstructor);
            SEEN.put("pid", backend.pid().getAsLong());
            SEEN.put("port", backend.port());
            SEEN.put("host", backend.host());
            SEEN.put("name", backend.name());
            SEEN.put("baseUrl", backend.baseUrl());
            SEEN.put("logFile", backend.logFile());
            SEEN.put("running", backend.isRunning());
            SEEN.put("Backends", backends.all().stream().map(Backend::name).toList());
            SEEN.put("GET /health", Http.get(uri + "/health"));
            SEEN.put("GET /", Http.get(uri + "/"));
            SEEN.put("descendants", OwnProcesses.descendants(backend.pid().getAsLong()));
        }

        @Test
        void second(Backend backend) {
            SEEN.put("second test pid", backend.pid().getAsLong());
        }
    }

    @ManagedBackend(dir = DIR, app = "apps.hello:app")
    @TestInstance(Lifecycle.PER_CLASS)
    @TestMethodOrder(MethodOrderer.MethodName.class)
    static class PerClassCases {

        @BackendUrl
        URI field;

        PerClassCases(@BackendUrl URI url) {
            SEEN.put("constructor", url);
        }

        @BeforeAll
        void beforeAll() {
            SEEN.put("field in @BeforeAll", field);
        }

        @Test
        void first(Backend backend) {
            SEEN.put("baseUrl", backend.baseUrl());
            SEEN.put("first test pid", backend.pid().getAsLong());
        }

        @Test
        void second(Backend backend) {
            SEEN.put("second test pid", backend.pid().getAsLong());
        }
    }

    @ManagedBackend(dir = DIR, app = "apps.hello:app")
    static class OuterCases {

        @BackendUrl
        URI outerField;

        @Test
        void outer(Backend backend) {
            SEEN.put("outer pid", backend.pid().getAsLong());
        }

        @Nested
        class Inner {

            @BackendUrl
            String innerField;

            @Test
            void inner(Backend backend, Backends backends, @BackendUrl String url) {
                SEEN.put("inner pid", backend.pid().getAsLong());
                SEEN.put("inner Backends", backends.all().stream().map(Backend::name).toList());
                SEEN.put("inner url", url);
                SEEN.put("inner field", innerField);
                SEEN.put("outer field seen from inner", outerField.toString());
            }
        }
    }

    @ManagedBackend(dir = DIR, app = "apps.hello:app")
    static class OuterWithInnerBackendCases {

        @Test
        void outer(Backends backends) {
            SEEN.put("outer all", backends.all().stream().map(Backend::name).toList());
            SEEN.put("outer default pid", backends.get("default").pid().getAsLong());
        }

        @Nested
        @ManagedBackend(name = "files", dir = DIR, healthPath = "/",
                command = {"python3", "-m", "http.server", "{port}", "--bind", "{host}"})
        class Inner {

            @Test
            void inner(Backends backends, @BackendUrl("files") String files) {
                SEEN.put("inner all", backends.all().stream().map(Backend::name).toList());
                SEEN.put("inner default pid", backends.get("default").pid().getAsLong());
                SEEN.put("files pid", backends.get("files").pid().getAsLong());
                SEEN.put("files /", Http.get(files + "/").status());
            }
        }
    }

    @ManagedBackend(dir = DIR, app = "apps.hello:app")
    abstract static class AnnotatedBase {
    }

    static class InheritingCases extends AnnotatedBase {

        @Test
        void inherited(@BackendUrl String url, Backend backend) {
            SEEN.put("pid", backend.pid().getAsLong());
            SEEN.put("inherited", Http.get(url + "/health"));
        }
    }

    @Target({ElementType.TYPE, ElementType.ANNOTATION_TYPE})
    @Retention(RetentionPolicy.RUNTIME)
    @ManagedBackend(dir = DIR, app = "apps.hello:app")
    @interface HelloBackend {
    }

    @HelloBackend
    static class ComposedCases {

        @Test
        void composed(@BackendUrl String url, Backend backend) {
            SEEN.put("pid", backend.pid().getAsLong());
            SEEN.put("composed", Http.get(url + "/health"));
        }
    }
}
