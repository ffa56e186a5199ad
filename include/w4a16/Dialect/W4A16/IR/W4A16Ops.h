//===- W4A16Ops.h - w4a16 operations ----------------------------*- C++ -*-===//

#ifndef W4A16_DIALECT_W4A16_IR_W4A16OPS_H
#define W4A16_DIALECT_W4A16_IR_W4A16OPS_H

#include "mlir/Bytecode/BytecodeOpInterface.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/ImplicitLocOpBuilder.h"
#include "mlir/IR/OpDefinition.h"
#include "mlir/IR/OpImplementation.h"
#include "mlir/Interfaces/DestinationStyleOpInterface.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"
#include "w4a16/Dialect/W4A16/IR/W4A16Attrs.h"
#include "w4a16/Dialect/W4A16/IR/W4A16Dialect.h"

#define GET_OP_CLASSES
#include "w4a16/Dialect/W4A16/IR/W4A16Ops.h.inc"

namespace mlir::w4a16 {
/// Shape of the packed int32 tensor that holds a K x N weight matrix in
/// `layout` (K, N fit the layout).
SmallVector<int64_t> getPackedWeightShape(WeightLayout layout, int64_t k,
                                          int64_t n);
} // namespace mlir::w4a16

#endif // W4A16_DIALECT_W4A16_IR_W4A16OPS_H
