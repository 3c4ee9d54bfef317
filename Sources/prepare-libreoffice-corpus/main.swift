import Foundation

// prepare-libreoffice-corpus: aligns LibreOffice's help pages (and, optionally, its
// interface strings) of two languages into a parallel corpus split by page.
// corpora/libreoffice-de-en/prepare.sh installs the packages and runs this.
do {
    let options = try PrepareOptions(arguments: Array(CommandLine.arguments.dropFirst()))
    print(try LibreOfficeCorpus.prepare(options), terminator: "")
} catch {
    FileHandle.standardError.write(Data("prepare-libreoffice-corpus: \(error)\n".utf8))
    exit(1)
}
