import Foundation
import Hummingbird
import Logging
import NIOCore

/// The request context of `nmt serve`: Hummingbird's core, plus the usage the handler
/// records for the access log.
public struct ServingContext: RequestContext {
    public var coreContext: CoreRequestContextStorage
    let usage = UsageRecord()

    public init(source: Source) {
        coreContext = .init(source: source)
    }
}

/// Shared between a handler and the access log (the context is copied, the record not).
final class UsageRecord: @unchecked Sendable {
    // @unchecked: `value` is guarded by `lock`.
    private let lock = NSLock()
    private var value = RequestUsage()

    var usage: RequestUsage {
        get { lock.withLock { value } }
        set { lock.withLock { value = newValue } }
    }
}

/// `nmt serve`'s HTTP server (Hummingbird, HTTP/1.1): the routes over `TranslationAPI`,
/// JSON errors for everything that goes wrong, an access log line per request, and a
/// graceful stop on SIGTERM or SIGINT (no new connections; requests in flight are
/// answered; then the batcher finishes).
///
/// Routes: `GET /` (the page), `GET /health`, `GET /languages`, `POST /translate`
/// (LibreTranslate's), `POST /v1/translate` (native: beam, n-best, scores).
public final class TranslationServer: Sendable {
    public let api: TranslationAPI
    public let host: String
    public let port: Int
    private let accessLog: @Sendable (String) -> Void

    /// - Parameter accessLog: receives one line per request (method, path, status,
    ///   texts, tokens, milliseconds).
    public init(api: TranslationAPI, host: String = "127.0.0.1", port: Int = 5000,
                accessLog: @escaping @Sendable (String) -> Void) {
        self.api = api
        self.host = host
        self.port = port
        self.accessLog = accessLog
    }

    /// Serves until SIGTERM or SIGINT (with `signals`) or until the task is cancelled,
    /// then stops the batcher. `onListening` gets the bound port (useful with port 0).
    public func run(handlingSignals signals: Bool = true, onListening: @escaping @Sendable (Int) async -> Void = { _ in })
        async throws
    {
        var logger = Logger(label: "nmt-serve")
        logger.logLevel = .warning
        let app = Application(
            router: makeRouter(),
            configuration: .init(address: .hostname(host, port: port), serverName: "nmt"),
            onServerRunning: { channel in await onListening(channel.localAddress?.port ?? -1) },
            logger: logger)
        do {
            if signals {
                try await app.runService(gracefulShutdownSignals: [.sigterm, .sigint])
            } else {
                try await app.run()
            }
        } catch {
            await api.batcher.stopped()
            throw error
        }
        await api.batcher.stopped()
    }

    func makeRouter() -> Router<ServingContext> {
        let router = Router(context: ServingContext.self)
        router.add(middleware: AccessLogMiddleware(log: accessLog))
        router.add(middleware: JSONErrorMiddleware())
        let api = self.api
        let maxBody = api.settings.limits.maxBodyBytes
        router.get("/") { _, _ in
            Response(status: .ok, headers: [.contentType: "text/html; charset=utf-8"],
                     body: .init(byteBuffer: ByteBuffer(string: TranslationPage.html(settings: api.settings))))
        }
        router.get("/health") { _, _ in Self.json(api.health) }
        router.get("/languages") { _, _ in Self.json(api.languages) }
        router.post("/translate") { request, context in
            try await Self.answer(request, context, maxBody: maxBody) { try await api.libreTranslate($0) }
        }
        router.post("/v1/translate") { request, context in
            try await Self.answer(request, context, maxBody: maxBody) { try await api.native($0) }
        }
        for path in ["/translate", "/v1/translate"] {
            router.get(RouterPath(path)) { _, _ -> Response in
                throw APIError(status: 405, "\(path) takes POST with a JSON or form body")
            }
        }
        return router
    }

    /// Reads the body within the limit, parses its fields, runs `endpoint`, and records
    /// the usage; an `APIError` thrown here becomes its JSON response in `JSONErrorMiddleware`.
    private static func answer(_ request: Request, _ context: ServingContext, maxBody: Int,
                               _ endpoint: (RequestFields) async throws -> (Data, RequestUsage)) async throws -> Response
    {
        let body: ByteBuffer
        do {
            body = try await request.body.collect(upTo: maxBody)
        } catch is NIOTooManyBytesError {
            throw APIError(status: 413, "the body is larger than the limit of \(maxBody) bytes")
        }
        let fields = try RequestFields(body: Array(buffer: body), contentType: request.headers[.contentType])
        let (data, usage) = try await endpoint(fields)
        context.usage.usage = usage
        return json(data)
    }

    static func json(_ data: Data, status: HTTPResponse.Status = .ok) -> Response {
        Response(status: status, headers: [.contentType: "application/json"],
                 body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }

    static func errorResponse(_ error: APIError) -> Response {
        var response = json(error.json, status: HTTPResponse.Status(code: error.status))
        if let seconds = error.retryAfter { response.headers[.retryAfter] = String(seconds) }
        return response
    }
}

/// Every error that escapes a handler (an unknown path, a wrong method, a fault) as a
/// JSON error response with its status; faults are 500s that say what failed.
struct JSONErrorMiddleware: RouterMiddleware {
    typealias Context = ServingContext

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws
        -> Response
    {
        do {
            return try await next(request, context)
        } catch let error as APIError {
            return TranslationServer.errorResponse(error)
        } catch let error as HTTPResponseError {
            let status = error.status
            let message = status == .notFound ? "no such endpoint: \(request.method) \(request.uri.path)"
                : status.reasonPhrase
            return TranslationServer.errorResponse(APIError(status: status.code, message))
        } catch {
            return TranslationServer.errorResponse(APIError(status: 500, "internal error: \(error.localizedDescription)"))
        }
    }
}

/// One line per request: method, path, status, texts, tokens, milliseconds.
struct AccessLogMiddleware: RouterMiddleware {
    typealias Context = ServingContext
    let log: @Sendable (String) -> Void

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws
        -> Response
    {
        let start = ContinuousClock.now
        let response = try await next(request, context)
        let elapsed = ContinuousClock.now - start
        let milliseconds = Double(elapsed.components.seconds) * 1e3 + Double(elapsed.components.attoseconds) * 1e-15
        let usage = context.usage.usage
        log("\(request.method) \(request.uri.path) \(response.status.code) texts=\(usage.texts) tokens=\(usage.tokens) "
            + "ms=\(String(format: "%.1f", milliseconds))")
        for warning in usage.warnings { log("warning: \(request.uri.path) \(warning)") }
        return response
    }
}
