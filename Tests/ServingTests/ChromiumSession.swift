import Foundation

/// Headless Chromium driven over the DevTools protocol on a pipe (--remote-debugging-pipe:
/// Chromium reads commands on descriptor 3 and writes answers on 4, each a JSON message
/// ended by a NUL byte), so the page test needs neither a WebSocket client nor Python.
final class ChromiumSession {
    enum Failure: Error, CustomStringConvertible {
        case notInstalled
        case spawn(Int32)
        case closed
        case protocolError(String)
        case timedOut(String)

        var description: String {
            switch self {
            case .notInstalled: return "chromium is not installed (Debian's chromium package)"
            case let .spawn(code): return "could not start chromium (posix_spawn \(code))"
            case .closed: return "chromium closed the DevTools pipe"
            case let .protocolError(message): return "DevTools: \(message)"
            case let .timedOut(what): return "timed out waiting for \(what)"
            }
        }
    }

    static var executable: String? {
        ["/usr/bin/chromium", "/usr/bin/chromium-browser"].first { FileManager.default.isExecutableFile(atPath: $0) }
    }

    private let pid: pid_t
    private let commands: Int32      // we write, Chromium reads (its fd 3)
    private let answers: Int32       // Chromium writes (its fd 4), we read
    private var pending: [UInt8] = []
    private var nextID = 1
    private let profile: URL
    /// The page's session, once `open` has attached to it.
    private var session: String?

    init() throws {
        guard let executable = Self.executable else { throw Failure.notInstalled }
        profile = FileManager.default.temporaryDirectory.appendingPathComponent("nmt-chromium-\(UUID().uuidString)")
        var toChromium: [Int32] = [0, 0], fromChromium: [Int32] = [0, 0]
        guard pipe(&toChromium) == 0, pipe(&fromChromium) == 0 else { throw Failure.spawn(errno) }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_adddup2(&actions, toChromium[0], 3)
        posix_spawn_file_actions_adddup2(&actions, fromChromium[1], 4)
        for fd in toChromium + fromChromium { posix_spawn_file_actions_addclose(&actions, fd) }
        let devNull = Glibc.open("/dev/null", O_WRONLY)
        posix_spawn_file_actions_adddup2(&actions, devNull, 1)
        posix_spawn_file_actions_adddup2(&actions, devNull, 2)
        let arguments = [executable, "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                         "--no-first-run", "--no-default-browser-check", "--hide-scrollbars", "--remote-debugging-pipe",
                         "--user-data-dir=\(profile.path)", "about:blank"]
        var argv: [UnsafeMutablePointer<CChar>?] = arguments.map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        var child: pid_t = 0
        let status = posix_spawn(&child, executable, &actions, nil, &argv, environ)
        close(devNull)
        close(toChromium[0])
        close(fromChromium[1])
        guard status == 0 else { throw Failure.spawn(status) }
        pid = child
        commands = toChromium[1]
        answers = fromChromium[0]
    }

    deinit {
        close(commands)
        close(answers)
        kill(pid, SIGKILL)
        var status: Int32 = 0
        waitpid(pid, &status, 0)
        try? FileManager.default.removeItem(at: profile)
    }

    /// Sends a command (to the page's session unless `browser`) and returns its result,
    /// skipping the events that arrive meanwhile.
    @discardableResult
    func send(_ method: String, _ params: [String: Any] = [:], browser: Bool = false) throws -> [String: Any] {
        let id = nextID
        nextID += 1
        var message: [String: Any] = ["id": id, "method": method, "params": params]
        if !browser, let session { message["sessionId"] = session }
        var bytes = Array(try JSONSerialization.data(withJSONObject: message))
        bytes.append(0)
        var written = 0
        while written < bytes.count {
            let n = bytes[written...].withUnsafeBytes { write(commands, $0.baseAddress, $0.count) }
            guard n > 0 else { throw Failure.closed }
            written += n
        }
        while true {
            let answer = try receive()
            guard answer["id"] as? Int == id else { continue }
            if let error = answer["error"] as? [String: Any] {
                throw Failure.protocolError("\(method): \(error["message"] ?? error)")
            }
            return answer["result"] as? [String: Any] ?? [:]
        }
    }

    private func receive() throws -> [String: Any] {
        while true {
            if let end = pending.firstIndex(of: 0) {
                let message = Array(pending[..<end])
                pending.removeFirst(end + 1)
                guard let object = try JSONSerialization.jsonObject(with: Data(message)) as? [String: Any] else {
                    throw Failure.protocolError("a message that is not an object")
                }
                return object
            }
            var buffer = [UInt8](repeating: 0, count: 65536)
            let n = buffer.withUnsafeMutableBytes { read(answers, $0.baseAddress, $0.count) }
            guard n > 0 else { throw Failure.closed }
            pending += buffer[..<n]
        }
    }

    /// Opens `url` in a new tab of `width`×`height` CSS pixels and waits for it to load.
    func open(_ url: String, width: Int, height: Int) throws {
        let target = try send("Target.createTarget", ["url": "about:blank"], browser: true)
        guard let targetID = target["targetId"] as? String else { throw Failure.protocolError("no targetId") }
        let attached = try send("Target.attachToTarget", ["targetId": targetID, "flatten": true], browser: true)
        session = attached["sessionId"] as? String
        try send("Emulation.setDeviceMetricsOverride", ["width": width, "height": height, "deviceScaleFactor": 1, "mobile": false])
        try send("Page.navigate", ["url": url])
        try waitFor("the page to load") { try self.evaluate("document.readyState") as? String == "complete" }
    }

    /// Evaluates a JavaScript expression in the page and returns its value.
    func evaluate(_ expression: String) throws -> Any? {
        let result = try send("Runtime.evaluate", ["expression": expression, "returnByValue": true, "awaitPromise": true])
        if let exception = result["exceptionDetails"] as? [String: Any] {
            throw Failure.protocolError("\(expression): \(exception["text"] ?? exception)")
        }
        return (result["result"] as? [String: Any])?["value"]
    }

    /// Types `text` into the focused element, as a keyboard would insert it.
    func type(_ text: String) throws {
        try send("Input.insertText", ["text": text])
    }

    /// Clicks the middle of the element `id` with the mouse.
    func click(id: String) throws {
        guard let rect = try evaluate("(() => { const r = document.getElementById('\(id)').getBoundingClientRect(); return [r.x + r.width / 2, r.y + r.height / 2]; })()") as? [Double] else {
            throw Failure.protocolError("no element \(id)")
        }
        for type in ["mouseMoved", "mousePressed", "mouseReleased"] {
            try send("Input.dispatchMouseEvent", ["type": type, "x": rect[0], "y": rect[1], "button": "left", "clickCount": 1])
        }
    }

    /// The page as PNG bytes.
    func screenshot() throws -> Data {
        let result = try send("Page.captureScreenshot", ["format": "png"])
        guard let base64 = result["data"] as? String, let data = Data(base64Encoded: base64) else {
            throw Failure.protocolError("no screenshot data")
        }
        return data
    }

    func waitFor(_ what: String, seconds: TimeInterval = 60, _ condition: () throws -> Bool) throws {
        let deadline = Date().addingTimeInterval(seconds)
        while try !condition() {
            guard Date() < deadline else { throw Failure.timedOut(what) }
            usleep(20_000)
        }
    }
}
