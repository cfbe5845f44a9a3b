package dev.managedbackend.sample;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Collections;
import java.util.List;

import org.junit.jupiter.api.Test;

/**
 * The sample suite runs on the Jupiter that this build pins through junit-bom (as a user's build
 * does), and the extension brings no second junit-jupiter-api onto the classpath. CI runs the
 * suite once per supported JUnit line; this test makes sure each run really is on that line.
 */
class JUnitVersionIT {

    @Test
    void theJupiterOnTheClasspathIsTheOneTheBomPins() throws Exception {
        String pinned = System.getProperty("sample.junit.version");
        assertThat(pinned).describedAs("set by the build (failsafe)").isNotBlank();
        assertThat(Test.class.getPackage().getImplementationVersion()).isEqualTo(pinned);
        List<?> apis = Collections.list(getClass().getClassLoader().getResources("org/junit/jupiter/api/Test.class"));
        assertThat(apis).describedAs("copies of junit-jupiter-api on the classpath").hasSize(1);
    }
}
