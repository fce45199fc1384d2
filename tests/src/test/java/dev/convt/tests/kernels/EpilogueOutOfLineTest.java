package dev.convt.tests.kernels;

import dev.convt.vector.Epilogue;
import org.junit.jupiter.api.Test;

import java.io.InputStream;
import java.lang.classfile.ClassFile;
import java.lang.classfile.ClassModel;
import java.lang.classfile.MethodModel;
import java.lang.classfile.attribute.CodeAttribute;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The epilogue's tanh and sigmoid loops (on arrays and on segments) are bigger in bytecode than C2's
 * {@code FreqInlineSize} (325 bytes by default), so C2 compiles each on its own and never inlines it
 * into a kernel's method. Each loop (two vectors interleaved) takes C2's parse-time inlining budget
 * and more, its last Vector API calls inlined by the delayed inliner: inlined into a kernel method,
 * it would take the kernel's Vector API calls past every budget (left out of line, their vectors
 * objects). Their size in bytecode is what keeps them out, so an edit that shrinks one below the
 * limit fails here. (Their one-vector tails, {@code tanhTail} and {@code sigmoidTail}, are called
 * from these loops only.)
 */
class EpilogueOutOfLineTest {

    /** C2's default {@code FreqInlineSize}: a hot callee bigger than this many bytes of bytecode is not inlined. */
    private static final int FREQ_INLINE_SIZE = 325;

    @Test
    void expLoopsAreTooBigToInline() throws Exception {
        ClassModel model;
        try (InputStream in = Epilogue.class.getResourceAsStream("Epilogue.class")) {
            model = ClassFile.of().parse(in.readAllBytes());
        }
        List<MethodModel> loops = model.methods().stream()
                .filter(m -> List.of("tanhRun", "sigmoidRun").contains(m.methodName().stringValue())).toList();
        assertEquals(4, loops.size(), "tanhRun and sigmoidRun on arrays and on segments");
        for (MethodModel m : loops) {
            int bytes = m.findAttribute(java.lang.classfile.Attributes.code()).map(CodeAttribute::codeLength).orElse(0);
            assertTrue(bytes > FREQ_INLINE_SIZE, () -> m.methodName() + m.methodType().stringValue() + " is " + bytes
                    + " bytes of bytecode: C2 may inline it into a kernel (limit " + FREQ_INLINE_SIZE + ")");
        }
    }
}
