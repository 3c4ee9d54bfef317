/// A Spanish verse with the English verses that translate it.
struct AlignedPair: Equatable {
    /// Where the Spanish verse is in RV1909.
    let spanishReference: Reference
    /// Where its translation is in the WEB and the KJV; differs from `spanishReference`
    /// where RV1909 divides the verses differently.
    let englishReference: Reference
    let spanish: String
    let english: String
    let kjv: String
}

/// The outcome of aligning the Spanish verses: pairs in Spanish order, and what was dropped.
struct Alignment: Equatable {
    var pairs: [AlignedPair] = []
    /// The Spanish references dropped, by reason, in Spanish order.
    var dropped: [DropReason: [Reference]] = [:]
    /// Pairs whose English reference differs from the Spanish one.
    var realigned: Int { pairs.filter { $0.spanishReference != $0.englishReference }.count }
}

/// Pairs RV1909 verses with WEB and KJV verses.
///
/// All three modules use the KJV versification, but in about fifteen chapters RV1909 puts
/// the text one or more verses away (Numbers 12:16 sits at 13:1, Job 38:39–41:8 and
/// 1 Samuel 24 are shifted). RV1909 and the KJV both tag words with Strong's numbers, so
/// the verse that translates a Spanish verse is the KJV verse whose numbers agree: the
/// one with the same reference when it agrees, otherwise the best agreeing verse nearby.
/// The WEB's numbers follow the Hebrew verse division and cannot be used for this, and
/// its own versification differs in a few places, hence the final length check.
enum VerseAligner {
    /// Agreement (Jaccard index of Strong's numbers) from which a verse is taken to
    /// translate the verse with the same reference without looking further; in-place
    /// pairs mostly score 0.6–1.0, shifted ones below 0.2.
    static let sameReferenceAgreement = 0.3
    /// Agreement with which the same reference is still taken when no verse nearby
    /// agrees well (short verses share few numbers).
    static let weakSameReferenceAgreement = 0.2
    /// Agreement a verse elsewhere needs to be taken instead.
    static let movedAgreement = 0.5
    /// How many verses before and after are searched (the largest shift, in Job 40, is
    /// five verses).
    static let searchRadius = 8
    /// Spanish/English character-count ratios outside this range mean the texts differ
    /// (one side has a clause the other lacks, or the verse division differs).
    static let plausibleLengthRatio = 0.6...1.7
    /// Added to both lengths before the ratio is taken, so that short verses, whose
    /// lengths vary more ("No adulterarás." / "You shall not commit adultery."), pass.
    static let lengthSmoothing = 20.0

    /// Aligns `spanish` (in canonical order) with the English texts by reference.
    static func align(
        spanish: [(Reference, CleanVerse)],
        english: [Reference: CleanVerse],
        kjv: [Reference: CleanVerse]
    ) -> Alignment {
        var alignment = Alignment()
        let matches = bestMatches(spanish: spanish, kjv: kjv)
        for (index, (reference, verse)) in spanish.enumerated() {
            let outcome = pair(reference: reference, verse: verse, match: matches[index],
                               english: english, kjv: kjv)
            switch outcome {
            case .success(let pair): alignment.pairs.append(pair)
            case .failure(let reason): alignment.dropped[reason, default: []].append(reference)
            }
        }
        return alignment
    }

    /// The pair for one Spanish verse, or why there is none.
    static func pair(
        reference: Reference, verse: CleanVerse, match: Match?,
        english: [Reference: CleanVerse], kjv: [Reference: CleanVerse]
    ) -> Result<AlignedPair, DropReason> {
        if verse.text.isEmpty { return .failure(.emptySpanish) }
        guard let match else { return .failure(.noMatchingVerse) }
        guard match.isBest else { return .failure(.duplicateMatch) }
        let englishText = english[match.reference]?.text ?? ""
        let kjvText = kjv[match.reference]?.text ?? ""
        if englishText.isEmpty { return .failure(.emptyEnglish) }
        if kjvText.isEmpty { return .failure(.emptyKJV) }
        if !hasPlausibleLengths(verse.text, englishText) { return .failure(.implausibleLength) }
        return .success(AlignedPair(spanishReference: reference, englishReference: match.reference,
                                    spanish: verse.text, english: englishText, kjv: kjvText))
    }

    /// The KJV verse a Spanish verse translates, with its agreement.
    struct Match: Equatable {
        let reference: Reference
        let agreement: Double
        /// False when another Spanish verse agrees better with the same KJV verse.
        var isBest = true
    }

    /// For each Spanish verse its matching KJV verse (nil for none); when two Spanish
    /// verses match the same KJV verse, only the better (then the earlier) is the best.
    static func bestMatches(
        spanish: [(Reference, CleanVerse)], kjv: [Reference: CleanVerse]
    ) -> [Match?] {
        var matches = spanish.indices.map { match(at: $0, in: spanish, kjv: kjv) }
        var bestIndex: [Reference: Int] = [:]
        for (index, match) in matches.enumerated() {
            guard let match else { continue }
            if let other = bestIndex[match.reference] {
                let loser = matches[other]!.agreement >= match.agreement ? index : other
                matches[loser]!.isBest = false
                if loser == other { bestIndex[match.reference] = index }
            } else {
                bestIndex[match.reference] = index
            }
        }
        return matches
    }

    /// The KJV verse that `spanish[index]` translates: the same reference if it agrees,
    /// else the best agreeing verse within `searchRadius` verses of the same book, else
    /// the same reference if it agrees weakly.
    static func match(
        at index: Int, in spanish: [(Reference, CleanVerse)], kjv: [Reference: CleanVerse]
    ) -> Match? {
        let (reference, verse) = spanish[index]
        let same = agreement(verse, kjv[reference]) ?? 0
        if same >= sameReferenceAgreement { return Match(reference: reference, agreement: same) }
        let window = max(0, index - searchRadius)...min(spanish.count - 1, index + searchRadius)
        var best: Match?
        for candidate in window.map({ spanish[$0].0 }) where candidate.book == reference.book {
            guard let score = agreement(verse, kjv[candidate]), score >= movedAgreement,
                  score > (best?.agreement ?? 0) else { continue }
            best = Match(reference: candidate, agreement: score)
        }
        if best == nil && same >= weakSameReferenceAgreement {
            return Match(reference: reference, agreement: same)
        }
        return best
    }

    /// Jaccard index of two verses' Strong's numbers; nil when either has none.
    static func agreement(_ a: CleanVerse, _ b: CleanVerse?) -> Double? {
        guard let b, !a.strongs.isEmpty, !b.strongs.isEmpty else { return nil }
        let shared = a.strongs.intersection(b.strongs).count
        return Double(shared) / Double(a.strongs.union(b.strongs).count)
    }

    /// Whether the two texts' lengths are close enough to be translations of each other.
    static func hasPlausibleLengths(_ spanish: String, _ english: String) -> Bool {
        let ratio = (Double(spanish.count) + lengthSmoothing) / (Double(english.count) + lengthSmoothing)
        return plausibleLengthRatio.contains(ratio)
    }
}
