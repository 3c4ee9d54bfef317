import CSentencePiece

extension spm_status {
    /// Throws `makeError(message)` when the call failed, releasing the library's message.
    func check(_ makeError: (String) -> SentencePieceError) throws {
        guard code != 0 else { return }
        var status = self
        let message = status.message.map { String(cString: $0) } ?? "status code \(code)"
        spm_status_release(&status)
        throw makeError(message)
    }
}
