import Foundation

/// An address range of an IP allowlist, `203.0.113.0/24` or `2001:db8::/32` (a bare address is
/// one host). A key with an allowlist works only from the addresses in it.
public struct CIDR: Equatable, Sendable, CustomStringConvertible {
    public let address: [UInt8]
    public let prefix: Int

    public static let maxPerKey = 20

    public init(_ text: String, field: String = "allowed_ips") throws {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        let parts = trimmed.split(separator: "/", omittingEmptySubsequences: false)
        guard (1...2).contains(parts.count), let bytes = CIDR.bytes(of: String(parts[0])) else {
            throw ValidationError(field: field, message: "\(text.prefix(60)) is not an address or range like 203.0.113.0/24 or 2001:db8::/32")
        }
        let bits = bytes.count * 8
        let prefix = parts.count == 2 ? Int(parts[1]) : bits
        guard let prefix, (0...bits).contains(prefix) else {
            throw ValidationError(field: field, message: "\(text.prefix(60)) has a prefix length out of 0–\(bits)")
        }
        self.address = bytes
        self.prefix = prefix
    }

    /// Whether `text` (an IPv4 or IPv6 address; an IPv4-mapped IPv6 address counts as IPv4) is in range.
    public func contains(_ text: String) -> Bool {
        guard var bytes = CIDR.bytes(of: text) else { return false }
        if address.count == 4, bytes.count == 16, bytes.prefix(12) == [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xFF, 0xFF] {
            bytes = Array(bytes.suffix(4))
        }
        guard bytes.count == address.count else { return false }
        var remaining = prefix
        for index in bytes.indices where remaining > 0 {
            let take = min(8, remaining)
            let mask = UInt8(truncatingIfNeeded: 0xFF << (8 - take))
            if bytes[index] & mask != address[index] & mask { return false }
            remaining -= take
        }
        return true
    }

    public var description: String {
        let text: String
        if address.count == 4 {
            text = address.map(String.init).joined(separator: ".")
        } else {
            text = Self.compressed(stride(from: 0, to: 16, by: 2).map { UInt16(address[$0]) << 8 | UInt16(address[$0 + 1]) })
        }
        return prefix == address.count * 8 ? text : "\(text)/\(prefix)"
    }

    /// RFC 5952 text: lower-case hex groups, the longest run of two or more zero groups as `::`.
    static func compressed(_ groups: [UInt16]) -> String {
        var best = (start: -1, length: 0)
        var index = 0
        while index < groups.count {
            guard groups[index] == 0 else { index += 1; continue }
            var end = index
            while end < groups.count && groups[end] == 0 { end += 1 }
            if end - index > best.length { best = (index, end - index) }
            index = end
        }
        let hex = groups.map { String($0, radix: 16) }
        guard best.length >= 2 else { return hex.joined(separator: ":") }
        let head = hex[..<best.start].joined(separator: ":")
        let tail = hex[(best.start + best.length)...].joined(separator: ":")
        return head + "::" + tail
    }

    /// The bytes of an IPv4 (4) or IPv6 (16) address, or nil.
    static func bytes(of text: String) -> [UInt8]? {
        if text.contains(":") { return ipv6(text) }
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 4 else { return nil }
        var bytes: [UInt8] = []
        for part in parts {
            guard !part.isEmpty, part.count <= 3, part.allSatisfy(\.isASCII), let value = UInt8(part) else { return nil }
            bytes.append(value)
        }
        return bytes
    }

    private static func ipv6(_ text: String) -> [UInt8]? {
        var text = Substring(text)
        if let zone = text.firstIndex(of: "%") { text = text[..<zone] }
        let halves = text.components(separatedBy: "::")
        guard halves.count <= 2 else { return nil }
        func groups(_ part: String) -> [UInt16]? {
            guard !part.isEmpty else { return [] }
            var values: [UInt16] = []
            let pieces = part.split(separator: ":", omittingEmptySubsequences: false)
            for (index, piece) in pieces.enumerated() {
                if index == pieces.count - 1, piece.contains("."), let v4 = bytes(of: String(piece)), v4.count == 4 {
                    values += [UInt16(v4[0]) << 8 | UInt16(v4[1]), UInt16(v4[2]) << 8 | UInt16(v4[3])]
                } else {
                    guard (1...4).contains(piece.count), let value = UInt16(piece, radix: 16) else { return nil }
                    values.append(value)
                }
            }
            return values
        }
        guard let head = groups(halves[0]) else { return nil }
        var all = head
        if halves.count == 2 {
            guard let tail = groups(halves[1]), head.count + tail.count < 8 else { return nil }
            all += Array(repeating: 0, count: 8 - head.count - tail.count) + tail
        }
        guard all.count == 8 else { return nil }
        return all.flatMap { [UInt8($0 >> 8), UInt8($0 & 0xFF)] }
    }

    /// An allowlist as given (each entry checked, at most `maxPerKey`).
    public static func allowlist(_ entries: [String], field: String = "allowed_ips") throws -> [CIDR] {
        if entries.count > maxPerKey { throw ValidationError(field: field, message: "must have at most \(maxPerKey) entries") }
        return try entries.map { try CIDR($0, field: field) }
    }
}
