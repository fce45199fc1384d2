package dev.convt.vector.subpixel;

import dev.convt.Problem;
import dev.convt.kernel.Kernel;
import dev.convt.kernel.KernelGeometry;
import dev.convt.kernel.KernelPack;
import dev.convt.kernel.KernelPlan;
import dev.convt.kernel.BlockTranspose;
import dev.convt.kernel.WarmUpProblem;
import dev.convt.vector.Im2colKernel;
import dev.convt.vector.gemm.Blocking;

import java.util.ArrayList;
import java.util.List;

/**
 * The sub-pixel kernel ({@value #NAME}), after XNNPACK's subconvolution: with stride s and a kernel
 * k that is a multiple of s (or smaller than it), output phase {@code (rh, rw) ∈ [0, s)²} is a dense
 * correlation over the input with {@code k/s} taps per dimension. All phases of one group are one
 * packed SGEMM ({@link dev.convt.vector.gemm.Sgemm}): the phases' weights side by side as the packed
 * B (prepacked once), times a gathered input panel (super-pixels × {@code Cin/g · taps}, zero outside
 * the input) as the packed A. There is no column buffer and no overlap-add: each output element is
 * written exactly once, as its bias plus one GEMM element, or as its bias alone where its phase has no
 * tap (see {@link SubpixelPlan} and {@link PhaseAxis}).
 *
 * <p>Computes rank 1 and 2 with dilation 1 (or a kernel of size 1, where dilation has no effect)
 * and, per dimension, {@code k % s == 0} or {@code k < s} (any padding, output_padding, groups,
 * batch, bias). Declines rank 3, dilation ≠ 1 and kernels with
 * uneven phases ({@code k > s}, {@code k % s ≠ 0}), and problems whose dense phase GEMM would do more
 * than {@value #MAX_WASTE}× the products that land (super-pixels beyond the input, e.g. a kernel far
 * larger than a tiny input with stride 1) or whose structures would not fit a Java array.
 *
 * <p>Reads and writes channels last itself ({@link #readsLayout}, {@link #writesLayout}; not for
 * groups of few output channels): the gathered panel reads either layout in place, and for a
 * channels-last output the GEMM's columns hold each output pixel's channels side by side, so the
 * write-out stores them as vector runs.
 *
 * <p>A plan whose weights hold a NaN or an infinity runs the im2col kernel instead: the gathered
 * zeros outside the input would multiply them into NaNs the reference never computes.
 *
 * <p><b>Automatic choice</b> (measured with {@code bench/convt suite}, A/B against im2col in one
 * JVM): taken for strides of at least {@value #AUTO_MIN_STRIDE} in some dimension with
 * {@value #AUTO_MIN_CHANNELS_PER_GROUP} to {@value #AUTO_MAX_CHANNELS_PER_GROUP} input channels per
 * group. There im2col's GEMM is shallow (depth Cin/g) beside its overlap-add of {@code k²} taps per
 * input, while this GEMM is {@code (k/s)²} times deeper and writes each output once: fcn8s_up
 * (Cin 21, k 16, s 8) ran in about half im2col's time. With deep input channels im2col's GEMM is
 * already efficient and this kernel's gathered panel costs more than the overlap-add it saves
 * (hifigan_up1/2, demucs_dec: 10–20% slower than im2col); with one output channel (tasnet_dec,
 * fsrcnn_last) its GEMM has a handful of columns in a register tile of NR and the gather of
 * thousands of input channels is bound by cache misses (5–10× slower). Depthwise layers stay with
 * scatter.
 */
public final class SubpixelKernel implements Kernel {
    /** The kernel's name: {@value}. */
    public static final String NAME = "subpixel";

    /** The automatic choice takes this kernel from this stride on (in some dimension). */
    public static final int AUTO_MIN_STRIDE = 4;

    /** Below this many input channels per group the automatic choice leaves the problem to scatter. */
    public static final int AUTO_MIN_CHANNELS_PER_GROUP = 4;

    /** Above this many input channels per group the automatic choice leaves the problem to im2col. */
    public static final int AUTO_MAX_CHANNELS_PER_GROUP = 128;

    /** The most dense multiply-adds per landing product: super-pixels per input position (with an allowance). */
    static final long MAX_WASTE = 4;

    /** Super-pixels always allowed beyond {@link #MAX_WASTE} per input position. */
    static final long PIXEL_ALLOWANCE = 1 << 12;

    /** The most floats of one plan structure: a Java array, less a margin. */
    static final long MAX_STRUCTURE_FLOATS = Integer.MAX_VALUE - 64;

    private static final Im2colKernel FALLBACK = new Im2colKernel();

    /** The kernel; stateless (plans hold the packed weights and workspace). */
    public SubpixelKernel() {}

    /** The register transpose ({@link dev.convt.vector.gemm.RegisterBlockTranspose}; null where the width has none) for the layout stage around this kernel's plans. */
    @Override
    public BlockTranspose layoutTranspose() {
        return dev.convt.vector.gemm.RegisterBlockTranspose.INSTANCE;
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String declineReason(Problem p) {
        String why = shapeReason(p);
        if (why != null) {
            return why;
        }
        return sizeReason(p);
    }

    /** Why the kernel cannot compute the problem's spec and input shape at all (rank, dilation, phases, gather range), or null: never the batch's. */
    private static String shapeReason(Problem p) {
        if (p.rank() > 2) {
            return "the sub-pixel kernel supports spatial rank 1 and 2, not " + p.rank();
        }
        int[] k = p.kernel3(), st = p.stride3(), d = p.dilation3();
        for (int axis = 1; axis <= 2; axis++) {
            int dim = axis - (3 - p.rank());
            if (d[axis] != 1 && k[axis] > 1) {
                return "dilation " + d[axis] + " in dimension " + dim + ": the sub-pixel kernel handles dilation 1 only";
            }
            String uneven = PhaseAxis.unevenReason(k[axis], st[axis]);
            if (uneven != null) {
                return "in dimension " + dim + ", " + uneven;
            }
            long reach = (long) p.in3()[axis] + PhaseAxis.tapsOf(k[axis], st[axis]);
            if (reach >= Integer.MAX_VALUE) {
                return "in dimension " + dim + ", input size + taps = " + reach + " would leave the int range of its gather";
            }
        }
        return null;
    }

    /** Why the problem's sizes, with its batch, pass this kernel's limits (waste, Java arrays, the fallback's), or null. */
    private static String sizeReason(Problem p) {
        long pixels = pixels(p);
        long inputs = (long) p.batch() * p.inputPlane();
        if (pixels > MAX_WASTE * inputs + PIXEL_ALLOWANCE) {
            return "its dense phase GEMM would be disproportionate: " + pixels + " super-pixels for " + inputs
                    + " input positions (limit " + MAX_WASTE + " per position + " + PIXEL_ALLOWANCE + ")";
        }
        if (pixels + Blocking.MC > MAX_STRUCTURE_FLOATS) {
            return "its GEMM row count N*super-pixels = " + pixels + " would leave the int range";
        }
        long depth = (long) p.spec().inChannelsPerGroup() * taps(p);
        long columns = (long) p.spec().outChannelsPerGroup() * phases(p);
        long packed = p.spec().groups() * (Math.ceilDiv(columns, Blocking.NR) * Blocking.NR) * depth;
        if (packed > MAX_STRUCTURE_FLOATS || depth * columns > MAX_STRUCTURE_FLOATS) {
            return "its packed weights (" + packed + " floats) would not fit a Java array (limit " + MAX_STRUCTURE_FLOATS + ")";
        }
        long rows = blockRows((int) pixels);
        long work = rows * depth + rows * (Math.ceilDiv(columnTile((int) columns), Blocking.NR) * Blocking.NR + Blocking.LANES);
        if (work > MAX_STRUCTURE_FLOATS) {
            return "its workspace (" + work + " floats for Cin/groups = " + p.spec().inChannelsPerGroup()
                    + ") would not fit a Java array (limit " + MAX_STRUCTURE_FLOATS + ")";
        }
        String fallback = FALLBACK.declineReason(p);
        if (fallback != null) {
            return "its fallback for non-finite weights, im2col, declines: " + fallback;
        }
        return null;
    }

    @Override
    public String autoDeclineReason(Problem p) {
        String why = declineReason(p);
        return why != null ? why : preferenceReason(p);
    }

    /** What the kernel cannot compute and what the automatic choice leaves to others, as far as the spec and input shape decide it. */
    @Override
    public String shapeDeclineReason(Problem p) {
        String why = shapeReason(p);
        return why != null ? why : preferenceReason(p);
    }

    /** Why the automatic choice prefers another kernel for a problem this kernel computes, or null (the spec's alone). */
    private static String preferenceReason(Problem p) {
        int[] st = p.stride3();
        if (Math.max(st[1], st[2]) < AUTO_MIN_STRIDE) {
            return "strides below " + AUTO_MIN_STRIDE + ": the im2col GEMM is expected to be faster";
        }
        int cinG = p.spec().inChannelsPerGroup();
        if (cinG < AUTO_MIN_CHANNELS_PER_GROUP) {
            return "Cin/groups = " + cinG + " < " + AUTO_MIN_CHANNELS_PER_GROUP + ": a GEMM this shallow loses to direct scatter";
        }
        if (cinG > AUTO_MAX_CHANNELS_PER_GROUP) {
            return "Cin/groups = " + cinG + " > " + AUTO_MAX_CHANNELS_PER_GROUP
                    + ": the im2col GEMM is deep enough to be faster than gathering the input panel";
        }
        return null;
    }

    /**
     * Warm-up proxies ({@link WarmUpProblem#resize}): the problem's geometry with two input channels
     * per group (so the micro-kernel's k loop repeats) and its own output channels per group (so the
     * GEMM's column tiles, and with them the wide-tail tile, are the plan's); first, for a GEMM deeper
     * than one K block, a proxy of one output channel deeper than {@link Blocking#KC} (the
     * micro-kernel's accumulating path). Where the problem has more than one output channel per
     * group, also the geometry with one: its GEMM has a single column tile, so the output map of
     * {@link SubpixelPlan}'s vector runs is kept from one tile to the next, where the plan's proxy
     * (two tiles, a new map each time) has it remade; with only one case profiled, C2 compiled the
     * other as a trap and the real layer threw the compiled code away on its first execute.
     */
    @Override
    public List<Problem> warmUpProblems(Problem p) {
        List<Problem> out = new ArrayList<>();
        int cinG = p.spec().inChannelsPerGroup();
        int taps = (int) taps(p);
        if ((long) cinG * taps > Blocking.KC) {
            out.add(WarmUpProblem.resize(p, Blocking.KC / taps + 1, 1));
        }
        out.add(WarmUpProblem.resize(p, Math.min(cinG, 2), p.spec().outChannelsPerGroup()));
        if (p.spec().outChannelsPerGroup() > 1) {
            out.add(WarmUpProblem.resize(p, Math.min(cinG, 2), 1));
        }
        return out;
    }

    /**
     * Yes: each output gets the activation right after its one write ({@link SubpixelPlan}); the
     * im2col fallback for non-finite weights fuses it too.
     */
    @Override
    public boolean fusesActivation() {
        return true;
    }

    @Override
    public KernelPlan prepare(Problem p, float[] weight, int weightOffset, float[] bias, int biasOffset) {
        return plan(p, pack(p, weight, weightOffset, bias, biasOffset));
    }

    /** The same as {@link #writesLayout}: a plan reads and writes a channels-last problem itself, or neither. */
    @Override
    public boolean readsLayout(Problem problem) {
        return writesLayout(problem);
    }

    /**
     * Channels first, and channels last where {@link #writesChannelsLast}: the plan writes each output
     * pixel's channels, which the GEMM's columns then hold side by side ({@link #packLayout}), and
     * gathers the input in place. Otherwise the plan computes channels first behind the layout stage.
     */
    @Override
    public boolean writesLayout(Problem problem) {
        return writesLayoutOf(problem);
    }

    /**
     * Whether a plan of the problem reads and writes channels last itself, with the GEMM's columns in
     * the order {@code (rh, rw, co)} (a pixel's channels side by side); else its columns are
     * {@code (co, rh, rw)} and it computes channels first. Not for groups of fewer than a vector of
     * output channels: each group would write a few floats of every output pixel, passing over the
     * whole output once per group. (The im2col fallback for non-finite weights, whose finiteness is not
     * known here, writes every layout itself: {@link Im2colKernel#writesLayout}.)
     */
    static boolean writesChannelsLast(Problem problem) {
        return problem.layout() == dev.convt.Layout.CHANNELS_LAST
                && (problem.spec().groups() == 1 || problem.spec().outChannelsPerGroup() >= Blocking.LANES);
    }

    /**
     * The phase GEMM's packed B, by the order of its columns: {@code "phases"} ({@code (co, rh, rw)},
     * for a channels-first output) or {@code "phases-channels-last"} ({@code (rh, rw, co)}, for a
     * channels-last one, {@link #writesChannelsLast}); otherwise the spec's alone.
     */
    @Override
    public String packLayout(Problem problem) {
        return writesChannelsLast(problem) ? "phases-channels-last" : "phases";
    }

    /** The phases' weights side by side as the GEMM's packed B, and the bias; non-finite weights are only copied. */
    @Override
    public KernelPack pack(Problem problem, float[] weight, int weightOffset, float[] bias, int biasOffset) {
        return new SubpixelWeights(problem, writesChannelsLast(problem), weight, weightOffset, bias, biasOffset);
    }

    /**
     * The per-shape plan over the pack: the phase tables and workspace sizes. For non-finite weights,
     * im2col's plan from the pack's copy (which packs them for this shape alone: a rare case kept simple).
     */
    @Override
    public KernelPlan plan(Problem problem, KernelPack pack) {
        return geometry(problem, pack).plan(problem);
    }

    /**
     * The input shape's phase tables over the pack ({@link SubpixelPlan.Geometry}); each batch's plan
     * adds its GEMM rows and workspace sizes. For non-finite weights, im2col's geometry over its own
     * pack of the pack's copy, made here once for the input shape (so its plans of every batch share it).
     */
    @Override
    public KernelGeometry geometry(Problem problem, KernelPack pack) {
        SubpixelWeights w = (SubpixelWeights) pack;
        // behind the layout stage the plan, and its fallback, read and write channels first
        boolean own = writesLayout(problem);
        Problem p = own ? problem : problem.withLayout(dev.convt.Layout.CHANNELS_FIRST);
        KernelGeometry g;
        long packBytes = 0;
        if (!w.finite) {
            KernelPack fallbackPack = FALLBACK.pack(p, w.source, 0, w.bias, 0);
            packBytes = fallbackPack.packedWeightBytes();
            g = FALLBACK.geometry(p, fallbackPack);
        } else {
            g = new SubpixelPlan.Geometry(p, w, writesChannelsLast(problem));
        }
        return own && packBytes == 0 ? g : new Relayout(g, packBytes);
    }

    /**
     * A geometry whose plans compute channels first behind the layout stage (their problem taken
     * channels first), or that holds im2col's pack of non-finite weights ({@code packBytes}).
     */
    private record Relayout(KernelGeometry inner, long packBytes) implements KernelGeometry {
        @Override
        public KernelPlan plan(Problem problem) {
            return inner.plan(writesLayoutOf(problem) ? problem : problem.withLayout(dev.convt.Layout.CHANNELS_FIRST));
        }

        @Override
        public long tableBytes() {
            return inner.tableBytes() + packBytes;
        }
    }

    /** {@link #writesLayout}. */
    private static boolean writesLayoutOf(Problem problem) {
        return problem.layout() == dev.convt.Layout.CHANNELS_FIRST || writesChannelsLast(problem);
    }

    /** Taps per phase over both dimensions, {@code Th·Tw}. */
    static long taps(Problem p) {
        int[] k = p.kernel3(), st = p.stride3();
        return (long) PhaseAxis.tapsOf(k[1], st[1]) * PhaseAxis.tapsOf(k[2], st[2]);
    }

    /** Phases with taps over both dimensions, {@code Ph·Pw}. */
    static long phases(Problem p) {
        int[] k = p.kernel3(), st = p.stride3();
        return (long) Math.min(k[1], st[1]) * Math.min(k[2], st[2]);
    }

    /** GEMM rows per group: {@code N · Qh · Qw} super-pixels. */
    static long pixels(Problem p) {
        int[] st = p.stride3(), pad = p.padBegin3(), out = p.out3();
        return (long) p.batch() * PhaseAxis.count(st[1], pad[1], out[1]) * PhaseAxis.count(st[2], pad[2], out[2]);
    }

    /** GEMM depth {@code Cin/g · taps} of an accepted problem. */
    static int depth(Problem p) {
        return (int) (p.spec().inChannelsPerGroup() * taps(p));
    }

    /** GEMM columns {@code Cout/g · phases} of an accepted problem. */
    static int columns(Problem p) {
        return (int) (p.spec().outChannelsPerGroup() * phases(p));
    }

    /** Super-pixels per GEMM block: {@link Blocking#MC}, or all of them in whole MR panels. */
    static int blockRows(int pixels) {
        return Math.min(Blocking.MC, Math.ceilDiv(Math.max(1, pixels), Blocking.MR) * Blocking.MR);
    }

    /**
     * Columns per GEMM call: all of them up to {@link Blocking#NC_MAX}, else equal tiles of whole NR
     * panels (so the C block stays in L2 while it is written out).
     */
    static int columnTile(int columns) {
        if (columns <= Blocking.NC_MAX) {
            return Math.max(1, columns);
        }
        int tiles = Math.ceilDiv(columns, Blocking.NC_MAX);
        return Math.ceilDiv(Math.ceilDiv(columns, tiles), Blocking.NR) * Blocking.NR;
    }
}
