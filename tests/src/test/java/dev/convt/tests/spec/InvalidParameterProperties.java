package dev.convt.tests.spec;

import dev.convt.Planner;
import dev.convt.Problem;
import dev.convt.kernel.KernelChoice;
import dev.convt.testkit.Problems;
import dev.convt.testkit.InvalidCalls;
import dev.convt.testkit.InvalidCalls.Breakage;
import dev.convt.testkit.InvalidCalls.Call;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;


import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every invalid parameter, applied to an otherwise valid generated problem, gets an
 * {@link IllegalArgumentException} whose message names the parameter, and the caller's output buffer
 * (prefilled with a sentinel) is untouched. The whole path is exercised: spec, problem, plan, execute,
 * on every available kernel.
 */
class InvalidParameterProperties {
    @Property
    void everyInvalidParameterIsRejectedByNameAndTheOutputIsUntouched(
            @ForAll("problems") Problem p, @ForAll Breakage breakage, @ForAll @IntRange(min = 0, max = 2) int dimGene,
            @ForAll("kernels") String kernel) {
        // the unbroken call works (so the exception below is the breakage's)
        Call ok = new Call(p);
        ok.run(kernelOrReference(kernel, p));
        Call c = InvalidCalls.broken(p, breakage, dimGene);
        String k = kernelOrReference(kernel, p);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> c.run(k), breakage + " on " + p);
        assertTrue(e.getMessage().contains(breakage.word), () -> breakage + ": message '" + e.getMessage() + "' lacks '" + breakage.word + "'");
        assertTrue(c.outputUntouched(), breakage + " wrote into the output");
    }

    /** The reference when the drawn kernel declines the problem (the breakage is what is tested, not the kernel). */
    private static String kernelOrReference(String kernel, Problem p) {
        return Planner.kernel(KernelChoice.parse(kernel)).declineReason(p) == null ? kernel : "reference";
    }

    @Provide
    Arbitrary<Problem> problems() {
        return Problems.problems(1, 3, 2, 4);
    }

    @Provide
    Arbitrary<String> kernels() {
        return Arbitraries.of(Planner.kernelNames());
    }
}
