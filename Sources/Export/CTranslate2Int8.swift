import Foundation
import Tensor

/// CTranslate2's int8 weight quantization (`LayerSpec._quantize` with "int8" in
/// ctranslate2/specs/model_spec.py): each row r of a weight matrix W (rows, columns) is
/// stored as round(W[r, c] · s_r) in int8 with s_r = 127 / max_c |W[r, c]| in float32, and
/// s_r in `<name>_scale` (rows). A zero row gets s_r = 1; s_r is kept finite for tiny rows.
/// Rounding is to nearest, ties to even (NumPy's rint). The rule itself is
/// `Tensor.Int8Quantization`, which `nmt translate --precision int8` quantizes with too.
enum CTranslate2Int8 {
    /// Variables with a `_scale` slot in the spec: the `weight` of linear layers and
    /// embeddings. Layer norms (gamma, beta), biases and position tables stay float32.
    static func isQuantizable(_ variable: CTranslate2Variable) -> Bool {
        variable.type == .float32 && variable.shape.count == 2 && variable.name.hasSuffix("/weight")
    }

    /// The quantized weight and its scales.
    static func quantize(_ variable: CTranslate2Variable) -> (weight: CTranslate2Variable, scale: CTranslate2Variable) {
        precondition(isQuantizable(variable), "\(variable.name) is not a float32 weight matrix")
        let rows = variable.shape[0], columns = variable.shape[1]
        let (quantized, scales) = variable.floats.withUnsafeBufferPointer {
            Int8Quantization.quantizeRows($0.baseAddress!, rows: rows, columns: columns)
        }
        let weight = CTranslate2Variable(name: variable.name, shape: variable.shape, type: .int8,
                                         bytes: quantized.withUnsafeBytes { Data($0) })
        return (weight, CTranslate2Variable(name: variable.name + "_scale", shape: [rows], floats: scales))
    }

    /// `file` with every quantizable variable quantized; aliases stay as they are (the
    /// loader aliases `<alias>_scale` along with `<alias>`).
    static func quantize(_ file: CTranslate2ModelFile) -> CTranslate2ModelFile {
        var out = file
        out.variables = file.variables.flatMap { variable -> [CTranslate2Variable] in
            guard isQuantizable(variable) else { return [variable] }
            let (weight, scale) = quantize(variable)
            return [weight, scale]
        }
        return out
    }
}
