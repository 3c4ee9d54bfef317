/// Terminal columns of a string, as `wcwidth.wcswidth` counts them for tabulate: East Asian
/// wide and fullwidth characters take two columns, combining marks and zero-width
/// characters none, everything else one.
///
/// The ranges are the main blocks, not wcwidth's full Unicode tables: names mixing rare
/// scripts may align differently from sacreBLEU's table.
enum DisplayWidth {
    static func of(_ s: some StringProtocol) -> Int {
        s.unicodeScalars.reduce(0) { $0 + of($1.value) }
    }

    static func of(_ v: UInt32) -> Int {
        switch v {
        case 0x0300...0x036F, 0x0483...0x0489, 0x0591...0x05BD, 0x0610...0x061A, 0x064B...0x065F,
             0x1AB0...0x1AFF, 0x1DC0...0x1DFF, 0x200B...0x200F, 0x20D0...0x20FF, 0xFE00...0xFE0F,
             0xFE20...0xFE2F, 0xE0100...0xE01EF:
            return 0
        case 0x1100...0x115F, 0x2E80...0x303E, 0x3041...0x33FF, 0x3400...0x4DBF, 0x4E00...0x9FFF,
             0xA000...0xA4CF, 0xAC00...0xD7A3, 0xF900...0xFAFF, 0xFE30...0xFE4F, 0xFF00...0xFF60,
             0xFFE0...0xFFE6, 0x1F300...0x1F64F, 0x1F900...0x1F9FF, 0x20000...0x2FFFD, 0x30000...0x3FFFD:
            return 2
        default:
            return 1
        }
    }
}
