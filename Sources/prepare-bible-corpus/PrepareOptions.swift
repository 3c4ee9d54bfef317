/// Command-line options: the three mod2imp dumps and the output directory.
struct PrepareOptions: Equatable {
    var spanish: String
    var english: String
    var kjv: String
    var output: String

    static let usage = """
        usage: prepare-bible-corpus --spanish RV1909.imp --english WEB.imp --kjv KJV.imp \
        --output DIR
        """

    /// Reads `--name value` pairs; every option is required.
    init(arguments: [String]) throws {
        var values: [String: String] = [:]
        var remaining = arguments[...]
        while let flag = remaining.popFirst() {
            guard ["--spanish", "--english", "--kjv", "--output"].contains(flag) else {
                throw PrepareError.usage("unknown argument \(flag)")
            }
            guard let value = remaining.popFirst() else {
                throw PrepareError.usage("\(flag) needs a value")
            }
            values[flag] = value
        }
        func required(_ flag: String) throws -> String {
            guard let value = values[flag] else { throw PrepareError.usage("missing \(flag)") }
            return value
        }
        spanish = try required("--spanish")
        english = try required("--english")
        kjv = try required("--kjv")
        output = try required("--output")
    }
}
