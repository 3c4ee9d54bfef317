import Foundation

/// A request the server refuses or cannot answer, as the status and the JSON body
/// `{"error": message, "field": field}` it is sent with (LibreTranslate's error shape,
/// plus the field at fault).
public struct APIError: Error, Equatable, Sendable {
    /// The HTTP status code.
    public var status: Int
    public var message: String
    /// The request field at fault ("q[2]", "beam"), when one is.
    public var field: String?
    /// Seconds for a Retry-After header (queue full).
    public var retryAfter: Int?

    public init(status: Int, _ message: String, field: String? = nil, retryAfter: Int? = nil) {
        self.status = status
        self.message = message
        self.field = field
        self.retryAfter = retryAfter
    }

    /// 400 for `field`: the message names it first.
    public static func badField(_ field: String, _ problem: String) -> APIError {
        APIError(status: 400, "\(field): \(problem)", field: field)
    }

    public static func badRequest(_ message: String) -> APIError {
        APIError(status: 400, message)
    }

    /// The response body.
    public var json: Data {
        var object: [String: String] = ["error": message]
        if let field { object["field"] = field }
        return (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])) ?? Data("{}".utf8)
    }
}
