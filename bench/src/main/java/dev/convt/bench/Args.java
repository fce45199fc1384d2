package dev.convt.bench;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The arguments of one subcommand: options ({@code --name value}, {@code --name=value}, or a bare
 * {@code --flag}) and positional arguments, checked against what the subcommand accepts.
 */
final class Args {
    private final String command;
    private final Map<String, String> options = new LinkedHashMap<>();
    private final List<String> positional = new ArrayList<>();
    private final Set<String> flagNames;

    /**
     * @param command   the subcommand's name, for messages
     * @param valued    options that take a value (without the dashes)
     * @param flags     options that take none
     * @throws UsageException for an unknown option, a missing value or a repeated option
     */
    Args(String command, String[] args, Set<String> valued, Set<String> flags) {
        this.command = command;
        this.flagNames = flags;
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (!a.startsWith("--") || a.equals("--")) {
                positional.add(a);
                continue;
            }
            String name = a.substring(2);
            String value = null;
            int eq = name.indexOf('=');
            if (eq >= 0) {
                value = name.substring(eq + 1);
                name = name.substring(0, eq);
            }
            if (flags.contains(name)) {
                if (value != null) {
                    throw new UsageException(command + ": option --" + name + " takes no value");
                }
                value = "true";
            } else if (valued.contains(name)) {
                if (value == null) {
                    if (i + 1 >= args.length || args[i + 1].startsWith("--")) {
                        throw new UsageException(command + ": option --" + name + " needs a value");
                    }
                    value = args[++i];
                }
            } else {
                throw new UsageException(command + ": unknown option --" + name + " (see bench/convt " + command + " --help)");
            }
            if (options.put(name, value) != null) {
                throw new UsageException(command + ": option --" + name + " given twice");
            }
        }
    }

    boolean flag(String name) {
        return options.containsKey(name);
    }

    String option(String name) {
        return options.get(name);
    }

    String option(String name, String fallback) {
        return options.getOrDefault(name, fallback);
    }

    /** A positive integer option, or the fallback when absent. */
    int intOption(String name, int fallback) {
        return integerOption(name, fallback, 1, "a positive integer");
    }

    /** A non-negative integer option, or the fallback when absent. */
    int countOption(String name, int fallback) {
        return integerOption(name, fallback, 0, "a non-negative integer");
    }

    private int integerOption(String name, int fallback, int min, String rule) {
        String v = options.get(name);
        if (v == null) {
            return fallback;
        }
        try {
            int n = Integer.parseInt(v.trim());
            if (n >= min) {
                return n;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new UsageException(command + ": --" + name + " must be " + rule + ", but got '" + v + "'");
    }

    /** A non-negative number option, or the fallback when absent. */
    double doubleOption(String name, double fallback) {
        String v = options.get(name);
        if (v == null) {
            return fallback;
        }
        try {
            double d = Double.parseDouble(v.trim().replace("%", ""));
            if (d >= 0 && Double.isFinite(d)) {
                return d;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new UsageException(command + ": --" + name + " must be a non-negative number, but got '" + v + "'");
    }

    /** A comma-separated list option (empty items dropped), or null when absent. */
    List<String> listOption(String name) {
        String v = options.get(name);
        if (v == null) {
            return null;
        }
        List<String> items = new ArrayList<>();
        for (String s : v.split(",")) {
            if (!s.isBlank()) {
                items.add(s.trim());
            }
        }
        if (items.isEmpty()) {
            throw new UsageException(command + ": --" + name + " needs at least one name");
        }
        return items;
    }

    /**
     * The options given, as arguments again ({@code --flag}, {@code --name=value}), without those in
     * {@code except}: to pass them on to a fresh JVM.
     */
    List<String> optionsAsArgs(Set<String> except) {
        List<String> out = new ArrayList<>();
        for (Map.Entry<String, String> e : options.entrySet()) {
            if (!except.contains(e.getKey())) {
                out.add(flagNames.contains(e.getKey()) ? "--" + e.getKey() : "--" + e.getKey() + "=" + e.getValue());
            }
        }
        return out;
    }

    List<String> positional() {
        return positional;
    }

    /** The positional arguments, requiring exactly {@code n} of them. */
    List<String> positional(int n, String usage) {
        if (positional.size() != n) {
            throw new UsageException(command + ": expected " + usage + (positional.isEmpty() ? "" : ", but got " + String.join(" ", positional)));
        }
        return positional;
    }
}
