/// The ANSI colours sacreBLEU's `Color.format` wraps text in (colorama's `Fore` codes and
/// `Style.RESET_ALL`). sacreBLEU prints them only where colorama keeps them: standard output
/// is a terminal and neither `NO_COLOR` nor `--no-color` is set.
public enum TerminalColor: String, Sendable {
    case red = "\u{1B}[31m"
    case green = "\u{1B}[32m"
    case yellow = "\u{1B}[33m"
    case cyan = "\u{1B}[36m"

    /// Ends any colour. sacreBLEU also writes it once at exit whenever colours are on
    /// (colorama's `atexit` reset), even when nothing was coloured.
    public static let reset = "\u{1B}[0m"

    /// `text` in this colour when `enabled`, else unchanged.
    func wrap(_ text: String, _ enabled: Bool) -> String {
        enabled ? rawValue + text + Self.reset : text
    }
}
