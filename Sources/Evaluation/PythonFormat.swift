#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Number and string formatting exactly as Python prints them, because sacreBLEU's output
/// is built from f-strings and `json.dumps`.
enum PythonFormat {
    /// `f"{x:.{digits}f}"`: correctly rounded fixed notation (C's `%.*f` rounds the same way).
    static func fixed(_ x: Double, _ digits: Int) -> String {
        var buffer = [CChar](repeating: 0, count: 400 + digits)
        _ = withVaList([Int32(digits), x]) { vsnprintf(&buffer, buffer.count, "%.*f", $0) }
        return String(cString: buffer)
    }

    /// `repr(x)` of a finite float: the shortest digits that round-trip, in fixed notation
    /// when the decimal exponent is in -4..<16, otherwise as `1e-05`.
    static func repr(_ x: Double) -> String {
        if x == 0 { return x.sign == .minus ? "-0.0" : "0.0" }
        // Swift's description also yields the shortest round-trip digits; only the layout differs.
        let text = x.magnitude.description
        var digits = "", exponent = 0
        if let e = text.firstIndex(where: { $0 == "e" || $0 == "E" }) {
            exponent = Int(text[text.index(after: e)...])!
            let mantissa = text[..<e]
            let parts = mantissa.split(separator: ".", omittingEmptySubsequences: false)
            digits = String(parts[0]) + (parts.count > 1 ? String(parts[1]) : "")
            exponent += parts[0].count - 1
        } else {
            let parts = text.split(separator: ".", omittingEmptySubsequences: false)
            let intPart = String(parts[0]), frac = parts.count > 1 ? String(parts[1]) : ""
            if intPart != "0" {
                digits = intPart + frac
                exponent = intPart.count - 1
            } else {
                let zeros = frac.prefix(while: { $0 == "0" }).count
                digits = String(frac.dropFirst(zeros))
                exponent = -zeros - 1
            }
        }
        while digits.count > 1 && digits.hasSuffix("0") { digits.removeLast() }
        let sign = x.sign == .minus ? "-" : ""
        if exponent < -4 || exponent >= 16 {
            let mantissa = digits.count == 1 ? digits : digits.prefix(1) + "." + digits.dropFirst()
            let e = exponent < 0 ? "-" : "+"
            let magnitude = abs(exponent) < 10 ? "0\(abs(exponent))" : "\(abs(exponent))"
            return sign + mantissa + "e" + e + magnitude
        }
        if exponent < 0 {
            return sign + "0." + String(repeating: "0", count: -exponent - 1) + digits
        }
        if digits.count <= exponent + 1 {
            return sign + digits + String(repeating: "0", count: exponent + 1 - digits.count) + ".0"
        }
        return sign + digits.prefix(exponent + 1) + "." + digits.dropFirst(exponent + 1)
    }

    /// A JSON string literal as `json.dumps` writes it: with `ensure_ascii=False`, or with
    /// every character outside space…`~` escaped as `\uXXXX` (UTF-16) when `asciiOnly`.
    static func jsonString(_ s: String, asciiOnly: Bool = false) -> String {
        var out = "\""
        for u in s.unicodeScalars {
            switch u {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case "\u{08}": out += "\\b"
            case "\u{0C}": out += "\\f"
            default:
                if u.value < 0x20 || (asciiOnly && u.value > 0x7E) {
                    for unit in String(u).utf16 {
                        let hex = String(unit, radix: 16)
                        out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
                    }
                } else {
                    out.unicodeScalars.append(u)
                }
            }
        }
        return out + "\""
    }
}
