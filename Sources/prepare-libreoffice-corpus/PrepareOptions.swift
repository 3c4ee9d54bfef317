/// Command-line options.
struct PrepareOptions: Equatable {
    /// LibreOffice's help directory, holding one directory per language
    /// (/usr/share/libreoffice/help).
    var helpRoot: String
    /// Language directories there, e.g. de and en-US.
    var source: String
    var target: String
    var output: String
    /// A directory of .po files (msgunfmt's output for the non-English language's .mo
    /// files), for the optional interface-string part.
    var interfacePO: String?
    /// Pairs each of valid and test hold at least.
    var heldOut = 1500
    /// "package version" lines for the report (the Debian packages the texts come from).
    var packages: [String] = []

    static let usage = """
        usage: prepare-libreoffice-corpus --help-root DIR --source de --target en-US --output DIR \
        [--interface-po DIR] [--held-out 1500] [--package "NAME VERSION" ...]
        """

    init(arguments: [String]) throws {
        var values: [String: String] = [:]
        var remaining = arguments[...]
        while let flag = remaining.popFirst() {
            guard ["--help-root", "--source", "--target", "--output", "--interface-po", "--held-out", "--package"].contains(flag) else {
                throw PrepareError.usage("unknown argument \(flag)")
            }
            guard let value = remaining.popFirst() else { throw PrepareError.usage("\(flag) needs a value") }
            if flag == "--package" { packages.append(value) } else { values[flag] = value }
        }
        func required(_ flag: String) throws -> String {
            guard let value = values[flag] else { throw PrepareError.usage("missing \(flag)") }
            return value
        }
        helpRoot = try required("--help-root")
        source = try required("--source")
        target = try required("--target")
        output = try required("--output")
        interfacePO = values["--interface-po"]
        if let text = values["--held-out"] {
            guard let n = Int(text), n >= 1 else { throw PrepareError.usage("--held-out needs a positive integer, got \(text)") }
            heldOut = n
        }
        guard source.hasPrefix("en") != target.hasPrefix("en") || interfacePO == nil else {
            throw PrepareError.usage("--interface-po needs English on exactly one side (msgid is English)")
        }
    }

    /// The file suffix of a language directory: its code before any region ("en-US" → "en").
    static func suffix(_ language: String) -> String {
        String(language.prefix { $0 != "-" }).lowercased()
    }
}

/// Bad input or a failed write; main prints the message and exits with status 1.
enum PrepareError: Error, CustomStringConvertible {
    case usage(String)
    case unreadable(path: String, reason: String)
    case noPages(path: String)
    case unwritable(path: String, reason: String)

    var description: String {
        switch self {
        case .usage(let message): "\(message)\n\(PrepareOptions.usage)"
        case let .unreadable(path, reason): "cannot read \(path): \(reason)"
        case .noPages(let path):
            "no help pages (*.html) under \(path): is the language's libreoffice-help package installed?"
        case let .unwritable(path, reason): "cannot write \(path): \(reason)"
        }
    }
}
