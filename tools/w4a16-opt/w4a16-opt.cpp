//===- w4a16-opt.cpp - mlir-opt for the w4a16 project ---------------------===//

#include "mlir/IR/DialectRegistry.h"
#include "mlir/Tools/mlir-opt/MlirOptMain.h"
#include "w4a16/InitAll.h"

int main(int argc, char **argv) {
  mlir::DialectRegistry registry;
  mlir::w4a16::registerAllDialects(registry);
  mlir::w4a16::registerAllPasses();
  return mlir::asMainReturnCode(
      mlir::MlirOptMain(argc, argv, "w4a16 optimizer driver\n", registry));
}
