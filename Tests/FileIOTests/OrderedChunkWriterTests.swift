import FileIO
import Foundation
import Testing

/// `OrderedChunkWriter`: chunks finished out of order still come out in order, each as
/// soon as every chunk before it is out.
@Suite(.timeLimit(.minutes(10))) struct OrderedChunkWriterTests {
    /// A pipe whose read end the test drains.
    final class Pipe {
        let read: Int32, write: Int32
        init() {
            var ends: [Int32] = [0, 0]
            precondition(pipe(&ends) == 0)
            read = ends[0]; write = ends[1]
        }
        deinit { close(read); close(write) }

        /// Whatever is in the pipe now.
        func available() -> String {
            var bytes: [UInt8] = []
            var buffer = [UInt8](repeating: 0, count: 4096)
            let flags = fcntl(read, F_GETFL)
            _ = fcntl(read, F_SETFL, flags | O_NONBLOCK)
            while true {
                let n = buffer.withUnsafeMutableBytes { Glibc.read(read, $0.baseAddress, $0.count) }
                if n <= 0 { break }
                bytes += buffer[..<n]
            }
            return String(decoding: bytes, as: UTF8.self)
        }
    }

    @Test func aChunkWaitsForTheOnesBeforeIt() throws {
        let pipe = Pipe()
        let writer = OrderedChunkWriter(descriptor: pipe.write, name: "pipe")
        try writer.finish(chunk: 2, text: "c\n")
        try writer.finish(chunk: 1, text: "b\n")
        #expect(pipe.available() == "")
        #expect(writer.held == 2 && writer.written == 0)
        try writer.finish(chunk: 0, text: "a\n")
        #expect(pipe.available() == "a\nb\nc\n")
        try writer.finish(chunk: 4, text: "e\n")
        #expect(pipe.available() == "")
        try writer.finish(chunk: 3, text: "d\n")
        #expect(pipe.available() == "d\ne\n")
        #expect(writer.written == 5 && writer.held == 0)
    }

    @Test func chunksFinishedOnManyThreadsInRandomOrderComeOutInOrder() throws {
        let pipe = Pipe()
        let writer = OrderedChunkWriter(descriptor: pipe.write, name: "pipe")
        var generator = SystemRandomNumberGenerator()
        let order = (0..<200).shuffled(using: &generator)
        DispatchQueue.concurrentPerform(iterations: order.count) { i in
            let chunk = order[i]
            usleep(UInt32.random(in: 0...300))
            try! writer.finish(chunk: chunk, text: "\(chunk)\n\(chunk)b\n")
        }
        let expected = (0..<200).map { "\($0)\n\($0)b\n" }.joined()
        #expect(pipe.available() == expected)
    }
}
