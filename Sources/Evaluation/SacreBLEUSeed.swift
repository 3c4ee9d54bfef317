/// The seed of sacreBLEU's resampling, read from `SACREBLEU_SEED` as sacreBLEU reads it:
/// unset means 12345, `none` (any case) means fresh entropy from the operating system,
/// anything else must be a non-negative integer (Python's `int()` syntax).
public struct SacreBLEUSeed: Sendable, Equatable {
    /// The variable's text, or `12345` when unset.
    public let text: String
    /// The integer's 32-bit words (least significant first), nil for `none`.
    public let entropy: [UInt32]?

    /// - Throws: `EvaluationError.invalidSeed` for a value that is neither `none` nor a
    ///   non-negative integer.
    public init(environmentValue: String?) throws {
        text = environmentValue ?? "12345"
        if text.lowercased() == "none" {
            entropy = nil
            return
        }
        guard let digits = Self.integerDigits(text), let words = SeedSequence.entropyWords(decimal: digits) else {
            throw EvaluationError.invalidSeed(text)
        }
        entropy = words
    }

    /// Digits of a Python `int()` literal in base 10 without sign or underscores, nil when it
    /// is not one or is negative. Surrounding whitespace and single underscores between
    /// digits are allowed, as in Python.
    private static func integerDigits(_ raw: String) -> String? {
        var s = Substring(raw.trimmingPythonWhitespace())
        var negative = false
        if let sign = s.first, sign == "+" || sign == "-" {
            negative = sign == "-"
            s = s.dropFirst()
        }
        guard let first = s.first, first.isASCII && first.isNumber, s.last != "_", !s.contains("__") else { return nil }
        let digits = s.filter { $0 != "_" }
        guard digits.allSatisfy({ $0.isASCII && $0.isNumber }) else { return nil }
        let trimmed = String(digits.drop(while: { $0 == "0" }))
        if negative && !trimmed.isEmpty { return nil }
        return trimmed.isEmpty ? "0" : trimmed
    }

    /// Whether the seed is the integer zero.
    var isZero: Bool { entropy?.allSatisfy { $0 == 0 } ?? false }

    /// The seed in a `--confidence` signature: the variable's text lowercased
    /// (`str(seed).lower()` of the raw string).
    public var confidenceSignature: String { text.lowercased() }

    /// The seed in a paired test's signature: the integer in canonical form, or `none`.
    public var pairedSignature: String {
        guard entropy != nil else { return "none" }
        return Self.integerDigits(text)!
    }

    /// `default_rng(seed)` for this seed (fresh entropy for `none`).
    public func generator() -> PCG64 {
        guard let entropy else { return Self.entropyGenerator() }
        return PCG64(SeedSequence(entropy: entropy))
    }

    /// The generator of one system's paired test. sacreBLEU passes `seed if seed else None`,
    /// so a seed of 0 draws fresh entropy here while the baseline's interval stays seeded.
    public func pairedGenerator() -> PCG64 {
        isZero ? Self.entropyGenerator() : generator()
    }

    /// `default_rng(None)`: 128 bits from the system's generator, as NumPy does.
    private static func entropyGenerator() -> PCG64 {
        var system = SystemRandomNumberGenerator()
        let a = system.next(), b = system.next()
        return PCG64(SeedSequence(entropy: [UInt32(truncatingIfNeeded: a), UInt32(a >> 32),
                                            UInt32(truncatingIfNeeded: b), UInt32(b >> 32)]))
    }
}

extension String {
    /// `str.strip()` with Python's whitespace set.
    func trimmingPythonWhitespace() -> String {
        let scalars = unicodeScalars
        guard let start = scalars.firstIndex(where: { !UTF8Text.isWhitespace($0.value) }) else { return "" }
        let end = scalars.lastIndex(where: { !UTF8Text.isWhitespace($0.value) })!
        return String(scalars[start...end])
    }
}
