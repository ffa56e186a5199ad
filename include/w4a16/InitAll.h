//===- InitAll.h - Dialects and passes the w4a16 tools use ------*- C++ -*-===//
//
// One list of what the tools (w4a16-opt, the compile driver, the Python
// module) register: our dialect and passes plus the upstream ones our
// pipelines produce or run.
//
//===----------------------------------------------------------------------===//

#ifndef W4A16_INITALL_H
#define W4A16_INITALL_H

namespace mlir {
class DialectRegistry;
namespace w4a16 {

void registerAllDialects(DialectRegistry &registry);
void registerAllPasses();

} // namespace w4a16
} // namespace mlir

#endif // W4A16_INITALL_H
