import Basics
/// Encoding many lines on several threads.
extension SentencePieceModel {
    /// The ids of each line, in the order of `lines`, computed on up to `threads` threads.
    /// The result does not depend on `threads`.
    public func encode(_ lines: [String], threads: Int) throws -> [[Int32]] {
        try mapInParallel(lines, threads: threads) { try encode($0, with: $1) }
    }

    /// The pieces of each line, in the order of `lines`, computed on up to `threads` threads.
    public func encodeAsPieces(_ lines: [String], threads: Int) throws -> [[String]] {
        try mapInParallel(lines, threads: threads) { try encodeAsPieces($0, with: $1) }
    }

    private func mapInParallel<T>(
        _ lines: [String], threads: Int, _ transform: (String, CodingBuffers) throws -> T
    ) throws -> [T] {
        var results = [T?](repeating: nil, count: lines.count)
        try results.withUnsafeMutableBufferPointer { results in
            // Chunks write disjoint ranges of `results`.
            nonisolated(unsafe) let output = results
            try Chunks.forEach(lines.count, threads: threads, minimumPerChunk: 64) { _, range in
                let buffers = CodingBuffers()
                for index in range {
                    output[index] = try transform(lines[index], buffers)
                }
            }
        }
        return results.map { $0! }
    }
}
