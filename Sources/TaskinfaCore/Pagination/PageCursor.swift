import Foundation

/// An opaque pagination cursor: the sort key of the last row a page returned (keyset paging),
/// or an offset for relevance-ranked search. Clients only pass it back.
public struct PageCursor: Codable, Equatable, Sendable {
    public var sort: String
    public var direction: String
    public var values: [CursorValue]
    public var offset: Int?

    public init(sort: String, direction: String, values: [CursorValue], offset: Int? = nil) {
        self.sort = sort
        self.direction = direction
        self.values = values
        self.offset = offset
    }

    enum CodingKeys: String, CodingKey {
        case sort = "s", direction = "d", values = "v", offset = "o"
    }

    public func encoded() -> String {
        let data = (try? JSONEncoder().encode(self)) ?? Data()
        return data.base64EncodedString()
            .replacingOccurrences(of: "+", with: "-")
            .replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }

    public static func decode(_ text: String, field: String = "cursor") throws -> PageCursor {
        var base64 = text.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        base64 += String(repeating: "=", count: (4 - base64.count % 4) % 4)
        guard text.count <= 2000, let data = Data(base64Encoded: base64),
            let cursor = try? JSONDecoder().decode(PageCursor.self, from: data)
        else {
            throw ValidationError(field: field, message: "is not a cursor this server issued")
        }
        return cursor
    }
}

public enum CursorValue: Codable, Equatable, Sendable {
    case int(Int64)
    case string(String)

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if let int = try? container.decode(Int64.self) {
            self = .int(int)
        } else {
            self = .string(try container.decode(String.self))
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .int(let value): try container.encode(value)
        case .string(let value): try container.encode(value)
        }
    }
}

/// One page of results and the cursor of the next (nil on the last page).
public struct Page<Item: Sendable>: Sendable {
    public var items: [Item]
    public var nextCursor: String?

    public init(items: [Item], nextCursor: String?) {
        self.items = items
        self.nextCursor = nextCursor
    }
}
