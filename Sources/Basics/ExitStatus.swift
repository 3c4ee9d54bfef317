/// The exit statuses of the project's programs (sysexits.h values where one fits), so that
/// scripts and job schedulers can tell the cases apart. README, "Exit statuses".
public enum ExitStatus {
    /// Bad input (a file, config, checkpoint or model named in the message) or a failed run.
    public static let failure: Int32 = 1
    /// A wrong command line or setting (EX_USAGE, ArgumentParser's own status too).
    public static let usage: Int32 = 64
    /// This machine lacks what the program needs: OpenBLAS, or AVX2/FMA (EX_UNAVAILABLE).
    public static let unavailable: Int32 = 69
    /// Training stopped on SIGTERM or SIGINT after writing a checkpoint; resume it
    /// (EX_TEMPFAIL).
    public static let interrupted: Int32 = 75
}
