package dev.managedbackend.stress;

import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import java.util.Map;

import org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder;
import org.junit.platform.launcher.core.LauncherFactory;
import org.junit.platform.launcher.listeners.SummaryGeneratingListener;
import org.junit.platform.launcher.listeners.TestExecutionSummary;

/** One JVM of the stress test: runs {@link StressFixture} {@code args[0]} times, prints failures. */
public final class StressJvm {

    public static void main(String[] args) {
        int repetitions = Integer.parseInt(args[0]);
        long failed = 0;
        for (int i = 0; i < repetitions; i++) {
            SummaryGeneratingListener summary = new SummaryGeneratingListener();
            LauncherFactory.create().execute(LauncherDiscoveryRequestBuilder.request()
                    .selectors(selectClass(StressFixture.class))
                    .configurationParameters(Map.of("managedbackend.portRange", System.getProperty("stress.range")))
                    .build(), summary);
            TestExecutionSummary result = summary.getSummary();
            failed += result.getTotalFailureCount();
            result.getFailures().forEach(f -> f.getException().printStackTrace());
        }
        System.out.println("failed=" + failed);
    }
}
