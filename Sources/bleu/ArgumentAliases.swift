/// sacreBLEU's multi-letter single-dash flags (`-tok`, `-lc`, …), which ArgumentParser cannot
/// declare, rewritten to their long names so the two commands take the same arguments.
enum ArgumentAliases {
    static let longNames: [String: String] = [
        "-tok": "--tokenize",
        "-lc": "--lowercase",
        "-sv": "--smooth-value",
        "-sl": "--sentence-level",
        "-sh": "--short",
        "-cc": "--chrf-char-order",
        "-cw": "--chrf-word-order",
        "-V": "--version",
        "-ci": "--confidence",
        "-cin": "--confidence-n",
        "-par": "--paired-ar",
        "-pbs": "--paired-bs",
        "-parn": "--paired-ar-n",
        "-pbsn": "--paired-bs-n",
        "-nc": "--no-color",
    ]

    /// `arguments` with every alias replaced, also in the `-tok=intl` form. Arguments after
    /// `--` are left alone, since they are file names.
    static func expand(_ arguments: [String]) -> [String] {
        var result: [String] = []
        var passthrough = false
        for argument in arguments {
            if passthrough || argument == "--" {
                passthrough = true
                result.append(argument)
                continue
            }
            let parts = argument.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            if let long = longNames[String(parts[0])] {
                result.append(parts.count == 2 ? long + "=" + parts[1] : long)
            } else {
                result.append(argument)
            }
        }
        return result
    }
}
