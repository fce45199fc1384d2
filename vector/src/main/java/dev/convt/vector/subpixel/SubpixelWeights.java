package dev.convt.vector.subpixel;

import dev.convt.Problem;
import dev.convt.kernel.KernelPack;
import dev.convt.vector.gemm.Packing;

import java.lang.foreign.MemorySegment;
import java.util.Arrays;

/**
 * The sub-pixel kernel's packed weights for one spec and output layout: per group the phase GEMM's
 * packed B (rows {@code (ci, th, tw)}, columns {@code (co, rh, rw)}, or {@code (rh, rw, co)} for a
 * channels-last output; see {@link SubpixelPlan}), the bias copy, and for
 * a bias with −0 entries a copy of the weights for the sign fix-up. Weights with a NaN or an infinity
 * are not packed: the kernel plans them with im2col ({@link #finite} false, the copy in {@link #source}).
 * Everything depends on the spec and the column order alone, so the plans of every input shape of that
 * order share it. Immutable once made.
 */
final class SubpixelWeights implements KernelPack {
    private static final int NEGATIVE_ZERO_BITS = 0x8000_0000;

    /** Whether every weight is finite; when not, only {@link #source} and {@link #bias} are set. */
    final boolean finite;
    /** Per group, {@link #groupB} floats of packed B; null when not {@link #finite}. */
    final MemorySegment packedB;
    final int groupB;
    /** Cout values, or null without bias. */
    final float[] bias;
    /** Per output channel: whether its bias is −0 (null when none is); then the weights, for the sign fix-up. */
    final boolean[] negativeZeroBias;
    final float[] weights;
    /** The weights as given, for the im2col fallback of non-finite weights; null when {@link #finite}. */
    final float[] source;

    /** Whether the packed B's columns are {@code (rh, rw, co)} (a channels-last output's order), else {@code (co, rh, rw)}. */
    final boolean channelsLast;

    SubpixelWeights(Problem p, boolean channelsLast, float[] weight, int weightOffset, float[] bias, int biasOffset) {
        this.channelsLast = channelsLast;
        int cout = p.spec().outChannels();
        this.bias = bias == null ? null : Arrays.copyOfRange(bias, biasOffset, biasOffset + cout);
        boolean allFinite = true;
        for (int i = weightOffset, e = weightOffset + p.weightLength(); i < e && allFinite; i++) {
            allFinite = Float.isFinite(weight[i]);
        }
        finite = allFinite;
        if (!finite) {
            source = Arrays.copyOfRange(weight, weightOffset, weightOffset + p.weightLength());
            packedB = null;
            groupB = 0;
            negativeZeroBias = null;
            weights = null;
            return;
        }
        source = null;
        int depth = SubpixelKernel.depth(p), columns = SubpixelKernel.columns(p);
        groupB = Packing.packedBLength(depth, columns);
        packedB = Packing.newPackedB(Math.multiplyExact(groupB, p.spec().groups()));
        packWeights(p, depth, columns, weight, weightOffset);
        boolean[] negZero = null;
        if (this.bias != null) {
            for (int co = 0; co < cout; co++) {
                if (Float.floatToRawIntBits(this.bias[co]) == NEGATIVE_ZERO_BITS) {
                    if (negZero == null) {
                        negZero = new boolean[cout];
                    }
                    negZero[co] = true;
                }
            }
        }
        negativeZeroBias = negZero;
        weights = negZero == null ? null : Arrays.copyOfRange(weight, weightOffset, weightOffset + p.weightLength());
    }

    /**
     * Packs B per group: the phases' weights side by side (rows {@code (ci, th, tw)}, columns
     * {@code (co, rh, rw)}, or {@code (rh, rw, co)} for {@link #channelsLast}).
     */
    private void packWeights(Problem p, int depth, int columns, float[] weight, int weightOffset) {
        int[] k = p.kernel3(), st = p.stride3();
        int kw = k[2], sh = st[1], sw = st[2];
        int tapsH = PhaseAxis.tapsOf(k[1], sh), tapsW = PhaseAxis.tapsOf(kw, sw);
        int phasesH = Math.min(sh, k[1]), phasesW = Math.min(sw, kw);
        int groups = p.spec().groups(), cinG = p.spec().inChannelsPerGroup(), coutG = p.spec().outChannelsPerGroup();
        float[] rowMajor = new float[Math.multiplyExact(depth, columns)];
        int taps = k[1] * kw;
        for (int g = 0; g < groups; g++) {
            int row = 0;
            for (int ci = 0; ci < cinG; ci++) {
                for (int th = 0; th < tapsH; th++) {
                    for (int tw = 0; tw < tapsW; tw++, row++) {
                        for (int co = 0; co < coutG; co++) {
                            int src = weightOffset + ((g * cinG + ci) * coutG + co) * taps;
                            for (int rh = 0; rh < phasesH; rh++) {
                                int srcRow = src + (rh + sh * th) * kw + sw * tw;
                                for (int rw = 0; rw < phasesW; rw++) {
                                    int col = channelsLast ? (rh * phasesW + rw) * coutG + co : (co * phasesH + rh) * phasesW + rw;
                                    rowMajor[row * columns + col] = weight[srcRow + rw];
                                }
                            }
                        }
                    }
                }
            }
            Packing.packB(depth, columns, rowMajor, 0, columns, packedB, g * groupB);
        }
    }

    @Override
    public long packedWeightBytes() {
        if (!finite) {
            return 4L * source.length + 4L * (bias == null ? 0 : bias.length);
        }
        return packedB.byteSize() + 4L * (bias == null ? 0 : bias.length)
                + (weights == null ? 0 : 4L * weights.length + negativeZeroBias.length);
    }
}
