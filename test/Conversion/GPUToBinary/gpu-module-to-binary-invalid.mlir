// RUN: w4a16-opt %s --w4a16-gpu-module-to-binary=format=elf -verify-diagnostics

// expected-error@below {{unknown format 'elf' (expected offloading, assembly, binary or fatbinary)}}
module {
}
