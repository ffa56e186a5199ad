func.func @no_rows(%x: tensor<0x1024xf16>, %w: tensor<128x256xi32>, %s: tensor<8x256xf16>, %i: tensor<0x256xf16>) -> tensor<0x256xf16> {
  %0 = w4a16.matmul #w4a16.scheme<layout = gptq, group_size = 128, zero_point = symmetric> ins(%x, %w, %s : tensor<0x1024xf16>, tensor<128x256xi32>, tensor<8x256xf16>) outs(%i : tensor<0x256xf16>) -> tensor<0x256xf16>
  return %0 : tensor<0x256xf16>
}
