package dev.managedbackend;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * The extension's tests run on the JUnit the build was asked for ({@code -Djunit.version}), so
 * that a matrix run on 5.12 really tests 5.12.
 */
class JUnitVersionTests {

    @Test
    void theJupiterOnTheClasspathIsTheOneAskedFor() {
        String expected = System.getProperty("expected.junit.version");
        assertThat(expected).describedAs("set by the build (surefire)").isNotBlank();
        assertThat(Test.class.getPackage().getImplementationVersion()).isEqualTo(expected);
    }
}
