//===- W4A16Attrs.h - w4a16 attributes --------------------------*- C++ -*-===//

#ifndef W4A16_DIALECT_W4A16_IR_W4A16ATTRS_H
#define W4A16_DIALECT_W4A16_IR_W4A16ATTRS_H

#include "mlir/IR/Attributes.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/DialectImplementation.h"
#include "w4a16/Support/PackedFormat.h"

#include "w4a16/Dialect/W4A16/IR/W4A16Enums.h.inc"

#define GET_ATTRDEF_CLASSES
#include "w4a16/Dialect/W4A16/IR/W4A16Attrs.h.inc"

#endif // W4A16_DIALECT_W4A16_IR_W4A16ATTRS_H
