package dev.convt.tests.kernels;

import dev.convt.Activation;
import dev.convt.ConvTranspose1d;
import dev.convt.ConvTranspose2d;
import dev.convt.ConvTransposeSpec;
import dev.convt.Plan;
import dev.convt.Planner;
import dev.convt.Problem;
import dev.convt.Tensor;
import dev.convt.kernel.KernelChoice;
import dev.convt.kernel.ReferenceKernel;
import dev.convt.testkit.TestData;
import dev.convt.vector.Epilogue;
import net.jqwik.api.Example;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Worked examples of the fused activation, computed by hand, on every kernel; the treatment of −0
 * and NaN; the validation of activations; the spec and layers carrying them.
 *
 * <p>The convolution of every example: ConvTranspose1d(1, 1, kernel 2), weight {@code [1, 1]}, bias
 * {@code −1}, input {@code [1, −2, 3]}: {@code y[o] = −1 + x[o] + x[o − 1]} =
 * {@code [−1 + 1, −1 + 1 − 2, −1 − 2 + 3, −1 + 3] = [0, −2, 0, 2]}.
 */
class ActivationExamplesTest {
    private static final float[] X = {1, -2, 3};
    private static final float[] W = {1, 1};
    private static final float[] B = {-1};
    // tanh(2) = 0.96402758007581688..., sigmoid(2) = 1/(1 + e^-2) = 0.88079707797788244..., sigmoid(-2) = 0.11920292202211756...
    private static final double TANH_2 = 0.96402758007581688;
    private static final double SIGMOID_2 = 0.88079707797788244;
    private static final double SIGMOID_MINUS_2 = 0.11920292202211756;

    private static Problem problem(Activation act) {
        return ConvTransposeSpec.builder1d(1, 1, 2).activation(act).build().problem(1, 1, 3);
    }

    /** The reference and every fast kernel that takes the problem, each run on it. */
    private static List<float[]> everyKernel(Problem p, float[] x, float[] w, float[] b, List<String> names) {
        List<float[]> out = new ArrayList<>();
        List<String> all = new ArrayList<>();
        all.add(ReferenceKernel.NAME);
        for (KernelChoice k : FastKernels.all()) {
            all.add(k.kernelName());
        }
        for (String name : all) {
            KernelChoice k = KernelChoice.parse(name);
            if (Planner.kernel(k).declineReason(p) != null) {
                continue;
            }
            names.add(name);
            out.add(Planner.plan(p, w, 0, b, 0, k).execute(x));
        }
        return out;
    }

    private static void assertExact(Activation act, float... expected) {
        List<String> names = new ArrayList<>();
        List<float[]> ys = everyKernel(problem(act), X, W, B, names);
        assertTrue(ys.size() >= 3, "the reference and both fast kernels: " + names);
        for (int k = 0; k < ys.size(); k++) {
            for (int i = 0; i < expected.length; i++) {
                assertEquals(Float.floatToRawIntBits(expected[i]), Float.floatToRawIntBits(ys.get(k)[i]),
                        names.get(k) + " " + act + " y[" + i + "] = " + ys.get(k)[i] + ", expected " + expected[i]);
            }
        }
    }

    private static void assertClose(Activation act, double ulps, double... expected) {
        List<String> names = new ArrayList<>();
        List<float[]> ys = everyKernel(problem(act), X, W, B, names);
        for (int k = 0; k < ys.size(); k++) {
            double allowed = names.get(k).equals(ReferenceKernel.NAME) ? 0.5 : ulps;
            for (int i = 0; i < expected.length; i++) {
                double err = Math.abs(ys.get(k)[i] - expected[i]) / Math.ulp((float) expected[i]);
                assertTrue(err <= allowed, names.get(k) + " " + act + " y[" + i + "] = " + ys.get(k)[i] + ", expected "
                        + expected[i] + " (" + err + " ulp, allowed " + allowed + ")");
            }
        }
    }

    @Example
    void noActivationIsTheConvolution() {
        assertExact(Activation.none(), 0, -2, 0, 2);
    }

    @Example
    void reluZeroesTheNegatives() {
        assertExact(Activation.relu(), 0, 0, 0, 2);
    }

    @Example
    void leakyReluScalesTheNegatives() {
        assertExact(Activation.leakyRelu(0.25f), 0, -0.5f, 0, 2);
        // a negative slope flips them; zero stays zero (+0·(−3) = −0: the sign follows IEEE)
        assertExact(Activation.leakyRelu(-3f), -0f, 6, -0f, 2);
    }

    @Example
    void clampCutsBothEnds() {
        assertExact(Activation.clamp(-1, 1), 0, -1, 0, 1);
        assertExact(Activation.clamp(Float.NEGATIVE_INFINITY, 1), 0, -2, 0, 1);
        assertExact(Activation.clamp(0.5f, 0.5f), 0.5f, 0.5f, 0.5f, 0.5f);
    }

    @Example
    void tanhAndSigmoidOfTheHandComputedSums() {
        assertClose(Activation.tanh(), Epilogue.TANH_ULPS, 0, -TANH_2, 0, TANH_2);
        assertClose(Activation.sigmoid(), Epilogue.SIGMOID_ULPS, 0.5, SIGMOID_MINUS_2, 0.5, SIGMOID_2);
    }

    /**
     * −0 and NaN, as PyTorch's CPU ops: relu(−0) = −0 (only values below zero are replaced), clamp keeps
     * a −0 inside its range, tanh(−0) = −0, sigmoid(−0) = 0.5; NaN stays NaN through every kind.
     * The example: ConvTranspose1d(1, 1, kernel 1, stride 2), weight 1, bias −0, input {@code [NaN, 4]}:
     * {@code y = [NaN, −0, 4]} (stride 2 leaves output 1 without products: exactly the bias −0).
     */
    @Example
    void negativeZeroAndNaN() {
        Problem base = ConvTransposeSpec.builder1d(1, 1, 1).stride(2).build().problem(1, 1, 2);
        // y = [x0, bias, x1] = [NaN, -0, 4]
        float[] x = {Float.NaN, 4};
        float[] w = {1};
        float[] b = {-0f};
        Object[][] cases = {
                {Activation.relu(), new float[] {Float.NaN, -0f, 4}},
                {Activation.leakyRelu(0.25f), new float[] {Float.NaN, -0f, 4}},
                {Activation.clamp(-1, 1), new float[] {Float.NaN, -0f, 1}},
                {Activation.clamp(0, 1), new float[] {Float.NaN, -0f, 1}},
                {Activation.tanh(), null},
                {Activation.sigmoid(), null},
        };
        for (Object[] c : cases) {
            Activation act = (Activation) c[0];
            Problem p = base.spec().toBuilder().activation(act).build().problem(1, 1, 2);
            List<String> names = new ArrayList<>();
            List<float[]> ys = everyKernel(p, x, w, b, names);
            for (int k = 0; k < ys.size(); k++) {
                float[] y = ys.get(k);
                String who = names.get(k) + " " + act;
                assertTrue(Float.isNaN(y[0]), who + ": NaN must propagate, got " + y[0]);
                if (c[1] != null) {
                    float[] e = (float[]) c[1];
                    assertEquals(Float.floatToRawIntBits(e[1]), Float.floatToRawIntBits(y[1]), who + " of -0 gave " + y[1]);
                    assertEquals(e[2], y[2], who);
                } else if (act.kind() == Activation.Kind.TANH) {
                    assertEquals(Float.floatToRawIntBits(-0f), Float.floatToRawIntBits(y[1]), who + " of -0 gave " + y[1]);
                } else {
                    assertEquals(0.5f, y[1], who);
                }
            }
        }
    }

    @Example
    void infinitiesReachTheLimits() {
        Problem p = ConvTransposeSpec.builder1d(1, 1, 1).bias(false).build().problem(1, 1, 16 + 3);
        float[] x = new float[19];
        for (int i = 0; i < x.length; i++) {
            x[i] = i % 2 == 0 ? Float.POSITIVE_INFINITY : Float.NEGATIVE_INFINITY;
        }
        for (Activation act : List.of(Activation.tanh(), Activation.sigmoid())) {
            Problem pa = p.spec().toBuilder().activation(act).build().problem(1, 1, 19);
            List<String> names = new ArrayList<>();
            for (float[] y : everyKernel(pa, x, new float[] {1}, null, names)) {
                for (int i = 0; i < y.length; i++) {
                    float expected = i % 2 == 0 ? 1 : (act.kind() == Activation.Kind.TANH ? -1 : 0);
                    assertEquals(expected, y[i], names + " " + act + " at " + i);
                }
            }
        }
    }

    @Example
    void invalidActivationsAreRejectedWithTheirRule() {
        assertMessage(() -> Activation.leakyRelu(Float.NaN), "negative_slope", "NaN", "finite");
        assertMessage(() -> Activation.leakyRelu(Float.POSITIVE_INFINITY), "negative_slope", "Infinity", "finite");
        assertMessage(() -> Activation.clamp(Float.NaN, 1), "min", "NaN", "must not be NaN");
        assertMessage(() -> Activation.clamp(0, Float.NaN), "max", "NaN", "must not be NaN");
        assertMessage(() -> Activation.clamp(2, 1), "min=2.0", "max=1.0", "less than or equal");
        assertMessage(() -> Activation.Kind.of("gelu"), "gelu", "relu", "leaky_relu");
        assertThrows(NullPointerException.class, () -> ConvTransposeSpec.builder1d(1, 1, 1).activation(null));
    }

    /**
     * The float64 definitions (the error-bound tests evaluate the activation of the float64 result with
     * them) at the points where each formula turns, by hand: ReLU, LeakyReLU and clamp below, at and
     * above their corners; PyTorch's names in any case; the slopes the error bounds scale by.
     */
    @Example
    void theFloat64DefinitionsNamesAndSlopes() {
        Activation leaky = Activation.leakyRelu(-3f);
        Activation clamp = Activation.clamp(-1, 2);
        double[][] vReluLeakyClamp = {
                {-2.5, 0, 7.5, -1},
                {-0.0, -0.0, 0.0, -0.0},
                {0.0, 0.0, -0.0, 0.0},
                {1.5, 1.5, 1.5, 1.5},
                {-1.0, 0, 3.0, -1},
                {2.0, 2.0, 2.0, 2.0},
                {2.25, 2.25, 2.25, 2},
                {Double.NEGATIVE_INFINITY, 0, Double.POSITIVE_INFINITY, -1}};
        for (double[] c : vReluLeakyClamp) {
            double v = c[0];
            assertEquals(Double.doubleToRawLongBits(c[1]), Double.doubleToRawLongBits(Activation.relu().apply(v)), "relu(" + v + ")");
            assertEquals(Double.doubleToRawLongBits(c[2]), Double.doubleToRawLongBits(leaky.apply(v)), "leaky_relu(" + v + ")");
            assertEquals(Double.doubleToRawLongBits(c[3]), Double.doubleToRawLongBits(clamp.apply(v)), "clamp(" + v + ")");
        }
        // a zero equal to a bound keeps its own sign: only values strictly outside the range are replaced
        assertEquals(Double.doubleToRawLongBits(-0.0), Double.doubleToRawLongBits(Activation.clamp(0, 6).apply(-0.0)));
        assertEquals(Double.doubleToRawLongBits(0.0), Double.doubleToRawLongBits(Activation.clamp(-6, -0f).apply(0.0)));
        assertEquals(Math.tanh(0.75), Activation.tanh().apply(0.75), 0);
        assertEquals(1 / (1 + Math.exp(1.25)), Activation.sigmoid().apply(-1.25), 0);
        for (Activation.Kind k : Activation.Kind.values()) {
            assertEquals(k, Activation.Kind.of(k.pytorchName().toUpperCase(java.util.Locale.ROOT)));
            assertEquals(k, Activation.Kind.of(k.pytorchName()));
        }
        // sup |act'|: 1 for the identity, ReLU, tanh and a clamp with room; 1/4 for sigmoid; |alpha| when above 1; 0 for a point
        assertEquals(1, Activation.none().lipschitz());
        assertEquals(1, Activation.relu().lipschitz());
        assertEquals(1, Activation.tanh().lipschitz());
        assertEquals(0.25, Activation.sigmoid().lipschitz());
        assertEquals(3, leaky.lipschitz());
        assertEquals(1, Activation.leakyRelu(0.5f).lipschitz());
        assertEquals(1, clamp.lipschitz());
        assertEquals(0, Activation.clamp(4, 4).lipschitz());
    }

    private static void assertMessage(Runnable r, String... parts) {
        try {
            r.run();
        } catch (IllegalArgumentException e) {
            for (String part : parts) {
                assertTrue(e.getMessage().contains(part), "'" + e.getMessage() + "' should name " + part);
            }
            return;
        }
        fail("no IllegalArgumentException; expected one naming " + String.join(", ", parts));
    }

    @Example
    void theSpecCarriesTheActivation() {
        ConvTransposeSpec plain = ConvTransposeSpec.builder2d(4, 3, 3).stride(2).build();
        ConvTransposeSpec relu = plain.toBuilder().activation(Activation.relu()).build();
        assertEquals(Activation.none(), plain.activation());
        assertNotEquals(plain, relu);
        assertEquals(relu, relu.toBuilder().build());
        assertEquals(relu.hashCode(), relu.toBuilder().build().hashCode());
        assertNotEquals(relu, plain.toBuilder().activation(Activation.leakyRelu(0f)).build());
        assertNotEquals(plain.toBuilder().activation(Activation.clamp(0, 6)).build(),
                plain.toBuilder().activation(Activation.clamp(-0f, 6)).build());
        assertTrue(relu.toString().contains("activation=relu"), relu.toString());
        assertTrue(!plain.toString().contains("activation"), plain.toString());
        assertEquals("leaky_relu(negative_slope=0.25)", Activation.leakyRelu(0.25f).toString());
        // output_size keeps it
        Problem p = relu.problem(1, 4, 5, 5).withOutputSize(12, 12);
        assertEquals(Activation.relu(), p.spec().activation());
    }

    @Example
    void layersApplyTheActivationOfTheirSpec() {
        ConvTranspose2d plain = ConvTranspose2d.builder(6, 4, 3).stride(2).padding(1).seed(3).build();
        ConvTranspose2d relu = ConvTranspose2d.builder(6, 4, 3).stride(2).padding(1).seed(3).activation(Activation.relu()).build();
        Tensor x = new Tensor(new int[] {2, 6, 5, 7}, TestData.uniform(2 * 6 * 5 * 7, 9));
        float[] a = plain.forward(x).data();
        float[] r = relu.forward(x).data();
        for (int i = 0; i < a.length; i++) {
            assertEquals(Float.floatToRawIntBits(Activation.relu().apply(a[i])), Float.floatToRawIntBits(r[i]), "at " + i);
        }
        ConvTranspose1d tanh = ConvTranspose1d.builder(3, 2, 4).activation(Activation.tanh()).build();
        for (float v : tanh.forward(new Tensor(new int[] {3, 9}, TestData.uniform(27, 1))).data()) {
            assertTrue(v > -1 && v < 1, "tanh output " + v);
        }
    }

    /** A plan whose kernel fuses the activation does not run a separate pass: its plan is the kernel's own. */
    @Example
    void everyRegisteredKernelFusesTheActivation() {
        for (var k : Planner.kernels()) {
            assertTrue(k.fusesActivation(), k.name() + " would get a separate scalar pass");
        }
        Plan plan = Planner.plan(problem(Activation.tanh()), W, B);
        assertEquals(4, plan.execute(X).length);
    }
}
