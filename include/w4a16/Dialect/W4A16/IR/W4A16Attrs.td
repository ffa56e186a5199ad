//===- W4A16Attrs.td - w4a16 attributes --------------------*- tablegen -*-===//

#ifndef W4A16_DIALECT_W4A16_IR_W4A16ATTRS_TD
#define W4A16_DIALECT_W4A16_IR_W4A16ATTRS_TD

include "w4a16/Dialect/W4A16/IR/W4A16Dialect.td"
include "mlir/IR/AttrTypeBase.td"
include "mlir/IR/EnumAttr.td"

// gptq and awq match w4a16::PackedLayout (Support/PackedFormat.h); fragment
// is the layout of Support/Repack.h.
def W4A16_WeightLayout : I32EnumAttr<"WeightLayout",
    "layout of the packed int32 weight tensor", [
      I32EnumAttrCase<"Gptq", 0, "gptq">,
      I32EnumAttrCase<"Awq", 1, "awq">,
      I32EnumAttrCase<"Fragment", 2, "fragment">
    ]> {
  let cppNamespace = "::mlir::w4a16";
}

def W4A16_ZeroPointKind : I32EnumAttr<"ZeroPointKind",
    "how the zero point of a group is given", [
      I32EnumAttrCase<"None", 0, "none">,
      I32EnumAttrCase<"Symmetric", 1, "symmetric">,
      I32EnumAttrCase<"Packed", 2, "packed">,
      I32EnumAttrCase<"Float", 3, "float">
    ]> {
  let cppNamespace = "::mlir::w4a16";
  let genSpecializedAttr = 0;
}

class W4A16_Attr<string name, string attrMnemonic, list<Trait> traits = []>
    : AttrDef<W4A16_Dialect, name, traits> {
  let mnemonic = attrMnemonic;
}

def W4A16_QuantSchemeAttr : W4A16_Attr<"QuantScheme", "scheme"> {
  let summary = "How the weights of a w4a16 op are quantized and packed";
  let description = [{
    - `layout`: `gptq` (int32 `[K/8, N]`, row `8r+i` of a word in bits
      `4i..4i+3`), `awq` (int32 `[K, N/8]`, nibble `i` holds column
      `8c + [0, 2, 4, 6, 1, 3, 5, 7][i]`) or `fragment` (int32
      `[K/32, N/16, 64]`, the layout the gfx11 WMMA microkernels load: block
      `(kb, nt)` holds K rows `32kb..32kb+31` of columns `16nt..16nt+15`,
      column `c` in words `4c..4c+3`, word `j` holding rows `8j..8j+7`
      with consecutive rows in nibbles `i` and `i+4`; K must be a multiple
      of 32 and N of 16; zeros and scales keep their gptq layout).
    - `bits`: bits per weight; only 4 is supported.
    - `group_size`: K rows sharing one scale (and zero); a positive multiple
      of 8 dividing K, or `-1` for one group over all of K (per-channel).
    - `zero_point`: `none` (zero 0), `symmetric` (implicit zero 8, no zeros
      operand), `packed` (int32 `[groups, N/8]`, packed along N like the
      layout's weights) or `float` (a float `[groups, N]` tensor).
    - `gptq_v1`: packed zeros store `zero - 1` (GPTQ v1 checkpoints); the
      true zero is the stored value plus one.

    Example:

    ```mlir
    #w4a16.scheme<layout = gptq, group_size = 128, zero_point = packed, gptq_v1 = true>
    ```
  }];
  let parameters = (ins
    EnumParameter<W4A16_WeightLayout>:$layout,
    DefaultValuedParameter<"int64_t", "4">:$bits,
    "int64_t":$group_size,
    EnumParameter<W4A16_ZeroPointKind>:$zero_point,
    DefaultValuedParameter<"bool", "false">:$gptq_v1
  );
  let assemblyFormat = "`<` struct(params) `>`";
  let genVerifyDecl = 1;
  let extraClassDeclaration = [{
    static constexpr int64_t kPerChannel = -1;
    bool isPerChannel() const { return getGroupSize() == kPerChannel; }
    /// K rows per group once K is known.
    int64_t getEffectiveGroupSize(int64_t k) const {
      return isPerChannel() ? k : getGroupSize();
    }
    int64_t getNumGroups(int64_t k) const {
      return k / getEffectiveGroupSize(k);
    }
    bool hasZerosOperand() const {
      return getZeroPoint() == ZeroPointKind::Packed ||
             getZeroPoint() == ZeroPointKind::Float;
    }
  }];
}

def W4A16_TilingStrategy : I32EnumAttr<"TilingStrategy",
    "kernel family chosen for a range of M", [
      I32EnumAttrCase<"Decode", 0, "decode">,
      I32EnumAttrCase<"SmallBatch", 1, "small_batch">,
      I32EnumAttrCase<"Prefill", 2, "prefill">
    ]> {
  let cppNamespace = "::mlir::w4a16";
  let genSpecializedAttr = 0;
}

def W4A16_DecodeKernel : I32EnumAttr<"DecodeKernel",
    "kernel of a decode tiling", [
      I32EnumAttrCase<"Dot", 0, "dot">,
      I32EnumAttrCase<"Matrix", 1, "matrix">
    ]> {
  let cppNamespace = "::mlir::w4a16";
  let genSpecializedAttr = 0;
}

// Printed only where it is not `dot`; parsed with the enum's own message.
def W4A16_DefaultDotKernelParameter : EnumParameter<W4A16_DecodeKernel> {
  let defaultValue = "::mlir::w4a16::DecodeKernel::Dot";
}

def W4A16_TilingAttr : W4A16_Attr<"Tiling", "tiling"> {
  let summary = "How a w4a16.matmul is tiled for one range of M on one chip";
  let description = [{
    Chosen by `--w4a16-tile-matmul` and consumed by the GPU lowering; one
    per kernel.

    - `strategy`: `decode` (GEMV-like, the weights read as GPTQ holds
      them), `small_batch` (matrix instructions with B dequantized in
      registers) or `prefill` (matrix instructions with A shared through
      LDS); the last two read the weights in the fragment layout.
    - `chip`: the target chip (its facts come from `lookupTarget`).
    - `m_min`, `m_max`: the rows this kernel serves; `m_max = -1` is
      unbounded.
    - `tile_m`, `tile_n`: output rows and columns of one workgroup.
    - `tile_k`: K rows one workgroup consumes per main-loop iteration.
    - `split_k`: independent K slices over the grid, summed in f32.
    - `workgroup_size`: threads per workgroup (a multiple of the wave size).
    - `lds_bytes`: static LDS of the workgroup.
    - `decode_kernel` (decode only, default `dot`): `dot` sums dot products
      (dot2 on gfx11), one wave across the tile (tile_n = 4 columns per
      lane), `matrix` puts the weights in the A operand of the
      chip's matrix instruction and the M rows in its N columns (chips with
      `TargetInfo::matrixDecodeMinRows`; tile_m at most that N).

    Example:

    ```mlir
    #w4a16.tiling<strategy = decode, chip = "gfx1100", m_min = 1, m_max = 8,
                  tile_m = 8, tile_n = 128, tile_k = 64, split_k = 4,
                  workgroup_size = 256, lds_bytes = 32768>
    ```
  }];
  let parameters = (ins
    EnumParameter<W4A16_TilingStrategy>:$strategy,
    StringRefParameter<"target chip">:$chip,
    "int64_t":$m_min,
    "int64_t":$m_max,
    "int64_t":$tile_m,
    "int64_t":$tile_n,
    "int64_t":$tile_k,
    "int64_t":$split_k,
    "int64_t":$workgroup_size,
    "int64_t":$lds_bytes,
    W4A16_DefaultDotKernelParameter:$decode_kernel
  );
  let assemblyFormat = "`<` struct(params) `>`";
  let genVerifyDecl = 1;
  let extraClassDeclaration = [{
    static constexpr int64_t kUnboundedM = -1;
    /// The discardable attribute of a w4a16.matmul holding its tilings.
    static StringRef getOpAttrName() { return "w4a16.tilings"; }
    /// Whether the kernel reads the weights in the fragment layout
    /// (small_batch and prefill); both decode kernels read GPTQ words.
    bool readsFragmentLayout() const {
      return getStrategy() != TilingStrategy::Decode;
    }
  }];
}

#endif // W4A16_DIALECT_W4A16_IR_W4A16ATTRS_TD
