package dev.convt.vector.scatter;

import dev.convt.Problem;
import dev.convt.kernel.KernelPack;

/**
 * The direct-scatter kernel's packed weights for one spec: the channel blocks, the width mode (phase or
 * tap-vector, see {@link ScatterPlan}) and the weights in that mode's order, per group and channel
 * block {@code [ciL][kh][kw][c]} (phase) or {@code [ciL][kh][entry][c][lane]} (tap-vector), and the
 * bias (+0 without bias: the reference's start). All of it depends on the spec alone, so the plans of
 * every input shape share it. Immutable once made.
 */
public final class ScatterWeights implements KernelPack {
    private static final int TV = ScatterTuning.TAP_V;

    final int groups, ciPerG, coPerG, taps, kH, kW, sW;
    final boolean tapVector;
    /** Tap-vector mode: entries per kernel row ({@code kW/s}), input columns per vector ({@code V/s}), plain entries per row. */
    final int tapEntries, qs, plainEntries;
    /** Packed floats per output channel. */
    final int wPerChannel;
    final float[] packed;
    final float[] bias;
    final int[] blockStart;
    final int[] blockSize;

    /**
     * Packs the weights of {@code p}'s spec (the input shape is not used).
     *
     * @param p            a rank-1 or rank-2 problem, standing for its spec
     * @param weight       (Cin, Cout/groups, *kernel) from {@code weightOffset}; packed, not kept
     * @param weightOffset where the weights start in {@code weight}
     * @param bias         Cout values from {@code biasOffset}, or null without bias; copied
     * @param biasOffset   where the bias starts in {@code bias}
     * @throws IllegalArgumentException if the problem's rank is not 1 or 2
     */
    public ScatterWeights(Problem p, float[] weight, int weightOffset, float[] bias, int biasOffset) {
        if (p.rank() > 2) {
            throw new IllegalArgumentException("the scatter kernel supports spatial rank 1 and 2, but got rank " + p.rank());
        }
        int[] k = p.kernel3(), s = p.stride3();
        int cout = p.spec().outChannels();
        groups = p.spec().groups();
        ciPerG = p.spec().inChannelsPerGroup();
        coPerG = p.spec().outChannelsPerGroup();
        kH = k[1];
        kW = k[2];
        sW = s[2];
        taps = kH * kW;
        tapVector = ScatterPlan.tapVectorApplies(p);
        tapEntries = tapVector ? kW / sW : 0;
        qs = tapVector ? TV / sW : 1;
        plainEntries = tapEntries - (qs - 1);
        wPerChannel = ciPerG * taps * qs;

        int full = coPerG >= ScatterTuning.CO_BLOCK ? coPerG / ScatterTuning.CO_BLOCK : 0;
        int singles = coPerG - full * ScatterTuning.CO_BLOCK;
        blockStart = new int[full + singles];
        blockSize = new int[full + singles];
        for (int b = 0; b < blockStart.length; b++) {
            blockStart[b] = b < full ? b * ScatterTuning.CO_BLOCK : full * ScatterTuning.CO_BLOCK + (b - full);
            blockSize[b] = b < full ? ScatterTuning.CO_BLOCK : 1;
        }

        this.packed = new float[Math.multiplyExact(cout, wPerChannel)];
        pack(weight, weightOffset);
        this.bias = new float[cout]; // +0 without bias: the reference's start
        if (bias != null) {
            System.arraycopy(bias, biasOffset, this.bias, 0, cout);
        }
    }

    private void pack(float[] w, int wOff) {
        for (int g = 0; g < groups; g++) {
            for (int b = 0; b < blockStart.length; b++) {
                int co0 = blockStart[b], cb = blockSize[b];
                int base = (g * coPerG + co0) * wPerChannel;
                for (int ciL = 0; ciL < ciPerG; ciL++) {
                    int ci = g * ciPerG + ciL;
                    for (int c = 0; c < cb; c++) {
                        int src = wOff + (ci * coPerG + co0 + c) * taps;
                        for (int kh = 0; kh < kH; kh++) {
                            if (tapVector) {
                                for (int e = 0; e < tapEntries; e++) {
                                    for (int lane = 0; lane < TV; lane++) {
                                        int i = (((ciL * kH + kh) * tapEntries + e) * cb + c) * TV + lane;
                                        packed[base + i] = w[src + kh * kW + entryTap(e, lane)];
                                    }
                                }
                            } else {
                                for (int kw = 0; kw < kW; kw++) {
                                    packed[base + (ciL * taps + kh * kW + kw) * cb + c] = w[src + kh * kW + kw];
                                }
                            }
                        }
                    }
                }
            }
        }
    }

    /** Tap-vector mode: the kernel column of lane {@code lane} of entry {@code e} (see {@link ScatterPlan}). */
    private int entryTap(int e, int lane) {
        if (e < plainEntries) {
            return e * sW + lane;
        }
        return lane < sW ? kW - sW + lane : lane - sW;
    }

    /** {@return the bytes of the packed weights, the bias and the channel-block tables} */
    @Override
    public long packedWeightBytes() {
        return 4L * (packed.length + bias.length) + 4L * (blockStart.length + blockSize.length);
    }
}
