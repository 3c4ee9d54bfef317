import Foundation

/// A JSON value as sent, so that wrong types can be named precisely (a `true` is not a
/// number and a `1.5` is not an integer, which JSONSerialization's NSNumbers blur).
public enum JSONValue: Decodable, Equatable, Sendable {
    case null
    case bool(Bool)
    case integer(Int)
    case number(Double)
    case string(String)
    case array([JSONValue])
    case object([String: JSONValue])

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() { self = .null }
        else if let value = try? container.decode(Bool.self) { self = .bool(value) }
        else if let value = try? container.decode(Int.self) { self = .integer(value) }
        else if let value = try? container.decode(Double.self) { self = .number(value) }
        else if let value = try? container.decode(String.self) { self = .string(value) }
        else if let value = try? container.decode([JSONValue].self) { self = .array(value) }
        else { self = .object(try container.decode([String: JSONValue].self)) }
    }

    /// How an error message names this value's type.
    var typeName: String {
        switch self {
        case .null: return "null"
        case .bool: return "a boolean"
        case .integer, .number: return "a number"
        case .string: return "a string"
        case .array: return "a list"
        case .object: return "an object"
        }
    }
}

/// The fields of a request body, from JSON or from an HTML form
/// (application/x-www-form-urlencoded, which LibreTranslate's clients send), with typed
/// accessors whose errors name the field and what it should be.
public struct RequestFields: Sendable {
    public private(set) var values: [String: JSONValue]

    public init(values: [String: JSONValue]) {
        self.values = values
    }

    /// Parses a body: JSON when the content type says so or the body starts with `{`
    /// (curl's -d labels JSON as a form; no form starts with a brace), else form encoding. Invalid UTF-8, malformed JSON and a JSON body that is not an
    /// object are 400s.
    public init(body: [UInt8], contentType: String?) throws(APIError) {
        guard let text = String(validating: body, as: UTF8.self) else {
            let offset = RequestFields.firstInvalidUTF8(body) ?? 0
            throw APIError.badRequest("the body is not valid UTF-8 (byte \(offset))")
        }
        let type = contentType?.split(separator: ";").first.map { $0.trimmingCharacters(in: .whitespaces).lowercased() }
        let looksLikeJSON = text.drop(while: \.isWhitespace).first == "{"
        if type == "application/json" || looksLikeJSON {
            let value: JSONValue
            do {
                value = try JSONDecoder().decode(JSONValue.self, from: Data(body))
            } catch {
                throw APIError.badRequest("the body is not valid JSON")
            }
            guard case let .object(object) = value else {
                throw APIError.badRequest("the body must be a JSON object, got \(value.typeName)")
            }
            values = object
        } else if type == nil || type == "application/x-www-form-urlencoded" {
            values = try RequestFields.form(text)
        } else {
            throw APIError(status: 415, "content type \(type!) is not supported; send application/json or application/x-www-form-urlencoded")
        }
    }

    /// `a=1&b=x+y`: `+` is a space, `%XX` a byte; a key given twice keeps its last value.
    static func form(_ text: String) throws(APIError) -> [String: JSONValue] {
        var values: [String: JSONValue] = [:]
        for pair in text.split(separator: "&", omittingEmptySubsequences: true) {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let key = try percentDecoded(parts[0], field: "form key")
            let value = try percentDecoded(parts.count > 1 ? parts[1] : "", field: key)
            values[key] = .string(value)
        }
        return values
    }

    private static func percentDecoded(_ text: Substring, field: String) throws(APIError) -> String {
        var bytes: [UInt8] = []
        var iterator = Array(text.utf8).makeIterator()
        while let byte = iterator.next() {
            switch byte {
            case UInt8(ascii: "+"): bytes.append(UInt8(ascii: " "))
            case UInt8(ascii: "%"):
                guard let high = iterator.next().flatMap(hexValue), let low = iterator.next().flatMap(hexValue) else {
                    throw APIError.badField(field, "malformed percent escape")
                }
                bytes.append(high << 4 | low)
            default: bytes.append(byte)
            }
        }
        guard let decoded = String(validating: bytes, as: UTF8.self) else {
            throw APIError.badField(field, "not valid UTF-8 after percent decoding")
        }
        return decoded
    }

    private static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): return byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): return byte - UInt8(ascii: "A") + 10
        default: return nil
        }
    }

    static func firstInvalidUTF8(_ bytes: [UInt8]) -> Int? {
        // The offset of the first byte of the scalar that fails to decode.
        var decoder = UTF8()
        var iterator = bytes.makeIterator()
        var consumed = 0
        while true {
            switch decoder.decode(&iterator) {
            case let .scalarValue(scalar): consumed += UTF8.width(scalar)
            case .emptyInput: return nil
            case .error: return consumed
            }
        }
    }

    // MARK: Typed fields

    /// Refuses fields outside `known` (a misspelt option would otherwise be ignored).
    public func requireOnly(_ known: Set<String>) throws(APIError) {
        if let unknown = values.keys.sorted().first(where: { !known.contains($0) }) {
            throw APIError.badField(unknown, "unknown field; expected one of \(known.sorted().joined(separator: ", "))")
        }
    }

    public func string(_ name: String) throws(APIError) -> String? {
        switch values[name] {
        case nil, .null?: return nil
        case let .string(value)?: return value
        case let other?: throw APIError.badField(name, "must be a string, got \(other.typeName)")
        }
    }

    /// One string or a list of strings; `isList` tells which was sent.
    public func strings(_ name: String) throws(APIError) -> (values: [String], isList: Bool)? {
        switch values[name] {
        case nil, .null?: return nil
        case let .string(value)?: return ([value], false)
        case let .array(items)?:
            var strings: [String] = []
            for (i, item) in items.enumerated() {
                guard case let .string(value) = item else {
                    throw APIError.badField("\(name)[\(i)]", "must be a string, got \(item.typeName)")
                }
                strings.append(value)
            }
            return (strings, true)
        case let other?: throw APIError.badField(name, "must be a string or a list of strings, got \(other.typeName)")
        }
    }

    /// true or false; a form's text "true" or "false" is parsed.
    public func boolean(_ name: String) throws(APIError) -> Bool? {
        switch values[name] {
        case nil, .null?: return nil
        case let .bool(value)?: return value
        case .string("true")?: return true
        case .string("false")?: return false
        case let other?: throw APIError.badField(name, "must be true or false, got \(other.typeName)")
        }
    }

    /// An integer in `range`; a form's text is parsed.
    public func integer(_ name: String, in range: ClosedRange<Int>) throws(APIError) -> Int? {
        let value: Int
        switch values[name] {
        case nil, .null?: return nil
        case let .integer(number)?: value = number
        case let .string(text)? where Int(text) != nil: value = Int(text)!
        case let .number(number)?: throw APIError.badField(name, "must be an integer, got \(number)")
        case let other?: throw APIError.badField(name, "must be an integer, got \(other.typeName)")
        }
        guard range.contains(value) else {
            throw APIError.badField(name, "must be in \(range.lowerBound)...\(range.upperBound), got \(value)")
        }
        return value
    }

    /// A finite number in `range`; a form's text is parsed.
    public func number(_ name: String, in range: ClosedRange<Double>) throws(APIError) -> Double? {
        let value: Double
        switch values[name] {
        case nil, .null?: return nil
        case let .integer(number)?: value = Double(number)
        case let .number(number)?: value = number
        case let .string(text)? where Double(text) != nil: value = Double(text)!
        case let other?: throw APIError.badField(name, "must be a number, got \(other.typeName)")
        }
        guard value.isFinite, range.contains(value) else {
            throw APIError.badField(name, "must be in \(range.lowerBound)...\(range.upperBound), got \(value)")
        }
        return value
    }
}
