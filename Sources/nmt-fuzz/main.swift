// nmt-fuzz TARGET [ARGUMENT…]: one parser of untrusted input (FuzzTargets.FuzzTarget)
// under libFuzzer, or a replay of saved inputs.
//
// Built for fuzzing (scripts/fuzz.sh: NMT_FUZZ defined, coverage instrumentation and the
// address sanitizer, libFuzzer linked without its own main), the arguments after TARGET go
// to libFuzzer (corpus directories, -max_total_time=…, -runs=…) through its
// LLVMFuzzerRunDriver. Built plainly, it replays every file in the directories or files
// given and reports the broken properties, which is how a saved crash is checked after a fix.
import Foundation
import FuzzTargets

#if NMT_FUZZ
typealias TestOneInput = @convention(c) (UnsafePointer<UInt8>?, Int) -> Int32

/// libFuzzer's entry point for programs with their own main (FuzzerDriver.cpp).
@_silgen_name("LLVMFuzzerRunDriver")
func LLVMFuzzerRunDriver(
    _ argc: UnsafeMutablePointer<Int32>, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>,
    _ testOneInput: TestOneInput
) -> Int32
#endif

func fail(_ message: String, status: Int32 = 2) -> Never {
    FileHandle.standardError.write(Data("nmt-fuzz: \(message)\n".utf8))
    exit(status)
}

let names = FuzzTarget.allCases.map(\.rawValue).joined(separator: ", ")
let arguments = CommandLine.arguments
guard arguments.count >= 2, let chosen = FuzzTarget(rawValue: arguments[1]) else {
    fail("usage: nmt-fuzz TARGET [libFuzzer arguments | input files or directories]; targets: \(names)")
}
#if NMT_FUZZ
/// The chosen target as a global: a C callback cannot capture the guard's binding.
let target = chosen

/// libFuzzer's callback.
let testOneInput: TestOneInput = { data, size in
    let bytes = size == 0 ? [] : Array(UnsafeBufferPointer(start: data, count: size))
    if let violation = target.check(bytes) {
        // A trap makes libFuzzer save the input as a crash.
        fatalError("\(target.rawValue): \(violation)")
    }
    return 0
}

// libFuzzer sees the program name and the arguments after TARGET.
let driverArguments = [arguments[0]] + arguments.dropFirst(2)
var argc = Int32(driverArguments.count)
var cArguments: [UnsafeMutablePointer<CChar>?] = driverArguments.map { strdup($0) } + [nil]
let status = cArguments.withUnsafeMutableBufferPointer { buffer -> Int32 in
    var argv = buffer.baseAddress
    return LLVMFuzzerRunDriver(&argc, &argv, testOneInput)
}
exit(status)
#else
// Replay: every file named, and every file in every directory named.
var files: [String] = []
for path in arguments.dropFirst(2) {
    var isDirectory: ObjCBool = false
    guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else { fail("\(path): no such file") }
    if isDirectory.boolValue {
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: path)) ?? []
        files += entries.sorted().map { path + "/" + $0 }
    } else {
        files.append(path)
    }
}
var broken = 0
for file in files {
    guard let data = FileManager.default.contents(atPath: file) else { fail("\(file): cannot read") }
    if let violation = chosen.check(Array(data)) {
        print("\(file): \(violation)")
        broken += 1
    }
}
print("\(chosen.rawValue): \(files.count) inputs replayed, \(broken) broke a property")
exit(broken == 0 ? 0 : 1)
#endif
