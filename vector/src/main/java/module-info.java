/** convt vector: the Vector API kernels (im2col + packed SGEMM + col2im, direct scatter). */
module dev.convt.vector {
    requires transitive dev.convt.core;
    requires jdk.incubator.vector;
    requires jdk.management;
    exports dev.convt.vector;
    // dev.convt.vector.gemm, .scatter and .subpixel are the kernels' insides: not exported, so on the module path
    // only the API (dev.convt.*) and this module's configuration and kernel names are visible; the bench and
    // tests reach them from the class path
    provides dev.convt.kernel.KernelProvider with dev.convt.vector.VectorKernelProvider;
}
