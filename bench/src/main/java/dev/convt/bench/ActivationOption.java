package dev.convt.bench;

import dev.convt.Activation;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The runner's {@code --activation KIND[:params]}: {@code none}, {@code relu}, {@code tanh},
 * {@code sigmoid}, {@code leaky_relu[:ALPHA]} (PyTorch's default slope 0.01), {@code clamp:MIN:MAX}
 * (a bound may be {@code -inf} or {@code inf}); {@code suite} takes a comma-separated list.
 */
final class ActivationOption {
    static final String SYNTAX = "none, relu, tanh, sigmoid, leaky_relu[:ALPHA] or clamp:MIN:MAX";

    private ActivationOption() {}

    /**
     * The activation one {@code KIND[:params]} names.
     *
     * @throws UsageException naming the option, the value and the syntax (or the library's rule)
     */
    static Activation parse(String command, String text) {
        String[] parts = text.strip().split(":", -1);
        String kind = parts[0].toLowerCase(Locale.ROOT);
        int params = parts.length - 1;
        try {
            switch (kind) {
                case "none", "relu", "tanh", "sigmoid" -> {
                    if (params == 0) {
                        return switch (kind) {
                            case "none" -> Activation.none();
                            case "relu" -> Activation.relu();
                            case "tanh" -> Activation.tanh();
                            default -> Activation.sigmoid();
                        };
                    }
                }
                case "leaky_relu" -> {
                    if (params <= 1) {
                        return Activation.leakyRelu(params == 0 ? 0.01f : number(parts[1]));
                    }
                }
                case "clamp" -> {
                    if (params == 2) {
                        return Activation.clamp(number(parts[1]), number(parts[2]));
                    }
                }
                default -> { }
            }
        } catch (NumberFormatException e) {
            throw new UsageException(command + ": --activation '" + text + "' has a parameter that is not a number; it takes " + SYNTAX);
        } catch (IllegalArgumentException e) {
            throw new UsageException(command + ": --activation '" + text + "': " + e.getMessage());
        }
        throw new UsageException(command + ": --activation takes " + SYNTAX + ", but got '" + text + "'");
    }

    private static float number(String s) {
        return switch (s.strip().toLowerCase(Locale.ROOT)) {
            case "inf", "+inf", "infinity" -> Float.POSITIVE_INFINITY;
            case "-inf", "-infinity" -> Float.NEGATIVE_INFINITY;
            default -> Float.parseFloat(s.strip());
        };
    }

    /** The activations of a comma-separated list (none when the option is absent), each once. */
    static List<Activation> parseList(String command, List<String> texts) {
        List<Activation> out = new ArrayList<>();
        if (texts == null) {
            out.add(Activation.none());
            return out;
        }
        for (String t : texts) {
            Activation a = parse(command, t);
            if (!out.contains(a)) {
                out.add(a);
            }
        }
        return out;
    }

    /** The option's own spelling of an activation, for layer names and reports: relu, leaky_relu:0.25, clamp:0.0:6.0. */
    static String label(Activation a) {
        return switch (a.kind()) {
            case LEAKY_RELU -> "leaky_relu:" + a.alpha();
            case CLAMP -> "clamp:" + a.min() + ":" + a.max();
            default -> a.kind().pytorchName();
        };
    }

    /**
     * Every layer once per activation, adjacent (so the runs of one layer with and without an activation
     * are measured one after the other): named {@code layer} for none and {@code layer+label} otherwise.
     */
    static List<Workload.Layer> expand(List<Workload.Layer> layers, List<Activation> activations) {
        if (activations.size() == 1 && activations.getFirst().isNone()) {
            return layers;
        }
        List<Workload.Layer> out = new ArrayList<>();
        for (Workload.Layer l : layers) {
            for (Activation a : activations) {
                var p = l.problem();
                var withAct = p.spec().toBuilder().activation(a).build().problem(p.inputShape());
                out.add(new Workload.Layer(a.isNone() ? l.name() : l.name() + "+" + label(a), withAct, l.source()));
            }
        }
        return out;
    }
}
