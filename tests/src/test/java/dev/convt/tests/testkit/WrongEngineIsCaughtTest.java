package dev.convt.tests.testkit;

import org.junit.jupiter.api.Test;
import org.junit.platform.engine.reporting.ReportEntry;
import org.junit.platform.testkit.engine.EngineExecutionResults;
import org.junit.platform.testkit.engine.EngineTestKit;
import org.junit.platform.testkit.engine.Event;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

/**
 * The testkit catches a wrong engine: {@link WrongEngineExample} (the README's example, with a
 * dilation-blind engine), run through jqwik's test engine, fails, and its failure is the shrunk
 * counterexample: the smallest spec that shows the bug (one channel, kernel 2, dilation 2, one input
 * element), named in full.
 */
class WrongEngineIsCaughtTest {
    static final String SHRUNK = "dilation-blind disagrees with the reference on ConvTranspose1d(1, 1, kernel_size=[2], stride=[1], "
            + "padding=[0], output_padding=[0], dilation=[2], groups=1, bias=true) on [1, 1, 1] -> [1, 1, 3]";

    @Test
    void aDilationBlindEngineFailsWithAShrunkCounterexampleNamingTheSpec() {
        EngineExecutionResults results = EngineTestKit.engine("jqwik")
                .configurationParameter("jqwik.reporting.usejunitplatform", "true") // the report as events, not on stdout
                .configurationParameter("jqwik.database", "target/.jqwik-database-wrong-engine")
                .selectors(selectClass(WrongEngineExample.class)).execute();
        List<Event> failed = results.testEvents().failed().list();
        assertEquals(1, failed.size(), "the example property must fail");
        Throwable t = failed.getFirst().getPayload(org.junit.platform.engine.TestExecutionResult.class)
                .flatMap(org.junit.platform.engine.TestExecutionResult::getThrowable).orElseThrow();
        assertInstanceOf(AssertionError.class, t);
        assertTrue(t.getMessage().startsWith(SHRUNK), "the failure is the shrunk sample: " + t.getMessage());
        assertTrue(t.getMessage().contains("output element 1 [0, 0, 1]"), t.getMessage());
        // jqwik's report says it shrank, and shows the sample it started from
        String report = results.allEvents().reportingEntryPublished().stream()
                .map(e -> e.getRequiredPayload(ReportEntry.class).getKeyValuePairs().toString())
                .reduce("", String::concat);
        assertTrue(report.contains("Shrunk Sample"), "jqwik's report: " + report);
        assertTrue(report.contains("Original Sample"), "jqwik's report: " + report);
    }
}
