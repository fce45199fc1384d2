package dev.convt.bench;

import dev.convt.Layout;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The runner's {@code --layout}: a {@link Layout} name ({@code nchw}, {@code nhwc}, {@code ncl},
 * {@code nlc}, {@code ncdhw}, {@code ndhwc}, {@code channels_first}, {@code channels_last});
 * {@code suite} takes a comma-separated list and applies each to layers of every rank (so
 * {@code nhwc} is NLC on a 1-D layer).
 */
final class LayoutOption {
    private LayoutOption() {}

    /** The layouts of a comma-separated list, spelt as given in lower case (channels first when absent), each layout once. */
    static List<String> parseList(String command, List<String> texts) {
        List<String> out = new ArrayList<>();
        List<Layout> seen = new ArrayList<>();
        if (texts == null) {
            out.add("nchw");
            return out;
        }
        for (String t : texts) {
            Layout l = parse(command, t);
            if (!seen.contains(l)) {
                seen.add(l);
                out.add(t.strip().toLowerCase(Locale.ROOT));
            }
        }
        return out;
    }

    /**
     * The layout one name gives, for any rank.
     *
     * @throws UsageException naming the option and the accepted names
     */
    static Layout parse(String command, String text) {
        try {
            return Layout.parse(text);
        } catch (IllegalArgumentException e) {
            throw new UsageException(command + ": --layout: " + e.getMessage());
        }
    }

    /**
     * Every layer once per layout, adjacent (so one layer's runs in each layout are measured one after
     * the other): named {@code layer} for channels first and {@code layer@nhwc} (the layout's name at
     * the layer's rank) otherwise.
     */
    static List<Workload.Layer> expand(List<Workload.Layer> layers, List<String> layouts) {
        if (layouts.size() == 1 && Layout.parse(layouts.getFirst()) == Layout.CHANNELS_FIRST) {
            return layers;
        }
        List<Workload.Layer> out = new ArrayList<>();
        for (Workload.Layer l : layers) {
            for (String name : layouts) {
                Layout layout = Layout.parse(name);
                var p = l.problem().withLayout(layout);
                String label = layout == Layout.CHANNELS_FIRST ? l.name() : l.name() + "@" + layout.name(p.rank());
                out.add(new Workload.Layer(label, p, l.source()));
            }
        }
        return out;
    }
}
