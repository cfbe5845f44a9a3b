package dev.managedbackend;

import static dev.managedbackend.TestKit.DIR;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@code @RegisterExtension} fields start in JUnit's registration order ({@code @Order}, then
 * declaration), each in its own callback, after the class's annotations; so a supplier can read
 * an earlier field's backend. Everything stops in reverse start order, seen from the backends
 * themselves: each writes "start NAME" and "stop NAME" to one file from its lifespan
 * ({@code apps/stop_log.py}).
 */
@ExtendWith(OwnProcesses.class)
class FieldOrderTests {

    /** From the apps' folder ({@code dir}), where they run: extension/target/field-order.log. */
    private static final String LOG = "../../../target/field-order.log";
    private static final Path LOG_FILE = Path.of(DIR, LOG).normalize();

    @BeforeEach
    void emptyLog() throws IOException {
        Files.deleteIfExists(LOG_FILE);
    }

    @Test
    void aSupplierReadsAnEarlierFieldsBackendAndEverythingStopsInReverseStartOrder() throws IOException {
        TestKit.assertAllPassed(TestKit.run(OrderedCases.class), 1);

        assertThat(Files.readAllLines(LOG_FILE)).containsExactly(
                "start store", "start cache", // the annotations, together: cache refers to store
                "start notes", "start gateway", // the fields by @Order, not by declaration
                "stop gateway", "stop notes", "stop cache", "stop store");
    }

    @Test
    void aSupplierThatReadsALaterFieldFailsNamingBothFieldsAndTheReference() {
        Throwable failure = TestKit.classFailure(TestKit.run(OutOfOrderCases.class), OutOfOrderCases.class);

        String gateway = "@RegisterExtension static field gateway of " + OutOfOrderCases.class.getName();
        String notes = "@RegisterExtension static field notes of " + OutOfOrderCases.class.getName();
        assertThat(failure).isInstanceOf(BackendStartException.class).hasMessage("backend 'gateway' (" + gateway
                + "): the value of env NOTES_URL could not be computed: its supplier read the backend of " + notes
                + ", which has not started yet. Fields start in JUnit's registration order (@Order, then declaration "
                + "order), and this one comes first. Write env(\"NOTES_URL\", \"${notes.url}\"), which starts 'notes' "
                + "first whatever the order, or give " + notes + " a lower @Order than this field.");
    }

    @Test
    void aReferenceToALaterFieldStartsItFirst() throws IOException {
        TestKit.assertAllPassed(TestKit.run(ReferenceCases.class), 1);

        assertThat(Files.readAllLines(LOG_FILE)).containsExactly(
                "start notes", "start gateway", "stop gateway", "stop notes");
    }

    private static BackendBuilder logging(String name) {
        return BackendBuilder.app("apps.stop_log:app").dir(DIR).env("STOP_LOG", LOG).env("BACKEND_NAME", name);
    }

    @ManagedBackend(name = "cache", app = "apps.stop_log:app", dir = DIR,
            env = {"STOP_LOG=" + LOG, "BACKEND_NAME=cache", "STORE_URL=${store.url}"})
    @ManagedBackend(name = "store", app = "apps.stop_log:app", dir = DIR, env = {"STOP_LOG=" + LOG, "BACKEND_NAME=store"})
    static class OrderedCases {
        @RegisterExtension
        @Order(2)
        static ManagedBackendExtension gateway = new ManagedBackendExtension(logging("gateway")
                .env("NOTES_URL", () -> OrderedCases.notes.backend().baseUrl()));

        @RegisterExtension
        @Order(1)
        static ManagedBackendExtension notes = new ManagedBackendExtension(logging("notes"));

        @Test
        void gatewayGotTheUrlOfNotes(@BackendUrl("gateway") URI gatewayUrl, @BackendUrl("notes") URI notesUrl) {
            assertThat(Http.get(gatewayUrl + "/env/NOTES_URL").body()).contains("\"" + notesUrl + "\"");
        }
    }

    static class OutOfOrderCases {
        @RegisterExtension
        @Order(1)
        static ManagedBackendExtension gateway = new ManagedBackendExtension(logging("gateway")
                .env("NOTES_URL", () -> OutOfOrderCases.notes.backend().baseUrl()));

        @RegisterExtension
        @Order(2)
        static ManagedBackendExtension notes = new ManagedBackendExtension(logging("notes"));

        @Test
        void test() {
        }
    }

    static class ReferenceCases {
        @RegisterExtension
        @Order(1)
        static ManagedBackendExtension gateway = new ManagedBackendExtension(logging("gateway")
                .env("NOTES_URL", "${notes.url}"));

        @RegisterExtension
        @Order(2)
        static ManagedBackendExtension notes = new ManagedBackendExtension(logging("notes"));

        @Test
        void gatewayGotTheUrlOfNotes(@BackendUrl("gateway") URI gatewayUrl, @BackendUrl("notes") URI notesUrl) {
            assertThat(Http.get(gatewayUrl + "/env/NOTES_URL").body()).contains("\"" + notesUrl + "\"");
        }
    }
}
