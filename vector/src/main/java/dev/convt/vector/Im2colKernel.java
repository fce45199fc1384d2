package dev.convt.vector;

import dev.convt.Problem;
import dev.convt.kernel.Kernel;
import dev.convt.kernel.KernelPlan;
import dev.convt.vector.gemm.Blocking;
import dev.convt.vector.gemm.Packing;
import dev.convt.vector.gemm.Sgemm;

import java.lang.foreign.MemorySegment;
import java.util.Arrays;

/**
 * The im2col kernel ({@value #NAME}): per group, one GEMM {@code cols = Wᵀ · X} followed by a
 * col2im scatter-add into the output, which starts at the bias.
 *
 * <p>Shapes, per group g: {@code Wᵀ} is {@code M × K} with {@code M = Cout/g · Πk} (row
 * {@code (co, kh, kw)}) and {@code K = Cin/g}; X is {@code K × J} with {@code J = N · Π in}: the
 * columns of every image of the batch side by side, so small images still make a wide GEMM.
 * {@code Wᵀ} is packed once per plan (the packed A panels are the prepacked weights). X is packed
 * per N tile of {@code nc} columns ({@link Blocking#ncFor}); the GEMM then runs one M block of
 * {@link Blocking#MC} rows at a time into a small column block that col2im scatters while it is
 * still in L2, so the full column buffer ({@code M × J}) never exists.
 *
 * <p>Workspace per executing thread: the packed X tile (off-heap, cache-line aligned: see
 * {@link Packing#newPackedB}), {@code 4·K·nc} bytes rounded up to whole NR panels (≤ 384 KiB, plus
 * with AVX-512 at most one half panel of {@code 4·K·16} bytes, while
 * {@code K·NR ≤ 98 304}, i.e. K ≤ 6144 with AVX2's NR = 16 and K ≤ 3072 with AVX-512's NR = 32; beyond,
 * one panel of {@code 4·K·NR} bytes, which reaches 16 MiB only at K = 262 144 (AVX2) or 131 072
 * (AVX-512) input channels per group), plus the column
 * block, {@code 4·MC·nc} bytes (≤ 256 KiB, or 384 KiB with AVX-512's 6-row tile). Created lazily
 * on each thread's first execute; later
 * executes allocate nothing once C2 has compiled the kernel (before that, the interpreter boxes
 * Vector API values).
 *
 * <p>Float32 order: each column value is a chain of FMAs over the input channels from +0; the output
 * then adds those values to the bias. With exactly representable data (small integers) this equals
 * the reference bitwise, including the sign of zero (the reference also starts at +0).
 *
 * <p>Rank 1 and 2 only (rank 3 falls back to the reference). For the automatic choice it declines
 * problems with fewer than {@value #AUTO_MIN_CHANNELS_PER_GROUP} input channels per group (depthwise
 * and near-depthwise): the GEMM depth is then so small that writing and re-reading the column block
 * costs more than the arithmetic, and direct scatter does the same products without it.
 */
public final class Im2colKernel implements Kernel {
    /** The kernel's name: {@value}. */
    public static final String NAME = "im2col";

    /** Below this many input channels per group the automatic choice prefers another kernel. */
    public static final int AUTO_MIN_CHANNELS_PER_GROUP = 4;

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String declineReason(Problem problem) {
        if (problem.rank() > 2) {
            return "rank " + problem.rank() + " falls back to the reference (im2col handles rank 1 and 2)";
        }
        long m = (long) problem.spec().outChannelsPerGroup() * problem.spec().kernelVolume();
        long packed = (m + Blocking.MR - 1) / Blocking.MR * Blocking.MR * problem.spec().inChannels();
        if (packed > Integer.MAX_VALUE - 16) {
            return "the packed weights (" + packed + " floats) would not fit a Java array";
        }
        return null;
    }

    @Override
    public String autoDeclineReason(Problem problem) {
        String why = declineReason(problem);
        if (why != null) {
            return why;
        }
        int k = problem.spec().inChannelsPerGroup();
        if (k < AUTO_MIN_CHANNELS_PER_GROUP) {
            return "Cin/groups = " + k + " < " + AUTO_MIN_CHANNELS_PER_GROUP
                    + ": a GEMM this shallow spends its time on the column buffer; direct scatter avoids it";
        }
        return null;
    }

    @Override
    public KernelPlan prepare(Problem problem, float[] weight, int weightOffset, float[] bias, int biasOffset) {
        return new Im2colPlan(problem, weight, weightOffset, bias, biasOffset);
    }

    /** A prepared im2col computation: packed weights, bias, geometry, per-thread workspace. */
    static final class Im2colPlan implements KernelPlan {
        private static final int MR = Blocking.MR;
        private static final int MC_PANELS = Blocking.MC / Blocking.MR;

        private final int groups, k, m, mPanels, cin, cout, inPlane, outPlane, batch, columns, nc;
        private final int packedGroupLength;
        private final float[] packedW;
        private final float[] bias;
        private final Col2im col2im;
        private final ThreadLocal<Workspace> workspace;

        Im2colPlan(Problem p, float[] weight, int weightOffset, float[] bias, int biasOffset) {
            groups = p.spec().groups();
            k = p.spec().inChannelsPerGroup();
            m = p.spec().outChannelsPerGroup() * p.spec().kernelVolume();
            mPanels = (m + MR - 1) / MR;
            cin = p.spec().inChannels();
            cout = p.spec().outChannels();
            inPlane = p.inputPlane();
            outPlane = p.outputPlane();
            batch = p.batch();
            columns = batch * inPlane;
            nc = Math.min(Blocking.ncFor(k), Blocking.paddedColumns(columns));
            packedGroupLength = Packing.packedALength(m, k);
            packedW = new float[Math.multiplyExact(packedGroupLength, groups)];
            for (int g = 0; g < groups; g++) {
                // Wᵀ[row][ci] = weight[(g·K + ci)·M + row]: rows are contiguous in the weight
                Packing.packA(m, k, weight, weightOffset + g * k * m, 1, m, packedW, g * packedGroupLength);
            }
            this.bias = bias == null ? null : Arrays.copyOfRange(bias, biasOffset, biasOffset + cout);
            col2im = new Col2im(p, this.bias);
            int bLength = Packing.packedBLength(k, nc);
            int cLength = Blocking.MC * nc;
            workspace = ThreadLocal.withInitial(() -> new Workspace(bLength, cLength));
        }

        @Override
        public long workspaceBytes() {
            return 4L * (Packing.packedBLength(k, nc) + (long) Blocking.MC * nc);
        }

        @Override
        public long packedWeightBytes() {
            return 4L * packedW.length;
        }

        @Override
        public void execute(float[] x, int xOffset, float[] y, int yOffset) {
            Workspace ws = workspace.get();
            for (int n = 0; n < batch && !col2im.singleCover; n++) {
                for (int co = 0; co < cout; co++) {
                    int base = yOffset + (n * cout + co) * outPlane;
                    Arrays.fill(y, base, base + outPlane, bias == null ? 0f : bias[co]);
                }
            }
            for (int g = 0; g < groups; g++) {
                for (int j0 = 0; j0 < columns; j0 += nc) {
                    int width = Math.min(nc, columns - j0);
                    int ldc = Blocking.paddedColumns(width);
                    packColumns(x, xOffset, g, j0, width, ws.b);
                    for (int mp = 0; mp < mPanels; mp += MC_PANELS) {
                        int panels = Math.min(MC_PANELS, mPanels - mp);
                        Sgemm.multiplyPacked(k, packedW, g * packedGroupLength, mPanels * MR, mp, panels,
                                ws.b, 0, width, ws.c, 0, ldc);
                        col2im.add(g, mp * MR, Math.min(m, (mp + panels) * MR), j0, width, ws.c, ldc, y, yOffset, ws.gather);
                    }
                }
            }
        }

        /** Packs X columns {@code [j0, j0 + width)} of group g (one piece per image) into packed B. */
        private void packColumns(float[] x, int xOffset, int g, int j0, int width, MemorySegment b) {
            int end = j0 + width;
            int j = j0;
            while (j < end) {
                int n = j / inPlane;
                int p0 = j - n * inPlane;
                int len = Math.min(inPlane - p0, end - j);
                Packing.packBColumns(k, len, x, xOffset + (n * cin + g * k) * inPlane + p0, inPlane, b, 0, j - j0);
                j += len;
            }
            Packing.zeroBTail(k, width, b, 0);
        }
    }

    /** One thread's buffers: the packed X tile (off-heap, cache-line aligned) and the column block. */
    private static final class Workspace {
        final MemorySegment b;
        final float[] c;
        /** Col2im's gather offsets down a column of the block. */
        final int[] gather = new int[Col2im.GATHER_LENGTH];

        Workspace(int bLength, int cLength) {
            b = Packing.newPackedB(bLength);
            c = new float[cLength];
        }
    }
}
