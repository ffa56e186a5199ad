//===- Bf16MmaSyncToNVVM.cpp - bf16 nvgpu.mma.sync to nvvm.mma.sync -------===//
//
// Upstream --convert-nvgpu-to-nvvm (LLVM 22) cannot type bf16 operands of
// nvgpu.mma.sync ("failed to deduce operand PTX types") although PTX has
// mma.sync.aligned.m16n8k16.row.col.f32.bf16.bf16.f32 (sm_80+). This pass
// rewrites exactly that form into nvvm.mma.sync, each bf16 pair of the
// fragments packed into one 32-bit register as PTX wants it; the f16 and
// other forms are left to the upstream pass.
//
//===----------------------------------------------------------------------===//

#include "w4a16/Conversion/NVGPUToNVVM/Bf16MmaSyncToNVVM.h"
#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/LLVMIR/NVVMDialect.h"
#include "mlir/Dialect/NVGPU/IR/NVGPUDialect.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "mlir/IR/ImplicitLocOpBuilder.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

namespace mlir::w4a16 {
#define GEN_PASS_DEF_W4A16BF16MMASYNCTONVVMPASS
#include "w4a16/Conversion/Passes.h.inc"
} // namespace mlir::w4a16

using namespace mlir;
using namespace mlir::w4a16;

namespace {

struct Bf16MmaSyncToNVVM : OpRewritePattern<nvgpu::MmaSyncOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(nvgpu::MmaSyncOp op,
                                PatternRewriter &rewriter) const override {
    auto aType = cast<VectorType>(op.getMatrixA().getType());
    auto bType = cast<VectorType>(op.getMatrixB().getType());
    auto cType = cast<VectorType>(op.getMatrixC().getType());
    SmallVector<int64_t> shape = llvm::to_vector(
        llvm::map_range(op.getMmaShape().getAsValueRange<IntegerAttr>(),
                        [](const APInt &v) { return v.getSExtValue(); }));
    if (!aType.getElementType().isBF16() || !bType.getElementType().isBF16() ||
        !cType.getElementType().isF32() ||
        shape != ArrayRef<int64_t>{16, 8, 16} ||
        aType.getShape() != ArrayRef<int64_t>{4, 2} ||
        bType.getShape() != ArrayRef<int64_t>{2, 2} ||
        cType.getShape() != ArrayRef<int64_t>{2, 2})
      return rewriter.notifyMatchFailure(op, "not a bf16 m16n8k16 f32 mma");
    ImplicitLocOpBuilder b(op.getLoc(), rewriter);
    Type i32 = b.getI32Type();
    // Row r of a fragment (one bf16 pair) is its register r.
    auto registers = [&](Value fragment, int64_t rows) {
      SmallVector<Value> values;
      for (int64_t r = 0; r < rows; ++r)
        values.push_back(vector::ExtractOp::create(
            b,
            vector::BitCastOp::create(
                b, VectorType::get({1}, i32),
                vector::ExtractOp::create(b, fragment, r)),
            0));
      return values;
    };
    SmallVector<Value> accumulators;
    for (int64_t r = 0; r < 2; ++r)
      for (int64_t c = 0; c < 2; ++c)
        accumulators.push_back(vector::ExtractOp::create(
            b, op.getMatrixC(), ArrayRef<int64_t>{r, c}));
    Type f32 = b.getF32Type();
    auto resultType =
        LLVM::LLVMStructType::getLiteral(b.getContext(), {f32, f32, f32, f32});
    auto mma =
        NVVM::MmaOp::create(b, resultType, registers(op.getMatrixA(), 4),
                            registers(op.getMatrixB(), 2), accumulators, shape,
                            /*b1Op=*/std::nullopt, /*intOverflow=*/std::nullopt,
                            std::array<NVVM::MMATypes, 2>{NVVM::MMATypes::bf16,
                                                          NVVM::MMATypes::bf16},
                            std::array<NVVM::MMALayout, 2>{
                                NVVM::MMALayout::row, NVVM::MMALayout::col});
    Value result = arith::ConstantOp::create(
        b, DenseElementsAttr::get(cType, b.getF32FloatAttr(0)));
    for (int64_t r = 0; r < 2; ++r)
      for (int64_t c = 0; c < 2; ++c)
        result = vector::InsertOp::create(
            b,
            LLVM::ExtractValueOp::create(b, mma, ArrayRef<int64_t>{2 * r + c}),
            result, ArrayRef<int64_t>{r, c});
    rewriter.replaceOp(op, result);
    return success();
  }
};

struct W4A16Bf16MmaSyncToNVVMPass
    : mlir::w4a16::impl::W4A16Bf16MmaSyncToNVVMPassBase<
          W4A16Bf16MmaSyncToNVVMPass> {
  void runOnOperation() override {
    RewritePatternSet patterns(&getContext());
    patterns.add<Bf16MmaSyncToNVVM>(&getContext());
    if (failed(applyPatternsGreedily(getOperation(), std::move(patterns))))
      signalPassFailure();
  }
};

} // namespace
