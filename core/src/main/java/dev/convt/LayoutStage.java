package dev.convt;

import dev.convt.kernel.BlockTranspose;
import dev.convt.kernel.Kernel;
import dev.convt.kernel.KernelPlan;

/**
 * The stage around a kernel that does not read or write a problem's {@link Layout} itself
 * ({@link Kernel#readsLayout}, {@link Kernel#writesLayout}): the caller's channels-last input is
 * transposed into a channels-first staging buffer the kernel reads, and the kernel's channels-first
 * output, written into a second staging buffer, is transposed into the caller's output afterwards.
 * Any kernel thus computes any layout, with the same bits (a transpose only moves values).
 *
 * <p>The staging buffers belong to the executing thread and grow to the largest problem it has run
 * through a stage, so a warm thread allocates nothing; a call with a {@link Scratchpad} uses the
 * scratchpad's instead, so it keeps nothing per thread. The caller's output is written only by the
 * final transpose, after the kernel has finished: a kernel that fails leaves it untouched. With
 * several threads the transposes are split too (each task moves whole source rows, so no two tasks
 * write the same element).
 */
final class LayoutStage {
    /** The kernel's computation on channels-first buffers, on the given threads. */
    interface Compute {
        /**
         * Runs the kernel.
         *
         * @param x       the channels-first (or kernel-native) input
         * @param xOffset where it starts
         * @param y       the channels-first (or kernel-native) output
         * @param yOffset where it starts
         * @param par     the threads to use
         * @param scratch the caller's scratchpad, or null
         */
        void run(float[] x, int xOffset, float[] y, int yOffset, Parallelism par, Scratchpad scratch);
    }

    /**
     * Below this many elements (or below twice {@link Parallelism#minTaskWork()}, if less) a transpose
     * stays on the calling thread.
     */
    static final int MIN_PARALLEL_ELEMENTS = 1 << 16;

    private static final ThreadLocal<Staging> STAGING = ThreadLocal.withInitial(Staging::new);

    /** Channels-last input to channels-first staging, or null when the kernel reads x as it is. */
    private final Transpose input;
    /** Channels-first staging to channels-last output, or null when the kernel writes y as it is. */
    private final Transpose output;
    private final int inputLength, outputLength;

    private LayoutStage(Transpose input, Transpose output, int inputLength, int outputLength) {
        this.input = input;
        this.output = output;
        this.inputLength = inputLength;
        this.outputLength = outputLength;
    }

    /**
     * The stage a kernel's plan of the problem needs, or null when it needs none: a channels-first
     * problem, a kernel that reads and writes the layout itself, or tensors whose two layouts are the
     * same memory (one channel, or one position per channel).
     *
     * @param problem the problem, not empty
     * @param kernel  the kernel whose plan runs inside the stage
     * @return the stage, or null
     */
    static LayoutStage of(Problem problem, Kernel kernel) {
        if (problem.layout() == Layout.CHANNELS_FIRST || problem.isEmpty()) {
            return null;
        }
        int n = problem.batch();
        int cin = problem.spec().inChannels(), cout = problem.spec().outChannels();
        // channels last (N, P, C) → channels first (N, C, P): each image a P × C matrix transposed
        Transpose in = kernel.readsLayout(problem) || Layout.storedAlike(cin, problem.inputPlane()) ? null
                : new Transpose(n, problem.inputPlane(), cin, kernel.layoutTranspose());
        // channels first (N, C, P) → channels last (N, P, C): each image a C × P matrix transposed
        Transpose out = kernel.writesLayout(problem) || Layout.storedAlike(cout, problem.outputPlane()) ? null
                : new Transpose(n, cout, problem.outputPlane(), kernel.layoutTranspose());
        return in == null && out == null ? null : new LayoutStage(in, out, problem.inputLength(), problem.outputLength());
    }

    /** {@return new staging buffers sized for this stage (a scratchpad's)} */
    Staging newStaging() {
        Staging staging = new Staging();
        staging.input(input == null ? 0 : inputLength);
        staging.output(output == null ? 0 : outputLength);
        return staging;
    }

    /** {@return the staging bytes each executing thread keeps for this stage} */
    long workspaceBytes() {
        return 4L * ((input == null ? 0 : inputLength) + (output == null ? 0 : outputLength));
    }

    /**
     * Runs {@code body} between the transposes: the input into staging first, the output out of
     * staging last.
     *
     * @param body    the kernel's computation
     * @param x       the caller's input, in the problem's layout
     * @param xOffset where it starts
     * @param y       the caller's output, in the problem's layout
     * @param yOffset where it starts
     * @param par     the threads the kernel may use; the transposes use them too
     * @param scratch the caller's scratchpad (whose staging is used), or null for this thread's
     */
    void run(Compute body, float[] x, int xOffset, float[] y, int yOffset, Parallelism par, Scratchpad scratch) {
        Staging staging = scratch == null ? STAGING.get() : scratch.layoutStaging();
        float[] kx = x, ky = y;
        int kxOffset = xOffset, kyOffset = yOffset;
        if (input != null) {
            kx = staging.input(inputLength);
            kxOffset = 0;
            input.run(x, xOffset, kx, 0, par, scratch);
        }
        if (output != null) {
            ky = staging.output(outputLength);
            kyOffset = 0;
        }
        body.run(kx, kxOffset, ky, kyOffset, par, scratch);
        if (output != null) {
            output.run(ky, 0, y, yOffset, par, scratch);
        }
    }

    /** One thread's (or scratchpad's) pair of staging buffers, grown on need. */
    static final class Staging {
        private float[] input = new float[0], output = new float[0];

        float[] input(int length) {
            if (input.length < length) {
                input = new float[length];
            }
            return input;
        }

        float[] output(int length) {
            if (output.length < length) {
                output = new float[length];
            }
            return output;
        }
    }

    /**
     * The transpose of each of {@code images} row-major {@code rows × cols} matrices, as independent
     * tasks over ranges of source rows (a task writes only the destination columns of its rows).
     */
    static final class Transpose implements KernelPlan.Tasks {
        /** Side of the square tiles the scalar transpose walks, so both sides stay in L1. */
        static final int TILE = 16;
        /** The most tasks a transpose is cut into. */
        static final int MAX_TASKS = 16;

        private final int images, rows, cols, tasks;
        /** The kernel's block transpose ({@link Kernel#layoutTranspose}), or null for scalar tiles. */
        private final BlockTranspose blocks;

        Transpose(int images, int rows, int cols, BlockTranspose blocks) {
            this.images = images;
            this.rows = rows;
            this.cols = cols;
            this.blocks = blocks;
            long totalRows = (long) images * rows;
            this.tasks = (int) Math.min(MAX_TASKS, totalRows);
        }

        /** Transposes every image, on the calling thread or split over {@code par}'s threads. */
        void run(float[] src, int srcOffset, float[] dst, int dstOffset, Parallelism par, Scratchpad scratch) {
            long elements = (long) images * rows * cols;
            if (par.threads() == 1 || tasks == 1 || elements < Math.min(MIN_PARALLEL_ELEMENTS, 2 * par.minTaskWork())) {
                rows(0, images * rows, src, srcOffset, dst, dstOffset);
            } else {
                ForkJoin.run(this, par, src, srcOffset, dst, dstOffset, scratch);
            }
        }

        @Override
        public int count() {
            return tasks;
        }

        @Override
        public void run(int task, float[] src, int srcOffset, float[] dst, int dstOffset, Object workspace) {
            long total = (long) images * rows;
            rows((int) (total * task / tasks), (int) (total * (task + 1) / tasks), src, srcOffset, dst, dstOffset);
        }

        /** Transposes the source rows {@code [from, to)}, counted across the images. */
        private void rows(int from, int to, float[] src, int srcOffset, float[] dst, int dstOffset) {
            int image = rows * cols;
            while (from < to) {
                int n = from / rows;
                int r0 = from - n * rows;
                int r1 = Math.min(rows, r0 + (to - from));
                if (blocks != null && r1 - r0 >= blocks.size() && cols >= blocks.size()) {
                    blocks(src, srcOffset + n * image, dst, dstOffset + n * image, r0, r1);
                } else {
                    tile(src, srcOffset + n * image, dst, dstOffset + n * image, r0, r1);
                }
                from += r1 - r0;
            }
        }

        /**
         * {@code dst[j·rows + i] = src[i·cols + j]} for rows {@code i} in {@code [r0, r1)} of one image
         * (at least one block of each axis), block by block through {@link #blocks}: the destination
         * in order (columns outer), and the last block of each axis overlapping the one before rather
         * than leaving a tail (it only copies, so an element written twice gets the same value, and the
         * block stays inside this task's rows).
         */
        private void blocks(float[] src, int s, float[] dst, int d, int r0, int r1) {
            int b = blocks.size();
            for (int j0 = 0; j0 < cols; j0 += b) {
                int j = Math.min(j0, cols - b);
                for (int i0 = r0; i0 < r1; i0 += b) {
                    int i = Math.min(i0, r1 - b);
                    blocks.transpose(src, s + i * cols + j, cols, dst, d + j * rows + i, rows);
                }
            }
        }

        /** {@code dst[j·rows + i] = src[i·cols + j]} for rows {@code i} in {@code [r0, r1)} of one image, tile by tile. */
        private void tile(float[] src, int s, float[] dst, int d, int r0, int r1) {
            for (int ib = r0; ib < r1; ib += TILE) {
                int ie = Math.min(ib + TILE, r1);
                for (int jb = 0; jb < cols; jb += TILE) {
                    int je = Math.min(jb + TILE, cols);
                    for (int j = jb; j < je; j++) {
                        int dj = d + j * rows;
                        for (int i = ib; i < ie; i++) {
                            dst[dj + i] = src[s + i * cols + j];
                        }
                    }
                }
            }
        }
    }
}
