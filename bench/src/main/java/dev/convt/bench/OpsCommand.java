package dev.convt.bench;

import dev.convt.Problem;
import dev.convt.cost.CostModels;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** {@code bench/convt ops}: the three cost models of each layer, from their closed forms. */
final class OpsCommand {
    static final String HELP = """
            usage: bench/convt ops [--layers a,b] [--file LAYERS.json] [--json FILE]

            Prints the three cost models of each layer (DESIGN.md, "Cost models"), computed from
            their closed forms, no kernel run:
              published  the seed documents' estimate: total = N·(ψ·λ + γ) with ψ = Cin·Cout/groups,
                         λ = L_out·k + additions_per_filter, γ = Cout·L_out·(Cin/groups − [no bias])
              exact      what the reference kernel performs: products that land in the output, and
                         the additions that fold them into accumulators
              dense      zero-stuffed gather: every output multiplies its whole receptive field

              --layers a,b   only these layers
              --file F       layers in the format of shared/workloads/layers.json (default: the
                             embedded workload), so you can describe your own layers
              --json FILE    also write the figures as JSON (exact integers)
            """;

    private OpsCommand() {}

    static int run(String[] argv, PrintStream out, PrintStream err) {
        Args a = new Args("ops", argv, Set.of("layers", "file", "json"), Set.of("help"));
        if (a.flag("help")) {
            out.print(HELP);
            return 0;
        }
        a.positional(0, "no positional arguments");
        List<Workload.Layer> layers = Workload.chosen(a);

        Table table = new Table("layer", "input → output", ">ψ", ">λ", ">γ", ">add/filter", ">published",
                ">exact mul", ">exact add", ">exact total", ">dense mul", ">dense total", ">pub/exact");
        List<Map<String, Object>> json = new ArrayList<>();
        for (Workload.Layer layer : layers) {
            Problem p = layer.problem();
            Costs c;
            try {
                c = Costs.of(p);
            } catch (UnsupportedOperationException e) {
                err.println("ops: the cost models are not available in this build: " + e.getMessage());
                return 1;
            }
            CostModels.PublishedEstimate pub = c.published();
            table.row(layer.name(), Table.shape(p.inputShape()) + " → " + Table.shape(p.outputShape()),
                    Table.count(pub.psi()), Table.count(pub.lambda()), Table.count(pub.gamma()),
                    Table.count(pub.additionsPerFilter()), Table.count(pub.total()),
                    Table.count(c.exact().multiplications()), Table.count(c.exact().additions()), Table.count(c.exact().total()),
                    Table.count(c.dense().multiplications()), Table.count(c.dense().total()),
                    Table.fixed(c.publishedOverExact(), 3));
            json.add(layerJson(layer.name(), c));
        }
        table.print(out);
        out.println();
        out.println("published = the seeds' formula (it counts dense multiplications plus exact additions, so it over-counts");
        out.println("the work and can go negative where the stride leaves gaps); exact = what the reference kernel performs;");
        out.println("dense = zero-stuffed gather. GFLOP/s elsewhere in convt = 2 × exact mul ÷ time.");
        String file = a.option("json");
        if (file != null) {
            Map<String, Object> root = new LinkedHashMap<>();
            root.put("format", "convt-bench-ops/1");
            root.put("layers", json);
            JsonFiles.write(Path.of(file), JsonFiles.pretty(root));
            out.println("wrote " + file);
        }
        return 0;
    }

    static Map<String, Object> layerJson(String name, Costs c) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("name", name);
        Map<String, Object> pub = new LinkedHashMap<>();
        pub.put("psi", c.published().psi());
        pub.put("lambda", c.published().lambda());
        pub.put("gamma", c.published().gamma());
        pub.put("additions_per_filter", c.published().additionsPerFilter());
        pub.put("total", c.published().total());
        m.put("published", pub);
        m.put("exact", count(c.exact()));
        m.put("dense", count(c.dense()));
        return m;
    }

    private static Map<String, Object> count(CostModels.OpCount c) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("multiplications", c.multiplications());
        m.put("additions", c.additions());
        m.put("total", c.total());
        return m;
    }
}
