package dev.convt.vector;

import dev.convt.Problem;
import dev.convt.kernel.Kernel;
import dev.convt.kernel.KernelPack;
import dev.convt.kernel.KernelPlan;
import dev.convt.kernel.BlockTranspose;
import dev.convt.kernel.WarmUpProblem;
import dev.convt.vector.gemm.Blocking;
import dev.convt.vector.gemm.Packing;
import dev.convt.vector.gemm.Sgemm;

import java.lang.foreign.MemorySegment;
import java.util.Arrays;
import java.util.List;

/**
 * The im2col kernel ({@value #NAME}): per group, one GEMM {@code cols = Wᵀ · X} followed by a
 * col2im scatter-add into the output, which starts at the bias.
 *
 * <p>Shapes, per group g: {@code Wᵀ} is {@code M × K} with {@code M = Cout/g · Πk} (row
 * {@code (co, kd, kh, kw)}) and {@code K = Cin/g}; X is {@code K × J} with {@code J = N · Π in}: the
 * columns of every image of the batch side by side, so small images still make a wide GEMM.
 * {@code Wᵀ} is packed once per spec ({@code Im2colWeights}, shared by the plans of every input shape). X is packed
 * per N tile of {@code nc} columns ({@link Blocking#ncFor}); the GEMM then runs one M block of
 * {@link Blocking#MC} rows at a time into a small column block that col2im scatters while it is
 * still in L2, so the full column buffer ({@code M × J}) never exists. Where each output receives
 * exactly one column value through a kernel two wide at stride 2 (U-Net's 2 × 2 up-convolutions,
 * Mask R-CNN's mask head), the GEMM's register tiles of the last K block store their results into
 * the output instead ({@link Col2im#multiplyZipped}): the output is written while the tiles compute,
 * and the column block holds only the sums of the earlier K blocks of a deep GEMM.
 *
 * <p>A layer whose input has one spatial position and whose output is exactly its kernel (a DCGAN
 * generator's first layer), and a channels-last layer whose stride equals its kernel (U-Net's 2 × 2
 * up-convolutions), is one GEMM whose result is the output: {@link Im2colProjection} runs it with the
 * roles swapped (weights as the packed B, images or input positions as the rows of A) and no col2im.
 *
 * <p>Native segments ({@link Im2colPlan#executesSegments}): the input columns are packed straight from
 * the input segment and col2im, the bias, the activation and the channels-last write-out store into the
 * output segment, through the segment twins {@code gen_segments.py} generates from the array code, so
 * the result has the same bits. {@link Im2colProjection} has its twin too (packing its A rows from the
 * input segment, storing the output there).
 *
 * <p>Workspace per executing thread: the packed X tile (off-heap, cache-line aligned: see
 * {@link Packing#newPackedB}), {@code 4·K·nc} bytes rounded up to whole NR panels (≤ 384 KiB, plus
 * with AVX-512 at most one half panel of {@code 4·K·16} bytes, while
 * {@code K·NR ≤ 98 304}, i.e. K ≤ 6144 with AVX2's NR = 16 and K ≤ 3072 with AVX-512's NR = 32; beyond,
 * one panel of {@code 4·K·NR} bytes, which reaches 16 MiB only at K = 262 144 (AVX2) or 131 072
 * (AVX-512) input channels per group), plus the column
 * block, {@code 4·MC·nc} bytes (≤ 256 KiB, or 512 KiB with AVX-512's 8-row tile), the zipped
 * path's row-pair tables and tile buffer ({@code 4·(MC + MR·NR + L)} bytes), and for a
 * channels-last output the channels-first window col2im accumulates in ({@link OutputFrontier#window}
 * positions of each of a group's output channels: the rows a column tile reaches, at most the
 * whole output). Created lazily
 * on each thread's first execute; later
 * executes allocate nothing once C2 has compiled the kernel (before that, the interpreter boxes
 * Vector API values).
 *
 * <p>Float32 order: each column value is a chain of FMAs over the input channels from −0 (the
 * identity of float addition, see {@link dev.convt.vector.gemm.Sgemm}); the output then adds those
 * values to the bias (or +0). Where every product and partial sum is exact (small integers) this
 * equals the reference bitwise, including the sign of zero: a result is −0 exactly when the bias and
 * every product are −0, in both. The rest of the numerics contract (FMA, overflow, underflow) is
 * {@link dev.convt.Plan}'s.
 *
 * <p>Every rank (1 to 3: {@link Col2im} walks depth as the outer part of its image walk). For the
 * automatic choice it declines rank-1 and rank-2 problems with fewer than
 * {@value #AUTO_MIN_CHANNELS_PER_GROUP} input channels per group (depthwise and near-depthwise): the
 * GEMM depth is then so small that writing and re-reading the column block costs more than the
 * arithmetic, and direct scatter does the same products without it (scatter takes no rank 3, so
 * im2col keeps shallow rank-3 problems off the scalar reference).
 */
public final class Im2colKernel implements Kernel {
    /** The kernel's name: {@value}. */
    public static final String NAME = "im2col";

    /** Below this many input channels per group the automatic choice prefers another kernel. */
    public static final int AUTO_MIN_CHANNELS_PER_GROUP = 4;

    /** The im2col kernel (stateless); the planner makes one through {@link VectorKernelProvider}. */
    public Im2colKernel() {}

    /**
     * The register transpose ({@link dev.convt.vector.gemm.RegisterBlockTranspose}; null where the width
     * has none) for a layout stage around this kernel's plans: none has one today, since im2col reads
     * and writes every layout itself ({@link #readsLayout}, {@link #writesLayout}).
     */
    @Override
    public BlockTranspose layoutTranspose() {
        return dev.convt.vector.gemm.RegisterBlockTranspose.INSTANCE;
    }

    @Override
    public String name() {
        return NAME;
    }

    /** The most floats of one plan structure (packed weights, packed X tile, column block): a Java array, less a margin. */
    static final long MAX_STRUCTURE_FLOATS = Integer.MAX_VALUE - 16;

    /**
     * Declines every problem whose packed weights, packed X tile or column block (the
     * sizes {@link #packedWeightFloats} and {@link #workspaceFloats} give, computed in {@code long})
     * would not fit a Java array, so planning never allocates a part of a plan it cannot finish.
     */
    @Override
    public String declineReason(Problem problem) {
        long columns = (long) problem.batch() * problem.inputPlane();
        if (columns + Blocking.NR > Integer.MAX_VALUE) {
            return "the GEMM's column count N*prod(input) = " + columns + " leaves no room to pad it to whole panels of "
                    + Blocking.NR + " within an int";
        }
        // the projection's test walks the spec's dimensions: once for both sizes
        boolean projection = Im2colProjection.applies(problem);
        long packed = packedWeightFloats(problem, projection);
        if (packed > MAX_STRUCTURE_FLOATS) {
            return "the packed weights (" + packed + " floats) would not fit a Java array (limit " + MAX_STRUCTURE_FLOATS + ")";
        }
        long tile = workspaceFloats(problem, projection);
        if (tile > MAX_STRUCTURE_FLOATS) {
            return "the workspace (packed X tile and column block, " + tile + " floats for Cin/groups = "
                    + problem.spec().inChannelsPerGroup() + ") would not fit a Java array (limit " + MAX_STRUCTURE_FLOATS + ")";
        }
        return null;
    }

    /** Floats of the packed weights: per group, {@code M = Cout/g·Πk} rounded up to whole MR panels, times {@code K = Cin/g} (or {@link Im2colProjection}'s). */
    private static long packedWeightFloats(Problem p, boolean projection) {
        if (projection) {
            return Im2colProjection.packedWeightFloats(p);
        }
        long m = (long) p.spec().outChannelsPerGroup() * p.spec().kernelVolume();
        return Math.ceilDiv(m, Blocking.MR) * Blocking.MR * p.spec().inChannels();
    }

    /** Floats of one thread's workspace: the packed X tile ({@code K} rows of {@code nc} columns in whole NR panels) and the column block. */
    private static long workspaceFloats(Problem p, boolean projection) {
        if (projection) {
            return Im2colProjection.workspaceFloats(p);
        }
        int nc = columnTile(p);
        return packedTileFloats(p, nc) + columnBlockFloats(p, nc);
    }

    /**
     * Floats of the packed X tile: {@code K} rows of the columns a tile packs, in whole NR panels; an
     * N tile of whole images read in place ({@link #tilesInPlace}) packs at most a part of a panel,
     * or a tile too narrow to read in place.
     */
    static long packedTileFloats(Problem p, int nc) {
        int packed = tilesInPlace(p) ? Math.min(nc, Blocking.UNPACKED_B_MIN_PANELS * Blocking.NR) : nc;
        return Math.ceilDiv((long) packed, Blocking.NR) * Blocking.NR * p.spec().inChannelsPerGroup();
    }

    /**
     * Floats of the column block for an N tile of {@code nc} columns: {@link Blocking#MC} rows of the
     * tile (the GEMM's rows where {@link #tilesInPlace}, fewer) in whole NR panels, the width the
     * one-pass path's earlier K blocks use ({@link Sgemm#multiplyLeadingBlocks}).
     */
    static long columnBlockFloats(Problem p, int nc) {
        return (long) (tilesInPlace(p) ? gemmRows(p) : Blocking.MC) * (Math.ceilDiv((long) nc, Blocking.NR) * Blocking.NR);
    }

    /** The GEMM's rows, {@code Cout/g · Πk}, in whole MR panels. */
    private static int gemmRows(Problem p) {
        return (int) Math.min(Blocking.MC, Blocking.roundUp(p.spec().outChannelsPerGroup() * p.spec().kernelVolume(), Blocking.MR));
    }

    /** The packed N tile: {@link Blocking#ncFor} for depth k, at most the padded column count (columns + NR fits an int: checked first). */
    private static int packedNc(int k, long columns) {
        return Math.min(Blocking.ncFor(k), Blocking.paddedColumns((int) columns));
    }

    /**
     * The GEMM's N tile: the columns (input positions, the batch's images side by side) it
     * multiplies and col2im adds at a time. Where the GEMM packs B: as many as keep the packed tile
     * in L2 ({@link Blocking#ncFor}). Where it reads B in place across long tiles (few rows, a deep
     * GEMM, images at least a packed tile wide, no zipped col2im): one image's plane, or, for a
     * single image wider than {@link Blocking#inPlaceTileColumns}, that many columns. The B rows it
     * streams ({@link Blocking#STRIDED_KC} at a time) are then long enough for the hardware
     * prefetchers to follow, and no tile holds two images, so every tile reads its whole panels in
     * place. The tile also orders the sums of an output that columns of two tiles reach, so it is
     * the plan's, whatever memory the input lies in.
     *
     * @param p a problem this kernel computes on its GEMM and col2im path (not the one-GEMM path of
     *          a kernel whose taps cover each output once)
     * @return its N tile, in columns
     */
    public static int columnTile(Problem p) {
        int k = p.spec().inChannelsPerGroup();
        long columns = (long) p.batch() * p.inputPlane();
        if (!tilesInPlace(p)) {
            return packedNc(k, columns);
        }
        return Math.min(p.inputPlane(), Blocking.inPlaceTileColumns(gemmRows(p)));
    }

    /**
     * Whether the plan's N tiles are wide tiles of whole images read in place ({@link #columnTile}): its GEMM
     * reads B in place ({@link #readsInPlace}), never zips col2im into it (whose tiles pack every
     * column), and its images are at least a packed tile wide and either fit the widest tile or are
     * one.
     */
    static boolean tilesInPlace(Problem p) {
        int plane = p.inputPlane();
        long columns = (long) p.batch() * plane;
        return readsInPlace(p) && !Col2im.zipGeometry(p) && plane >= packedNc(p.spec().inChannelsPerGroup(), columns)
                && (p.batch() == 1 || plane <= Blocking.inPlaceTileColumns(gemmRows(p)));
    }

    @Override
    public String autoDeclineReason(Problem problem) {
        String why = declineReason(problem);
        return why != null ? why : preferenceReason(problem);
    }

    /** The automatic choice's preference: the spec's alone, whatever the batch. */
    @Override
    public String shapeDeclineReason(Problem problem) {
        return preferenceReason(problem);
    }

    /** Why the automatic choice prefers another kernel for a problem this kernel computes, or null (the spec's alone). */
    private static String preferenceReason(Problem problem) {
        int k = problem.spec().inChannelsPerGroup();
        // direct scatter takes rank 1 and 2 only: a shallow rank-3 problem stays here rather than fall to the reference
        if (k < AUTO_MIN_CHANNELS_PER_GROUP && problem.rank() < 3) {
            return "Cin/groups = " + k + " < " + AUTO_MIN_CHANNELS_PER_GROUP
                    + ": a GEMM this shallow spends its time on the column buffer; direct scatter avoids it";
        }
        return null;
    }

    /**
     * The proxy of every problem deeper than one K block ({@link Blocking#KC}): one output channel, a
     * depth of {@code KC + 1} (a full block, then the micro-kernel's accumulating path), and two and a
     * half panels of columns, so both the register tile and the wide tail tile run that path. The same
     * for every such layer, so it is warmed once per JVM.
     */
    private static final Problem DEEP_PROXY = dev.convt.ConvTransposeSpec.builder1d(Blocking.KC + 1, 1, 1).bias(false).build()
            .problem(1, new int[] {2 * Blocking.NR + Math.max(1, Blocking.LANES / 2)});

    /**
     * The second proxy of every problem deeper than one K block: as {@link #DEEP_PROXY} on two whole
     * column panels, so the later K blocks also finish a GEMM whose last panel is full (DCGAN's
     * 128 columns), not only one that ends with the wide tail or a part panel; without it the first
     * deep layer met that branch as a trap at its first execute.
     */
    private static final Problem DEEP_FULL_PANELS_PROXY = DEEP_PROXY.spec().problem(1, new int[] {2 * Blocking.NR});

    /**
     * The third proxy of a pairs problem deeper than one K block: kernel 2, stride 2, {@code KC + 1}
     * input channels, on a row wider than a column panel, so the zipped pass runs its later K blocks and
     * its direct stores; without it a deep pairs layer (U-Net's) reached them first at its own first
     * execute, where the compiled zipped tile met them as a trap and was compiled again.
     */
    private static final Problem DEEP_PAIRS_PROXY = dev.convt.ConvTransposeSpec.builder2d(Blocking.KC + 1, 1, 2).stride(2).bias(false)
            .build().problem(1, new int[] {1, Blocking.NR + 1});

    /**
     * Input channels per group of the geometry proxy: two, so the micro-kernel's k loop takes its back
     * branch (with one, C2 would compile the loop as never repeating and deoptimise on the real depth).
     */
    static final int WARM_UP_DEPTH = 2;

    /**
     * Proxies of the col2im and GEMM paths of each family of layers ({@link #family}), warmed
     * together the first time a plan of that family is warmed in a JVM (later plans of the family
     * find them warm). {@link Col2im}'s runs, {@link dev.convt.vector.gemm.SgemmMicroKernel}'s tiles
     * and {@link Packing} are shared by every plan of a family, and C2 compiles a branch the profile
     * has never seen taken as a trap: warmed on one layer's paths only, those methods were thrown away
     * and compiled again at the next layer with another tail or bias (Col2im's pair run and add six
     * times each over the 17 workload layers). So each family comes with and without bias, the pair
     * runs with each kind of tail (none, at most and more than half a vector of pairs, at 512 and 256
     * bits), and some GEMMs' columns end with the wide tail tile, some fill their last panel and some
     * do not. Each has {@value #WARM_UP_DEPTH} input channels and one output channel, so its calls
     * are short. Families are warmed only as their layers come, so a model of one family (a DCGAN
     * generator) does not pay for the others.
     */
    static final java.util.Map<Family, List<Problem>> PATH_PROXIES = new java.util.EnumMap<>(java.util.Map.of(
            // kernel 4, stride 2, padding 1 (DCGAN, pose, HiFi-GAN): zipped pairs added to the output;
            // kernel 2, stride 2 (U-Net, Mask R-CNN): zipped pairs written once (single cover)
            Family.PAIRS, List.of(
                    spec(2, 4, 2, 1, 0, false).problem(1, new int[] {3, 16}),
                    spec(2, 4, 2, 1, 0, true).problem(1, new int[] {2, 21}),
                    spec(2, 4, 2, 1, 0, false).problem(1, new int[] {2, 17}),
                    // two images side by side, the second starting inside a column panel (DCGAN's batches)
                    spec(2, 4, 2, 1, 0, false).problem(2, new int[] {3, 5}),
                    spec(2, 2, 2, 0, 0, true).problem(1, new int[] {2, 21}),
                    spec(2, 2, 2, 0, 0, false).problem(1, new int[] {2, 28}),
                    spec(2, 2, 2, 0, 0, false).problem(1, new int[] {2, 16}),
                    // as many output channels as fill one zipped register tile, on rows wider than a column
                    // panel: the tile's row pairs stored straight into the output (U-Net's wide rows)
                    spec(2, 2, 2, 0, 0, true, Math.ceilDiv(Col2im.TILE_PAIRS, 2)).problem(1, new int[] {2, Blocking.NR + 5})),
            // kernel 9, stride 3, padding 4, output_padding 2 (FSRCNN): interleaved triples
            Family.TRIPLES, List.of(
                    spec(2, 9, 3, 4, 2, false).problem(1, new int[] {2, 21}),
                    spec(2, 9, 3, 4, 2, true).problem(1, new int[] {3, 16})),
            // 1-D kernel 16, stride 8, padding 4 (HiFi-GAN, Conv-TasNet): interleaved groups of 8 taps, also over two images
            Family.EIGHTS, List.of(
                    spec(1, 16, 8, 4, 0, false).problem(1, new int[] {21}),
                    spec(1, 16, 8, 4, 0, true).problem(2, new int[] {13})),
            // 1-D kernel 8, stride 4, padding 2 (Demucs): interleaved quads; kernel 3, stride 1: vector runs, scalar tails
            Family.RUNS, List.of(
                    spec(1, 8, 4, 2, 0, true).problem(1, new int[] {40}),
                    spec(1, 8, 4, 2, 0, false).problem(1, new int[] {32}),
                    spec(1, 3, 1, 1, 0, false).problem(1, new int[] {32}),
                    spec(1, 3, 1, 1, 0, true).problem(1, new int[] {21}))));

    /** The col2im families of {@link #PATH_PROXIES}: which of {@link Col2im}'s run kinds the width axis takes. */
    enum Family { PAIRS, TRIPLES, EIGHTS, RUNS }

    /**
     * A problem's col2im family, by the width axis's stride, dilation and kernel as {@link Col2im}
     * chooses its runs (triples where that width supports them; otherwise their taps take plain runs).
     */
    static Family family(Problem p) {
        dev.convt.ConvTransposeSpec s = p.spec();
        int last = p.rank() - 1;
        int sw = s.stride(last), k = s.kernelSize(last);
        if (s.dilation(last) != 1) {
            return Family.RUNS;
        }
        if (sw == 2 && k >= 2) {
            return Family.PAIRS;
        }
        if (sw == Col2im.GL && k >= Col2im.GL) {
            return Family.EIGHTS;
        }
        return sw == 3 && k >= 3 ? Family.TRIPLES : Family.RUNS;
    }

    /** A path proxy's spec: {@value #WARM_UP_DEPTH} input channels, one output channel, the same size in every dimension. */
    private static dev.convt.ConvTransposeSpec spec(int rank, int kernel, int stride, int padding, int outputPadding, boolean bias) {
        return spec(rank, kernel, stride, padding, outputPadding, bias, 1);
    }

    /** A path proxy's spec with {@code out} output channels. */
    private static dev.convt.ConvTransposeSpec spec(int rank, int kernel, int stride, int padding, int outputPadding, boolean bias, int out) {
        int[] k = new int[rank], s = new int[rank], p = new int[rank], op = new int[rank];
        java.util.Arrays.fill(k, kernel);
        java.util.Arrays.fill(s, stride);
        java.util.Arrays.fill(p, padding);
        java.util.Arrays.fill(op, outputPadding);
        return dev.convt.ConvTransposeSpec.builder(rank, WARM_UP_DEPTH, out, k).stride(s).pads(p, p).outputPadding(op).bias(bias).build();
    }

    /**
     * Warm-up proxies: the {@link #PATH_PROXIES} of the problem's family (warmed once per JVM), for a
     * problem deeper than one K block {@link #DEEP_PROXY}, then the problem's own geometry
     * ({@link WarmUpProblem#resize}: kernel, stride, padding, dilation, so col2im's paths and tails)
     * with {@value #WARM_UP_DEPTH} input channels and one output channel per group, so each
     * micro-kernel call is two k steps and the JIT's counters reach C2's thresholds after little work
     * on the Vector API's fallback. A problem of the one-GEMM path ({@link Im2colProjection}) gets as
     * few output channels per group as keep its proxy on that path. A problem whose GEMM finishes a
     * column tile with the wide tail tile keeps its spatial size (and, if needed, its batch) so the
     * proxy's does too. A problem whose GEMM reads B in place ({@link #readsInPlace}) gets a proxy of
     * {@code KC + 1} input channels, which reads in place too and accumulates past one K block.
     */
    @Override
    public List<Problem> warmUpProblems(Problem problem) {
        int outPerGroup = 1;
        if (Im2colProjection.applies(problem)) {
            // Im2colProjection.applies wants 2 · Cout/g · Πk ≥ NR
            outPerGroup = Math.min(problem.spec().outChannelsPerGroup(), Math.ceilDiv(Blocking.NR, 2 * problem.spec().kernelVolume()));
        }
        // a problem whose GEMM reads B in place: a proxy deep enough to read in place too (one output
        // channel per group keeps its rows at the kernel's taps, no more than the problem's), and past
        // one K block (the accumulating tiles; DEEP_PROXY's B is packed) whether or not the problem is:
        // the first in-place plan of a JVM (DCGAN's last layer, within one block) had its in-place
        // GEMM compiled without the accumulating path, which the next, deeper one (Conv-TasNet's
        // decoder) then met as a trap: the GEMM's loop and tile thrown away and compiled again
        int k = problem.spec().inChannelsPerGroup();
        boolean inPlace = readsInPlace(problem);
        int depth = !inPlace ? Math.min(WARM_UP_DEPTH, k) : Blocking.KC + 1;
        Problem proxy = WarmUpProblem.resize(problem, depth, outPerGroup);
        if (inPlace && !readsInPlace(proxy)) {
            // a resized input plane too narrow for the panels read in place: rows wide enough for
            // them and a few columns more (packed), no wider than the problem's
            proxy = proxy.spec().problem(1, widened(proxy, Blocking.UNPACKED_B_MIN_PANELS * Blocking.NR, problem.inputSpatial()));
        }
        if (tileEndsInsideAnImage(problem) && !tileEndsInsideAnImage(proxy)) {
            // images wider than a column tile (long 1-D signals): col2im's partial rows and the output
            // frontier's tile end inside an image, branches a proxy narrower than one tile never takes,
            // so C2 compiled them as traps and the first execute met them; a plane one tile (the
            // proxy's at the problem's size: a tile read in place is as wide as the image up to a bound)
            // and a part wide
            proxy = proxy.spec().problem(1, widened(proxy, columnTile(proxy.spec().problem(1, problem.inputSpatial())) + 1,
                    problem.inputSpatial()));
        }
        if (wideTail(problem) && !wideTail(proxy)) {
            Problem sameSize = proxy.spec().problem(1, problem.inputSpatial());
            proxy = wideTail(sameSize) ? sameSize : proxy.spec().problem(problem.batch(), problem.inputSpatial());
        }
        List<Problem> out = new java.util.ArrayList<>(PATH_PROXIES.get(family(problem)));
        if (problem.spec().inChannelsPerGroup() > Blocking.KC) {
            out.add(DEEP_PROXY);
            out.add(DEEP_FULL_PANELS_PROXY);
            if (family(problem) == Family.PAIRS) {
                out.add(DEEP_PAIRS_PROXY);
            }
        }
        out.add(proxy);
        return out;
    }

    /**
     * The proxies of the paths other layers take through the methods every im2col plan shares
     * ({@link Col2im}'s row walk, the task loop, the packing), for warm-up's profile census
     * ({@link dev.convt.kernel.Kernel#profileProblems}): the other families' {@link #PATH_PROXIES},
     * the deep proxies for a problem within one K block, GEMMs that read B in place (with a part
     * packed, and without) for one that does not, and, per family, a 1-D row longer than a column tile (cut by the tiles). Without them
     * each new family, the first deep, in-place or long-row layer threw away C2's code of those methods
     * and had it compiled again (Col2im's add six times over the 17 workload layers).
     */
    @Override
    public List<Problem> profileProblems(Problem problem) {
        List<Problem> out = new java.util.ArrayList<>();
        Family own = family(problem);
        PATH_PROXIES.forEach((f, proxies) -> {
            if (f != own) {
                out.addAll(proxies);
            }
        });
        if (problem.spec().inChannelsPerGroup() <= Blocking.KC) {
            out.addAll(List.of(DEEP_PROXY, DEEP_FULL_PANELS_PROXY, DEEP_PAIRS_PROXY));
        }
        if (!readsInPlace(problem)) {
            out.add(IN_PLACE_PROXY);
            out.add(IN_PLACE_WHOLE_PROXY);
        }
        out.addAll(CUT_ROW_PROXIES);
        return out;
    }

    /** A census proxy whose GEMM reads B in place (16 rows, {@link Blocking#UNPACKED_B_MIN_DEPTH} deep, three panels and a part). */
    private static final Problem IN_PLACE_PROXY = dev.convt.ConvTransposeSpec.builder1d(Blocking.UNPACKED_B_MIN_DEPTH, 1, 16).stride(8).bias(false)
            .build().problem(1, new int[] {Blocking.UNPACKED_B_MIN_PANELS * Blocking.NR + Blocking.LANES / 2 + 1});

    /**
     * {@link #IN_PLACE_PROXY} of whole panels only: a tile with no part left to pack. The task loop
     * packs what is not read in place, which a plan that reads nothing in place always does, so C2
     * compiled the other way as a trap, sprung by the first in-place plan of whole panels (DCGAN's
     * last layer).
     */
    private static final Problem IN_PLACE_WHOLE_PROXY = IN_PLACE_PROXY.spec().problem(1, new int[] {Blocking.UNPACKED_B_MIN_PANELS * Blocking.NR});

    /** The input width of the {@link #CUT_ROW_PROXIES}: a column tile of their depth and a part of a vector. */
    private static final int CUT_ROW = Blocking.ncFor(WARM_UP_DEPTH) + Blocking.LANES / 2 + 1;

    /** Census proxies: per family a 1-D row a column tile and a part long, so the tiles cut it. */
    private static final List<Problem> CUT_ROW_PROXIES = List.of(
            spec(1, 4, 2, 1, 0, true).problem(1, new int[] {CUT_ROW}),
            spec(1, 9, 3, 4, 2, true).problem(1, new int[] {CUT_ROW}),
            spec(1, 16, 8, 4, 0, true).problem(1, new int[] {CUT_ROW}),
            spec(1, 8, 4, 2, 0, true).problem(1, new int[] {CUT_ROW}));

    /**
     * Whether the problem's GEMM reads whole column panels of the input in place (a float[], a heap
     * segment over one, or a native segment)
     * ({@link Sgemm#multiplyStrided}): not one GEMM ({@link Im2colProjection}), a channels-first
     * input, at most {@link Blocking#UNPACKED_B_MAX_PANELS} panels of GEMM rows (Cout/g · kernel volume) and at
     * least {@link Blocking#UNPACKED_B_MIN_DEPTH} deep (Cin/g), with N tiles and images of at least
     * {@link Blocking#UNPACKED_B_MIN_PANELS} column panels.
     *
     * @param p a problem
     * @return whether its plan's GEMM reads the input's whole column panels in place
     */
    public static boolean readsInPlace(Problem p) {
        int k = p.spec().inChannelsPerGroup();
        int minColumns = Blocking.UNPACKED_B_MIN_PANELS * Blocking.NR;
        return !Im2colProjection.applies(p) && !channelsLastInput(p) && Math.ceilDiv((long) p.spec().outChannelsPerGroup() * p.spec().kernelVolume(), Blocking.MR) <= Blocking.UNPACKED_B_MAX_PANELS
                && k >= Blocking.UNPACKED_B_MIN_DEPTH
                && p.inputPlane() >= minColumns && packedNc(k, (long) p.batch() * p.inputPlane()) >= minColumns;
    }

    /** Whether the problem's input is channels last as stored (one channel is stored alike either way): packed by {@link Packing#packBColumnsChannelsLast}. */
    private static boolean channelsLastInput(Problem p) {
        return p.layout() == dev.convt.Layout.CHANNELS_LAST && !dev.convt.Layout.storedAlike(p.spec().inChannels(), p.inputPlane());
    }

    /** Whether some column tile of the problem's GEMM (the batch's columns side by side) ends inside an image's plane. */
    private static boolean tileEndsInsideAnImage(Problem p) {
        long columns = (long) p.batch() * p.inputPlane();
        int nc = columnTile(p);
        return columns > nc && nc % p.inputPlane() != 0;
    }

    /**
     * The proxy's input size with its last dimension set so its plane holds at least {@code plane}
     * positions and a part of a vector more, no wider than {@code limit}'s last dimension; where that
     * width is not enough, with more rows too (2-D and 3-D), no more than {@code limit}'s.
     */
    private static int[] widened(Problem proxy, int plane, int[] limit) {
        int[] spatial = proxy.inputSpatial();
        int last = spatial.length - 1, outer = proxy.inputPlane() / spatial[last];
        spatial[last] = Math.min(limit[last], Math.ceilDiv(plane, outer) + Blocking.LANES / 2 + 1);
        if (last > 0 && (long) outer * spatial[last] < plane) {
            int otherRows = outer / spatial[last - 1];
            spatial[last - 1] = Math.min(limit[last - 1], Math.ceilDiv(plane, otherRows * spatial[last]) + 1);
        }
        return spatial;
    }

    /** Whether some column tile of the problem's GEMM ends with the wide tail tile ({@link Sgemm#multiplyPacked}). */
    private static boolean wideTail(Problem p) {
        long columns = (long) p.batch() * p.inputPlane();
        int nc = columnTile(p);
        return (columns >= nc && Blocking.usesWideTail(nc)) || (columns % nc != 0 && Blocking.usesWideTail((int) (columns % nc)));
    }

    /**
     * Yes for every layout: channels-last columns are packed straight from the caller's input
     * ({@link Packing#packBColumnsChannelsLast}), and {@link Im2colProjection} reads each input
     * position's channels as a row of its GEMM.
     */
    @Override
    public boolean readsLayout(Problem problem) {
        return true;
    }

    /**
     * Yes for every layout: col2im accumulates a channels-last output channels first in a window of the
     * output's positions in the executing thread's workspace, and each output region moves to the
     * caller's channels-last output as soon as it is final, while it is still in cache
     * ({@link OutputFrontier}); {@link Im2colProjection} stores channels-last rows where they belong.
     */
    @Override
    public boolean writesLayout(Problem problem) {
        return true;
    }

    /** Yes: each output region gets the activation as soon as col2im has finished it ({@link OutputFrontier}). */
    @Override
    public boolean fusesActivation() {
        return true;
    }

    @Override
    public KernelPlan prepare(Problem problem, float[] weight, int weightOffset, float[] bias, int biasOffset) {
        return plan(problem, pack(problem, weight, weightOffset, bias, biasOffset));
    }

    /**
     * The packed layout of the problem's weights: {@value #PROJECTION_LAYOUT} for {@link Im2colProjection}
     * ({@value #PROJECTION_TAP_MAJOR_LAYOUT} channels last, its columns {@code (tap, co)}), else
     * {@value #GEMM_LAYOUT}.
     */
    @Override
    public String packLayout(Problem problem) {
        if (!Im2colProjection.applies(problem)) {
            return GEMM_LAYOUT;
        }
        return Im2colProjection.tapMajor(problem) ? PROJECTION_TAP_MAJOR_LAYOUT : PROJECTION_LAYOUT;
    }

    /** The layout of the GEMM's packed A panels ({@code Wᵀ} per group): every problem but the projection's. */
    static final String GEMM_LAYOUT = "gemm-a";

    /** The layout of {@link Im2colProjection}'s packed B (the weights as the GEMM's other operand). */
    static final String PROJECTION_LAYOUT = "projection-b";

    /** The layout of {@link Im2colProjection}'s packed B with its columns {@code (tap, co)}, for channels-last problems. */
    static final String PROJECTION_TAP_MAJOR_LAYOUT = "projection-b-tap-major";

    /** Packs {@code Wᵀ} as the GEMM's A panels, or the projection's B, with a copy of the bias: the spec's data alone. */
    @Override
    public KernelPack pack(Problem problem, float[] weight, int weightOffset, float[] bias, int biasOffset) {
        return new Im2colWeights(problem.spec(), Im2colProjection.applies(problem), Im2colProjection.tapMajor(problem),
                weight, weightOffset, bias, biasOffset);
    }

    /** The per-shape plan over the pack: its geometry's plan ({@link #geometry}). */
    @Override
    public KernelPlan plan(Problem problem, KernelPack pack) {
        return geometry(problem, pack).plan(problem);
    }

    /** The input shape's col2im tables and output frontier over the pack; each batch's plan adds its blocking and workspace sizes. */
    @Override
    public Im2colGeometry geometry(Problem problem, KernelPack pack) {
        return new Im2colGeometry(problem, (Im2colWeights) pack);
    }

    /**
     * What an im2col plan takes from its input shape alone: col2im's per-tap input ranges and the output
     * frontier (for a channels-first destination; a channels-last output's window, which depends on the
     * batch, is set per plan with {@link Col2im#withWindow} and {@link OutputFrontier#withWindow}), the
     * channels-last input's gather, over the pack. Made once per input shape, shared by the plans of
     * every batch size. Immutable.
     */
    static final class Im2colGeometry implements dev.convt.kernel.KernelGeometry {
        final Im2colWeights weights;
        final Col2im col2im;
        final OutputFrontier frontier;
        /** Whether the input is channels last and not stored alike in both layouts. */
        final boolean channelsLastInput;

        Im2colGeometry(Problem p, Im2colWeights weights) {
            this.weights = weights;
            // window 1 stands for the batch's own window (OutputFrontier#window), set per plan
            int window = OutputFrontier.stagesChannelsLast(p) && weights.projection == null ? 1 : 0;
            col2im = new Col2im(p, weights.bias, 0);
            frontier = new OutputFrontier(p, window);
            // one input channel or one position: both layouts are the same memory, packed as channels first
            channelsLastInput = channelsLastInput(p);
        }

        @Override
        public Im2colPlan plan(Problem problem) {
            return new Im2colPlan(problem, this);
        }

        /** col2im's per-tap input ranges. */
        @Override
        public long tableBytes() {
            return 4L * col2im.tableInts();
        }
    }

    /**
     * im2col's packed weights for one spec: the GEMM's A panels ({@code Wᵀ}, {@code M × K} per group in
     * whole MR panels), or, for problems {@link Im2colProjection#applies} to, the projection's packed B;
     * and the bias copy. Immutable once made.
     */
    static final class Im2colWeights implements KernelPack {
        /** Per group, {@link #groupLength} floats of A panels; empty for the projection. */
        final float[] packedA;
        final int groupLength;
        /** The projection's packed B, or null. */
        final Im2colProjection.Weights projection;
        /** Cout values, or null without bias. */
        final float[] bias;

        Im2colWeights(dev.convt.ConvTransposeSpec spec, boolean projection, boolean tapMajor, float[] weight, int weightOffset,
                      float[] bias, int biasOffset) {
            int groups = spec.groups(), k = spec.inChannelsPerGroup();
            int m = spec.outChannelsPerGroup() * spec.kernelVolume();
            this.bias = bias == null ? null : Arrays.copyOfRange(bias, biasOffset, biasOffset + spec.outChannels());
            this.projection = projection ? new Im2colProjection.Weights(spec, tapMajor, weight, weightOffset, this.bias) : null;
            groupLength = projection ? 0 : Packing.packedALength(m, k);
            packedA = new float[Math.multiplyExact(groupLength, groups)];
            for (int g = 0; g < groups && !projection; g++) {
                // Wᵀ[row][ci] = weight[(g·K + ci)·M + row]: rows are contiguous in the weight
                Packing.packA(m, k, weight, weightOffset + g * k * m, 1, m, packedA, g * groupLength);
            }
        }

        @Override
        public long packedWeightBytes() {
            return 4L * packedA.length + 4L * (bias == null ? 0 : bias.length) + (projection == null ? 0 : projection.bytes());
        }
    }

    /** A prepared im2col computation: packed weights, bias, geometry, per-thread workspace. */
    static final class Im2colPlan implements KernelPlan {
        static final int MR = Blocking.MR;
        private static final int MC_PANELS = Blocking.MC / Blocking.MR;

        final int groups, k, m, mPanels, cin, cout, coPerG, taps, inPlane, outPlane, batch, columns, nc;
        final Problem problem;
        private final int packedGroupLength;
        private final float[] packedW;
        private final float[] bias;
        final Col2im col2im;
        final ThreadLocal<Workspace> workspace;
        /** The whole layer as one GEMM whose result is the output ({@link Im2colProjection#applies}), or null. */
        final Im2colProjection projection;
        /** The fused activation, applied where the output is final. */
        private final OutputFrontier frontier;
        /**
         * For a channels-last output, the positions per channel of the channels-first window col2im
         * accumulates in ({@link OutputFrontier#window}); 0 when col2im writes the output itself.
         */
        final int window;
        /** Whether the input is channels last (packed by {@link Packing#packBColumnsChannelsLast}). */
        private final boolean channelsLastInput;
        /**
         * Whether whole column panels of a channels-first float[] input are read in place
         * ({@link Sgemm#multiplyStrided}) instead of packed ({@link Im2colKernel#readsInPlace}).
         */
        private final boolean unpackedB;

        Im2colPlan(Problem p, Im2colGeometry geometry) {
            Im2colWeights weights = geometry.weights;
            problem = p;
            groups = p.spec().groups();
            coPerG = p.spec().outChannelsPerGroup();
            taps = p.spec().kernelVolume();
            k = p.spec().inChannelsPerGroup();
            m = p.spec().outChannelsPerGroup() * p.spec().kernelVolume();
            mPanels = (m + MR - 1) / MR;
            cin = p.spec().inChannels();
            cout = p.spec().outChannels();
            inPlane = p.inputPlane();
            outPlane = p.outputPlane();
            batch = p.batch();
            columns = batch * inPlane;
            nc = columnTile(p);
            this.bias = weights.bias;
            projection = weights.projection != null ? new Im2colProjection(p, weights.projection) : null;
            packedGroupLength = weights.groupLength;
            packedW = weights.packedA;
            // a channels-last output: col2im accumulates channels first in a window of the output's positions
            window = OutputFrontier.stagesChannelsLast(p) && projection == null ? geometry.frontier.window(batch, nc) : 0;
            col2im = geometry.col2im.withWindow(p, window);
            frontier = geometry.frontier.withWindow(window);
            channelsLastInput = geometry.channelsLastInput;
            unpackedB = projection == null && readsInPlace(p);
            int bLength = projection != null ? 0 : (int) packedTileFloats(p, nc);
            int cLength = projection != null ? 0 : (int) columnBlockFloats(p, nc);
            // the window of one group's channels (at most the whole output: window ≤ batch · outPlane),
            // and a vector past it, so a pair tail's masked store at the window's end stays inside the array
            int staging = window == 0 ? 0 : coPerG * window + Col2im.BLOCK_SLACK;
            workspace = ThreadLocal.withInitial(() -> new Workspace(bLength, cLength, staging));
            this.bLength = bLength;
            this.cLength = cLength;
            this.stagingLength = staging;
        }

        /** The lengths of one workspace's packed X tile, column block and channels-last window. */
        private final int bLength, cLength, stagingLength;

        @Override
        public void prepareWorkspace() {
            if (projection != null) {
                projection.prepareWorkspace();
            } else {
                workspace.get();
            }
        }

        @Override
        public Object newWorkspace() {
            return projection != null ? projection.newWorkspace() : new Workspace(bLength, cLength, stagingLength);
        }

        @Override
        public long workspaceBytes() {
            if (projection != null) {
                return projection.workspaceBytes();
            }
            // the packed X tile, the column block, the zipped path's row pairs
            // and tile buffer, and a channels-last output's window
            return 4L * (bLength + cLength + Col2im.BLOCK_SLACK
                    + Blocking.MC + Col2im.TILE_FLOATS
                    + (window == 0 ? 0 : (long) coPerG * window + Col2im.BLOCK_SLACK));
        }

        @Override
        public long packedWeightBytes() {
            if (projection != null) {
                return projection.packedWeightBytes() + 4L * (bias == null ? 0 : bias.length);
            }
            // the packed A panels, the bias copy, and col2im's per-tap input ranges
            return 4L * packedW.length + 4L * (bias == null ? 0 : bias.length) + 4L * col2im.tableInts();
        }

        @Override
        public Tasks tasks(int threads, long minTaskWork) {
            return Im2colSplit.make(this, threads, minTaskWork);
        }

        /** Yes: the general path and {@link Im2colProjection} both have segment twins. */
        @Override
        public boolean executesSegments() {
            return true;
        }

        /** {@code y[from .. to) = v} in a native segment: the segment twins' {@code Arrays.fill} ({@link dev.convt.vector.gemm.SegmentFill}, no masked store). */
        private static void fill(MemorySegment y, int from, int to, float v) {
            dev.convt.vector.gemm.SegmentFill.fill(y, from, to, v);
        }

        /**
         * Moves the window's live part, {@code live} positions of each of {@code channels} channels
         * from position {@code from} of the window, to its start (the window then starts there).
         */
        private void slideWindow(float[] acc, int channels, int from, int live) {
            if (live > 0 && from > 0) {
                for (int c = 0; c < channels; c++) {
                    System.arraycopy(acc, c * window + from, acc, c * window, live);
                }
            }
        }

        /** The window holds the positions a tile reaches ({@link OutputFrontier#window} bounds them). */
        private void checkWindow(int needed) {
            if (needed > window) {
                throw new IllegalStateException("im2col: an N tile reaches " + needed + " positions past the frontier, more than its window of "
                        + window + " (" + problem + ")");
            }
        }

        /**
         * The bias into the window's flattened positions {@code [from, to)} that lie in plane positions
         * {@code [pA, pB)}, for {@code channels} channels from {@code c0} (output {@code (c, position)}
         * at {@code accOffset + c·window + position}).
         */
        private void fillWindow(float[] acc, int accOffset, int from, int to, int pA, int pB, int c0, int channels) {
            while (from < to) {
                int n = from / outPlane;
                int imageStart = n * outPlane;
                int a = Math.max(from - imageStart, pA), e = Math.min(to - imageStart, pB);
                for (int c = c0; a < e && c < c0 + channels; c++) {
                    int at = accOffset + c * window + imageStart;
                    Arrays.fill(acc, at + a, at + e, bias == null ? 0f : bias[c]);
                }
                from = imageStart + Math.min(to - imageStart, outPlane);
            }
        }

        /**
         * Packs {@code len} columns of a channels-last input into packed B from packed column
         * {@code dstCol}: column j is the input position whose {@code k} channels of this group start
         * at {@code x[s + j·cin]}. Where a panel has room for {@code L} more columns, blocks of
         * {@code L} positions × {@code L} channels go through the register transpose
         * ({@link dev.convt.vector.gemm.TransposeMicroKernels}: {@code L} contiguous loads of one
         * position's channels, {@code L} stores into the panel's rows; the last block of channels
         * overlaps the one before rather than leave a tail, writing the same values twice); other
         * columns, and groups of fewer than {@code L} channels, by {@link Packing#packBColumnsChannelsLast}.
         */
        private void packColumnsChannelsLast(int len, float[] x, int s, MemorySegment b, int dstCol) {
            int nr = Blocking.NR, l = Blocking.LANES;
            if (k < l || !dev.convt.vector.gemm.TransposeMicroKernels.AVAILABLE) {
                Packing.packBColumnsChannelsLast(k, len, x, s, cin, b, 0, dstCol);
                return;
            }
            int panelStride = k * nr;
            int j = 0;
            while (j < len) {
                int col = dstCol + j;
                int q = col / nr, lane = col - q * nr;
                if (lane + l <= nr && j + l <= len) {
                    int d = q * panelStride + lane, src = s + j * cin;
                    for (int p0 = 0; p0 < k; p0 += l) {
                        int p = Math.min(p0, k - l);
                        dev.convt.vector.gemm.TransposeMicroKernels.transpose(x, src + p, cin, b, d + p * nr, nr);
                    }
                    j += l;
                } else {
                    Packing.packBColumnsChannelsLast(k, 1, x, s + j * cin, cin, b, 0, col);
                    j++;
                }
            }
        }

        /** {@link #packColumnsChannelsLast(int, float[], int, MemorySegment, int)} from a native segment: {@link Packing}'s element moves. */
        private void packColumnsChannelsLast(int len, MemorySegment x, int s, MemorySegment b, int dstCol) {
            Packing.packBColumnsChannelsLast(k, len, x, s, cin, b, 0, dstCol);
        }

        // BEGIN template for gen_segments.py
        @Override
        public void execute(float[] x, int xOffset, float[] y, int yOffset, Object workspace) {
            Object ws = workspace != null ? workspace : projection != null ? null : this.workspace.get();
            for (int g = 0; g < groups; g++) {
                runPart(g, 0, coPerG, 0, batch, 0, outPlane, 0, inPlane, col2im, x, xOffset, y, yOffset, ws);
            }
        }

        /**
         * One piece of the computation: group g, its local output channels {@code [co0, co1)} (a
         * whole number of A panels unless co1 is the last), images {@code [n0, n1)}, output plane
         * positions {@code [pA, pB)} (filled with the bias here) fed by the input plane positions
         * {@code [qA, qB)} (whose columns are computed here), scattered by {@code c2i} (which writes
         * only inside {@code [pA, pB)}). The columns are cut at the same N tiles as the whole
         * computation, so each output element gets its products in the same order: by N tile, then
         * by kernel tap. Each output region gets the activation once the columns that reach it are
         * all scattered ({@link OutputFrontier}), channel block by channel block as each M block of
         * the GEMM completes its channels' rows.
         *
         * <p>A channels-last output is accumulated channels first in this thread's window
         * ({@link #window} positions of each of the piece's channels, from flattened position
         * {@code base}), which slides along the output: before each N tile, the positions its columns
         * reach enter it (with the bias), the live part moving to the window's start when the tile
         * would pass its end; final regions move from it to y.
         */
        void runPart(int g, int co0, int co1, int n0, int n1, int pA, int pB, int qA, int qB, Col2im c2i,
                     float[] x, int xOffset, float[] y, int yOffset, Object workspace) {
            if (projection != null) {
                projection.run(g, co0, co1, n0, n1, pA, pB, qA, qB, x, xOffset, y, yOffset, workspace);
                return;
            }
            Workspace ws = workspace == null ? this.workspace.get() : (Workspace) workspace;
            boolean staged = window > 0;
            float[] acc = ws.staging;
            int c0 = g * coPerG + co0, channels = co1 - co0;
            if (!c2i.singleCover && !staged) {
                for (int n = n0; n < n1; n++) {
                    for (int co = c0; co < c0 + channels; co++) {
                        int base = (n * cout + co) * outPlane;
                        float b = bias == null ? 0f : bias[co];
                        Arrays.fill(y, yOffset + base + pA, yOffset + base + pB, b);
                    }
                }
            }
            int rowFrom = co0 * taps, rowTo = co1 * taps;
            int pFrom = rowFrom / MR, pTo = (rowTo + MR - 1) / MR;
            int jFrom = n0 * inPlane + qA, jTo = (n1 - 1) * inPlane + qB;
            int finished = n0 * outPlane;
            // GEMM and col2im in one pass where each column value is one output's (channels first)
            boolean zipped = !staged && c2i.zips(n0, n1, qA, qB);
            // the window: flattened positions [base, base + window) of each channel; [base, filled) hold sums
            int base = frontier.windowStart(finished, pA, pB), filled = base;
            // The N tiles: the whole computation's, so an output that several columns reach gets their
            // values tile by tile in the same order however the work is split. In one pass each output
            // gets one column value, so a piece cuts its own columns into even tiles instead: a piece of
            // two of Mask R-CNN's images is then one tile, not a whole one and a sliver of a panel.
            // (A piece with no columns still runs one empty tile, also where its start is on a tile
            // boundary: its window gets the bias and its regions the activation. Without it, a
            // channels-last band that no input reaches, such as the output padding, wrote its
            // window's stale sums where the band's start fell on a tile boundary.)
            int span = jTo - jFrom;
            int ownTiles = zipped ? Math.max(1, Math.ceilDiv(span, Math.max(Blocking.NR, nc / Blocking.NR * Blocking.NR))) : 0;
            for (int jt = jFrom / nc * nc, t = 0; zipped ? t < ownTiles : jt < jTo || (t == 0 && span == 0); jt += nc, t++) {
                int ja = zipped ? jFrom + Blocking.pieceStart(span, ownTiles, t, Blocking.NR) : Math.max(jt, jFrom);
                int width = (zipped ? jFrom + Blocking.pieceStart(span, ownTiles, t + 1, Blocking.NR) : Math.min(jt + nc, jTo)) - ja;
                // whole panels read in place from the input, the rest packed
                int inPlace = unpackedB && !zipped ? inPlaceColumns(ja, width) : 0;
                int ldc = inPlace > 0 ? Blocking.roundUp(width, Blocking.NR) : Blocking.paddedColumns(width);
                int finalNow = frontier.finalBefore(ja + width, qB, pB);
                if (staged) {
                    // the outputs the tile's columns reach, and those it makes final (where a stride
                    // wider than the kernel leaves outputs no column reaches, up to a stride further)
                    int reached = Math.max(frontier.reachBefore(ja + width, qB, pA, pB), finalNow);
                    if (reached - base > window) {
                        int start = frontier.windowStart(finished, pA, pB);
                        slideWindow(acc, channels, start - base, filled - start);
                        base = start;
                        filled = Math.max(filled, start);
                        checkWindow(reached - base);
                    }
                    if (reached > filled && !c2i.singleCover) {
                        fillWindow(acc, -(c0 * window + base), filled, reached, pA, pB, c0, channels);
                    }
                    filled = Math.max(filled, reached);
                }
                if (inPlace < width) {
                    packColumns(x, xOffset, g, ja + inPlace, width - inPlace, ws.b);
                }
                int cDone = c0;
                for (int mp = pFrom; mp < pTo; mp += MC_PANELS) {
                    int panels = Math.min(MC_PANELS, pTo - mp);
                    int rowEnd = Math.min(rowTo, (mp + panels) * MR);
                    if (zipped) {
                        c2i.multiplyZipped(g, mp * MR, rowEnd, k, packedW, g * packedGroupLength, mPanels * MR, mp, panels,
                                ws.b, ja, width, y, yOffset, ws.pairAt, ws.pairBias, ws.tile, ws.c);
                    } else {
                        if (inPlace > 0) {
                            multiplyInPlace(x, xOffset, g, ja, inPlace, mp, panels, ws.c, ldc);
                        }
                        if (inPlace < width) {
                            Sgemm.multiplyPacked(k, packedW, g * packedGroupLength, mPanels * MR, mp, panels,
                                    ws.b, 0, width - inPlace, ws.c, inPlace, ldc);
                        }
                        if (staged) {
                            c2i.add(g, mp * MR, rowEnd, ja, width, ws.c, ldc, acc, -(c0 * window + base));
                        } else {
                            c2i.add(g, mp * MR, rowEnd, ja, width, ws.c, ldc, y, yOffset);
                        }
                    }
                    // the channels all of whose rows this tile has now added: final where the columns are
                    int cEnd = g * coPerG + rowEnd / taps;
                    frontier.finish(finished, finalNow, pA, pB, cDone, cEnd - cDone, acc, -(c0 * window + base), y, yOffset);
                    cDone = cEnd;
                }
                finished = Math.max(finished, finalNow);
            }
            // the loop finishes every region its tiles reach; this, a piece with no columns on a tile boundary
            frontier.finish(finished, (n1 - 1) * outPlane + pB, pA, pB, c0, channels, acc, -(c0 * window + base), y, yOffset);
        }

        /** Packs X columns {@code [j0, j0 + width)} of group g (one piece per image) into packed B. */
        private void packColumns(float[] x, int xOffset, int g, int j0, int width, MemorySegment b) {
            int end = j0 + width;
            int j = j0;
            while (j < end) {
                int n = j / inPlane;
                int p0 = j - n * inPlane;
                int len = Math.min(inPlane - p0, end - j);
                if (channelsLastInput) {
                    packColumnsChannelsLast(len, x, xOffset + (n * inPlane + p0) * cin + g * k, b, j - j0);
                } else {
                    Packing.packBColumns(k, len, x, xOffset + (n * cin + g * k) * inPlane + p0, inPlane, b, 0, j - j0);
                }
                j += len;
            }
            if (channelsLastInput) {
                // packBColumns zeroes the padding of the last panel itself
                Packing.zeroBTail(k, width, b, 0);
            }
        }

        /** The GEMM of A panels {@code [mp, mp + panels)} of group g over tile columns {@code [ja, ja + cols)}, B read from the input where it lies (a native segment's twin is generated). */
        private void multiplyInPlace(float[] x, int xOffset, int g, int ja, int cols, int mp, int panels, float[] c, int ldc) {
            int n = ja / inPlane;
            Sgemm.multiplyStrided(k, packedW, g * packedGroupLength, mPanels * MR, mp, panels,
                    x, xOffset + (n * cin + g * k) * inPlane + (ja - n * inPlane), inPlane, cols, c, 0, ldc);
        }
        // END template
        // BEGIN GENERATED by gen_segments.py from the template above (x, y as native MemorySegments, float i at byte 4·i); do not edit: change the template and rerun the script.

        @Override
        public void execute(MemorySegment x, int xOffset, MemorySegment y, int yOffset, Object workspace) {
            Object ws = workspace != null ? workspace : projection != null ? null : this.workspace.get();
            for (int g = 0; g < groups; g++) {
                runPart(g, 0, coPerG, 0, batch, 0, outPlane, 0, inPlane, col2im, x, xOffset, y, yOffset, ws);
            }
        }

        /**
         * One piece of the computation: group g, its local output channels {@code [co0, co1)} (a
         * whole number of A panels unless co1 is the last), images {@code [n0, n1)}, output plane
         * positions {@code [pA, pB)} (filled with the bias here) fed by the input plane positions
         * {@code [qA, qB)} (whose columns are computed here), scattered by {@code c2i} (which writes
         * only inside {@code [pA, pB)}). The columns are cut at the same N tiles as the whole
         * computation, so each output element gets its products in the same order: by N tile, then
         * by kernel tap. Each output region gets the activation once the columns that reach it are
         * all scattered ({@link OutputFrontier}), channel block by channel block as each M block of
         * the GEMM completes its channels' rows.
         *
         * <p>A channels-last output is accumulated channels first in this thread's window
         * ({@link #window} positions of each of the piece's channels, from flattened position
         * {@code base}), which slides along the output: before each N tile, the positions its columns
         * reach enter it (with the bias), the live part moving to the window's start when the tile
         * would pass its end; final regions move from it to y.
         */
        void runPart(int g, int co0, int co1, int n0, int n1, int pA, int pB, int qA, int qB, Col2im c2i,
                     MemorySegment x, int xOffset, MemorySegment y, int yOffset, Object workspace) {
            if (projection != null) {
                projection.run(g, co0, co1, n0, n1, pA, pB, qA, qB, x, xOffset, y, yOffset, workspace);
                return;
            }
            Workspace ws = workspace == null ? this.workspace.get() : (Workspace) workspace;
            boolean staged = window > 0;
            float[] acc = ws.staging;
            int c0 = g * coPerG + co0, channels = co1 - co0;
            if (!c2i.singleCover && !staged) {
                for (int n = n0; n < n1; n++) {
                    for (int co = c0; co < c0 + channels; co++) {
                        int base = (n * cout + co) * outPlane;
                        float b = bias == null ? 0f : bias[co];
                        fill(y, yOffset + base + pA, yOffset + base + pB, b);
                    }
                }
            }
            int rowFrom = co0 * taps, rowTo = co1 * taps;
            int pFrom = rowFrom / MR, pTo = (rowTo + MR - 1) / MR;
            int jFrom = n0 * inPlane + qA, jTo = (n1 - 1) * inPlane + qB;
            int finished = n0 * outPlane;
            // GEMM and col2im in one pass where each column value is one output's (channels first)
            boolean zipped = !staged && c2i.zips(n0, n1, qA, qB);
            // the window: flattened positions [base, base + window) of each channel; [base, filled) hold sums
            int base = frontier.windowStart(finished, pA, pB), filled = base;
            // The N tiles: the whole computation's, so an output that several columns reach gets their
            // values tile by tile in the same order however the work is split. In one pass each output
            // gets one column value, so a piece cuts its own columns into even tiles instead: a piece of
            // two of Mask R-CNN's images is then one tile, not a whole one and a sliver of a panel.
            // (A piece with no columns still runs one empty tile, also where its start is on a tile
            // boundary: its window gets the bias and its regions the activation. Without it, a
            // channels-last band that no input reaches, such as the output padding, wrote its
            // window's stale sums where the band's start fell on a tile boundary.)
            int span = jTo - jFrom;
            int ownTiles = zipped ? Math.max(1, Math.ceilDiv(span, Math.max(Blocking.NR, nc / Blocking.NR * Blocking.NR))) : 0;
            for (int jt = jFrom / nc * nc, t = 0; zipped ? t < ownTiles : jt < jTo || (t == 0 && span == 0); jt += nc, t++) {
                int ja = zipped ? jFrom + Blocking.pieceStart(span, ownTiles, t, Blocking.NR) : Math.max(jt, jFrom);
                int width = (zipped ? jFrom + Blocking.pieceStart(span, ownTiles, t + 1, Blocking.NR) : Math.min(jt + nc, jTo)) - ja;
                // whole panels read in place from the input, the rest packed
                int inPlace = unpackedB && !zipped ? inPlaceColumns(ja, width) : 0;
                int ldc = inPlace > 0 ? Blocking.roundUp(width, Blocking.NR) : Blocking.paddedColumns(width);
                int finalNow = frontier.finalBefore(ja + width, qB, pB);
                if (staged) {
                    // the outputs the tile's columns reach, and those it makes final (where a stride
                    // wider than the kernel leaves outputs no column reaches, up to a stride further)
                    int reached = Math.max(frontier.reachBefore(ja + width, qB, pA, pB), finalNow);
                    if (reached - base > window) {
                        int start = frontier.windowStart(finished, pA, pB);
                        slideWindow(acc, channels, start - base, filled - start);
                        base = start;
                        filled = Math.max(filled, start);
                        checkWindow(reached - base);
                    }
                    if (reached > filled && !c2i.singleCover) {
                        fillWindow(acc, -(c0 * window + base), filled, reached, pA, pB, c0, channels);
                    }
                    filled = Math.max(filled, reached);
                }
                if (inPlace < width) {
                    packColumns(x, xOffset, g, ja + inPlace, width - inPlace, ws.b);
                }
                int cDone = c0;
                for (int mp = pFrom; mp < pTo; mp += MC_PANELS) {
                    int panels = Math.min(MC_PANELS, pTo - mp);
                    int rowEnd = Math.min(rowTo, (mp + panels) * MR);
                    if (zipped) {
                        c2i.multiplyZipped(g, mp * MR, rowEnd, k, packedW, g * packedGroupLength, mPanels * MR, mp, panels,
                                ws.b, ja, width, y, yOffset, ws.pairAt, ws.pairBias, ws.tile, ws.c);
                    } else {
                        if (inPlace > 0) {
                            multiplyInPlace(x, xOffset, g, ja, inPlace, mp, panels, ws.c, ldc);
                        }
                        if (inPlace < width) {
                            Sgemm.multiplyPacked(k, packedW, g * packedGroupLength, mPanels * MR, mp, panels,
                                    ws.b, 0, width - inPlace, ws.c, inPlace, ldc);
                        }
                        if (staged) {
                            c2i.add(g, mp * MR, rowEnd, ja, width, ws.c, ldc, acc, -(c0 * window + base));
                        } else {
                            c2i.add(g, mp * MR, rowEnd, ja, width, ws.c, ldc, y, yOffset);
                        }
                    }
                    // the channels all of whose rows this tile has now added: final where the columns are
                    int cEnd = g * coPerG + rowEnd / taps;
                    frontier.finish(finished, finalNow, pA, pB, cDone, cEnd - cDone, acc, -(c0 * window + base), y, yOffset);
                    cDone = cEnd;
                }
                finished = Math.max(finished, finalNow);
            }
            // the loop finishes every region its tiles reach; this, a piece with no columns on a tile boundary
            frontier.finish(finished, (n1 - 1) * outPlane + pB, pA, pB, c0, channels, acc, -(c0 * window + base), y, yOffset);
        }

        /** Packs X columns {@code [j0, j0 + width)} of group g (one piece per image) into packed B. */
        private void packColumns(MemorySegment x, int xOffset, int g, int j0, int width, MemorySegment b) {
            int end = j0 + width;
            int j = j0;
            while (j < end) {
                int n = j / inPlane;
                int p0 = j - n * inPlane;
                int len = Math.min(inPlane - p0, end - j);
                if (channelsLastInput) {
                    packColumnsChannelsLast(len, x, xOffset + (n * inPlane + p0) * cin + g * k, b, j - j0);
                } else {
                    Packing.packBColumns(k, len, x, xOffset + (n * cin + g * k) * inPlane + p0, inPlane, b, 0, j - j0);
                }
                j += len;
            }
            if (channelsLastInput) {
                // packBColumns zeroes the padding of the last panel itself
                Packing.zeroBTail(k, width, b, 0);
            }
        }

        /** The GEMM of A panels {@code [mp, mp + panels)} of group g over tile columns {@code [ja, ja + cols)}, B read from the input where it lies (a native segment's twin is generated). */
        private void multiplyInPlace(MemorySegment x, int xOffset, int g, int ja, int cols, int mp, int panels, float[] c, int ldc) {
            int n = ja / inPlane;
            Sgemm.multiplyStrided(k, packedW, g * packedGroupLength, mPanels * MR, mp, panels,
                    x, xOffset + (n * cin + g * k) * inPlane + (ja - n * inPlane), inPlane, cols, c, 0, ldc);
        }
        // END GENERATED

        /**
         * The columns of the N tile {@code [ja, ja + width)} read in place: its whole NR panels when
         * they all lie in one image (a channels-first input row is then B's row) and are at least
         * {@link Blocking#UNPACKED_B_MIN_PANELS}, else none.
         */
        private int inPlaceColumns(int ja, int width) {
            int n = ja / inPlane, panels = width / Blocking.NR;
            return panels >= Blocking.UNPACKED_B_MIN_PANELS && (ja + width - 1) / inPlane == n ? panels * Blocking.NR : 0;
        }
    }

    /** One thread's buffers: the packed X tile (off-heap, cache-line aligned) and the column block. */
    static final class Workspace {
        final MemorySegment b;
        final float[] c;
        /** {@link Col2im#multiplyZipped}'s row-pair output rows and biases of an M block, and its tile buffer. */
        final int[] pairAt = new int[Blocking.MC / 2];
        final float[] pairBias = new float[Blocking.MC / 2];
        final float[] tile = new float[Col2im.TILE_FLOATS];

        /** A channels-last output's channels-first window ({@link Im2colPlan#window} positions of each channel of a group), or empty. */
        final float[] staging;

        Workspace(int bLength, int cLength, int stagingLength) {
            b = Packing.newPackedB(bLength);
            // col2im reads a row's last part vector whole (Col2im.BLOCK_SLACK)
            c = new float[cLength + Col2im.BLOCK_SLACK];
            staging = new float[stagingLength];
        }
    }
}
