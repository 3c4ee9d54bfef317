extension TextLines {
    /// Several systems on standard input, as sacreBLEU reads them: the first line's tab count
    /// sets the number of systems, every line must have as many tab-separated fields, and each
    /// field after the first line loses its trailing whitespace (the first line is only
    /// stripped as a whole). Lines without a tab anywhere give `[self]`.
    /// - Throws: `EvaluationError.fieldCountMismatch` naming the first line that differs.
    public func splitSystems() throws -> [TextLines] {
        let tab: UInt8 = 0x09
        let hasTab = (0..<count).contains { line($0).contains(tab) }
        guard hasTab, count > 0 else { return [self] }
        let systems = line(0).split(separator: tab, omittingEmptySubsequences: false).count
        var fields = [[String]](repeating: [], count: systems)
        for i in 0..<count {
            let parts = line(i).split(separator: tab, omittingEmptySubsequences: false)
            guard parts.count == systems else {
                throw EvaluationError.fieldCountMismatch(line: i + 1, expected: systems, found: parts.count)
            }
            for (s, part) in parts.enumerated() {
                let bytes = Array(part)
                let end = i == 0 ? bytes.count : bytes.withUnsafeBufferPointer { UTF8Text.rstrippedEnd($0) }
                fields[s].append(String(decoding: bytes[..<end], as: UTF8.self))
            }
        }
        return fields.map { TextLines($0, source: source) }
    }
}
