//===- W4A16Dialect.cpp - w4a16 dialect -----------------------------------===//

#include "w4a16/Dialect/W4A16/IR/W4A16Dialect.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "w4a16/Dialect/W4A16/IR/W4A16Attrs.h"
#include "w4a16/Dialect/W4A16/IR/W4A16Ops.h"

using namespace mlir;
using namespace mlir::w4a16;

#include "w4a16/Dialect/W4A16/IR/W4A16OpsDialect.cpp.inc"

void W4A16Dialect::initialize() {
  registerAttributes();
  addOperations<
#define GET_OP_LIST
#include "w4a16/Dialect/W4A16/IR/W4A16Ops.cpp.inc"
      >();
}

Operation *W4A16Dialect::materializeConstant(OpBuilder &builder,
                                             Attribute value, Type type,
                                             Location loc) {
  return arith::ConstantOp::materialize(builder, value, type, loc);
}
