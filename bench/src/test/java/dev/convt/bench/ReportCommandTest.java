package dev.convt.bench;

import com.fasterxml.jackson.jr.ob.JSON;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code report}: one self-contained page holding Chart.js and the run's figures, with compare's verdicts. */
class ReportCommandTest {
    private static final Pattern DATA = Pattern.compile("<script id=\"convt-data\" type=\"application/json\">(.*?)</script>", Pattern.DOTALL);

    /** The data the page draws, read back from the page. */
    private static Map<?, ?> data(String html) throws Exception {
        Matcher m = DATA.matcher(html);
        assertTrue(m.find(), "the page embeds its data");
        return (Map<?, ?>) JSON.std.anyFrom(m.group(1));
    }

    private static String report(Path dir, String... args) throws Exception {
        Path html = dir.resolve("report.html");
        String[] argv = new String[args.length + 3];
        argv[0] = "report";
        System.arraycopy(args, 0, argv, 1, args.length);
        argv[args.length + 1] = "--html";
        argv[args.length + 2] = html.toString();
        Cli r = Cli.run(argv);
        assertEquals(0, r.status(), r.err());
        return Files.readString(html);
    }

    @Test
    void thePageIsSelfContained(@TempDir Path dir) throws Exception {
        Path run = SuiteRunFixture.standard("", 1).write(dir.resolve("run.json"));
        String html = report(dir, run.toString());
        String chartJs = ReportCommand.chartJs();
        assertTrue(chartJs.length() > 100_000 && chartJs.startsWith("/*!\n * Chart.js v"), "the WebJar's UMD bundle");
        assertTrue(html.contains(chartJs), "Chart.js is inlined whole");
        assertFalse(html.contains("@CHART_JS@") || html.contains("@DATA@"), "every placeholder is filled");
        // nothing is fetched when the page is viewed
        assertFalse(Pattern.compile("<(script|img|iframe)[^>]*\\ssrc=", Pattern.CASE_INSENSITIVE).matcher(html).find(), "no external script or image");
        assertFalse(Pattern.compile("<link[^>]*href=", Pattern.CASE_INSENSITIVE).matcher(html).find(), "no external style sheet");
        assertFalse(html.contains("@import"), "no imported style sheet");
    }

    @Test
    void thePageHoldsTheRunsFigures(@TempDir Path dir) throws Exception {
        Path run = SuiteRunFixture.standard("", 1).write(dir.resolve("run.json"));
        Map<?, ?> d = data(report(dir, run.toString()));
        assertEquals(List.of(SuiteRunFixture.LAYERS), d.get("layers"));
        assertEquals(List.of(SuiteRunFixture.KERNELS), d.get("series"));
        Map<?, ?> unetIm2col = (Map<?, ?>) ((List<?>) ((Map<?, ?>) d.get("time")).get("im2col")).get(1);
        assertEquals(20.0, ((Number) unetIm2col.get("median")).doubleValue(), 1e-12);
        assertEquals(11, ((Number) unetIm2col.get("runs")).intValue());
        assertEquals(50.0, ((Number) ((List<?>) ((Map<?, ?>) d.get("gflops")).get("im2col")).get(1)).doubleValue(), 1e-12);
        assertNull(d.get("comparison"), "no base, no comparison");
        assertNull(d.get("fma_peak_gflops"), "the run recorded no peak");
        assertEquals("Test CPU @ 2.0GHz, JDK 25", ((Map<?, ?>) d.get("run")).get("machine"));
    }

    @Test
    void thePeakIsDrawnWhenTheRunRecordedIt(@TempDir Path dir) throws Exception {
        Path run = SuiteRunFixture.standard("", 1).machine("fma_peak_gflops", 153.6).write(dir.resolve("run.json"));
        Map<?, ?> d = data(report(dir, run.toString()));
        assertEquals(153.6, ((Number) d.get("fma_peak_gflops")).doubleValue(), 1e-12);
    }

    @Test
    void withABaseTheRegressionsAreCompares(@TempDir Path dir) throws Exception {
        Path base = SuiteRunFixture.standard("", 1).write(dir.resolve("base.json"));
        Path slow = SuiteRunFixture.standard("unet_up1", 1.5).write(dir.resolve("new.json"));
        Path html = dir.resolve("report.html");
        Cli r = Cli.run("report", slow.toString(), base.toString(), "--html", html.toString());
        assertEquals(0, r.status(), "a report is not a gate: compare is\n" + r.err());
        assertTrue(r.err().contains("(3 regressed, 0 faster of 9 compared)"), r.err());
        Map<?, ?> c = (Map<?, ?>) data(Files.readString(html)).get("comparison");
        assertEquals(3, ((Number) c.get("regressed_count")).intValue());
        List<String> regressed = ((List<?>) c.get("regressed")).stream().map(o -> (Map<?, ?>) o)
                .map(m -> m.get("layer") + " / " + m.get("series") + " ×" + m.get("ratio")).toList();
        assertEquals(List.of("unet_up1 / reference ×1.5", "unet_up1 / im2col ×1.5", "unet_up1 / auto ×1.5"), regressed);
        List<?> im2col = (List<?>) ((Map<?, ?>) c.get("ratios")).get("im2col");
        Map<?, ?> unet = (Map<?, ?>) im2col.get(1);
        assertEquals(1.5, ((Number) unet.get("ratio")).doubleValue(), 1e-12);
        assertEquals("REGRESSED", unet.get("verdict"));
        // the noise band: the larger IQR (the new run's, 0.04 × 30 ms) over the base median (20 ms)
        assertEquals(1.06, ((Number) unet.get("band_high")).doubleValue(), 1e-12);
        assertEquals(0.94, ((Number) unet.get("band_low")).doubleValue(), 1e-12);
        Map<?, ?> dcgan = (Map<?, ?>) im2col.get(0);
        assertEquals(1.0, ((Number) dcgan.get("ratio")).doubleValue(), 1e-12);
        assertEquals("OK", dcgan.get("verdict"));
    }

    @Test
    void aNameCannotEndTheDataScript(@TempDir Path dir) throws Exception {
        String evil = "x</script><script>alert(1)</script>";
        Path run = new SuiteRunFixture().result(evil, "im2col", 1.0, 3, 1.0).write(dir.resolve("run.json"));
        String html = report(dir, run.toString());
        assertFalse(html.contains(evil), "the name is escaped inside the data script");
        assertEquals(List.of(evil), data(html).get("layers"), "and reads back as it was");
    }

    @Test
    void mistakesAreUsageErrors(@TempDir Path dir) throws Exception {
        Path run = SuiteRunFixture.standard("", 1).write(dir.resolve("run.json"));
        Cli noHtml = Cli.run("report", run.toString());
        assertEquals(2, noHtml.status());
        assertEquals("convt: report: --html FILE is required (where to write the page)", noHtml.err().strip());
        Cli three = Cli.run("report", run.toString(), run.toString(), run.toString(), "--html", dir.resolve("r.html").toString());
        assertEquals(2, three.status());
        assertFalse(Files.exists(dir.resolve("r.html")), "nothing written on a mistake");
        Cli missing = Cli.run("report", dir.resolve("nope.json").toString(), "--html", dir.resolve("r.html").toString());
        assertEquals(2, missing.status());
        assertFalse(Files.exists(dir.resolve("r.html")));
    }
}
