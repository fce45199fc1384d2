/** convt vector: the Vector API kernels (im2col + packed SGEMM + col2im, direct scatter). */
module dev.convt.vector {
    requires transitive dev.convt.core;
    requires jdk.incubator.vector;
    requires jdk.management;
    exports dev.convt.vector;
    exports dev.convt.vector.gemm;
    provides dev.convt.kernel.KernelProvider with dev.convt.vector.VectorKernelProvider;
}
