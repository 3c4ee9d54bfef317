/// The special ids of every model this project trains, written into the model itself so
/// that Debian's `spm_encode`, Python's sentencepiece and this module agree on them.
///
/// pad is 0 so that zero-filled batches are padding and sinusoidal positions start at
/// pad + 1 = 1; unk, bos and eos follow it. (fairseq's own dictionary orders them
/// bos 0, pad 1, eos 2, unk 3; this project keeps SentencePiece's ids instead, so no
/// remapping table sits between the tokenizer and the model.)
public enum SpecialIDs {
    /// Padding: `<pad>`.
    public static let pad: Int32 = 0
    /// Unknown text: `<unk>`.
    public static let unk: Int32 = 1
    /// Beginning of sentence: `<s>`.
    public static let bos: Int32 = 2
    /// End of sentence: `</s>`.
    public static let eos: Int32 = 3
}
