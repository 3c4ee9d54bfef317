import ArgumentParser
import Tensor

extension DecodingPrecision: ExpressibleByArgument {}

/// `--precision` of translate, score and serve (training's flag name; its values differ):
/// fp32 (the default) or int8, CTranslate2's int8 scheme with integer products on
/// `Int8Path.active`. An unknown value is refused by the argument parser, which lists
/// fp32 and int8.
struct DecodingPrecisionFlag: ParsableArguments {
    @Option(help: "Arithmetic of the products: fp32, or int8 (weights per output row and activations per row quantized, int32 accumulation; layer norm, softmax and attention in fp32).")
    var precision: DecodingPrecision = .fp32

    /// "precision int8 (VPDPBUSD (avx512_vnni))" or "precision fp32", for standard error.
    var summary: String {
        precision == .int8 ? "precision int8 (\(Int8Path.active.summary))" : "precision fp32"
    }
}
