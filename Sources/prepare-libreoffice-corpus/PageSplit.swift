import Basics
/// The corpus's three parts.
enum Split: String, CaseIterable {
    case train, valid, test
}

/// Splits pairs by help page, so that no page has paragraphs in two splits, and keeps each
/// distinct pair once, in the first split that meets it.
///
/// Pages are visited in the order of a fixed hash of their path (FNV-1a, 64 bits), which
/// scatters the help's modules over the splits and is the same on every run: test takes
/// pages until it holds `heldOut` pairs, then valid, then train the rest. A pair met again
/// (on the same page or another) is dropped as a duplicate, so a paragraph repeated across
/// the help (common notes, menu paths) sits in one split only, and in test or valid first.
enum PageSplit {
    struct Result {
        var splits: [Split: [AlignedPair]] = [:]
        var pages: [Split: Int] = [:]
        var duplicates = 0
    }

    static func split(_ pairs: [AlignedPair], heldOut: Int) -> Result {
        var byPage: [String: [AlignedPair]] = [:]
        for pair in pairs { byPage[pair.page, default: []].append(pair) }
        let order = byPage.keys.sorted { (FNV1a.hash($0), $0) < (FNV1a.hash($1), $1) }
        var result = Result()
        var seen = Set<[String]>()
        for page in order {
            let split: Split = (result.splits[.test]?.count ?? 0) < heldOut ? .test
                : (result.splits[.valid]?.count ?? 0) < heldOut ? .valid : .train
            var kept: [AlignedPair] = []
            for pair in byPage[page]! {
                if seen.insert([pair.source, pair.target]).inserted { kept.append(pair) } else { result.duplicates += 1 }
            }
            guard !kept.isEmpty else { continue }
            result.splits[split, default: []] += kept
            result.pages[split, default: 0] += 1
        }
        return result
    }

}
