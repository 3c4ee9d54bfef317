import Foundation

/// Options or inputs that search cannot run with.
public enum SearchError: Error, LocalizedError, Equatable {
    case invalidBeam(Int)
    case invalidNBest(nbest: Int, beam: Int)
    case invalidLengthPenalty(Float)
    case negativeOption(name: String, value: String)
    case beamExceedsVocabulary(beam: Int, vocabularySize: Int)
    case invalidBatchSize(Int)
    case sentenceCountMismatch(sources: Int, targets: Int)

    public var errorDescription: String? {
        switch self {
        case .invalidBeam(let beam): "beam size must be at least 1, got \(beam)"
        case let .invalidNBest(nbest, beam): "nbest must be between 1 and the beam size \(beam), got \(nbest)"
        case .invalidLengthPenalty(let lenpen): "length penalty must be a finite number, got \(lenpen)"
        case let .negativeOption(name, value): "\(name) must not be negative, got \(value)"
        case let .beamExceedsVocabulary(beam, size):
            "beam size \(beam) needs a target vocabulary of at least \(beam + 2) ids (beam + pad + eos), got \(size)"
        case .invalidBatchSize(let size): "batch size must be at least 1 sentence, got \(size)"
        case let .sentenceCountMismatch(sources, targets): "\(sources) source sentences but \(targets) targets"
        }
    }
}
