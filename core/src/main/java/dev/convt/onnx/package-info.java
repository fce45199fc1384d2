/**
 * ONNX's {@code ConvTranspose} operator mapped to a {@link dev.convt.Problem}: attributes
 * ({@code strides}, {@code pads}, {@code auto_pad}, {@code output_shape}, ...) resolved into the pads and
 * output padding of a {@link dev.convt.ConvTransposeSpec} ({@link dev.convt.onnx.OnnxConvTranspose}).
 * The tensors keep ONNX's layouts, which are PyTorch's: {@code X (N, C, *spatial)},
 * {@code W (C, M/group, *kernel)}, {@code B (M)}.
 */
package dev.convt.onnx;
