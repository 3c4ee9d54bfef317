import Foundation

// prepare-bible-corpus: builds the RV1909 → WEB corpus from mod2imp dumps.
// corpora/bible-es-en/prepare.sh makes the dumps and runs this.
do {
    let options = try PrepareOptions(arguments: Array(CommandLine.arguments.dropFirst()))
    print(try BibleCorpus.prepare(options), terminator: "")
} catch {
    FileHandle.standardError.write(Data("prepare-bible-corpus: \(error)\n".utf8))
    exit(1)
}
