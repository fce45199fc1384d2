/** convt core: the semantics of transposed convolution, the scalar reference, the planner, the cost models. */
module dev.convt.core {
    exports dev.convt;
    exports dev.convt.kernel;
    exports dev.convt.cost;
    exports dev.convt.onnx;
    uses dev.convt.kernel.KernelProvider;
    // the thread allocation counter: plan-time warm-up stops once the kernel's code runs compiled
    requires static jdk.management;
}
