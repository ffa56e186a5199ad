// Not valid IR: the function signature never closes.

func.func @f(%x: tensor<4xf16> {
