import Foundation

/// Bad input or a failed write; main prints the message and exits with status 1.
enum PrepareError: LocalizedError, CustomStringConvertible {
    case usage(String)
    case unreadable(path: String, reason: String)
    case noVerses(path: String)
    case unwritable(path: String, reason: String)

    var description: String {
        switch self {
        case .usage(let message):
            return "\(message)\n\(PrepareOptions.usage)"
        case .unreadable(let path, let reason):
            return "cannot read mod2imp dump \(path): \(reason)"
        case .noVerses(path: let path):
            return "no verses in mod2imp dump \(path): is its SWORD module installed "
                + "(scripts/install-system-packages.sh) and did mod2imp succeed?"
        case .unwritable(let path, let reason):
            return "cannot write \(path): \(reason)"
        }
    }

    var errorDescription: String? { description }
}
