// The MLP down projection of Qwen3.6-27B as one w4a16.matmul: hidden
// activations [M, 17408] (M = tokens, dynamic) times the 4-bit GPTQ weight
// [17408, 5120], symmetric (implicit zero 8), one f16 scale per 32 K rows.
// The result accumulates into %residual (the decoder layer's residual
// stream; pass zeros for the bare projection) in f32, rounded once to f16.
func.func @qwen36_27b_mlp_down(%x: tensor<?x17408xf16>,
                               %qweight: tensor<2176x5120xi32>,
                               %scales: tensor<544x5120xf16>,
                               %residual: tensor<?x5120xf16>) -> tensor<?x5120xf16> {
  %y = w4a16.matmul #w4a16.scheme<layout = gptq, group_size = 32, zero_point = symmetric>
         ins(%x, %qweight, %scales : tensor<?x17408xf16>, tensor<2176x5120xi32>, tensor<544x5120xf16>)
         outs(%residual : tensor<?x5120xf16>) -> tensor<?x5120xf16>
  return %y : tensor<?x5120xf16>
}
