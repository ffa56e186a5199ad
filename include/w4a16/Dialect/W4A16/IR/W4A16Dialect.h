//===- W4A16Dialect.h - w4a16 dialect ---------------------------*- C++ -*-===//

#ifndef W4A16_DIALECT_W4A16_IR_W4A16DIALECT_H
#define W4A16_DIALECT_W4A16_IR_W4A16DIALECT_H

#include "mlir/IR/Dialect.h"

#include "w4a16/Dialect/W4A16/IR/W4A16OpsDialect.h.inc"

#endif // W4A16_DIALECT_W4A16_IR_W4A16DIALECT_H
